package io.github.fl4j.core.comm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The entry stream of a {@link CommunicationLedger} on disk, written as the run goes when
 * {@link LedgerOptions#entryFile} is set, so that a run's every message can be analysed afterwards without the ledger
 * holding them in memory.
 *
 * <p>Format: the 8 ASCII bytes {@code FL4JLEDG}, a version byte (1), then one fixed-size record of
 * {@value #RECORD_BYTES} bytes per entry, big-endian, in the order the ledger recorded them: round (int), direction
 * (byte: 0 downlink, 1 uplink), client (int), vector (short), bits (long). Entry k starts at byte
 * {@code 9 + 19 k}, so a resumed run truncates the file to the entry count of its checkpoint and appends from there:
 * the file of a resumed run equals the file of an uninterrupted one byte for byte.
 */
public final class LedgerFile {
    /** Bytes per entry. */
    public static final int RECORD_BYTES = 19;
    /** Bytes before the first entry. */
    public static final int HEADER_BYTES = 9;
    private static final byte[] MAGIC = "FL4JLEDG".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int BUFFER = 64 * 1024 / RECORD_BYTES * RECORD_BYTES;

    private LedgerFile() {
    }

    /**
     * Appends entries to a ledger file. Not thread-safe (the ledger appends from the engine's thread).
     */
    public static final class Writer implements AutoCloseable {
        private final Path file;
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        private long entries;

        private Writer(Path file, FileChannel channel, long entries) {
            this.file = file;
            this.channel = channel;
            this.entries = entries;
        }

        /**
         * Opens {@code file} for appending after its first {@code keep} entries: with {@code keep = 0} the file is
         * created (or emptied) and given its header; otherwise it must hold at least {@code keep} entries, and
         * whatever follows them (entries of rounds after a checkpoint, a partial record of a crash) is cut off.
         *
         * @throws IOException if the file cannot be written, is not a ledger file, or holds fewer than {@code keep}
         *                     entries (naming the file and both counts)
         */
        public static Writer open(Path file, long keep) throws IOException {
            if (file == null) {
                throw new IllegalArgumentException("ledger file must not be null");
            }
            if (keep < 0) {
                throw new IllegalArgumentException("entries to keep must be >= 0, was " + keep);
            }
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (keep == 0) {
                FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
                ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
                h.put(MAGIC).put((byte) VERSION).flip();
                while (h.hasRemaining()) {
                    ch.write(h);
                }
                return new Writer(file, ch, 0);
            }
            if (!Files.isRegularFile(file)) {
                throw new IOException("ledger file " + file + " must exist to continue a run after " + keep
                        + " entries, but it does not");
            }
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                checkHeader(file, ch);
                long needed = HEADER_BYTES + keep * RECORD_BYTES;
                if (ch.size() < needed) {
                    throw new IOException("ledger file " + file + " holds " + Math.max(0, (ch.size() - HEADER_BYTES)
                            / RECORD_BYTES) + " entries, the checkpoint being resumed recorded " + keep
                            + " (was the file replaced or truncated?)");
                }
                ch.truncate(needed);
                ch.position(needed);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            return new Writer(file, ch, keep);
        }

        /** Appends one entry (buffered). */
        public void append(int round, Direction direction, int client, int vector, long bits) {
            if (buffer.remaining() < RECORD_BYTES) {
                drain();
            }
            buffer.putInt(round).put(direction == Direction.UPLINK ? (byte) 1 : (byte) 0).putInt(client)
                    .putShort((short) vector).putLong(bits);
            entries++;
        }

        /** Writes the buffered entries to the file and, with {@code force}, to the device (for a checkpoint). */
        public void flush(boolean force) {
            drain();
            if (force) {
                try {
                    channel.force(false);
                } catch (IOException e) {
                    throw new UncheckedIOException("ledger file " + file + " cannot be forced to disk: "
                            + e.getMessage(), e);
                }
            }
        }

        private void drain() {
            buffer.flip();
            try {
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("ledger file " + file + " cannot be written: " + e.getMessage(), e);
            } finally {
                buffer.clear();
            }
        }

        /** Entries in the file, written or buffered. */
        public long entries() {
            return entries;
        }

        /** The file. */
        public Path file() {
            return file;
        }

        /** Flushes and closes the file; idempotent. */
        @Override
        public void close() {
            if (!channel.isOpen()) {
                return;
            }
            try {
                drain();
            } finally {
                try {
                    channel.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("ledger file " + file + " cannot be closed: " + e.getMessage(), e);
                }
            }
        }
    }

    private static void checkHeader(Path file, FileChannel ch) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
        while (h.hasRemaining() && ch.read(h) >= 0) {
            // read the header
        }
        byte[] head = Arrays.copyOf(h.array(), MAGIC.length);
        if (h.position() < HEADER_BYTES || !Arrays.equals(head, MAGIC)) {
            throw new IOException("ledger file " + file + " does not start with FL4JLEDG: not an fl4j ledger file");
        }
        int version = h.get(MAGIC.length) & 0xFF;
        if (version != VERSION) {
            throw new IOException("ledger file " + file + ": format version must be " + VERSION + ", was " + version);
        }
    }

    /** Number of complete entries in {@code file}. */
    public static long count(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            checkHeader(file, ch);
            return (ch.size() - HEADER_BYTES) / RECORD_BYTES;
        }
    }

    /**
     * Streams every entry of {@code file} to {@code action}, in the order recorded.
     *
     * @throws IOException if the file is not a ledger file, ends in a partial entry (naming the byte offset: the file
     *                     of a run that crashed while writing; resuming the run truncates it) or holds a bad direction
     *                     byte (naming entry and offset)
     */
    public static void forEach(Path file, Consumer<LedgerEntry> action) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            checkHeader(file, ch);
            long size = ch.size();
            long body = size - HEADER_BYTES;
            if (body % RECORD_BYTES != 0) {
                throw new IOException("ledger file " + file + " ends in a partial entry at byte offset "
                        + (HEADER_BYTES + body / RECORD_BYTES * RECORD_BYTES) + " (of " + size
                        + " bytes): the run stopped while writing it");
            }
            ByteBuffer buf = ByteBuffer.allocate(BUFFER);
            long k = 0;
            ch.position(HEADER_BYTES);
            while (ch.read(buf) > 0 || buf.position() > 0) {
                buf.flip();
                while (buf.remaining() >= RECORD_BYTES) {
                    int round = buf.getInt();
                    byte dir = buf.get();
                    int client = buf.getInt();
                    short vector = buf.getShort();
                    long bits = buf.getLong();
                    if (dir != 0 && dir != 1) {
                        throw new IOException("ledger file " + file + ": entry " + k + " at byte offset "
                                + (HEADER_BYTES + k * RECORD_BYTES) + " has direction byte " + (dir & 0xFF)
                                + ", must be 0 (downlink) or 1 (uplink)");
                    }
                    action.accept(new LedgerEntry(round, dir == 1 ? Direction.UPLINK : Direction.DOWNLINK, client,
                            vector, bits));
                    k++;
                }
                buf.compact();
                if (buf.position() > 0 && ch.position() >= size) {
                    break;
                }
            }
        }
    }

    /** Reads every entry of {@code file} into a ledger that keeps all of them (for files that fit in memory). */
    public static CommunicationLedger read(Path file) throws IOException {
        CommunicationLedger ledger = new CommunicationLedger(LedgerOptions.keepAll());
        forEach(file, ledger::record);
        return ledger;
    }

    /** Writes {@code file} as CSV ({@code round,direction,client,vector,bits}, a header line first). */
    public static void writeCsv(Path file, Appendable out) throws IOException {
        out.append("round,direction,client,vector,bits\n");
        try {
            forEach(file, e -> {
                try {
                    out.append(Integer.toString(e.round())).append(',')
                            .append(e.direction() == Direction.UPLINK ? "uplink" : "downlink").append(',')
                            .append(Integer.toString(e.client())).append(',').append(Integer.toString(e.vector()))
                            .append(',').append(Long.toString(e.bits())).append('\n');
                } catch (IOException x) {
                    throw new UncheckedIOException(x);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
