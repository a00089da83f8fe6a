package io.github.fl4j.core.state;

import io.github.fl4j.core.api.StateCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server half's per-client tables, by name: FedSpeed's duals h_n, MIFA's and FedVarp's last updates u_n, and any
 * table of one value per client that a server needs. Each table is a {@link ClientStateStore} made by the run's
 * {@link StateStoreFactory}, so it is read and written in batches, never aliased, checkpointed with the run, and can
 * live on disk when the population is large; the server state S holds only what is O(d).
 *
 * <p>A server reaches its tables through {@link io.github.fl4j.core.api.ServerContext#table}. A table is created on
 * first use; its codec is fixed then. After a resume, the tables are restored as encoded bytes and bound to their
 * codec on first use.
 *
 * <p>Not thread-safe: used from the engine's thread.
 */
public final class ServerTables implements AutoCloseable {
    private static final int FORMAT = 1;

    private final StateStoreFactory factory;
    private final Map<String, Entry<?>> tables = new TreeMap<>();
    private final Map<String, byte[]> restored = new TreeMap<>();

    private record Entry<T>(StateCodec<T> codec, ClientStateStore<T> store) {
    }

    /** Tables made by {@code factory}. */
    public ServerTables(StateStoreFactory factory) {
        if (factory == null) {
            throw new IllegalArgumentException("factory must not be null");
        }
        this.factory = factory;
    }

    /** In-memory tables. */
    public ServerTables() {
        this(StateStoreFactory.inMemory());
    }

    /**
     * The table {@code name}, created empty on first use.
     *
     * @throws IllegalArgumentException if the name is blank, or the table was first used with another codec
     */
    @SuppressWarnings("unchecked")
    public <T> ClientStateStore<T> table(String name, StateCodec<T> codec) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("table name must not be blank, was '" + name + "'");
        }
        if (codec == null) {
            throw new IllegalArgumentException("codec of table " + name + " must not be null");
        }
        Entry<?> e = tables.get(name);
        if (e == null) {
            ClientStateStore<T> store = factory.create(name, codec);
            byte[] saved = restored.remove(name);
            if (saved != null) {
                try {
                    store.readFrom(new DataInputStream(new ByteArrayInputStream(saved)));
                } catch (IOException ex) {
                    throw new IllegalStateException("server table " + name + " cannot be restored: "
                            + ex.getMessage(), ex);
                }
            }
            tables.put(name, new Entry<>(codec, store));
            return store;
        }
        if (e.codec() != codec) {
            throw new IllegalArgumentException("server table " + name + " was created with codec " + e.codec()
                    + ", now asked for with " + codec);
        }
        return (ClientStateStore<T>) e.store();
    }

    /** The names of the tables that exist (created, or restored and not yet used), sorted. */
    public java.util.Set<String> names() {
        java.util.Set<String> s = new java.util.TreeSet<>(tables.keySet());
        s.addAll(restored.keySet());
        return s;
    }

    /** Writes every table: version byte, count, then per table in name order its name and its store's bytes. */
    public void writeTo(DataOutput out) throws IOException {
        java.util.Set<String> names = names();
        out.writeByte(FORMAT);
        out.writeInt(names.size());
        for (String name : names) {
            byte[] b = restored.get(name);
            if (b == null) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                DataOutputStream d = new DataOutputStream(bytes);
                tables.get(name).store().writeTo(d);
                d.flush();
                b = bytes.toByteArray();
            }
            out.writeUTF(name);
            out.writeInt(b.length);
            out.write(b);
        }
    }

    /** Replaces every table with what {@link #writeTo} wrote; the stores are rebuilt on first use. */
    public void readFrom(DataInput in) throws IOException {
        StateCodec.checkVersion("server tables", FORMAT, in.readUnsignedByte());
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("server tables: count must be >= 0, was " + n);
        }
        close();
        tables.clear();
        restored.clear();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            int len = in.readInt();
            if (len < 0) {
                throw new IOException("server table " + name + ": length must be >= 0, was " + len);
            }
            byte[] b = new byte[len];
            in.readFully(b);
            restored.put(name, b);
        }
    }

    @Override
    public void close() {
        for (Entry<?> e : tables.values()) {
            e.store().close();
        }
    }
}
