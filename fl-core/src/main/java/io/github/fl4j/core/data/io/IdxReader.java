package io.github.fl4j.core.data.io;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.tensor.Precision;
import java.io.IOException;
import java.io.InputStream;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST (LeCun et al., <a href="http://yann.lecun.com/exdb/mnist/">
 * http://yann.lecun.com/exdb/mnist/</a>), gzipped or plain.
 *
 * <h2>Format</h2>
 * All integers are 32-bit big-endian. An image file starts with the magic number {@code 0x00000803} (two zero bytes,
 * type {@code 0x08} = unsigned byte, 3 dimensions), then the image count n, the row count r and the column count c,
 * then {@code n * r * c} pixel bytes (0..255), image after image, row-major. A label file starts with
 * {@code 0x00000801} (unsigned byte, 1 dimension), then n, then n label bytes. Whether a file is gzipped is detected
 * from its first two bytes ({@code 1f 8b}), never from its name; bytes after the declared payload are ignored (with a
 * logged warning).
 *
 * <h2>Output</h2>
 * {@link #read} returns a {@link Dataset} with features [n, r*c] (image i in row i, pixels row-major, c-order) and
 * labels [n, 1] holding the label byte as a floating-point class index. Pixels are mapped by a {@link Normalization}:
 * {@link Normalization#MNIST} (the standard setup, x = (pixel/255 - 0.1307)/0.3081), {@link Normalization#UNIT}
 * (pixel/255) or {@link Normalization#RAW} (0..255). Each value is computed in double and, for float32, rounded once.
 *
 * <h2>Errors</h2>
 * Every problem with a file's content raises an {@link IOException} whose message names the file and the byte offset
 * (the offset in the uncompressed stream for gzipped files) and says what was expected: a wrong magic number
 * (expected and found), a truncated header or payload (bytes expected and available), image and label counts that
 * differ. Nothing is returned unless both files were read completely. Labels are not range-checked (an IDX label is a
 * byte); {@link #labelRange} reports the range.
 *
 * <h2>Performance and thread safety</h2>
 * A file is read once through a buffered (gunzipping) stream into one byte array, which is converted through a
 * 256-entry lookup table straight into the buffer of a new ND4J array (in 64K-value chunks): the 60,000 MNIST training images (47 MB) load in a few
 * hundred milliseconds, most of it gunzip. Peak heap is the pixel bytes; the features live off-heap in ND4J.
 * Stateless and thread-safe.
 */
public final class IdxReader {
    private static final Logger LOG = LoggerFactory.getLogger(IdxReader.class);

    /** Magic number of an image file: unsigned bytes, 3 dimensions (count, rows, columns). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of a label file: unsigned bytes, 1 dimension (count). */
    public static final int LABELS_MAGIC = 0x00000801;
    /**
     * Mean of the MNIST training pixels scaled to [0, 1]; the value of PyTorch's MNIST example
     * ({@code transforms.Normalize((0.1307,), (0.3081,))}).
     */
    public static final double MNIST_MEAN = 0.1307;
    /** Standard deviation of the MNIST training pixels scaled to [0, 1] (same source as {@link #MNIST_MEAN}). */
    public static final double MNIST_STD = 0.3081;

    private static final int IMAGES_HEADER_BYTES = 16;
    private static final int LABELS_HEADER_BYTES = 8;
    private static final int CHUNK = 1 << 16;

    /** How pixel bytes 0..255 become feature values. */
    public enum Normalization {
        /** The byte value itself, 0..255. */
        RAW,
        /** pixel / 255, in [0, 1]. */
        UNIT,
        /**
         * The standard MNIST standardisation x = (pixel/255 - {@link #MNIST_MEAN}) / {@link #MNIST_STD}: pixel 0 maps
         * to -0.4242..., pixel 255 to 2.8215....
         */
        MNIST;

        /** The feature value of a pixel byte 0..255, in double precision. */
        public double apply(int pixel) {
            if (pixel < 0 || pixel > 255) {
                throw new IllegalArgumentException("pixel must be in [0, 255], was " + pixel);
            }
            switch (this) {
                case RAW:
                    return pixel;
                case UNIT:
                    return pixel / 255.0;
                default:
                    return (pixel / 255.0 - MNIST_MEAN) / MNIST_STD;
            }
        }
    }

    /**
     * The content of an IDX image file.
     *
     * @param count   number of images n
     * @param rows    rows per image r
     * @param columns columns per image c
     * @param pixels  the {@code n * r * c} pixel bytes, image after image, row-major; read as unsigned
     *                ({@code pixels[k] & 0xff}). Not copied: do not modify.
     */
    public record IdxImages(int count, int rows, int columns, byte[] pixels) {
        /** Validates the shape against the pixel array. */
        public IdxImages {
            if (count < 0 || rows < 0 || columns < 0) {
                throw new IllegalArgumentException("count, rows and columns must be >= 0, were " + count + ", "
                        + rows + ", " + columns);
            }
            if (pixels == null || (long) count * rows * columns != pixels.length) {
                throw new IllegalArgumentException("pixels must hold count * rows * columns = "
                        + ((long) count * rows * columns) + " bytes, held " + (pixels == null ? "null" : pixels.length));
            }
        }

        /** Pixels per image, r * c. */
        public int pixelsPerImage() {
            return rows * columns;
        }

        /** The pixel (0..255) of image {@code image} at ({@code row}, {@code column}). */
        public int pixel(int image, int row, int column) {
            if (image < 0 || image >= count || row < 0 || row >= rows || column < 0 || column >= columns) {
                throw new IllegalArgumentException("(image, row, column) must be within (" + count + ", " + rows
                        + ", " + columns + "), was (" + image + ", " + row + ", " + column + ")");
            }
            return pixels[(image * rows + row) * columns + column] & 0xff;
        }
    }

    private IdxReader() {
    }

    /**
     * Loads the MNIST training or test set from the four canonical files in {@code dir}
     * ({@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte},
     * {@code t10k-labels-idx1-ubyte}, each plain or with {@code .gz}; the spelling {@code train-images.idx3-ubyte} is
     * accepted too), with the standard normalisation {@link Normalization#MNIST}. Fashion-MNIST uses the same names.
     *
     * @param dir       the folder holding the files
     * @param train     the 60,000 training images if true, the 10,000 test images if false
     * @param precision the precision of the result
     * @return features [n, 784], labels [n, 1] holding the digit 0..9
     * @throws IOException if a file is missing (the message lists the names looked for) or malformed
     */
    public static Dataset mnist(Path dir, boolean train, Precision precision) throws IOException {
        return mnist(dir, train, precision, Normalization.MNIST);
    }

    /**
     * As {@link #mnist(Path, boolean, Precision)} with the given pixel normalisation.
     *
     * @throws IOException if a file is missing or malformed
     */
    public static Dataset mnist(Path dir, boolean train, Precision precision, Normalization normalization)
            throws IOException {
        if (dir == null) {
            throw new IllegalArgumentException("dir must not be null");
        }
        String prefix = train ? "train" : "t10k";
        Path images = find(dir, prefix, "images", "idx3");
        Path labels = find(dir, prefix, "labels", "idx1");
        return read(images, labels, precision, normalization);
    }

    /**
     * Reads an image file and a label file into a dataset.
     *
     * @param images    IDX image file (gzipped or plain)
     * @param labels    IDX label file (gzipped or plain)
     * @param precision the precision of the result
     * @param normalize true for the MNIST standardisation (pixel/255 - 0.1307)/0.3081, false for pixel/255
     * @throws IOException if a file cannot be read or is malformed, or the counts differ
     */
    public static Dataset read(Path images, Path labels, Precision precision, boolean normalize) throws IOException {
        return read(images, labels, precision, normalize ? Normalization.MNIST : Normalization.UNIT);
    }

    /**
     * Reads an image file and a label file into a dataset: features [n, r*c], labels [n, 1].
     *
     * @throws IOException if a file cannot be read or is malformed, or the counts differ (the message names both files)
     */
    public static Dataset read(Path images, Path labels, Precision precision, Normalization normalization)
            throws IOException {
        return readFiles(images, labels, precision, normalization).withSource(images + " and " + labels);
    }

    private static Dataset readFiles(Path images, Path labels, Precision precision, Normalization normalization)
            throws IOException {
        if (images == null || labels == null) {
            throw new IllegalArgumentException("images and labels must not be null");
        }
        if (precision == null || normalization == null) {
            throw new IllegalArgumentException("precision and normalization must not be null");
        }
        int[] y = readLabels(labels);
        IdxImages x = readImages(images);
        if (x.count() != y.length) {
            throw new IOException("image/label count mismatch: " + images + " declares " + x.count()
                    + " images (header, byte offset 4) but " + labels + " declares " + y.length
                    + " labels (header, byte offset 4)");
        }
        return toDataset(x, y, precision, normalization);
    }

    /**
     * Converts decoded images and labels to a dataset (no I/O).
     *
     * @throws IllegalArgumentException if the counts differ or an argument is null
     */
    public static Dataset toDataset(IdxImages images, int[] labels, Precision precision, Normalization normalization) {
        if (images == null || labels == null || precision == null || normalization == null) {
            throw new IllegalArgumentException("images, labels, precision and normalization must not be null");
        }
        if (images.count() != labels.length) {
            throw new IllegalArgumentException("images and labels must have the same count, were " + images.count()
                    + " and " + labels.length);
        }
        int n = images.count();
        int p = images.pixelsPerImage();
        if (n == 0) {
            return new Dataset(Nd4j.create(precision.dataType(), 0, p), Nd4j.create(precision.dataType(), 0, 1));
        }
        double[] table = new double[256];
        for (int v = 0; v < 256; v++) {
            table[v] = normalization.apply(v);
        }
        byte[] px = images.pixels();
        // Written straight into the (uninitialised, c-order) ND4J buffer in chunks: no heap copy of the features,
        // and about twice as fast as Nd4j.create(float[]) for 47M values.
        INDArray features = Nd4j.createUninitialized(precision.dataType(), n, p);
        if (precision == Precision.FLOAT32) {
            float[] t = new float[256];
            for (int v = 0; v < 256; v++) {
                t[v] = (float) table[v];
            }
            FloatBuffer out = features.data().asNioFloat();
            float[] chunk = new float[Math.min(px.length, CHUNK)];
            for (int start = 0; start < px.length; start += chunk.length) {
                int len = Math.min(chunk.length, px.length - start);
                for (int k = 0; k < len; k++) {
                    chunk[k] = t[px[start + k] & 0xff];
                }
                out.put(start, chunk, 0, len);
            }
        } else {
            DoubleBuffer out = features.data().asNioDouble();
            double[] chunk = new double[Math.min(px.length, CHUNK)];
            for (int start = 0; start < px.length; start += chunk.length) {
                int len = Math.min(chunk.length, px.length - start);
                for (int k = 0; k < len; k++) {
                    chunk[k] = table[px[start + k] & 0xff];
                }
                out.put(start, chunk, 0, len);
            }
        }
        double[] l = new double[n];
        for (int i = 0; i < n; i++) {
            l[i] = labels[i];
        }
        INDArray labelColumn = LibSvmReader.matrix(l, n, 1, precision);
        return new Dataset(features, labelColumn);
    }

    /**
     * Reads an IDX image file (magic {@code 0x00000803}).
     *
     * @throws IOException if the file cannot be read, has another magic number, or is truncated (the message names the
     *                     file, the byte offset, and the bytes expected and available)
     */
    public static IdxImages readImages(Path file) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        try (Input in = new Input(file)) {
            byte[] header = in.header(IMAGES_HEADER_BYTES, IMAGES_MAGIC, "uint8 images, 3 dimensions", "image");
            int n = in.dimension(header, 4, "image count");
            int rows = in.dimension(header, 8, "row count");
            int cols = in.dimension(header, 12, "column count");
            long total = (long) n * rows * cols;
            if (total > Integer.MAX_VALUE - 16) {
                throw new IOException(file + ": header declares " + n + " images of " + rows + "x" + cols + " = "
                        + total + " pixel bytes (byte offset 4), more than a Java array can hold");
            }
            byte[] pixels = in.payload((int) total, n + " images of " + rows + "x" + cols + " pixels");
            return new IdxImages(n, rows, cols, pixels);
        }
    }

    /**
     * Reads an IDX label file (magic {@code 0x00000801}): one unsigned byte 0..255 per sample.
     *
     * @throws IOException if the file cannot be read, has another magic number, or is truncated
     */
    public static int[] readLabels(Path file) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        try (Input in = new Input(file)) {
            byte[] header = in.header(LABELS_HEADER_BYTES, LABELS_MAGIC, "uint8 labels, 1 dimension", "label");
            int n = in.dimension(header, 4, "label count");
            byte[] bytes = in.payload(n, n + " labels");
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = bytes[i] & 0xff;
            }
            return labels;
        }
    }

    /**
     * The smallest and largest label, e.g. {0, 9} for MNIST.
     *
     * @return {min, max}
     * @throws IllegalArgumentException if {@code labels} is null or empty
     */
    public static int[] labelRange(int[] labels) {
        if (labels == null || labels.length == 0) {
            throw new IllegalArgumentException("labels must hold at least one label, was "
                    + (labels == null ? "null" : "empty"));
        }
        int min = labels[0];
        int max = labels[0];
        for (int v : labels) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return new int[] {min, max};
    }

    private static Path find(Path dir, String prefix, String kind, String idx) throws IOException {
        String canonical = prefix + "-" + kind + "-" + idx + "-ubyte";
        String dotted = prefix + "-" + kind + "." + idx + "-ubyte";
        String[] names = {canonical, canonical + ".gz", dotted, dotted + ".gz"};
        for (String name : names) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new NoSuchFileException("MNIST-style file " + canonical + "[.gz] not found in " + dir.toAbsolutePath()
                + " (looked for " + String.join(", ", names) + ")");
    }

    /** A (gunzipping) stream over one file that knows its position for messages. */
    private static final class Input implements AutoCloseable {
        private final Path file;
        private final boolean gzip;
        private final InputStream in;
        private long pos;

        Input(Path file) throws IOException {
            if (Files.isDirectory(file)) {
                throw new IOException(file + " is a directory, not an IDX file (for a folder of MNIST files use "
                        + "IdxReader.mnist(folder, ...))");
            }
            if (!Files.isRegularFile(file)) {
                throw new java.nio.file.NoSuchFileException(file + ": no such IDX file");
            }
            this.file = file;
            this.gzip = DatasetDownloader.isGzip(file);
            this.in = DatasetDownloader.openUncompressed(file);
        }

        String where(long offset) {
            return (gzip ? "uncompressed byte offset " : "byte offset ") + offset;
        }

        /** Reads up to len bytes, returning how many were available before the end of the stream. */
        private int readUpTo(byte[] b, int len) throws IOException {
            int total = 0;
            while (total < len) {
                int r;
                try {
                    r = in.read(b, total, len - total);
                } catch (IOException e) {
                    throw new IOException(file + ": cannot read at " + where(pos + total)
                            + (gzip ? " (corrupt or truncated gzip data)" : "") + ": " + e.getMessage(), e);
                }
                if (r < 0) {
                    break;
                }
                total += r;
            }
            pos += total;
            return total;
        }

        /** Reads the header of {@code bytes} bytes, checking the magic number as soon as its 4 bytes are in. */
        byte[] header(int bytes, int expectedMagic, String what, String kind) throws IOException {
            byte[] h = new byte[bytes];
            int got = readUpTo(h, 4);
            if (got == 4) {
                checkMagic(h, expectedMagic, what);
                byte[] rest = new byte[bytes - 4];
                int more = readUpTo(rest, rest.length);
                System.arraycopy(rest, 0, h, 4, more);
                got += more;
            }
            if (got < bytes) {
                throw new IOException(file + ": truncated IDX " + kind + " header at " + where(got) + ": expected "
                        + bytes + " header bytes, available " + got);
            }
            return h;
        }

        private void checkMagic(byte[] header, int expected, String what) throws IOException {
            int found = intAt(header, 0);
            if (found != expected) {
                String hint = "";
                if (found == IMAGES_MAGIC) {
                    hint = " (an image file)";
                } else if (found == LABELS_MAGIC) {
                    hint = " (a label file)";
                } else if ((found >>> 16) == 0x1f8b) {
                    hint = " (gzip data inside gzip?)";
                }
                throw new IOException(String.format(Locale.ROOT,
                        "%s: bad IDX magic number at %s: expected 0x%08x (%s), found 0x%08x%s", file, where(0),
                        expected, what, found, hint));
            }
        }

        int dimension(byte[] header, int offset, String name) throws IOException {
            int v = intAt(header, offset);
            if (v < 0) {
                throw new IOException(file + ": bad " + name + " at " + where(offset) + ": expected a value >= 0, found "
                        + Integer.toUnsignedString(v));
            }
            return v;
        }

        byte[] payload(int bytes, String what) throws IOException {
            long start = pos;
            byte[] data = new byte[bytes];
            int got = readUpTo(data, bytes);
            if (got < bytes) {
                throw new IOException(file + ": truncated IDX file: the header declares " + what + " = " + bytes
                        + " data bytes from " + where(start) + ", but only " + got + " are available (the data ends at "
                        + where(start + got) + ")");
            }
            int extra;
            try {
                extra = in.read();
            } catch (IOException e) {
                throw new IOException(file + ": cannot read at " + where(pos)
                        + (gzip ? " (corrupt gzip data or trailer)" : "") + ": " + e.getMessage(), e);
            }
            if (extra >= 0) {
                LOG.warn("{}: ignoring bytes after the declared IDX payload (from {})", file, where(pos));
            }
            return data;
        }

        private static int intAt(byte[] b, int off) {
            return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8)
                    | (b[off + 3] & 0xff);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
