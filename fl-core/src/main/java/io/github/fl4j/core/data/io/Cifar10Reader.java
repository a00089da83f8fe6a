package io.github.fl4j.core.data.io;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.image.ImageShape;
import io.github.fl4j.core.data.image.PixelScaling;
import io.github.fl4j.core.tensor.Precision;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads the binary version of CIFAR-10 (Krizhevsky 2009, "Learning multiple layers of features from tiny images"):
 * the files {@code data_batch_1.bin} .. {@code data_batch_5.bin} (50,000 training images) and {@code test_batch.bin}
 * (10,000 test images) of the archive {@code cifar-10-binary.tar.gz}, each plain or gzipped.
 *
 * <h2>Format</h2>
 * A file is a sequence of records of {@value #RECORD_BYTES} bytes and nothing else: one label byte 0..9, then the
 * 3,072 pixel bytes of a 32 x 32 RGB image as three planes (the 1,024 red values row by row, then green, then blue).
 * A file whose length is not a multiple of {@value #RECORD_BYTES}, or a label byte above 9, is an
 * {@link IOException} naming the file, the record and the byte offset.
 *
 * <h2>Representation</h2>
 * Features [n, 3072] in the stored CHW order (feature {@code c*1024 + y*32 + x} is channel c = R, G, B, row y, column
 * x; {@link ImageShape#CIFAR}), which is the layout of a PyTorch tensor and of {@link io.github.fl4j.core.data.image};
 * labels [n, 1] holding the class index 0..9 (airplane, automobile, bird, cat, deer, dog, frog, horse, ship, truck).
 * Pixels become features by a {@link PixelScaling}: by default {@link PixelScaling#CIFAR10}, i.e.
 * (pixel/255 - mean_c)/std_c with the training set's per-channel statistics, as the papers do.
 *
 * <h2>Where the files are</h2>
 * {@link #folder(Path)} takes the folder given, else the system property {@value #PROPERTY}, else the environment
 * variable {@value #ENVIRONMENT}; a folder that holds the sub-folder {@code cifar-10-batches-bin} of the unpacked
 * archive is accepted for it. There is no download: unpack the archive by hand (its SHA-256 is not built in).
 *
 * <p>Stateless and thread-safe.
 */
public final class Cifar10Reader {
    /** Bytes per record: 1 label byte and 3 x 32 x 32 pixel bytes. */
    public static final int RECORD_BYTES = 1 + 3 * 32 * 32;
    /** The number of classes. */
    public static final int CLASSES = 10;
    /** The five training files, in the order their records are concatenated. */
    public static final List<String> TRAIN_FILES = List.of("data_batch_1.bin", "data_batch_2.bin",
            "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    /** The test file. */
    public static final String TEST_FILE = "test_batch.bin";
    /** The sub-folder of the unpacked archive. */
    public static final String ARCHIVE_FOLDER = "cifar-10-batches-bin";
    /** System property naming the folder of the files. */
    public static final String PROPERTY = "fl4j.cifar10";
    /** Environment variable naming the folder of the files (used when the property is not set). */
    public static final String ENVIRONMENT = "FL4J_CIFAR10";

    private static final int IMAGE_BYTES = RECORD_BYTES - 1;

    private Cifar10Reader() {
    }

    /**
     * Decoded records.
     *
     * @param pixels the {@code n * 3072} pixel bytes, record after record, CHW; read as unsigned. Not copied.
     * @param labels the n labels 0..9
     */
    public record Records(byte[] pixels, int[] labels) {
        /** Checks that the lengths agree. */
        public Records {
            Objects.requireNonNull(pixels, "pixels");
            Objects.requireNonNull(labels, "labels");
            if ((long) labels.length * IMAGE_BYTES != pixels.length) {
                throw new IllegalArgumentException("pixels must hold 3072 bytes per label: " + labels.length
                        + " labels, " + pixels.length + " pixel bytes");
            }
        }

        /** The number of records n. */
        public int count() {
            return labels.length;
        }
    }

    /**
     * The training and the test split.
     *
     * @param train the 50,000 training images (fewer for a subset)
     * @param test  the 10,000 test images
     */
    public record Split(Dataset train, Dataset test) {
        /** Checks both are present. */
        public Split {
            Objects.requireNonNull(train, "train");
            Objects.requireNonNull(test, "test");
        }
    }

    /**
     * Reads the records of one file (plain or gzipped).
     *
     * @throws IOException if the file is missing, unreadable, not a whole number of records, or has a label above 9
     *                     (the message names the file, the record and the byte offset)
     */
    public static Records readRecords(Path file) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        if (Files.isDirectory(file)) {
            throw new IOException(file + " is a directory, not a CIFAR-10 batch file (for the folder use "
                    + "Cifar10Reader.load(folder, ...))");
        }
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file + ": no such CIFAR-10 batch file");
        }
        boolean gzip = DatasetDownloader.isGzip(file);
        byte[] bytes;
        try (InputStream in = DatasetDownloader.openUncompressed(file)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(gzip ? 1 << 20 : (int) Math.min(Files.size(file),
                    Integer.MAX_VALUE - 16));
            in.transferTo(out);
            bytes = out.toByteArray();
        } catch (IOException e) {
            throw new IOException(file + ": cannot read" + (gzip ? " (corrupt or truncated gzip data)" : "") + ": "
                    + e.getMessage(), e);
        }
        String where = gzip ? "uncompressed byte offset " : "byte offset ";
        if (bytes.length % RECORD_BYTES != 0) {
            int whole = bytes.length / RECORD_BYTES;
            throw new IOException(file + ": bad size " + bytes.length + " bytes" + (gzip ? " (uncompressed)" : "")
                    + ": not a whole number of " + RECORD_BYTES + "-byte records (1 label + 3072 pixels); record "
                    + whole + " is truncated at " + where + (long) whole * RECORD_BYTES + " (" + bytes.length
                    % RECORD_BYTES + " of " + RECORD_BYTES + " bytes)");
        }
        int n = bytes.length / RECORD_BYTES;
        int[] labels = new int[n];
        byte[] pixels = new byte[n * IMAGE_BYTES];
        for (int r = 0; r < n; r++) {
            int at = r * RECORD_BYTES;
            int label = bytes[at] & 0xff;
            if (label >= CLASSES) {
                throw new IOException(file + ": record " + r + " has label " + label + " at " + where + at
                        + "; CIFAR-10 labels are 0..9 (a CIFAR-100 file has 2 label bytes per record)");
            }
            labels[r] = label;
            System.arraycopy(bytes, at + 1, pixels, r * IMAGE_BYTES, IMAGE_BYTES);
        }
        return new Records(pixels, labels);
    }

    /**
     * Reads the records of several files, concatenated in the given order.
     *
     * @throws IOException as {@link #readRecords(Path)}
     */
    public static Records readRecords(List<Path> files) throws IOException {
        if (files == null || files.isEmpty()) {
            throw new IllegalArgumentException("files must name at least one CIFAR-10 batch file");
        }
        if (files.size() == 1) {
            return readRecords(files.get(0));
        }
        List<Records> parts = new ArrayList<>(files.size());
        long total = 0;
        for (Path f : files) {
            Records r = readRecords(f);
            parts.add(r);
            total += r.count();
        }
        if (total * IMAGE_BYTES > Integer.MAX_VALUE - 16) {
            throw new IOException("the files " + files + " hold " + total + " records, more than a Java array can "
                    + "hold");
        }
        byte[] pixels = new byte[(int) total * IMAGE_BYTES];
        int[] labels = new int[(int) total];
        int at = 0;
        for (Records r : parts) {
            System.arraycopy(r.pixels(), 0, pixels, at * IMAGE_BYTES, r.pixels().length);
            System.arraycopy(r.labels(), 0, labels, at, r.count());
            at += r.count();
        }
        return new Records(pixels, labels);
    }

    /**
     * One file as a dataset (features [n, 3072] CHW, labels [n, 1]).
     *
     * @throws IOException as {@link #readRecords(Path)}
     */
    public static Dataset read(Path file, Precision precision, PixelScaling scaling) throws IOException {
        return toDataset(readRecords(file), precision, scaling).withSource(file.toString());
    }

    /**
     * The folder of the six files: {@code dir} if given, else the property {@value #PROPERTY}, else the environment
     * variable {@value #ENVIRONMENT}; its sub-folder {@value #ARCHIVE_FOLDER} when the files are there.
     *
     * @throws IOException if no folder is named, it does not exist, or files are missing (naming the folder, where it
     *                     came from, and the missing files)
     */
    public static Path folder(Path dir) throws IOException {
        return folder(dir, System::getProperty, System::getenv);
    }

    static Path folder(Path dir, UnaryOperator<String> properties, UnaryOperator<String> environment)
            throws IOException {
        String source = "the folder given";
        if (dir == null) {
            String prop = properties.apply(PROPERTY);
            String env = environment.apply(ENVIRONMENT);
            if (prop != null && !prop.isBlank()) {
                dir = Path.of(prop.trim());
                source = "the system property -D" + PROPERTY;
            } else if (env != null && !env.isBlank()) {
                dir = Path.of(env.trim());
                source = "the environment variable " + ENVIRONMENT;
            } else {
                throw new IOException("no CIFAR-10 folder given: pass one, or set the system property -D" + PROPERTY
                        + " or the environment variable " + ENVIRONMENT + " to the folder of the unpacked "
                        + "cifar-10-binary.tar.gz (it holds " + ARCHIVE_FOLDER + "/ with " + String.join(", ",
                        TRAIN_FILES) + ", " + TEST_FILE + ")");
            }
        }
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            throw new IOException("CIFAR-10 folder " + abs + " (from " + source + ") "
                    + (Files.exists(abs) ? "is not a folder" : "does not exist"));
        }
        if (present(abs, TEST_FILE) == null && Files.isDirectory(abs.resolve(ARCHIVE_FOLDER))) {
            abs = abs.resolve(ARCHIVE_FOLDER);
        }
        List<String> missing = new ArrayList<>();
        List<String> all = new ArrayList<>(TRAIN_FILES);
        all.add(TEST_FILE);
        for (String name : all) {
            if (present(abs, name) == null) {
                missing.add(name + "[.gz]");
            }
        }
        if (!missing.isEmpty()) {
            throw new IOException("CIFAR-10 folder " + abs + " (from " + source + ") is incomplete: missing "
                    + String.join(", ", missing) + " (the files of cifar-10-binary.tar.gz, each plain or .gz)");
        }
        return abs;
    }

    /**
     * Both splits from {@link #folder(Path)}: the five training files in order, and the test file.
     *
     * @param dir       the folder, or null for the property / environment variable
     * @param precision the precision of the arrays
     * @param scaling   the pixel scaling, e.g. {@link PixelScaling#CIFAR10}; null for the statistics of the training
     *                  files themselves ({@link PixelScaling#trainingStatistics}), applied to both splits
     * @throws IOException as {@link #folder(Path)} and {@link #readRecords(Path)}
     */
    public static Split load(Path dir, Precision precision, PixelScaling scaling) throws IOException {
        Objects.requireNonNull(precision, "precision");
        Path folder = folder(dir);
        List<Path> train = new ArrayList<>();
        for (String name : TRAIN_FILES) {
            train.add(present(folder, name));
        }
        Records trainRecords = readRecords(train);
        PixelScaling s = scaling != null ? scaling
                : PixelScaling.trainingStatistics(trainRecords.pixels(), ImageShape.CIFAR);
        Dataset trainSet = toDataset(trainRecords, precision, s).withSource(folder + "/data_batch_{1..5}.bin");
        Path testFile = present(folder, TEST_FILE);
        Dataset testSet = toDataset(readRecords(testFile), precision, s).withSource(testFile.toString());
        return new Split(trainSet, testSet);
    }

    /**
     * Converts records to a dataset (no I/O): features [n, 3072] in CHW order scaled per channel, labels [n, 1].
     *
     * @throws IllegalArgumentException on a null argument or a scaling with statistics for other than 1 or 3 channels
     */
    public static Dataset toDataset(Records records, Precision precision, PixelScaling scaling) {
        if (records == null || precision == null || scaling == null) {
            throw new IllegalArgumentException("records, precision and scaling must not be null");
        }
        if (scaling.channels() != 1 && scaling.channels() != 3) {
            throw new IllegalArgumentException("scaling must have statistics for 1 or 3 channels, had "
                    + scaling.channels());
        }
        int n = records.count();
        if (n == 0) {
            return new Dataset(Nd4j.create(precision.dataType(), 0, IMAGE_BYTES),
                    Nd4j.create(precision.dataType(), 0, 1));
        }
        double[][] tables = new double[3][];
        for (int c = 0; c < 3; c++) {
            tables[c] = scaling.table(c);
        }
        byte[] px = records.pixels();
        INDArray features = Nd4j.createUninitialized(precision.dataType(), n, IMAGE_BYTES);
        int plane = IMAGE_BYTES / 3;
        // one record at a time: the channel of a pixel is known from its plane, no division per value
        if (precision == Precision.FLOAT32) {
            float[][] t = new float[3][256];
            for (int c = 0; c < 3; c++) {
                for (int v = 0; v < 256; v++) {
                    t[c][v] = (float) tables[c][v];
                }
            }
            FloatBuffer out = features.data().asNioFloat();
            float[] row = new float[IMAGE_BYTES];
            for (int r = 0; r < n; r++) {
                int at = r * IMAGE_BYTES;
                for (int c = 0, k = 0; c < 3; c++) {
                    float[] tc = t[c];
                    for (int end = k + plane; k < end; k++) {
                        row[k] = tc[px[at + k] & 0xff];
                    }
                }
                out.put(at, row, 0, IMAGE_BYTES);
            }
        } else {
            DoubleBuffer out = features.data().asNioDouble();
            double[] row = new double[IMAGE_BYTES];
            for (int r = 0; r < n; r++) {
                int at = r * IMAGE_BYTES;
                for (int c = 0, k = 0; c < 3; c++) {
                    double[] tc = tables[c];
                    for (int end = k + plane; k < end; k++) {
                        row[k] = tc[px[at + k] & 0xff];
                    }
                }
                out.put(at, row, 0, IMAGE_BYTES);
            }
        }
        double[] l = new double[n];
        for (int i = 0; i < n; i++) {
            l[i] = records.labels()[i];
        }
        return new Dataset(features, LibSvmReader.matrix(l, n, 1, precision));
    }

    /** The file {@code name} or {@code name.gz} in dir, else null. */
    private static Path present(Path dir, String name) {
        for (String n : new String[] {name, name + ".gz"}) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
