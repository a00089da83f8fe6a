package io.github.fl4j.core.state;

import io.github.fl4j.core.api.StateCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A test store around another one: when the simulation closes it (at the end of a run), it copies the contents into
 * an in-memory store and closes the inner one, so that a test can still compare a finished run's stores with another
 * run's after a store on disk has released its files.
 */
public final class KeepOnClose<T> implements ClientStateStore<T> {
    private ClientStateStore<T> inner;
    private final String name;
    private final StateCodec<T> codec;

    private KeepOnClose(ClientStateStore<T> inner, String name, StateCodec<T> codec) {
        this.inner = inner;
        this.name = name;
        this.codec = codec;
    }

    /** The factory of {@code factory}'s stores, each kept in memory once closed. */
    public static StateStoreFactory of(StateStoreFactory factory) {
        return new StateStoreFactory() {
            @Override
            public <T> ClientStateStore<T> create(String name, StateCodec<T> codec) {
                return new KeepOnClose<>(factory.create(name, codec), name, codec);
            }
        };
    }

    @Override
    public List<T> getAll(int[] clientIds) {
        return inner.getAll(clientIds);
    }

    @Override
    public void putAll(int[] clientIds, List<T> states) {
        inner.putAll(clientIds, states);
    }

    @Override
    public void release(T state) {
        inner.release(state);
    }

    @Override
    public boolean contains(int clientId) {
        return inner.contains(clientId);
    }

    @Override
    public int size() {
        return inner.size();
    }

    @Override
    public long encodedBytes() {
        return inner.encodedBytes();
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        inner.writeTo(out);
    }

    @Override
    public void readFrom(DataInput in) throws IOException {
        inner.readFrom(in);
    }

    @Override
    public void close() {
        if (inner instanceof InMemoryClientStateStore) {
            return;
        }
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            inner.writeTo(new DataOutputStream(b));
            InMemoryClientStateStore<T> copy = new InMemoryClientStateStore<>(name, codec);
            copy.readFrom(new DataInputStream(new ByteArrayInputStream(b.toByteArray())));
            inner.close();
            inner = copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
