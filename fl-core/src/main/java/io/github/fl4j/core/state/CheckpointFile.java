package io.github.fl4j.core.state;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * The container format of a checkpoint: a magic number and a format version, then named sections, each with its
 * length and a CRC-32 of its bytes, then an end marker.
 *
 * <pre>
 *   file    = magic "FL4JCKPT" (8 bytes) | int formatVersion | section* | end
 *   section = UTF name | long length | length bytes | int crc32(bytes)
 *   end     = UTF "end" | long 0 | int 0
 * </pre>
 *
 * All numbers are big-endian ({@link DataOutput}). The contents of the sections are the caller's.
 *
 * <p><b>Atomic writes.</b> {@link Writer} writes {@code name.tmp} beside the target, forces it to the disk, renames it
 * over the target in one atomic step, and forces the directory; until the rename the previous file of that name (and
 * every other file) is untouched, so a process killed at any moment leaves either the old complete file or the new
 * complete file, plus possibly a stray {@code .tmp} that readers ignore.
 *
 * <p><b>Errors.</b> {@link Reader} names the file and the byte offset of what is wrong: a wrong magic number or
 * version, a section that runs past the end of the file (truncation), a section whose CRC does not match
 * (corruption), or a section whose contents do not parse.
 */
public final class CheckpointFile {
    /** The container format version written by this code. */
    public static final int FORMAT_VERSION = 1;
    private static final byte[] MAGIC = "FL4JCKPT".getBytes(StandardCharsets.US_ASCII);
    private static final String END = "end";

    private CheckpointFile() {
    }

    /** Writes a section's contents. */
    @FunctionalInterface
    public interface SectionWriter {
        void write(DataOutput out) throws IOException;
    }

    /** Reads a section's contents. */
    @FunctionalInterface
    public interface SectionReader {
        void read(DataInput in) throws IOException;
    }

    /** Told after every section written, before the file is complete (progress, and fault injection in tests). */
    @FunctionalInterface
    public interface Progress {
        /**
         * @param temporary the temporary file being written
         * @param section   the section just written
         * @param bytes     bytes written so far
         */
        void sectionWritten(Path temporary, String section, long bytes);
    }

    /** The temporary file that {@link Writer} writes before renaming it to {@code target}. */
    public static Path temporaryFor(Path target) {
        return target.resolveSibling(target.getFileName() + ".tmp");
    }

    /** Writes a checkpoint file atomically; close without {@link #commit()} deletes the temporary file. */
    public static final class Writer implements Closeable {
        private final Path target;
        private final Path tmp;
        private final FileChannel channel;
        private final ChannelOutput raw;
        private final DataOutputStream out;
        private final Progress progress;
        private boolean committed;

        private Writer(Path target, Progress progress) throws IOException {
            this.target = target;
            this.tmp = temporaryFor(target);
            this.progress = progress;
            this.channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
            this.raw = new ChannelOutput(channel);
            this.out = new DataOutputStream(raw);
            out.write(MAGIC);
            out.writeInt(FORMAT_VERSION);
        }

        /** Starts writing {@code target} (through its temporary file). */
        public static Writer create(Path target, Progress progress) throws IOException {
            if (target == null) {
                throw new IllegalArgumentException("checkpoint file must not be null");
            }
            return new Writer(target, progress);
        }

        /** Writes one section. */
        public void section(String name, SectionWriter contents) throws IOException {
            if (END.equals(name)) {
                throw new IllegalArgumentException("section name '" + END + "' is reserved");
            }
            out.writeUTF(name);
            long lengthAt = raw.position();
            out.writeLong(0);
            long start = raw.position();
            raw.startCrc();
            contents.write(out);
            out.flush();
            int crc = raw.stopCrc();
            long length = raw.position() - start;
            raw.patchLong(lengthAt, length);
            out.writeInt(crc);
            if (progress != null) {
                out.flush();
                progress.sectionWritten(tmp, name, raw.position());
            }
        }

        /** Writes the end marker, forces the file to the disk and renames it over the target atomically. */
        public void commit() throws IOException {
            out.writeUTF(END);
            out.writeLong(0);
            out.writeInt(0);
            out.flush();
            channel.force(true);
            channel.close();
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            committed = true;
            forceDirectory(target.toAbsolutePath().getParent());
        }

        @Override
        public void close() throws IOException {
            if (!committed) {
                channel.close();
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Makes a rename in {@code dir} durable (a no-op where directories cannot be opened, e.g. Windows). */
    static void forceDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not supported on this platform; the rename itself is still atomic.
        }
    }

    /** Reads a checkpoint file section by section, naming the file and the byte offset of any fault. */
    public static final class Reader implements Closeable {
        private final Path file;
        private final long size;
        private final CountingInput counting;
        private final DataInputStream in;

        private Reader(Path file) throws IOException {
            this.file = file;
            this.size = Files.size(file);
            this.counting = new CountingInput(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
            this.in = new DataInputStream(counting);
            byte[] magic = new byte[MAGIC.length];
            if (size < MAGIC.length + 4) {
                throw fault(0, "is truncated: it has " + size + " bytes, fewer than the " + (MAGIC.length + 4)
                        + " of the header");
            }
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw fault(0, "is not an fl4j checkpoint: its first bytes are not FL4JCKPT");
            }
            int version = in.readInt();
            if (version != FORMAT_VERSION) {
                throw fault(MAGIC.length, "has checkpoint format version " + version + "; this fl4j reads version "
                        + FORMAT_VERSION);
            }
        }

        /** Opens a checkpoint and checks its magic number and format version. */
        public static Reader open(Path file) throws IOException {
            if (file == null) {
                throw new IllegalArgumentException("checkpoint file must not be null");
            }
            return new Reader(file);
        }

        /**
         * Checks a whole checkpoint file without interpreting its sections: the header, every section's length
         * against the file's size and its CRC-32, and the end marker.
         *
         * @return the names of the sections, in order
         * @throws IOException naming the file and the byte offset of the first fault
         */
        public static java.util.List<String> verify(Path file) throws IOException {
            java.util.List<String> names = new java.util.ArrayList<>();
            try (Reader r = open(file)) {
                while (true) {
                    long at = r.counting.position();
                    String name = r.readHeader(at);
                    if (name.equals(END)) {
                        r.readLength(at, name);
                        r.in.readInt();
                        if (r.counting.position() != r.size) {
                            throw r.fault(r.counting.position(), "has " + (r.size - r.counting.position())
                                    + " unexpected bytes after the end marker");
                        }
                        return names;
                    }
                    long length = r.readLength(at, name);
                    long start = r.counting.position();
                    r.counting.startSection(length);
                    r.checkCrc(at, name, length, start);
                    names.add(name);
                }
            }
        }

        /** The file. */
        public Path file() {
            return file;
        }

        /** Reads the next section, which must be named {@code expected}. */
        public void section(String expected, SectionReader contents) throws IOException {
            long at = counting.position();
            String name = readHeader(at);
            if (!name.equals(expected)) {
                throw fault(at, "has section '" + name + "' where section '" + expected + "' was expected");
            }
            long length = readLength(at, name);
            long start = counting.position();
            counting.startSection(length);
            IOException parseError = null;
            RuntimeException parseFailure = null;
            try {
                contents.read(in);
            } catch (IOException e) {
                parseError = e;
            } catch (RuntimeException e) {
                parseFailure = e;
            }
            long consumed = counting.position() - start;
            checkCrc(at, name, length, start);
            if (parseError != null || parseFailure != null) {
                Exception e = parseError != null ? parseError : parseFailure;
                throw (IOException) fault(start + consumed, "section '" + name + "' cannot be read at byte offset "
                        + (start + consumed) + ": " + e.getMessage()).initCause(e);
            }
            if (consumed != length) {
                throw fault(start + consumed, "section '" + name + "' has " + length + " bytes but only " + consumed
                        + " were read");
            }
        }

        /** Reads the end marker and checks that nothing follows it. */
        public void end() throws IOException {
            long at = counting.position();
            String name = readHeader(at);
            if (!name.equals(END)) {
                throw fault(at, "has section '" + name + "' where the end marker was expected");
            }
            readLength(at, name);
            in.readInt();
            if (counting.position() != size) {
                throw fault(counting.position(), "has " + (size - counting.position())
                        + " unexpected bytes after the end marker");
            }
        }

        /** Reads the rest of a section (checksummed) and its stored CRC, and compares them. */
        private void checkCrc(long at, String name, long length, long start) throws IOException {
            int crc = counting.finishSection();
            int stored = in.readInt();
            if (crc != stored) {
                throw fault(at, "is corrupted: section '" + name + "' (" + length + " bytes from byte offset " + start
                        + ") has CRC-32 " + Integer.toHexString(crc) + ", but " + Integer.toHexString(stored)
                        + " was written");
            }
        }

        private String readHeader(long at) throws IOException {
            try {
                return in.readUTF();
            } catch (EOFException e) {
                throw fault(at, "is truncated: it ends at byte offset " + size + " where a section starts");
            }
        }

        private long readLength(long at, String name) throws IOException {
            long length;
            try {
                length = in.readLong();
            } catch (EOFException e) {
                throw fault(at, "is truncated: it ends inside the header of section '" + name + "'");
            }
            long start = counting.position();
            if (length < 0 || start + length + 4 > size) {
                throw fault(at, "is truncated: section '" + name + "' at byte offset " + at + " declares " + length
                        + " bytes from byte offset " + start + ", but the file ends at byte offset " + size);
            }
            return length;
        }

        private IOException fault(long offset, String what) {
            return new IOException("checkpoint " + file + " " + what + " (byte offset " + offset + ")");
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** An output stream over a file channel that counts bytes, computes CRCs and can patch earlier bytes. */
    private static final class ChannelOutput extends OutputStream {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        private final CRC32 crc = new CRC32();
        private boolean crcOn;
        private long position;

        ChannelOutput(FileChannel channel) {
            this.channel = channel;
        }

        long position() {
            return position;
        }

        void startCrc() {
            crc.reset();
            crcOn = true;
        }

        int stopCrc() {
            crcOn = false;
            return (int) crc.getValue();
        }

        @Override
        public void write(int b) throws IOException {
            if (!buffer.hasRemaining()) {
                drain();
            }
            buffer.put((byte) b);
            if (crcOn) {
                crc.update(b);
            }
            position++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (crcOn) {
                crc.update(b, off, len);
            }
            position += len;
            while (len > 0) {
                if (!buffer.hasRemaining()) {
                    drain();
                }
                int n = Math.min(len, buffer.remaining());
                buffer.put(b, off, n);
                off += n;
                len -= n;
            }
        }

        void patchLong(long at, long value) throws IOException {
            drain();
            ByteBuffer b = ByteBuffer.allocate(8).putLong(0, value);
            while (b.hasRemaining()) {
                channel.write(b, at + b.position());
            }
        }

        private void drain() throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            buffer.clear();
        }

        @Override
        public void flush() throws IOException {
            drain();
        }
    }

    /** Counts bytes read; inside a section, computes its CRC and refuses to read past its end. */
    private static final class CountingInput extends FilterInputStream {
        private final CRC32 crc = new CRC32();
        private long position;
        private long sectionLeft = -1;

        CountingInput(InputStream in) {
            super(in);
        }

        long position() {
            return position;
        }

        void startSection(long length) {
            crc.reset();
            sectionLeft = length;
        }

        /** Skips what the parser left of the section (still checksummed) and returns the section's CRC. */
        int finishSection() throws IOException {
            byte[] skip = new byte[8192];
            while (sectionLeft > 0) {
                int n = read(skip, 0, (int) Math.min(skip.length, sectionLeft));
                if (n < 0) {
                    throw new EOFException();
                }
            }
            sectionLeft = -1;
            return (int) crc.getValue();
        }

        @Override
        public int read() throws IOException {
            if (sectionLeft == 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                position++;
                if (sectionLeft > 0) {
                    sectionLeft--;
                    crc.update(b);
                }
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (sectionLeft == 0) {
                return -1;
            }
            if (sectionLeft > 0) {
                len = (int) Math.min(len, sectionLeft);
            }
            int n = super.read(b, off, len);
            if (n > 0) {
                position += n;
                if (sectionLeft > 0) {
                    sectionLeft -= n;
                    crc.update(b, off, n);
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            throw new UnsupportedOperationException("skip");
        }
    }
}
