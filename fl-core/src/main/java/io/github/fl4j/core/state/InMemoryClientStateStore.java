package io.github.fl4j.core.state;

import io.github.fl4j.core.api.StateCodec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The default {@link ClientStateStore}: every state is kept on the heap in its encoded form (one byte array per client,
 * written by the state's {@link StateCodec}). Encoding on {@link #putAll} and decoding on {@link #getAll} is what makes
 * aliasing impossible, and it means a codec that leaves a field out breaks every run, not only resumed ones.
 *
 * <p>Cost per participant and round: one encode and one decode of its state (a bulk copy of its vectors); objects
 * handed back with {@link #release} are decoded into again, so a steady-state run allocates no state arrays. Memory:
 * the encoded size of every stored state (4 d bytes and a few header bytes per float32 d-vector), plus one reference
 * per client id up to the largest id stored.
 *
 * <p>A {@link #putAll} is atomic: every state is encoded before any is stored, so a codec or argument that fails
 * half-way leaves the store as it was.
 *
 * <p>Not thread-safe: used from the engine's thread.
 *
 * @param <T> the state type
 */
public final class InMemoryClientStateStore<T> implements ClientStateStore<T>, EncodedStore {

    private final String name;
    private final StateCodec<T> codec;
    private byte[][] states = new byte[16][];
    private int size;
    private long bytes;
    private final StateBytes<T> bytesOf;

    /**
     * @param name  what the store holds (for error messages)
     * @param codec the states' codec
     */
    public InMemoryClientStateStore(String name, StateCodec<T> codec) {
        if (name == null || codec == null) {
            throw new IllegalArgumentException("name and codec must not be null, were " + name + ", " + codec);
        }
        this.name = name;
        this.codec = codec;
        this.bytesOf = new StateBytes<>(name, codec);
    }

    @Override
    public List<T> getAll(int[] clientIds) {
        List<T> result = new ArrayList<>(clientIds.length);
        for (int id : clientIds) {
            checkId(id);
            byte[] b = id < states.length ? states[id] : null;
            if (b == null) {
                result.add(null);
                continue;
            }
            result.add(bytesOf.decode(id, b));
        }
        return result;
    }

    @Override
    public void putAll(int[] clientIds, List<T> values) {
        byte[][] all = bytesOf.encodeAll(clientIds, values);
        for (int i = 0; i < clientIds.length; i++) {
            int id = clientIds[i];
            byte[] encoded = all[i];
            if (id >= states.length) {
                states = Arrays.copyOf(states, Math.max(id + 1, states.length * 2));
            }
            byte[] old = states[id];
            if (old == null) {
                size++;
            } else {
                bytes -= old.length;
            }
            states[id] = encoded;
            bytes += encoded.length;
        }
    }

    /**
     * This store's encoded states seen through another codec, sharing them (and the file): how a server table restored
     * from a checkpoint before its codec was known gets its codec. This object must not be used afterwards.
     */
    @Override
    public <U> ClientStateStore<U> bind(StateCodec<U> c) {
        InMemoryClientStateStore<U> b = new InMemoryClientStateStore<>(name, c);
        b.states = states;
        b.size = size;
        b.bytes = bytes;
        return b;
    }

    @Override
    public void release(T state) {
        bytesOf.release(state);
    }

    @Override
    public boolean contains(int clientId) {
        return clientId >= 0 && clientId < states.length && states[clientId] != null;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public long encodedBytes() {
        return bytes;
    }

    /** Format: version byte 1, int count, then for each stored client in increasing id order: int id, int length, bytes. */
    @Override
    public void writeTo(DataOutput o) throws IOException {
        StoreFormat.writeHeader(o, size);
        for (int id = 0; id < states.length; id++) {
            if (states[id] != null) {
                StoreFormat.writeEntry(o, id, states[id]);
            }
        }
    }

    @Override
    public void readFrom(DataInput in) throws IOException {
        byte[][][] read = {new byte[16][]};
        long[] total = {0};
        int n = StoreFormat.read(in, name, (id, b) -> {
            if (id >= read[0].length) {
                read[0] = Arrays.copyOf(read[0], Math.max(id + 1, read[0].length * 2));
            }
            read[0][id] = b;
            total[0] += b.length;
        });
        states = read[0];
        size = n;
        bytes = total[0];
        bytesOf.clearReleased();
    }

    private void checkId(int id) {
        bytesOf.checkId(id);
    }

    @Override
    public String toString() {
        return "InMemoryClientStateStore[" + name + ", " + size + " states, " + bytes + " bytes]";
    }
}
