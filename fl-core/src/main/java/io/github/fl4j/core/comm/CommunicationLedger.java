package io.github.fl4j.core.comm;

import io.github.fl4j.core.api.StateCodec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;

/**
 * The record of every vector that crossed between server and clients: (round, direction, client, vector, bits).
 * All communication totals of a run are derived from it; nothing else counts bits.
 *
 * <p>Stored as parallel primitive arrays (about 21 bytes an entry), so a run of 10^4 rounds with 100 clients and two
 * vectors each way stays near 80 MB. The engine appends entries in a deterministic order (per round: downlink, then
 * uplink, each in client-id order, then the server's protocol messages of the round in the order the server records
 * them, see {@code ServerContext.recordProtocolMessage}), so two runs with the same seed have equal ledgers.
 * Appending is confined to the engine's thread; reading is safe once the run has finished.
 *
 * <p>A ledger is part of a run's checkpoint: {@link #write} and {@link #read} encode it bit for bit.
 */
public final class CommunicationLedger {
    /** The version of the {@link #write} form. */
    private static final int FORMAT_VERSION = 1;
    /** Entries moved per chunk by {@link #write} and {@link #read} (8 KiB of longs). */
    private static final int CHUNK = 1024;

    private int size;
    private int[] rounds = new int[64];
    private int[] clients = new int[64];
    private short[] vectors = new short[64];
    private boolean[] uplink = new boolean[64];
    private long[] bits = new long[64];
    private long totalUplink;
    private long totalDownlink;

    /** Appends one entry. */
    public void record(int round, Direction direction, int client, int vector, long entryBits) {
        if (entryBits < 0) {
            throw new IllegalArgumentException("bits must be >= 0, was " + entryBits);
        }
        if (vector < 0 || vector > Short.MAX_VALUE) {
            throw new IllegalArgumentException("vector index must be in [0, 32767], was " + vector);
        }
        if (size == rounds.length) {
            int n = size * 2;
            rounds = Arrays.copyOf(rounds, n);
            clients = Arrays.copyOf(clients, n);
            vectors = Arrays.copyOf(vectors, n);
            uplink = Arrays.copyOf(uplink, n);
            bits = Arrays.copyOf(bits, n);
        }
        rounds[size] = round;
        clients[size] = client;
        vectors[size] = (short) vector;
        uplink[size] = direction == Direction.UPLINK;
        bits[size] = entryBits;
        size++;
        if (direction == Direction.UPLINK) {
            totalUplink += entryBits;
        } else {
            totalDownlink += entryBits;
        }
    }

    /** Appends one entry. */
    public void record(LedgerEntry e) {
        record(e.round(), e.direction(), e.client(), e.vector(), e.bits());
    }

    /** The i-th entry. */
    public LedgerEntry entry(int i) {
        if (i < 0 || i >= size) {
            throw new IllegalArgumentException("entry index must be in [0, " + size + "), was " + i);
        }
        return new LedgerEntry(rounds[i], uplink[i] ? Direction.UPLINK : Direction.DOWNLINK, clients[i], vectors[i],
                bits[i]);
    }

    /** All entries, in the order recorded (a read-only view). */
    public List<LedgerEntry> entries() {
        return new AbstractList<>() {
            @Override
            public LedgerEntry get(int index) {
                return entry(index);
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** Total bits ever sent in one direction. */
    public long totalBits(Direction direction) {
        return direction == Direction.UPLINK ? totalUplink : totalDownlink;
    }

    /** Bits sent in one direction during one round. */
    public long roundBits(int round, Direction direction) {
        boolean up = direction == Direction.UPLINK;
        long sum = 0;
        for (int i = size - 1; i >= 0; i--) {
            if (rounds[i] == round) {
                if (uplink[i] == up) {
                    sum += bits[i];
                }
            } else if (rounds[i] < round) {
                break;
            }
        }
        return sum;
    }

    /** Bits sent in one direction by or to one client over the whole run. */
    public long clientBits(int client, Direction direction) {
        boolean up = direction == Direction.UPLINK;
        long sum = 0;
        for (int i = 0; i < size; i++) {
            if (clients[i] == client && uplink[i] == up) {
                sum += bits[i];
            }
        }
        return sum;
    }

    /** Number of entries. */
    public int size() {
        return size;
    }

    /**
     * Writes the ledger: a version byte (1), the number of entries as an int, then the parallel arrays of all entries
     * in the order recorded (rounds as ints, clients as ints, vector indices as shorts, directions as one byte each,
     * 0 for downlink and 1 for uplink, bits as longs), then the total uplink and downlink bits as longs. Big-endian,
     * in chunks of {@value #CHUNK} entries ({@code out.write(byte[], int, int)} per chunk).
     *
     * @throws IOException if {@code out} fails
     */
    public void write(DataOutput out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        out.writeInt(size);
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK * Long.BYTES);
        byte[] bytes = chunk.array();
        for (int i = 0; i < size; i += CHUNK) {
            int len = Math.min(CHUNK, size - i);
            chunk.asIntBuffer().put(rounds, i, len);
            out.write(bytes, 0, len * Integer.BYTES);
        }
        for (int i = 0; i < size; i += CHUNK) {
            int len = Math.min(CHUNK, size - i);
            chunk.asIntBuffer().put(clients, i, len);
            out.write(bytes, 0, len * Integer.BYTES);
        }
        for (int i = 0; i < size; i += CHUNK) {
            int len = Math.min(CHUNK, size - i);
            chunk.asShortBuffer().put(vectors, i, len);
            out.write(bytes, 0, len * Short.BYTES);
        }
        for (int i = 0; i < size; i += CHUNK) {
            int len = Math.min(CHUNK, size - i);
            for (int k = 0; k < len; k++) {
                bytes[k] = uplink[i + k] ? (byte) 1 : (byte) 0;
            }
            out.write(bytes, 0, len);
        }
        for (int i = 0; i < size; i += CHUNK) {
            int len = Math.min(CHUNK, size - i);
            chunk.asLongBuffer().put(bits, i, len);
            out.write(bytes, 0, len * Long.BYTES);
        }
        out.writeLong(totalUplink);
        out.writeLong(totalDownlink);
    }

    /**
     * Reads a ledger written by {@link #write}: the same entries in the same order, and the same totals.
     *
     * <p>The arrays grow as entries arrive, so a corrupt size on a short input ends in an {@link java.io.EOFException},
     * not in a huge allocation.
     *
     * @throws java.io.EOFException if the input ends early
     * @throws IOException          if the version is not 1, or the input is corrupt: a negative size, a negative
     *                              vector index or bit count, a direction byte other than 0 or 1, or totals that are
     *                              not the sums of the entries (each naming the field, the entry and the bad value)
     */
    public static CommunicationLedger read(DataInput in) throws IOException {
        StateCodec.checkVersion("communication ledger", FORMAT_VERSION, in.readUnsignedByte());
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("communication ledger size must be >= 0, was " + n);
        }
        CommunicationLedger l = new CommunicationLedger();
        int capacity = Math.max(64, Math.min(n, 1 << 16));
        l.rounds = new int[capacity];
        l.clients = new int[capacity];
        l.vectors = new short[capacity];
        l.uplink = new boolean[capacity];
        l.bits = new long[capacity];
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK * Long.BYTES);
        byte[] bytes = chunk.array();
        for (int i = 0; i < n; i += CHUNK) {
            int len = Math.min(CHUNK, n - i);
            in.readFully(bytes, 0, len * Integer.BYTES);
            l.rounds = fit(l.rounds, i + len);
            chunk.asIntBuffer().get(l.rounds, i, len);
        }
        l.clients = Arrays.copyOf(l.clients, l.rounds.length);
        for (int i = 0; i < n; i += CHUNK) {
            int len = Math.min(CHUNK, n - i);
            in.readFully(bytes, 0, len * Integer.BYTES);
            chunk.asIntBuffer().get(l.clients, i, len);
        }
        l.vectors = Arrays.copyOf(l.vectors, l.rounds.length);
        for (int i = 0; i < n; i += CHUNK) {
            int len = Math.min(CHUNK, n - i);
            in.readFully(bytes, 0, len * Short.BYTES);
            chunk.asShortBuffer().get(l.vectors, i, len);
            for (int k = i; k < i + len; k++) {
                if (l.vectors[k] < 0) {
                    throw new IOException("communication ledger entry " + k + ": vector index must be >= 0, was "
                            + l.vectors[k]);
                }
            }
        }
        l.uplink = Arrays.copyOf(l.uplink, l.rounds.length);
        for (int i = 0; i < n; i += CHUNK) {
            int len = Math.min(CHUNK, n - i);
            in.readFully(bytes, 0, len);
            for (int k = 0; k < len; k++) {
                if (bytes[k] != 0 && bytes[k] != 1) {
                    throw new IOException("communication ledger entry " + (i + k)
                            + ": direction byte must be 0 (downlink) or 1 (uplink), was " + (bytes[k] & 0xFF));
                }
                l.uplink[i + k] = bytes[k] == 1;
            }
        }
        l.bits = Arrays.copyOf(l.bits, l.rounds.length);
        long up = 0;
        long down = 0;
        for (int i = 0; i < n; i += CHUNK) {
            int len = Math.min(CHUNK, n - i);
            in.readFully(bytes, 0, len * Long.BYTES);
            chunk.asLongBuffer().get(l.bits, i, len);
            for (int k = i; k < i + len; k++) {
                long b = l.bits[k];
                if (b < 0) {
                    throw new IOException("communication ledger entry " + k + ": bits must be >= 0, was " + b);
                }
                if (l.uplink[k]) {
                    up += b;
                } else {
                    down += b;
                }
            }
        }
        long writtenUp = in.readLong();
        long writtenDown = in.readLong();
        if (writtenUp != up) {
            throw new IOException("communication ledger total uplink bits must be the sum of the entries, " + up
                    + ", was " + writtenUp);
        }
        if (writtenDown != down) {
            throw new IOException("communication ledger total downlink bits must be the sum of the entries, " + down
                    + ", was " + writtenDown);
        }
        l.size = n;
        l.totalUplink = up;
        l.totalDownlink = down;
        return l;
    }

    /** {@code a}, or a copy at least twice as long, so that it holds {@code needed} elements. */
    private static int[] fit(int[] a, int needed) {
        return needed <= a.length ? a : Arrays.copyOf(a, Math.max(needed, (int) Math.min(Integer.MAX_VALUE - 8,
                2L * a.length)));
    }
}
