package io.github.fl4j.core.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * An append-only file of byte strings keyed by a non-negative int id, with an in-memory index id -> (offset, length):
 * the storage engine of {@link DiskClientStateStore}.
 *
 * <pre>
 *   file   = magic "FL4JLOG1" (8 bytes) | record*
 *   record = int id | int length | int crc32(bytes) | length bytes        (a put, id &gt;= 0)
 *          | int -1 | int count | int crc32(count, ids of the batch) | -  (a commit of the count puts before it)
 * </pre>
 *
 * <p><b>Batches are atomic.</b> {@link #putAll} appends its records and then one commit record; the index changes only
 * when the commit record is written. {@link #open} replays the file and applies a batch only if its commit record is
 * there, complete and matching, then truncates anything after the last commit. So a process killed at any moment (in
 * the middle of a record, between records, before the commit) reopens to the state of the last complete batch. With
 * {@code durable} each commit is also forced to the disk (power-loss safe, slower); without it the written bytes are in
 * the operating system's cache, which survives the death of the process but not of the machine.
 *
 * <p><b>Space.</b> Every put appends; the space of overwritten values is reclaimed by compaction, which writes the live
 * values (in id order, with one commit) to {@code name.log.compact}, forces it, and renames it over {@code name.log} in
 * one atomic step: a crash during compaction leaves the old complete file. It runs when the file is larger than
 * twice the live bytes plus 64 MiB, so the file stays below about 2x the live data and the amortised cost is at most
 * one extra write of each value.
 *
 * <p>The index costs 12 bytes per id up to the largest id (12 MB for 10^6 clients). Not thread-safe.
 */
final class StateLog implements AutoCloseable {
    private static final byte[] MAGIC = {'F', 'L', '4', 'J', 'L', 'O', 'G', '1'};
    private static final int HEADER = 12;
    private static final long COMPACT_SLACK = 64L << 20;

    private final Path file;
    private final String name;
    private final boolean durable;
    private FileChannel channel;
    private FileLock lock;
    private long[] offsets = new long[0];
    private int[] lengths = new int[0];
    private int size;
    private long liveBytes;
    private long end;
    private final ByteBuffer header = ByteBuffer.allocate(HEADER);
    private final CRC32 crc = new CRC32();

    private StateLog(Path file, String name, boolean durable) {
        this.file = file;
        this.name = name;
        this.durable = durable;
    }

    /** The file of the log {@code name} in {@code directory}. */
    static Path fileOf(Path directory, String name) {
        return directory.resolve(name + ".log");
    }

    /**
     * Opens (creating if absent) the log {@code name} in {@code directory}, recovering the state of its last complete
     * batch; with {@code fresh} the log is emptied first.
     *
     * @throws IllegalStateException if another open log (in this or another process) holds the file
     */
    static StateLog open(Path directory, String name, boolean fresh, boolean durable) throws IOException {
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new IllegalArgumentException("store name must be a plain file name, was '" + name + "'");
        }
        Files.createDirectories(directory);
        StateLog log = new StateLog(fileOf(directory, name), name, durable);
        log.openChannel(fresh);
        return log;
    }

    private void openChannel(boolean fresh) throws IOException {
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException(name + ": the store file " + file + " is in use by another open store");
        }
        if (fresh || channel.size() == 0) {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(MAGIC), 0);
            end = MAGIC.length;
            if (durable) {
                channel.force(true);
            }
            return;
        }
        try {
            recover();
        } catch (IOException | RuntimeException e) {
            lock.release();
            channel.close();
            channel = null;
            throw e;
        }
    }

    /** Replays the file up to its last complete commit and truncates the rest. */
    private void recover() throws IOException {
        long fileSize = channel.size();
        ByteBuffer magic = ByteBuffer.allocate(MAGIC.length);
        readFully(magic, 0);
        if (fileSize < MAGIC.length || !Arrays.equals(magic.array(), MAGIC)) {
            throw new IOException(name + ": " + file + " is not a state log (bad magic number)");
        }
        long pos = MAGIC.length;
        long committed = pos;
        int[] pendingIds = new int[16];
        long[] pendingOffsets = new long[16];
        int[] pendingLengths = new int[16];
        int pending = 0;
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        ByteBuffer body = ByteBuffer.allocate(1 << 16);
        while (pos + HEADER <= fileSize) {
            h.clear();
            readFully(h, pos);
            h.flip();
            int id = h.getInt();
            int len = h.getInt();
            int sum = h.getInt();
            if (id == -1) {
                if (len != pending || sum != batchCrc(pendingIds, pending)) {
                    break;
                }
                for (int k = 0; k < pending; k++) {
                    index(pendingIds[k], pendingOffsets[k], pendingLengths[k]);
                }
                pending = 0;
                pos += HEADER;
                committed = pos;
                continue;
            }
            if (id < 0 || len < 0 || pos + HEADER + len > fileSize) {
                break;
            }
            if (body.capacity() < len) {
                body = ByteBuffer.allocate(Math.max(len, body.capacity() * 2));
            }
            body.clear().limit(len);
            readFully(body, pos + HEADER);
            crc.reset();
            crc.update(body.array(), 0, len);
            if ((int) crc.getValue() != sum) {
                break;
            }
            if (pending == pendingIds.length) {
                pendingIds = Arrays.copyOf(pendingIds, pending * 2);
                pendingOffsets = Arrays.copyOf(pendingOffsets, pending * 2);
                pendingLengths = Arrays.copyOf(pendingLengths, pending * 2);
            }
            pendingIds[pending] = id;
            pendingOffsets[pending] = pos + HEADER;
            pendingLengths[pending] = len;
            pending++;
            pos += HEADER + len;
        }
        if (committed < fileSize) {
            channel.truncate(committed);
        }
        end = committed;
    }

    private int batchCrc(int[] ids, int n) {
        crc.reset();
        ByteBuffer b = ByteBuffer.allocate(4);
        b.putInt(0, n);
        crc.update(b.array(), 0, 4);
        for (int k = 0; k < n; k++) {
            b.putInt(0, ids[k]);
            crc.update(b.array(), 0, 4);
        }
        return (int) crc.getValue();
    }

    private void index(int id, long offset, int length) {
        if (id >= offsets.length) {
            int n = Math.max(id + 1, Math.max(16, offsets.length + (offsets.length >> 1)));
            int old = offsets.length;
            offsets = Arrays.copyOf(offsets, n);
            lengths = Arrays.copyOf(lengths, n);
            Arrays.fill(lengths, old, n, -1);
        }
        if (lengths[id] < 0) {
            size++;
        } else {
            liveBytes -= lengths[id];
        }
        offsets[id] = offset;
        lengths[id] = length;
        liveBytes += length;
    }

    /** The length of the value of {@code id}, or -1 if none is stored. */
    int length(int id) {
        return id >= 0 && id < lengths.length ? lengths[id] : -1;
    }

    /** Reads the value of {@code id} into a new array, or returns null if none is stored. */
    byte[] get(int id) {
        int len = length(id);
        if (len < 0) {
            return null;
        }
        byte[] b = new byte[len];
        try {
            readFully(ByteBuffer.wrap(b), offsets[id]);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": reading the value of id " + id + " from " + file + " failed: "
                    + e.getMessage(), e);
        }
        return b;
    }

    /**
     * Appends the values and one commit record; the index (what {@link #get} sees) changes after the commit record is
     * written. If writing fails half-way, the log keeps its previous contents (the partial batch is cut off).
     */
    void putAll(int[] ids, byte[][] values) {
        if (ids.length != values.length) {
            throw new IllegalArgumentException(name + ": " + ids.length + " ids but " + values.length + " values");
        }
        long start = end;
        long pos = end;
        long[] at = new long[ids.length];
        try {
            for (int k = 0; k < ids.length; k++) {
                if (ids[k] < 0) {
                    throw new IllegalArgumentException(name + ": id must be >= 0, was " + ids[k]);
                }
                byte[] v = values[k];
                crc.reset();
                crc.update(v, 0, v.length);
                header.clear();
                header.putInt(ids[k]).putInt(v.length).putInt((int) crc.getValue()).flip();
                writeFully(header, pos);
                writeFully(ByteBuffer.wrap(v), pos + HEADER);
                at[k] = pos + HEADER;
                pos += HEADER + v.length;
            }
            header.clear();
            header.putInt(-1).putInt(ids.length).putInt(batchCrc(ids, ids.length)).flip();
            writeFully(header, pos);
            pos += HEADER;
            if (durable) {
                channel.force(false);
            }
        } catch (IOException | RuntimeException e) {
            try {
                channel.truncate(start);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException(name + ": writing to " + file + " failed: " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
        end = pos;
        for (int k = 0; k < ids.length; k++) {
            index(ids[k], at[k], values[k].length);
        }
        if (end > 2 * liveBytes + COMPACT_SLACK) {
            compact();
        }
    }

    /** Rewrites the live values into a new file and renames it over the old one. */
    void compact() {
        Path tmp = file.resolveSibling(file.getFileName() + ".compact");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(ByteBuffer.wrap(MAGIC), 0);
            long pos = MAGIC.length;
            long[] newOffsets = new long[offsets.length];
            int count = 0;
            int[] ids = new int[size];
            ByteBuffer h = ByteBuffer.allocate(HEADER);
            for (int id = 0; id < lengths.length; id++) {
                if (lengths[id] < 0) {
                    continue;
                }
                byte[] v = get(id);
                crc.reset();
                crc.update(v, 0, v.length);
                h.clear();
                h.putInt(id).putInt(v.length).putInt((int) crc.getValue()).flip();
                while (h.hasRemaining()) {
                    pos += out.write(h, pos);
                }
                newOffsets[id] = pos;
                ByteBuffer vb = ByteBuffer.wrap(v);
                while (vb.hasRemaining()) {
                    pos += out.write(vb, pos);
                }
                ids[count++] = id;
            }
            h.clear();
            h.putInt(-1).putInt(count).putInt(batchCrc(ids, count)).flip();
            while (h.hasRemaining()) {
                pos += out.write(h, pos);
            }
            out.force(true);
            lock.release();
            channel.close();
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            lock = channel.tryLock();
            offsets = newOffsets;
            end = pos;
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": compacting " + file + " failed: " + e.getMessage(), e);
        }
    }

    /** Removes every value (one atomic step: the file is cut back to its magic number). */
    void clear() {
        try {
            channel.truncate(MAGIC.length);
            if (durable) {
                channel.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": clearing " + file + " failed: " + e.getMessage(), e);
        }
        end = MAGIC.length;
        offsets = new long[0];
        lengths = new int[0];
        size = 0;
        liveBytes = 0;
    }

    /** The number of ids with a value. */
    int size() {
        return size;
    }

    /** The total length of the live values. */
    long liveBytes() {
        return liveBytes;
    }

    /** The length of the file. */
    long fileBytes() {
        return end;
    }

    /** One past the largest id that may have a value. */
    int idLimit() {
        return lengths.length;
    }

    Path file() {
        return file;
    }

    private void readFully(ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = channel.read(b, pos);
            if (n < 0) {
                break;
            }
            pos += n;
        }
    }

    private void writeFully(ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            pos += channel.write(b, pos);
        }
    }

    @Override
    public void close() {
        if (channel == null) {
            return;
        }
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": closing " + file + " failed: " + e.getMessage(), e);
        } finally {
            channel = null;
        }
    }

    boolean isOpen() {
        return channel != null;
    }
}
