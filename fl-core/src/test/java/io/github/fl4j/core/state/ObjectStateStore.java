package io.github.fl4j.core.state;

import io.github.fl4j.core.api.StateCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A test store that keeps the very objects it is given (no codec between rounds), as the engine did before it had a
 * store. A run through it equals a run through {@link InMemoryClientStateStore} only if every codec keeps every field:
 * the shared algorithm contract test compares the two.
 */
public final class ObjectStateStore<T> implements ClientStateStore<T> {
    private final StateCodec<T> codec;
    private final TreeMap<Integer, T> states = new TreeMap<>();

    public ObjectStateStore(StateCodec<T> codec) {
        this.codec = codec;
    }

    /** A factory of object stores. */
    public static StateStoreFactory factory() {
        return new StateStoreFactory() {
            @Override
            public <T> ClientStateStore<T> create(String name, StateCodec<T> codec) {
                return new ObjectStateStore<>(codec);
            }
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<T> getAll(int[] clientIds) {
        List<T> out = new ArrayList<>();
        for (int id : clientIds) {
            T v = states.get(id);
            out.add(v instanceof org.nd4j.linalg.api.ndarray.INDArray a ? (T) a.dup() : v);
        }
        return out;
    }

    /**
     * Keeps the objects themselves; a plain vector (a server table's entry, which its server may pass straight from a
     * lent upload) is duplicated without its codec, as the store contract promises a copy.
     */
    @Override
    @SuppressWarnings("unchecked")
    public void putAll(int[] clientIds, List<T> values) {
        for (int i = 0; i < clientIds.length; i++) {
            T v = values.get(i);
            states.put(clientIds[i], v instanceof org.nd4j.linalg.api.ndarray.INDArray a ? (T) a.dup() : v);
        }
    }

    @Override
    public boolean contains(int clientId) {
        return states.containsKey(clientId);
    }

    @Override
    public int size() {
        return states.size();
    }

    @Override
    public long encodedBytes() {
        return -1;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        InMemoryClientStateStore<T> copy = new InMemoryClientStateStore<>("copy", codec);
        for (var e : states.entrySet()) {
            copy.put(e.getKey(), e.getValue());
        }
        copy.writeTo(out);
    }

    @Override
    public void readFrom(DataInput in) throws IOException {
        InMemoryClientStateStore<T> copy = new InMemoryClientStateStore<>("copy", codec);
        copy.readFrom(in);
        states.clear();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        copy.writeTo(new DataOutputStream(b));
        DataInputStream d = new DataInputStream(new ByteArrayInputStream(b.toByteArray()));
        d.readUnsignedByte();
        int n = d.readInt();
        for (int k = 0; k < n; k++) {
            int id = d.readInt();
            d.skipBytes(d.readInt());
            states.put(id, copy.get(id));
        }
    }
}
