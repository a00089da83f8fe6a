package io.github.fl4j.core.tensor;

import java.lang.ref.WeakReference;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataBuffer;

/**
 * A small per-thread cache from an ND4J data buffer (by identity) to something derived from it that costs an
 * allocation to make: its native pointer, its NIO view. Direct-mapped by identity hash over {@link #SLOTS} slots; the
 * keys are weak, so a cached entry never keeps an array (and its native memory) alive. A hit allocates nothing; a
 * miss allocates the value and one WeakReference. Not thread-safe: one instance per thread.
 *
 * @param <V> the cached value; it must not refer back to the data buffer (else the weak key could not clear)
 */
final class BufferCache<V> {
    /** Number of slots (a power of two). */
    static final int SLOTS = 256;

    @SuppressWarnings("unchecked")
    private final WeakReference<DataBuffer>[] keys = new WeakReference[SLOTS];
    private final Object[] values = new Object[SLOTS];
    private final Function<DataBuffer, V> make;

    BufferCache(Function<DataBuffer, V> make) {
        this.make = make;
    }

    @SuppressWarnings("unchecked")
    V get(DataBuffer b) {
        int h = System.identityHashCode(b);
        int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
        WeakReference<DataBuffer> k = keys[slot];
        if (k != null && k.get() == b) {
            return (V) values[slot];
        }
        V v = make.apply(b);
        keys[slot] = new WeakReference<>(b);
        values[slot] = v;
        return v;
    }
}
