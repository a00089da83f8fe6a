package io.github.fl4j.core.data.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.Labels;
import io.github.fl4j.core.tensor.Precision;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class IdxReaderTest {

    @TempDir
    Path tmp;

    /** Three 2x2 images; pixel values chosen to hit 0, 255 and a middle value. */
    private static final byte[] PIXELS = {
        0, (byte) 255, (byte) 128, 1,
        2, 3, 4, 5,
        (byte) 200, 100, 50, 25,
    };
    private static final int[] LABELS = {7, 0, 9};

    // ---- helpers ----

    static byte[] idxImages(int magic, int n, int rows, int cols, byte[] pixels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(magic); // DataOutputStream writes big-endian, as IDX requires
            out.writeInt(n);
            out.writeInt(rows);
            out.writeInt(cols);
            out.write(pixels);
        }
        return bytes.toByteArray();
    }

    static byte[] idxLabels(int magic, int n, int[] labels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(magic);
            out.writeInt(n);
            for (int l : labels) {
                out.writeByte(l);
            }
        }
        return bytes.toByteArray();
    }

    static Path write(Path file, byte[] content, boolean gzip) throws IOException {
        if (gzip) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
                out.write(content);
            }
        } else {
            Files.write(file, content);
        }
        return file;
    }

    private static double[] values(INDArray a) {
        return a.dup('c').castTo(DataType.DOUBLE).data().asDouble();
    }

    private Path images(String name, boolean gzip) throws IOException {
        return write(tmp.resolve(name), idxImages(IdxReader.IMAGES_MAGIC, 3, 2, 2, PIXELS), gzip);
    }

    private Path labels(String name, boolean gzip) throws IOException {
        return write(tmp.resolve(name), idxLabels(IdxReader.LABELS_MAGIC, 3, LABELS), gzip);
    }

    private static double[] expected(IdxReader.Normalization norm, boolean asFloat) {
        double[] e = new double[PIXELS.length];
        for (int k = 0; k < e.length; k++) {
            double v = norm.apply(PIXELS[k] & 0xff);
            e[k] = asFloat ? (float) v : v;
        }
        return e;
    }

    // ---- round trips ----

    @Test
    void plainRoundTripRawPixelsExact() throws IOException {
        Dataset d = IdxReader.read(images("img", false), labels("lbl", false), Precision.FLOAT64,
                IdxReader.Normalization.RAW);
        // 3 images of 2x2 -> [3, 4]; labels [3, 1] (written above)
        assertArrayEquals(new long[] {3, 4}, d.features().shape());
        assertArrayEquals(new long[] {3, 1}, d.labels().shape());
        assertEquals(Precision.FLOAT64, d.precision());
        assertArrayEquals(new double[] {0, 255, 128, 1, 2, 3, 4, 5, 200, 100, 50, 25}, values(d.features()));
        assertArrayEquals(new double[] {7, 0, 9}, values(d.labels()));
        assertArrayEquals(LABELS, Labels.classIndices(d));
    }

    @Test
    void gzippedEqualsPlainAndDetectionIsByMagicNotName() throws IOException {
        Dataset plain = IdxReader.read(images("a", false), labels("b", false), Precision.FLOAT32, true);
        // gzip content under names without .gz, and plain content under .gz names: detection by bytes 1f 8b
        Dataset gz = IdxReader.read(images("images.bin", true), labels("labels.bin", true), Precision.FLOAT32, true);
        Dataset misnamed = IdxReader.read(images("c.gz", false), labels("d.gz", false), Precision.FLOAT32, true);
        assertTrue(DatasetDownloader.isGzip(tmp.resolve("images.bin")));
        assertTrue(!DatasetDownloader.isGzip(tmp.resolve("c.gz")));
        assertArrayEquals(values(plain.features()), values(gz.features()));
        assertArrayEquals(values(plain.labels()), values(gz.labels()));
        assertArrayEquals(values(plain.features()), values(misnamed.features()));
    }

    @Test
    void normalisationFormulaOnKnownPixels() throws IOException {
        // Hand computation: (0/255 - 0.1307)/0.3081 = -0.424212917883804; (255/255 - 0.1307)/0.3081 = 0.8693/0.3081
        // = 2.82148653034729; (128/255 - 0.1307)/0.3081 = 1.2050009227969019 (python3 double arithmetic)
        assertEquals(-0.424212917883804, IdxReader.Normalization.MNIST.apply(0), 1e-15);
        assertEquals(2.82148653034729, IdxReader.Normalization.MNIST.apply(255), 1e-14);
        assertEquals(1.2050009227969019, IdxReader.Normalization.MNIST.apply(128), 1e-15);
        assertEquals(128 / 255.0, IdxReader.Normalization.UNIT.apply(128), 0.0);

        Dataset d64 = IdxReader.read(images("i", true), labels("l", true), Precision.FLOAT64, true);
        double[] x = values(d64.features());
        assertEquals(-0.424212917883804, x[0], 1e-15);
        assertEquals(2.82148653034729, x[1], 1e-14);
        assertEquals(1.2050009227969019, x[2], 1e-15);
        assertArrayEquals(expected(IdxReader.Normalization.MNIST, false), x, 0.0);

        // float32: the double value rounded once to float
        Dataset d32 = IdxReader.read(images("i", true), labels("l", true), Precision.FLOAT32, true);
        assertEquals(DataType.FLOAT, d32.features().dataType());
        assertArrayEquals(expected(IdxReader.Normalization.MNIST, true), values(d32.features()), 0.0);

        // normalize=false: plain pixel/255 (255/255 = 1 exactly, 0/255 = 0)
        Dataset unit = IdxReader.read(images("i", true), labels("l", true), Precision.FLOAT64, false);
        double[] u = values(unit.features());
        assertEquals(0.0, u[0], 0.0);
        assertEquals(1.0, u[1], 0.0);
        assertArrayEquals(expected(IdxReader.Normalization.UNIT, false), u, 0.0);
    }

    @Test
    void lowLevelReadersAndLabelRange() throws IOException {
        IdxReader.IdxImages im = IdxReader.readImages(images("i", true));
        assertEquals(3, im.count());
        assertEquals(2, im.rows());
        assertEquals(2, im.columns());
        assertEquals(255, im.pixel(0, 0, 1)); // PIXELS[1]
        assertEquals(200, im.pixel(2, 0, 0)); // PIXELS[8]
        assertArrayEquals(LABELS, IdxReader.readLabels(labels("l", false)));
        assertArrayEquals(new int[] {0, 9}, IdxReader.labelRange(LABELS)); // min and max of {7, 0, 9}
        // labels outside 0..9 are legal IDX bytes: read, and reported by labelRange
        Path wide = write(tmp.resolve("wide"), idxLabels(IdxReader.LABELS_MAGIC, 2, new int[] {200, 17}), false);
        assertArrayEquals(new int[] {17, 200}, IdxReader.labelRange(IdxReader.readLabels(wide)));
    }

    @Test
    void mnistFindsCanonicalNamesPlainOrGz() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("mnist"));
        write(dir.resolve("train-images-idx3-ubyte.gz"), idxImages(IdxReader.IMAGES_MAGIC, 3, 2, 2, PIXELS), true);
        write(dir.resolve("train-labels-idx1-ubyte"), idxLabels(IdxReader.LABELS_MAGIC, 3, LABELS), false);
        byte[] one = {0, 0, 0, (byte) 255};
        write(dir.resolve("t10k-images-idx3-ubyte"), idxImages(IdxReader.IMAGES_MAGIC, 1, 2, 2, one), false);
        write(dir.resolve("t10k-labels-idx1-ubyte.gz"), idxLabels(IdxReader.LABELS_MAGIC, 1, new int[] {4}), true);

        Dataset train = IdxReader.mnist(dir, true, Precision.FLOAT64);
        assertEquals(3, train.size());
        assertArrayEquals(expected(IdxReader.Normalization.MNIST, false), values(train.features()), 0.0);
        Dataset test = IdxReader.mnist(dir, false, Precision.FLOAT32);
        assertEquals(1, test.size());
        assertArrayEquals(new double[] {4}, values(test.labels()));

        Path empty = Files.createDirectory(tmp.resolve("empty"));
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> IdxReader.mnist(empty, true, Precision.FLOAT32));
        assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
    }

    @Test
    void zeroImages() throws IOException {
        Path i = write(tmp.resolve("i"), idxImages(IdxReader.IMAGES_MAGIC, 0, 28, 28, new byte[0]), false);
        Path l = write(tmp.resolve("l"), idxLabels(IdxReader.LABELS_MAGIC, 0, new int[0]), false);
        Dataset d = IdxReader.read(i, l, Precision.FLOAT32, true);
        assertEquals(0, d.size());
        assertEquals(784, d.featureCount()); // 28 * 28
    }

    // ---- malformed files ----

    private static void assertMentions(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message should contain '" + p + "': " + e.getMessage());
        }
    }

    @Test
    void badMagicNamesFileOffsetExpectedAndFound() throws IOException {
        Path lbl = labels("labels-as-images", false);
        IOException e = assertThrows(IOException.class, () -> IdxReader.readImages(lbl));
        assertMentions(e, lbl.toString(), "byte offset 0", "expected 0x00000803", "found 0x00000801");

        Path junk = write(tmp.resolve("junk.gz"), "hello world, not idx".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                true);
        e = assertThrows(IOException.class, () -> IdxReader.readLabels(junk));
        // "hell" = 0x68656c6c; gzip -> offsets are in the uncompressed stream
        assertMentions(e, junk.toString(), "uncompressed byte offset 0", "expected 0x00000801", "found 0x68656c6c");
    }

    @Test
    void truncatedImagesSayExpectedAndAvailableBytes() throws IOException {
        byte[] full = idxImages(IdxReader.IMAGES_MAGIC, 3, 2, 2, PIXELS);
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 2); // 16 header bytes + 10 of 12 pixel bytes
        Path plain = write(tmp.resolve("cut"), cut, false);
        Path gz = write(tmp.resolve("cut.gz"), cut, true);
        Path l = labels("l", false);
        IOException e = assertThrows(IOException.class, () -> IdxReader.read(plain, l, Precision.FLOAT32, true));
        assertMentions(e, plain.toString(), "12 data bytes from byte offset 16", "only 10 are available",
                "byte offset 26");
        e = assertThrows(IOException.class, () -> IdxReader.readImages(gz));
        assertMentions(e, gz.toString(), "uncompressed byte offset 16", "12", "only 10");

        Path header = write(tmp.resolve("hdr"), java.util.Arrays.copyOf(full, 10), false);
        e = assertThrows(IOException.class, () -> IdxReader.readImages(header));
        assertMentions(e, header.toString(), "header", "expected 16 header bytes, available 10", "byte offset 10");
        Path two = write(tmp.resolve("two"), java.util.Arrays.copyOf(full, 2), false);
        e = assertThrows(IOException.class, () -> IdxReader.readImages(two));
        assertMentions(e, two.toString(), "expected 16 header bytes, available 2", "byte offset 2");
    }

    @Test
    void truncatedLabels() throws IOException {
        byte[] full = idxLabels(IdxReader.LABELS_MAGIC, 3, LABELS);
        Path cut = write(tmp.resolve("lcut"), java.util.Arrays.copyOf(full, full.length - 1), false);
        IOException e = assertThrows(IOException.class, () -> IdxReader.read(images("i", false), cut,
                Precision.FLOAT32, true));
        // 8 header bytes + 2 of 3 label bytes
        assertMentions(e, cut.toString(), "3 labels = 3 data bytes from byte offset 8", "only 2 are available");
    }

    @Test
    void truncatedGzipStreamNamesFile() throws IOException {
        Path gz = images("full.gz", true);
        byte[] bytes = Files.readAllBytes(gz);
        Path cut = Files.write(tmp.resolve("cutstream.gz"), java.util.Arrays.copyOf(bytes, bytes.length - 12));
        IOException e = assertThrows(IOException.class, () -> IdxReader.readImages(cut));
        assertMentions(e, cut.toString(), "uncompressed byte offset");
    }

    @Test
    void countMismatchNamesBothFiles() throws IOException {
        Path i = images("i", false);
        Path l = write(tmp.resolve("l2"), idxLabels(IdxReader.LABELS_MAGIC, 2, new int[] {1, 2}), false);
        IOException e = assertThrows(IOException.class, () -> IdxReader.read(i, l, Precision.FLOAT32, true));
        assertMentions(e, i.toString(), l.toString(), "3 images", "2 labels", "byte offset 4");
    }

    // ---- real data (skips when ../shared/data is absent) ----

    @Test
    void realMnistTrainAndTest() throws IOException {
        Path images = SharedData.require("mnist/train-images-idx3-ubyte.gz");
        Path dir = images.getParent();
        Dataset train = IdxReader.mnist(dir, true, Precision.FLOAT32);
        // shared/data/README.md: 60000 x 28 x 28, labels 0..9
        assertArrayEquals(new long[] {60000, 784}, train.features().shape());
        int[] y = Labels.classIndices(train);
        assertArrayEquals(new int[] {0, 9}, IdxReader.labelRange(y));
        // the first training labels of the canonical file: 5 0 4 1 9 2 (LeCun's MNIST; cross-checked with python3)
        assertArrayEquals(new int[] {5, 0, 4, 1, 9, 2}, java.util.Arrays.copyOf(y, 6));
        // per-class counts of the training set, as tabulated widely (e.g. 5923 zeros, 6742 ones, 5421 fives) and
        // recounted with python3 collections.Counter over the shared file
        int[] counts = new int[10];
        for (int v : y) {
            counts[v]++;
        }
        assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, counts);
        // pixel range under MNIST normalisation: pixel 0 and 255 both occur
        double[] x = values(train.features().getRow(0, true));
        double min = java.util.Arrays.stream(x).min().orElseThrow();
        assertEquals((float) IdxReader.Normalization.MNIST.apply(0), min, 0.0);

        Dataset test = IdxReader.mnist(dir, false, Precision.FLOAT64);
        // README: 10000 test images
        assertArrayEquals(new long[] {10000, 784}, test.features().shape());
        assertArrayEquals(new int[] {0, 9}, IdxReader.labelRange(Labels.classIndices(test)));
    }

    @Test
    void realMnistSha256MatchesReadme() throws IOException {
        SharedData.require("mnist/train-images-idx3-ubyte.gz");
        // values from shared/data/README.md (uncompressed SHA-256), also the DatasetDownloader constants
        String[][] expected = {
            {"mnist/train-images-idx3-ubyte.gz", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"},
            {"mnist/train-labels-idx1-ubyte.gz", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"},
            {"mnist/t10k-images-idx3-ubyte.gz", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"},
            {"mnist/t10k-labels-idx1-ubyte.gz", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"},
        };
        for (String[] e : expected) {
            assertEquals(e[1], DatasetDownloader.sha256(SharedData.require(e[0])), e[0]);
        }
        for (DatasetDownloader.DatasetFile f : DatasetDownloader.MNIST) {
            assertEquals(f.sha256(), DatasetDownloader.sha256(SharedData.require("mnist/" + f.name())), f.name());
        }
    }
}
