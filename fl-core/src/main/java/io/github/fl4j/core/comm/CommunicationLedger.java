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
 * <p><b>Bounded.</b> What every report and summary needs is kept as running totals: bits per round and direction,
 * bits per client and direction, the entry count and a 64-bit fingerprint of the entry stream ({@link #digest()}),
 * 16 bytes per round and per client id in all. The individual entries are kept in memory as parallel primitive arrays
 * (about 21 bytes each) only up to {@link LedgerOptions#keptEntries()} (a million by default); past that the ledger
 * drops them and answers from its totals, so a population of 10^6 clients over thousands of rounds stays bounded. The
 * whole stream can go to a {@link LedgerFile} as the run goes ({@link LedgerOptions#entryFile()}).
 *
 * <p>The engine appends entries in a deterministic order (per round: downlink, then uplink, each in client-id order,
 * then the server's protocol messages of the round in the order the server records them, see
 * {@code ServerContext.recordProtocolMessage}), so two runs with the same seed have equal ledgers: equal entries when
 * both keep them, and always equal counts, totals and fingerprints ({@link #sameAs}). Appending is confined to the
 * engine's thread; reading is safe once the run has finished.
 *
 * <p>A ledger is part of a run's checkpoint: {@link #write} and {@link #read} encode it bit for bit (totals, and the
 * entries while they are kept); the entry file is flushed to the device before a checkpoint is written
 * ({@link #flush}) and, when a run resumes, cut back to the checkpoint's entry count ({@link #attach}).
 */
public final class CommunicationLedger implements AutoCloseable {
    /** The version of the {@link #write} form: 2 adds the totals, the fingerprint and the retention. */
    private static final int FORMAT_VERSION = 2;
    /** Entries moved per chunk by {@link #write} and {@link #read} (8 KiB of longs). */
    private static final int CHUNK = 1024;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CommunicationLedger.class);

    private final long keepLimit;
    private boolean keeping;
    private long count;
    private int size;
    private int[] rounds = new int[64];
    private int[] clients = new int[64];
    private short[] vectors = new short[64];
    private boolean[] uplink = new boolean[64];
    private long[] bits = new long[64];
    private long totalUplink;
    private long totalDownlink;
    private long[] roundUp = new long[16];
    private long[] roundDown = new long[16];
    private long[] clientUp = new long[16];
    private long[] clientDown = new long[16];
    private int maxRound = -1;
    private int maxClient = -1;
    private long digest = DIGEST_SEED;
    private LedgerFile.Writer file;

    private static final long DIGEST_SEED = 0x6C6564676572L;

    /** A ledger with the {@link LedgerOptions#defaults() default} retention and no entry file. */
    public CommunicationLedger() {
        this(LedgerOptions.defaults());
    }

    /**
     * A ledger that keeps entries as {@code options} say. The entry file, if any, is opened by {@link #attach}
     * (the engine does it when a run starts or resumes).
     */
    public CommunicationLedger(LedgerOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("ledger options must not be null");
        }
        this.keepLimit = options.keptEntries();
        this.keeping = keepLimit > 0;
    }

    /**
     * Opens the entry file of {@code options} (if any) for this ledger: a new file when the ledger is empty, otherwise
     * the file of the run being resumed, cut back to this ledger's entry count.
     *
     * @throws IOException if the file cannot be opened, or holds fewer entries than this ledger (naming both)
     */
    public void attach(LedgerOptions options) throws IOException {
        if (options == null || options.entryFile() == null) {
            return;
        }
        if (file != null) {
            throw new IllegalStateException("ledger already writes to " + file.file());
        }
        file = LedgerFile.Writer.open(options.entryFile(), count);
    }

    /** Appends one entry. */
    public void record(int round, Direction direction, int client, int vector, long entryBits) {
        if (entryBits < 0) {
            throw new IllegalArgumentException("bits must be >= 0, was " + entryBits);
        }
        if (vector < 0 || vector > Short.MAX_VALUE) {
            throw new IllegalArgumentException("vector index must be in [0, 32767], was " + vector);
        }
        if (round < 0) {
            throw new IllegalArgumentException("round must be >= 0, was " + round);
        }
        if (client < 0) {
            throw new IllegalArgumentException("client id must be >= 0, was " + client);
        }
        if (direction == null) {
            throw new IllegalArgumentException("direction must not be null");
        }
        boolean up = direction == Direction.UPLINK;
        if (keeping) {
            if (count >= keepLimit) {
                dropEntries();
            } else {
                keep(round, client, vector, up, entryBits);
            }
        }
        if (file != null) {
            file.append(round, direction, client, vector, entryBits);
        }
        count++;
        digest = mix(digest ^ entryHash(round, up, client, vector, entryBits));
        if (round > maxRound) {
            roundUp = fit(roundUp, round);
            roundDown = fit(roundDown, round);
            maxRound = round;
        }
        if (client > maxClient) {
            clientUp = fit(clientUp, client);
            clientDown = fit(clientDown, client);
            maxClient = client;
        }
        if (up) {
            totalUplink += entryBits;
            roundUp[round] += entryBits;
            clientUp[client] += entryBits;
        } else {
            totalDownlink += entryBits;
            roundDown[round] += entryBits;
            clientDown[client] += entryBits;
        }
    }

    private void keep(int round, int client, int vector, boolean up, long entryBits) {
        if (size == rounds.length) {
            int n = (int) Math.min(Integer.MAX_VALUE - 8L, Math.min(2L * size, Math.max(keepLimit, 64)));
            if (n <= size) {
                dropEntries();
                return;
            }
            rounds = Arrays.copyOf(rounds, n);
            clients = Arrays.copyOf(clients, n);
            vectors = Arrays.copyOf(vectors, n);
            uplink = Arrays.copyOf(uplink, n);
            bits = Arrays.copyOf(bits, n);
        }
        rounds[size] = round;
        clients[size] = client;
        vectors[size] = (short) vector;
        uplink[size] = up;
        bits[size] = entryBits;
        size++;
    }

    private void dropEntries() {
        keeping = false;
        size = 0;
        rounds = new int[0];
        clients = new int[0];
        vectors = new short[0];
        uplink = new boolean[0];
        bits = new long[0];
        LOG.info("communication ledger: more than {} entries; keeping totals per round and per client from now on{}",
                keepLimit, file == null ? " (LedgerOptions.writingEntriesTo(file) keeps every entry on disk)"
                        : ", every entry goes to " + file.file());
    }

    /** Appends one entry. */
    public void record(LedgerEntry e) {
        record(e.round(), e.direction(), e.client(), e.vector(), e.bits());
    }

    /** Whether every entry recorded so far is held in memory ({@link #entries()} works). */
    public boolean keepsEntries() {
        return keeping || count == 0;
    }

    private void requireEntries() {
        if (!keepsEntries()) {
            throw new IllegalStateException("the ledger keeps totals only: it recorded " + count
                    + " entries, more than the " + keepLimit + " it keeps in memory (LedgerOptions.keptEntries); use "
                    + "LedgerOptions.keepAll(), or writingEntriesTo(file) and LedgerFile.forEach to read them");
        }
    }

    /**
     * The i-th entry.
     *
     * @throws IllegalStateException if the ledger no longer keeps its entries (see {@link LedgerOptions})
     */
    public LedgerEntry entry(int i) {
        requireEntries();
        if (i < 0 || i >= size) {
            throw new IllegalArgumentException("entry index must be in [0, " + size + "), was " + i);
        }
        return new LedgerEntry(rounds[i], uplink[i] ? Direction.UPLINK : Direction.DOWNLINK, clients[i], vectors[i],
                bits[i]);
    }

    /**
     * All entries, in the order recorded (a read-only view).
     *
     * @throws IllegalStateException if the ledger no longer keeps its entries (see {@link LedgerOptions})
     */
    public List<LedgerEntry> entries() {
        requireEntries();
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

    /** Bits sent in one direction during one round (0 for a round with no entry). */
    public long roundBits(int round, Direction direction) {
        if (round < 0 || round > maxRound) {
            return 0;
        }
        return direction == Direction.UPLINK ? roundUp[round] : roundDown[round];
    }

    /** Bits sent in one direction by or to one client over the whole run (0 for a client with no entry). */
    public long clientBits(int client, Direction direction) {
        if (client < 0 || client > maxClient) {
            return 0;
        }
        return direction == Direction.UPLINK ? clientUp[client] : clientDown[client];
    }

    /** Number of entries recorded (kept in memory or not). */
    public long size() {
        return count;
    }

    /**
     * A 64-bit fingerprint of the whole entry stream in order (not cryptographic): equal streams have equal
     * fingerprints, so ledgers that no longer keep their entries can still be compared ({@link #sameAs}).
     */
    public long digest() {
        return digest;
    }

    /**
     * Whether {@code other} recorded the same stream as this ledger: the same count, fingerprint, totals per round and
     * per client, and the same entries when both keep them.
     */
    public boolean sameAs(CommunicationLedger other) {
        if (other == null || other.count != count || other.digest != digest || other.totalUplink != totalUplink
                || other.totalDownlink != totalDownlink || other.maxRound != maxRound
                || other.maxClient != maxClient) {
            return false;
        }
        for (int r = 0; r <= maxRound; r++) {
            if (roundUp[r] != other.roundUp[r] || roundDown[r] != other.roundDown[r]) {
                return false;
            }
        }
        for (int c = 0; c <= maxClient; c++) {
            if (clientUp[c] != other.clientUp[c] || clientDown[c] != other.clientDown[c]) {
                return false;
            }
        }
        return !(keepsEntries() && other.keepsEntries()) || entries().equals(other.entries());
    }

    /** Heap bytes held by the kept entries and the totals (an estimate from the array lengths). */
    public long heapBytes() {
        return 21L * rounds.length + 16L * (roundUp.length + clientUp.length);
    }

    /** The entry file this ledger appends to, or null. */
    public java.nio.file.Path entryFile() {
        return file == null ? null : file.file();
    }

    /** Writes buffered entries to the entry file, forced to the device (before a checkpoint); no-op without one. */
    public void flush() {
        if (file != null) {
            file.flush(true);
        }
    }

    /** Flushes and closes the entry file, if any; the ledger stays readable. Idempotent. */
    @Override
    public void close() {
        if (file != null) {
            file.close();
        }
    }

    private static long entryHash(int round, boolean up, int client, int vector, long entryBits) {
        long h = mix(((long) round << 32) ^ (client & 0xFFFFFFFFL));
        h = mix(h ^ (((long) vector << 1) | (up ? 1 : 0)));
        return mix(h ^ entryBits);
    }

    /** The finaliser of SplitMix64 (Steele, Lea and Flood 2014): a bijective 64-bit mix. */
    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long[] fit(long[] a, int index) {
        return index < a.length ? a : Arrays.copyOf(a, (int) Math.min(Integer.MAX_VALUE - 8L,
                Math.max(index + 1L, 2L * a.length)));
    }

    /**
     * Writes the ledger: a version byte (2); the retention limit and whether entries are still kept; the entry count,
     * fingerprint and total uplink and downlink bits (longs); the per-round totals (int count, then uplink and downlink
     * longs per round from 0); the per-client totals (likewise per client id from 0); then, when entries are kept,
     * the parallel arrays of all entries in the order recorded (rounds as ints, clients as ints, vector indices as
     * shorts, directions as one byte each, 0 for downlink and 1 for uplink, bits as longs). Big-endian, the arrays in
     * chunks of {@value #CHUNK} elements.
     *
     * @throws IOException if {@code out} fails
     */
    public void write(DataOutput out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        out.writeLong(keepLimit);
        out.writeBoolean(keeping);
        out.writeLong(count);
        out.writeLong(digest);
        out.writeLong(totalUplink);
        out.writeLong(totalDownlink);
        writeLongPairs(out, roundUp, roundDown, maxRound + 1);
        writeLongPairs(out, clientUp, clientDown, maxClient + 1);
        if (!keeping) {
            return;
        }
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
    }

    private static void writeLongPairs(DataOutput out, long[] a, long[] b, int n) throws IOException {
        out.writeInt(n);
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK * 2 * Long.BYTES);
        for (int i = 0; i < n; i += CHUNK) {
            int len = Math.min(CHUNK, n - i);
            chunk.clear();
            for (int k = i; k < i + len; k++) {
                chunk.putLong(a[k]).putLong(b[k]);
            }
            out.write(chunk.array(), 0, chunk.position());
        }
    }

    /**
     * Reads a ledger written by {@link #write} (format 2, or format 1 of earlier fl4j versions: entries only, whose
     * totals are recomputed): the same entries in the same order, and the same totals and fingerprint. The entry file
     * is not opened (see {@link #attach}).
     *
     * <p>The arrays grow as entries arrive, so a corrupt size on a short input ends in an {@link java.io.EOFException},
     * not in a huge allocation.
     *
     * @throws java.io.EOFException if the input ends early
     * @throws IOException          if the version is not 1 or 2, or the input is corrupt: a negative size, a negative
     *                              vector index or bit count, a direction byte other than 0 or 1, or totals that are
     *                              not the sums of the entries (each naming the field, the entry and the bad value)
     */
    public static CommunicationLedger read(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version == 1) {
            return readEntries(in, new CommunicationLedger(LedgerOptions.keepAll()), true);
        }
        StateCodec.checkVersion("communication ledger", FORMAT_VERSION, version);
        long limit = in.readLong();
        if (limit < 0) {
            throw new IOException("communication ledger kept-entry limit must be >= 0, was " + limit);
        }
        boolean keeping = in.readBoolean();
        long count = in.readLong();
        if (count < 0) {
            throw new IOException("communication ledger entry count must be >= 0, was " + count);
        }
        long digest = in.readLong();
        long up = in.readLong();
        long down = in.readLong();
        CommunicationLedger l = new CommunicationLedger(new LedgerOptions(limit, null));
        long[][] rounds = readLongPairs(in, "round");
        long[][] clients = readLongPairs(in, "client");
        long sumUp = 0;
        long sumDown = 0;
        for (int i = 0; i < rounds[0].length; i++) {
            sumUp += rounds[0][i];
            sumDown += rounds[1][i];
        }
        if (sumUp != up || sumDown != down) {
            throw new IOException("communication ledger per-round totals must add up to the totals " + up + " up and "
                    + down + " down, were " + sumUp + " and " + sumDown);
        }
        if (keeping) {
            readEntries(in, l, false);
            if (l.count != count || l.digest != digest || l.totalUplink != up || l.totalDownlink != down) {
                throw new IOException("communication ledger entries must match its totals: " + l.count
                        + " entries (header " + count + "), fingerprint " + Long.toHexString(l.digest) + " (header "
                        + Long.toHexString(digest) + ")");
            }
        } else {
            l.keeping = false;
            l.rounds = new int[0];
            l.clients = new int[0];
            l.vectors = new short[0];
            l.uplink = new boolean[0];
            l.bits = new long[0];
            l.count = count;
            l.digest = digest;
            l.totalUplink = up;
            l.totalDownlink = down;
        }
        l.roundUp = pad(rounds[0]);
        l.roundDown = pad(rounds[1]);
        l.maxRound = rounds[0].length - 1;
        l.clientUp = pad(clients[0]);
        l.clientDown = pad(clients[1]);
        l.maxClient = clients[0].length - 1;
        return l;
    }

    private static long[] pad(long[] a) {
        return a.length == 0 ? new long[16] : a;
    }

    private static long[][] readLongPairs(DataInput in, String what) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("communication ledger " + what + " count must be >= 0, was " + n);
        }
        long[] a = new long[Math.min(n, 1 << 16)];
        long[] b = new long[a.length];
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK * 2 * Long.BYTES);
        for (int i = 0; i < n; i += CHUNK) {
            int len = Math.min(CHUNK, n - i);
            in.readFully(chunk.array(), 0, len * 2 * Long.BYTES);
            if (i + len > a.length) {
                int m = (int) Math.min(n, Math.max(i + len, 2L * a.length));
                a = Arrays.copyOf(a, m);
                b = Arrays.copyOf(b, m);
            }
            chunk.clear();
            for (int k = i; k < i + len; k++) {
                a[k] = chunk.getLong();
                b[k] = chunk.getLong();
                if (a[k] < 0 || b[k] < 0) {
                    throw new IOException("communication ledger " + what + " " + k + ": bits must be >= 0, were "
                            + a[k] + " and " + b[k]);
                }
            }
        }
        return new long[][] {Arrays.copyOf(a, n), Arrays.copyOf(b, n)};
    }

    /** Reads the entry arrays (format 1 layout, which format 2 reuses) and records them into {@code l}. */
    private static CommunicationLedger readEntries(DataInput in, CommunicationLedger l, boolean withTotals)
            throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("communication ledger size must be >= 0, was " + n);
        }
        int capacity = Math.max(64, Math.min(n, 1 << 16));
        int[] rounds = new int[capacity];
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK * Long.BYTES);
        byte[] bytes = chunk.array();
        for (int i = 0; i < n; i += CHUNK) {
            int len = Math.min(CHUNK, n - i);
            in.readFully(bytes, 0, len * Integer.BYTES);
            rounds = fitInts(rounds, i + len);
            chunk.asIntBuffer().get(rounds, i, len);
        }
        int[] clients = new int[rounds.length];
        for (int i = 0; i < n; i += CHUNK) {
            int len = Math.min(CHUNK, n - i);
            in.readFully(bytes, 0, len * Integer.BYTES);
            chunk.asIntBuffer().get(clients, i, len);
        }
        short[] vectors = new short[rounds.length];
        for (int i = 0; i < n; i += CHUNK) {
            int len = Math.min(CHUNK, n - i);
            in.readFully(bytes, 0, len * Short.BYTES);
            chunk.asShortBuffer().get(vectors, i, len);
            for (int k = i; k < i + len; k++) {
                if (vectors[k] < 0) {
                    throw new IOException("communication ledger entry " + k + ": vector index must be >= 0, was "
                            + vectors[k]);
                }
            }
        }
        boolean[] uplink = new boolean[rounds.length];
        for (int i = 0; i < n; i += CHUNK) {
            int len = Math.min(CHUNK, n - i);
            in.readFully(bytes, 0, len);
            for (int k = 0; k < len; k++) {
                if (bytes[k] != 0 && bytes[k] != 1) {
                    throw new IOException("communication ledger entry " + (i + k)
                            + ": direction byte must be 0 (downlink) or 1 (uplink), was " + (bytes[k] & 0xFF));
                }
                uplink[i + k] = bytes[k] == 1;
            }
        }
        long[] bits = new long[rounds.length];
        long up = 0;
        long down = 0;
        for (int i = 0; i < n; i += CHUNK) {
            int len = Math.min(CHUNK, n - i);
            in.readFully(bytes, 0, len * Long.BYTES);
            chunk.asLongBuffer().get(bits, i, len);
            for (int k = i; k < i + len; k++) {
                long b = bits[k];
                if (b < 0) {
                    throw new IOException("communication ledger entry " + k + ": bits must be >= 0, was " + b);
                }
                if (uplink[k]) {
                    up += b;
                } else {
                    down += b;
                }
            }
        }
        if (withTotals) {
            long writtenUp = in.readLong();
            long writtenDown = in.readLong();
            if (writtenUp != up) {
                throw new IOException("communication ledger total uplink bits must be the sum of the entries, " + up
                        + ", was " + writtenUp);
            }
            if (writtenDown != down) {
                throw new IOException("communication ledger total downlink bits must be the sum of the entries, "
                        + down + ", was " + writtenDown);
            }
        }
        for (int k = 0; k < n; k++) {
            l.record(rounds[k], uplink[k] ? Direction.UPLINK : Direction.DOWNLINK, clients[k], vectors[k], bits[k]);
        }
        return l;
    }

    /** {@code a}, or a copy at least twice as long, so that it holds {@code needed} elements. */
    private static int[] fitInts(int[] a, int needed) {
        return needed <= a.length ? a : Arrays.copyOf(a, Math.max(needed, (int) Math.min(Integer.MAX_VALUE - 8,
                2L * a.length)));
    }
}
