package io.github.fl4j.core.data.io;

import io.github.fl4j.core.data.CsrMatrix;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.tensor.Precision;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeSet;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads the LIBSVM / svmlight text format (gzipped or plain, detected from the magic bytes) into a dense or a sparse
 * {@link Dataset}.
 *
 * <h2>Format</h2>
 * One sample per line: {@code label index:value index:value ...}, tokens separated by spaces or tabs, indices 1-based
 * and strictly increasing; absent features are 0. Everything after {@code '#'} is a comment; blank lines are skipped;
 * an svmlight {@code qid:n} token is ignored. Feature index k becomes column k-1. Values and labels are parsed with
 * {@link Double#parseDouble} and must be finite.
 *
 * <h2>Options</h2>
 * Built with {@link #builder()}: the feature count p (fixed by the caller, or inferred as the largest index seen, the
 * LIBSVM convention), an explicit label mapping (e.g. {@code {1 -> -1, 2 -> +1}} for mushrooms or {@code {0 -> -1,
 * 1 -> +1}} for phishing; a label outside the mapping is an error; without a mapping labels are kept as they are),
 * and the precision (float32 by default). Fix the feature count when a training and a test file must agree: a test
 * file need not contain the largest index. The storage: by default ({@link Storage#AUTO}) a file whose stored entries
 * are fewer than {@link #DEFAULT_DENSITY_THRESHOLD} = 0.25 of m p (a9a: 11%, w8a: 4%, mushrooms: 19%; phishing: 44%)
 * becomes a sparse dataset ({@link Dataset#sparse}, a {@link CsrMatrix}), anything denser a dense one; the threshold
 * is {@link Builder#densityThreshold}, and {@link Builder#storage} forces either form. Entries written in the file
 * with the value 0 are stored (they count towards the density).
 *
 * <h2>Errors</h2>
 * {@link IOException} naming the file, the 1-based line number and the problem: a non-numeric label, index or value
 * (quoted), an index below 1 or above the fixed feature count, a duplicate index (naming it), a non-increasing
 * index, a token without ':', a label
 * outside the mapping. Nothing is returned from a file with an error.
 *
 * <p>The sparse entries are collected in growable primitive arrays (about 12 bytes per non-zero) and either become the
 * CSR arrays or are scattered once into a zero-filled [m, p] ND4J array. An instance is immutable and thread-safe.
 */
public final class LibSvmReader {
    /** The density below which {@link Storage#AUTO} produces a sparse dataset, unless the caller sets another. */
    public static final double DEFAULT_DENSITY_THRESHOLD = 0.25;

    /** The storage of the features of the datasets read. */
    public enum Storage {
        /** Sparse (CSR) when the stored entries are fewer than the density threshold times m p, else dense. */
        AUTO,
        /** Always a dense [m, p] ND4J matrix. */
        DENSE,
        /** Always a {@link io.github.fl4j.core.data.CsrMatrix}. */
        SPARSE
    }

    private final int featureCount;
    private final Map<Double, Double> labelMapping;
    private final Precision precision;
    private final Storage storage;
    private final double densityThreshold;

    private LibSvmReader(Builder b) {
        this.featureCount = b.featureCount;
        this.labelMapping = b.labelMapping;
        this.precision = b.precision;
        this.storage = b.storage;
        this.densityThreshold = b.densityThreshold;
    }

    /** A builder: inferred feature count, labels as they are, float32. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads {@code file} with the feature count inferred and labels kept as they are.
     *
     * @throws IOException if the file cannot be read or is malformed
     */
    public static Dataset read(Path file, Precision precision) throws IOException {
        return builder().precision(precision).build().read(file);
    }

    /** The fixed feature count, or empty when it is inferred from the file. */
    public OptionalInt featureCount() {
        return featureCount > 0 ? OptionalInt.of(featureCount) : OptionalInt.empty();
    }

    /** The label mapping (unmodifiable; empty for "labels as they are"). */
    public Map<Double, Double> labelMapping() {
        return labelMapping;
    }

    /** The precision of the datasets read. */
    public Precision precision() {
        return precision;
    }

    /** The storage rule (dense, sparse, or by density). */
    public Storage storage() {
        return storage;
    }

    /** The density threshold of {@link Storage#AUTO}. */
    public double densityThreshold() {
        return densityThreshold;
    }

    /**
     * Reads {@code file}: features [m, p] with feature index k in column k-1, labels [m, 1] (mapped if a mapping is
     * set).
     *
     * @throws IOException if the file cannot be read or is malformed (the message names the file and line), or has no
     *                     data row or no feature (an empty file is an error, not a 0 x 0 dataset)
     */
    public Dataset read(Path file) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        return readRows(file).withSource(file.toString());
    }

    private Dataset readRows(Path file) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        int rows = 0;
        double[] labels = new double[1024];
        int[] rowEnd = new int[1024];
        int nnz = 0;
        int[] index = new int[4096];
        double[] value = new double[4096];
        int maxIndex = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(DatasetDownloader.openUncompressed(file),
                StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            int lineNo = 0;
            while ((line = readLine(r, file, lineNo)) != null) {
                lineNo++;
                if (lineNo == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                    line = line.substring(1); // a UTF-8 byte-order mark is not part of the first label
                }
                int end = line.indexOf('#');
                if (end < 0) {
                    end = line.length();
                }
                int i = skipSpace(line, 0, end);
                if (i == end) {
                    continue;
                }
                int j = tokenEnd(line, i, end);
                String labelToken = line.substring(i, j);
                double label = parse(labelToken, file, lineNo, "label");
                if (rows == labels.length) {
                    labels = Arrays.copyOf(labels, rows * 2);
                    rowEnd = Arrays.copyOf(rowEnd, rows * 2);
                }
                labels[rows] = mapLabel(labelMapping, label, labelToken, file, "line " + lineNo);
                int prev = 0;
                i = skipSpace(line, j, end);
                while (i < end) {
                    j = tokenEnd(line, i, end);
                    int colon = line.indexOf(':', i);
                    if (colon < 0 || colon >= j) {
                        throw error(file, lineNo, "missing ':' in token '" + line.substring(i, j)
                                + "' (expected index:value)");
                    }
                    if (colon - i == 3 && line.startsWith("qid", i)) {
                        i = skipSpace(line, j, end);
                        continue;
                    }
                    String indexToken = line.substring(i, colon);
                    int k;
                    try {
                        k = Integer.parseInt(indexToken);
                    } catch (NumberFormatException e) {
                        throw error(file, lineNo, "non-numeric feature index '" + indexToken + "' in token '"
                                + line.substring(i, j) + "'");
                    }
                    if (k < 1) {
                        throw error(file, lineNo, "feature index " + k + " out of range in token '"
                                + line.substring(i, j) + "': indices are 1-based");
                    }
                    if (featureCount > 0 && k > featureCount) {
                        throw error(file, lineNo, "feature index " + k + " out of range in token '"
                                + line.substring(i, j) + "': the feature count is fixed at " + featureCount);
                    }
                    if (k == prev) {
                        throw error(file, lineNo, "duplicate feature index " + k + " in token '"
                                + line.substring(i, j) + "': non-increasing feature index " + k + " after " + prev
                                + " (indices must be strictly increasing)");
                    }
                    if (k <= prev) {
                        throw error(file, lineNo, "non-increasing feature index " + k + " after " + prev
                                + " (indices must be strictly increasing)");
                    }
                    prev = k;
                    double v = parse(line.substring(colon + 1, j), file, lineNo, "value of feature " + k);
                    if (nnz == index.length) {
                        index = Arrays.copyOf(index, nnz * 2);
                        value = Arrays.copyOf(value, nnz * 2);
                    }
                    index[nnz] = k - 1;
                    value[nnz] = v;
                    nnz++;
                    maxIndex = Math.max(maxIndex, k);
                    i = skipSpace(line, j, end);
                }
                rowEnd[rows] = nnz;
                rows++;
            }
        }
        if (rows == 0) {
            throw new IOException(file + ": no data rows (the file is empty, or holds only blank lines and comments)");
        }
        int p = featureCount > 0 ? featureCount : maxIndex;
        if (p == 0) {
            throw new IOException(file + ": " + rows + " rows but no feature in any of them; give the number of "
                    + "features with featureCount(p) if every value is zero");
        }
        long size = (long) rows * p;
        boolean sparse = storage == Storage.SPARSE
                || (storage == Storage.AUTO && nnz < densityThreshold * size);
        if (sparse) {
            int[] pointers = new int[rows + 1];
            System.arraycopy(rowEnd, 0, pointers, 1, rows);
            int[] columns = Arrays.copyOf(index, nnz);
            CsrMatrix csr;
            if (precision == Precision.FLOAT64) {
                csr = CsrMatrix.ofDoubles(rows, p, pointers, columns, Arrays.copyOf(value, nnz));
            } else {
                float[] f = new float[nnz];
                for (int e = 0; e < nnz; e++) {
                    f[e] = (float) value[e];
                }
                csr = CsrMatrix.ofFloats(rows, p, pointers, columns, f);
            }
            return Dataset.sparse(csr, matrix(labels, rows, 1, precision));
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new IOException(file + ": " + rows + " rows x " + p + " features = " + size
                    + " values, too many for one dense array (read it sparse: storage(Storage.SPARSE))");
        }
        // scatter the non-zeros straight into a zero-filled ND4J buffer (no dense heap copy)
        INDArray x = Nd4j.create(precision.dataType(), rows, p);
        int start = 0;
        if (precision == Precision.FLOAT32) {
            FloatBuffer out = x.data().asNioFloat();
            for (int row = 0; row < rows; row++) {
                int base = row * p;
                for (int e = start; e < rowEnd[row]; e++) {
                    out.put(base + index[e], (float) value[e]);
                }
                start = rowEnd[row];
            }
        } else {
            DoubleBuffer out = x.data().asNioDouble();
            for (int row = 0; row < rows; row++) {
                int base = row * p;
                for (int e = start; e < rowEnd[row]; e++) {
                    out.put(base + index[e], value[e]);
                }
                start = rowEnd[row];
            }
        }
        return new Dataset(x, matrix(labels, rows, 1, precision));
    }

    /** Builder of a {@link LibSvmReader}. */
    public static final class Builder {
        private int featureCount;
        private Map<Double, Double> labelMapping = Collections.emptyMap();
        private Precision precision = Precision.FLOAT32;
        private Storage storage = Storage.AUTO;
        private double densityThreshold = DEFAULT_DENSITY_THRESHOLD;

        private Builder() {
        }

        /**
         * Dense, sparse, or by density ({@link Storage#AUTO}, the default: sparse when the stored entries are fewer
         * than {@link #densityThreshold} times m p).
         */
        public Builder storage(Storage storage) {
            if (storage == null) {
                throw new IllegalArgumentException("storage must not be null");
            }
            this.storage = storage;
            return this;
        }

        /**
         * The density (stored entries over m p) below which {@link Storage#AUTO} reads a sparse dataset; in [0, 1],
         * default {@value LibSvmReader#DEFAULT_DENSITY_THRESHOLD}. 0 means always dense, 1 sparse unless every entry
         * is stored.
         */
        public Builder densityThreshold(double threshold) {
            if (!(threshold >= 0.0 && threshold <= 1.0)) {
                throw new IllegalArgumentException("densityThreshold must be in [0, 1], was " + threshold);
            }
            this.densityThreshold = threshold;
            return this;
        }

        /** Fixes the feature count p >= 1: an index above p is an error, columns beyond the largest index are 0. */
        public Builder featureCount(int p) {
            if (p < 1) {
                throw new IllegalArgumentException("featureCount must be >= 1, was " + p);
            }
            this.featureCount = p;
            return this;
        }

        /** Infers the feature count as the largest index seen (the default). */
        public Builder inferFeatureCount() {
            this.featureCount = 0;
            return this;
        }

        /**
         * Maps each file label to a model label, e.g. {@code Map.of(1.0, -1.0, 2.0, 1.0)}; a label not among the keys
         * is an error. An empty map keeps labels as they are (the default).
         */
        public Builder labelMapping(Map<Double, Double> mapping) {
            this.labelMapping = checkMapping(mapping);
            return this;
        }

        /** The precision of the result (default float32). */
        public Builder precision(Precision precision) {
            if (precision == null) {
                throw new IllegalArgumentException("precision must not be null");
            }
            this.precision = precision;
            return this;
        }

        /** The reader. */
        public LibSvmReader build() {
            return new LibSvmReader(this);
        }
    }

    // ---- helpers shared with CsvReader ----

    /** Validates and copies a label mapping (keys -0.0 and 0.0 are the same key). */
    static Map<Double, Double> checkMapping(Map<Double, Double> mapping) {
        if (mapping == null) {
            throw new IllegalArgumentException("labelMapping must not be null (use an empty map for none)");
        }
        Map<Double, Double> copy = new LinkedHashMap<>();
        for (Map.Entry<Double, Double> e : mapping.entrySet()) {
            Double k = e.getKey();
            Double v = e.getValue();
            if (k == null || v == null || !Double.isFinite(k) || !Double.isFinite(v)) {
                throw new IllegalArgumentException("labelMapping keys and values must be finite numbers, had "
                        + k + " -> " + v);
            }
            if (copy.put(key(k), v) != null) {
                throw new IllegalArgumentException("labelMapping has the key " + k + " twice (0.0 and -0.0 are equal)");
            }
        }
        return Collections.unmodifiableMap(copy);
    }

    private static double key(double v) {
        return v == 0.0 ? 0.0 : v;
    }

    /** The mapped label, or the label itself if the mapping is empty. */
    static double mapLabel(Map<Double, Double> mapping, double label, String token, Path file, String where)
            throws IOException {
        if (mapping.isEmpty()) {
            return label;
        }
        Double mapped = mapping.get(key(label));
        if (mapped == null) {
            throw new IOException(file + ", " + where + ": label '" + token + "' is not in the label mapping (keys "
                    + new TreeSet<>(mapping.keySet()) + ")");
        }
        return mapped;
    }

    /** An [m, p] dataset of the row-major values {@code x} and labels {@code y[0..m)}. */
    static Dataset toDataset(double[] x, double[] y, int m, int p, Precision precision) {
        if (m == 0) {
            return new Dataset(Nd4j.create(precision.dataType(), 0, p), Nd4j.create(precision.dataType(), 0, 1));
        }
        return new Dataset(matrix(x, m, p, precision), matrix(y, m, 1, precision));
    }

    /** A sparse [m, p] dataset of the non-zero entries of the row-major values {@code x} ({@code nnz} of them). */
    static Dataset toSparseDataset(double[] x, double[] y, int m, int p, int nnz, Precision precision) {
        int[] pointers = new int[m + 1];
        int[] columns = new int[nnz];
        double[] values = new double[nnz];
        int k = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < p; j++) {
                double v = x[i * p + j];
                if (v != 0.0) {
                    columns[k] = j;
                    values[k++] = v;
                }
            }
            pointers[i + 1] = k;
        }
        CsrMatrix a = CsrMatrix.ofDoubles(m, p, pointers, columns, values).as(precision);
        return Dataset.sparse(a, matrix(y, m, 1, precision));
    }

    /**
     * A new c-order [rows, cols] array holding {@code src[0 .. rows*cols)}, written straight into the ND4J buffer
     * (float32 values rounded once from double). rows and cols must be positive.
     */
    static INDArray matrix(double[] src, int rows, int cols, Precision precision) {
        int len = (int) ((long) rows * cols);
        INDArray a = Nd4j.createUninitialized(precision.dataType(), rows, cols);
        if (len == 0) {
            return a;
        }
        if (precision == Precision.FLOAT64) {
            a.data().asNioDouble().put(0, src, 0, len);
        } else {
            FloatBuffer out = a.data().asNioFloat();
            float[] chunk = new float[Math.min(len, 1 << 16)];
            for (int start = 0; start < len; start += chunk.length) {
                int n = Math.min(chunk.length, len - start);
                for (int k = 0; k < n; k++) {
                    chunk[k] = (float) src[start + k];
                }
                out.put(start, chunk, 0, n);
            }
        }
        return a;
    }

    private static String readLine(BufferedReader r, Path file, int linesRead) throws IOException {
        try {
            return r.readLine();
        } catch (IOException e) {
            throw new IOException(file + ", line " + (linesRead + 1) + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static double parse(String token, Path file, int lineNo, String what) throws IOException {
        double v;
        try {
            v = Double.parseDouble(token);
        } catch (NumberFormatException e) {
            throw error(file, lineNo, "non-numeric " + what + " '" + token + "'");
        }
        if (!Double.isFinite(v)) {
            throw error(file, lineNo, "non-finite " + what + " '" + token + "'");
        }
        return v;
    }

    private static IOException error(Path file, int lineNo, String problem) {
        return new IOException(file + ", line " + lineNo + ": " + problem);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\u000B';
    }

    private static int skipSpace(String s, int i, int end) {
        while (i < end && isSpace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int tokenEnd(String s, int i, int end) {
        while (i < end && !isSpace(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
