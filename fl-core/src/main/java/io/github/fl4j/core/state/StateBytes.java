package io.github.fl4j.core.state;

import io.github.fl4j.core.api.StateCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The encoded form of one store's states, shared by the stores that keep bytes (in memory, on disk): a batch of states
 * checked and encoded through the codec before anything is stored (so a failing codec leaves the store as it was),
 * and bytes decoded into objects handed back with {@link #release} (ND4J allocation is slow). Not thread-safe, like
 * the stores.
 *
 * @param <T> the state type
 */
final class StateBytes<T> {
    private static final int MAX_FREE = 4096;

    private final String name;
    private final StateCodec<T> codec;
    private final ArrayDeque<T> free = new ArrayDeque<>();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    private final DataOutputStream out = new DataOutputStream(buffer);

    /**
     * @param name  what the store holds (for error messages)
     * @param codec the states' codec
     */
    StateBytes(String name, StateCodec<T> codec) {
        this.name = name;
        this.codec = codec;
    }

    /** Fails naming the store when {@code id} is negative. */
    void checkId(int id) {
        if (id < 0) {
            throw new IllegalArgumentException(name + ": client id must be >= 0, was " + id);
        }
    }

    /**
     * The encodings of {@code values}, one per id, all made before the caller stores any of them.
     *
     * @throws IllegalArgumentException if the lengths differ, an id is negative or a state is null
     */
    byte[][] encodeAll(int[] clientIds, List<T> values) {
        if (clientIds.length != values.size()) {
            throw new IllegalArgumentException(name + ": " + clientIds.length + " client ids but " + values.size()
                    + " states");
        }
        byte[][] encoded = new byte[clientIds.length][];
        for (int i = 0; i < clientIds.length; i++) {
            int id = clientIds[i];
            checkId(id);
            T state = values.get(i);
            if (state == null) {
                throw new IllegalArgumentException(name + ": the state of client " + id + " must not be null");
            }
            buffer.reset();
            try {
                codec.write(state, out);
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(name + ": the state of client " + id + " cannot be encoded: "
                        + e.getMessage(), e);
            }
            encoded[i] = buffer.toByteArray();
        }
        return encoded;
    }

    /** The state of client {@code id} decoded from {@code bytes}, into a released object when there is one. */
    T decode(int id, byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            T reuse = free.pollFirst();
            return reuse == null ? codec.read(in) : codec.read(in, reuse);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": the state of client " + id + " cannot be decoded: "
                    + e.getMessage(), e);
        }
    }

    /** Keeps {@code state} for a later {@link #decode} (up to a bound). */
    void release(T state) {
        if (state != null && free.size() < MAX_FREE) {
            free.addLast(state);
        }
    }

    /** Drops the released objects (after the contents were replaced). */
    void clearReleased() {
        free.clear();
    }
}
