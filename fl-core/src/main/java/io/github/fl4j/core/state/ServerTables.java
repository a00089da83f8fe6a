package io.github.fl4j.core.state;

import io.github.fl4j.core.api.StateCodec;
import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
 * codec on first use: straight into a store of the run's factory when it holds encoded bytes (the in-memory and the
 * disk store), so that a table on disk is streamed from the checkpoint and never held in memory; otherwise as a byte
 * array until first use. A checkpoint streams every table too (one pass to count its bytes, one to write them).
 *
 * <p>Not thread-safe: used from the engine's thread.
 */
public final class ServerTables implements AutoCloseable {
    /** Version 2 has a long length per table; version 1 (an int length) is still read. */
    private static final int FORMAT = 2;

    private final StateStoreFactory factory;
    private final Map<String, Entry<?>> tables = new TreeMap<>();
    private final Map<String, byte[]> restored = new TreeMap<>();
    private final Map<String, ClientStateStore<Object>> unbound = new TreeMap<>();

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
            ClientStateStore<T> store;
            ClientStateStore<Object> waiting = unbound.remove(name);
            if (waiting != null) {
                store = ((EncodedStore) waiting).bind(codec);
            } else {
                store = factory.create(name, codec);
                byte[] saved = restored.remove(name);
                if (saved != null) {
                    try {
                        store.readFrom(new DataInputStream(new ByteArrayInputStream(saved)));
                    } catch (IOException ex) {
                        throw new IllegalStateException("server table " + name + " cannot be restored: "
                                + ex.getMessage(), ex);
                    }
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
        s.addAll(unbound.keySet());
        return s;
    }

    /**
     * Writes every table: version byte 2, count, then per table in name order its name, the long length of its
     * store's bytes and those bytes (streamed: the store is written twice, once to count).
     */
    public void writeTo(DataOutput out) throws IOException {
        java.util.Set<String> names = names();
        out.writeByte(FORMAT);
        out.writeInt(names.size());
        for (String name : names) {
            out.writeUTF(name);
            byte[] b = restored.get(name);
            if (b != null) {
                out.writeLong(b.length);
                out.write(b);
                continue;
            }
            ClientStateStore<?> store = unbound.containsKey(name) ? unbound.get(name) : tables.get(name).store();
            CountingSink counter = new CountingSink();
            DataOutputStream counting = new DataOutputStream(counter);
            store.writeTo(counting);
            counting.flush();
            out.writeLong(counter.count);
            store.writeTo(out);
        }
    }

    /**
     * Replaces every table with what {@link #writeTo} wrote (version 1 or 2); the stores are bound to their codecs on
     * first use.
     */
    public void readFrom(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != 1 && version != FORMAT) {
            throw new IOException("server tables format version must be 1 or " + FORMAT + ", was " + version);
        }
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("server tables: count must be >= 0, was " + n);
        }
        close();
        tables.clear();
        restored.clear();
        unbound.clear();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            long len = version == 1 ? in.readInt() : in.readLong();
            if (len < 0) {
                throw new IOException("server table " + name + ": length must be >= 0, was " + len);
            }
            ClientStateStore<Object> store = factory.create(name, EncodedStore.UNBOUND);
            if (store instanceof EncodedStore) {
                Limited limited = new Limited(in, len);
                try {
                    store.readFrom(new DataInputStream(limited));
                    if (limited.remaining != 0) {
                        throw new IOException("server table " + name + ": " + len + " bytes written but "
                                + (len - limited.remaining) + " read");
                    }
                } catch (IOException | RuntimeException e) {
                    store.close();
                    throw e;
                }
                unbound.put(name, store);
                continue;
            }
            store.close();
            if (len > Integer.MAX_VALUE - 8) {
                throw new IOException("server table " + name + " has " + len + " bytes, too many to hold in memory "
                        + "for a store that is not restored in place (" + store + ")");
            }
            byte[] b = new byte[(int) len];
            in.readFully(b);
            restored.put(name, b);
        }
    }

    @Override
    public void close() {
        for (Entry<?> e : tables.values()) {
            e.store().close();
        }
        for (ClientStateStore<?> s : unbound.values()) {
            s.close();
        }
    }

    /** Counts the bytes written to it. */
    private static final class CountingSink extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    /** At most {@code remaining} bytes of a DataInput; past them, the end of the stream. */
    private static final class Limited extends InputStream {
        private final DataInput in;
        long remaining;

        Limited(DataInput in, long remaining) {
            this.in = in;
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            remaining--;
            return in.readUnsignedByte();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, remaining);
            in.readFully(b, off, n);
            remaining -= n;
            return n;
        }
    }
}
