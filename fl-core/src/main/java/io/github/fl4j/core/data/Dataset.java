package io.github.fl4j.core.data;

import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An in-memory dataset: a feature matrix of shape [m, p] (one sample per row, c-order) and a label column of shape
 * [m, 1], both of one floating-point type.
 *
 * <p><b>Dense or sparse.</b> The features are either a dense ND4J matrix or rows of a shared {@link CsrMatrix}
 * ({@link #sparse}; {@link #isSparse()}): a sparse dataset is the rows {@code from .. from + m - 1} of the matrix, or
 * the rows listed in an index array, so that {@link #rows}, {@link #rowRange} and the partitions of a sparse dataset
 * are views that share the matrix (only the m labels of an index list are gathered). The built-in models compute on
 * the sparse rows directly ({@link #sparseFeatures()}, {@link #sparseRow(int)}). {@link #features()} of a sparse
 * dataset builds a new dense matrix on every call (m p values): it is there for code that only understands dense
 * data, not for loops.
 *
 * <p>Label conventions are the model's: a class index 0..k-1 for softmax models, -1/+1 for binary logistic
 * regression, a real target for least squares. A minibatch is also a {@code Dataset}.
 *
 * <p>Immutable by contract: fl4j never writes into a dataset's arrays, and callers must not either once it is shared.
 */
public final class Dataset {
    private final INDArray features;
    private final INDArray labels;
    private final String source;
    /** The shared sparse matrix (null when dense), the first row of a range view, or the rows of an index view. */
    private final CsrMatrix csr;
    private final int rowFrom;
    private final int[] rowIndex;
    private final int size;
    /** The column index of a sparse dataset once built (derived from the rows, like a cached hash code). */
    private volatile SparseColumns columns;
    /** Whether {@link #sparseColumnsOnReuse()} was called before. */
    private volatile boolean columnsAsked;
    /** The labels as doubles once asked for ({@link #labelValues()}). */
    private volatile double[] labelValues;
    /** 0 not yet known, 1 every label is -1 or +1, 2 not ({@link #labelsAreSigns()}). */
    private volatile int signs;

    /**
     * @param features [m, p] matrix, c-order
     * @param labels   [m, 1] column (a length-m vector is reshaped to a column view)
     * @throws IllegalArgumentException on shape or type mismatch
     */
    public Dataset(INDArray features, INDArray labels) {
        if (features == null || labels == null) {
            throw new IllegalArgumentException("features and labels must not be null");
        }
        if (features.rank() != 2) {
            throw new IllegalArgumentException("features must be a matrix [m, p], shape was "
                    + Arrays.toString(features.shape()));
        }
        INDArray y = labels;
        if (y.rank() == 1) {
            y = y.reshape(y.length(), 1);
        }
        if (y.rank() != 2 || y.columns() != 1) {
            throw new IllegalArgumentException("labels must be a column [m, 1], shape was "
                    + Arrays.toString(labels.shape()));
        }
        if (y.rows() != features.rows()) {
            throw new IllegalArgumentException("labels must have one row per sample: features have "
                    + features.rows() + " rows, labels " + y.rows());
        }
        if (features.dataType() != y.dataType()) {
            throw new IllegalArgumentException("features and labels must share a data type, were "
                    + features.dataType() + " and " + y.dataType());
        }
        Precision.of(features.dataType());
        if (features.ordering() != 'c') {
            features = features.dup('c');
        }
        this.features = features;
        this.labels = y;
        this.source = null;
        this.csr = null;
        this.rowFrom = 0;
        this.rowIndex = null;
        this.size = (int) features.rows();
    }

    private Dataset(Dataset d, String source) {
        this.features = d.features;
        this.labels = d.labels;
        this.source = source;
        this.csr = d.csr;
        this.rowFrom = d.rowFrom;
        this.rowIndex = d.rowIndex;
        this.size = d.size;
        this.columns = d.columns;
    }

    private Dataset(CsrMatrix csr, int rowFrom, int[] rowIndex, int size, INDArray labels, String source) {
        this.features = null;
        this.labels = labels;
        this.source = source;
        this.csr = csr;
        this.rowFrom = rowFrom;
        this.rowIndex = rowIndex;
        this.size = size;
    }

    /**
     * A sparse dataset: the rows of {@code features} with the label column {@code labels}.
     *
     * @param features the CSR feature matrix [m, p] (shared, not copied)
     * @param labels   [m, 1] column (a length-m vector is reshaped to a column view) of the matrix's precision
     * @throws IllegalArgumentException on shape or type mismatch
     */
    public static Dataset sparse(CsrMatrix features, INDArray labels) {
        if (features == null || labels == null) {
            throw new IllegalArgumentException("features and labels must not be null");
        }
        INDArray y = labels.rank() == 1 ? labels.reshape(labels.length(), 1) : labels;
        if (y.rank() != 2 || y.columns() != 1) {
            throw new IllegalArgumentException("labels must be a column [m, 1], shape was "
                    + Arrays.toString(labels.shape()));
        }
        if (y.rows() != features.rows()) {
            throw new IllegalArgumentException("labels must have one row per sample: features have "
                    + features.rows() + " rows, labels " + y.rows());
        }
        if (Precision.of(y.dataType()) != features.precision()) {
            throw new IllegalArgumentException("features and labels must share a data type, were "
                    + features.precision().dataType() + " and " + y.dataType());
        }
        return new Dataset(features, 0, null, features.rows(), y, null);
    }

    /** True when the features are rows of a {@link CsrMatrix} ({@link #sparseFeatures()}). */
    public boolean isSparse() {
        return csr != null;
    }

    /**
     * The shared sparse matrix whose rows this dataset's samples are (sample i is row {@link #sparseRow}(i)); null for
     * a dense dataset. Shared, not copied: do not modify its arrays.
     */
    public CsrMatrix sparseFeatures() {
        return csr;
    }

    /** The row of {@link #sparseFeatures()} that holds sample {@code i} (no range check beyond the arrays'). */
    public int sparseRow(int i) {
        return rowIndex == null ? rowFrom + i : rowIndex[i];
    }

    /** The first shared row of a sparse range view (sample i is row {@code sparseRowFrom() + i}); 0 when dense. */
    public int sparseRowFrom() {
        return rowFrom;
    }

    /** The shared rows of a sparse index view (shared, do not modify), or null for a range view or dense data. */
    public int[] sparseRowIndex() {
        return rowIndex;
    }

    /**
     * The column-major index of this sparse dataset's rows ({@link SparseColumns}: for column j, the samples with an
     * entry in it, in sample order), built on the first call in O(nnz + p) time and kept with this dataset (about 4
     * bytes per stored entry, plus the values in column order unless they are all 1); null for a dense dataset.
     * Thread-safe: concurrent first calls may each build it, and all get equal indexes.
     */
    public SparseColumns sparseColumns() {
        if (csr == null) {
            return null;
        }
        SparseColumns c = columns;
        if (c == null) {
            c = SparseColumns.of(csr, rowFrom, rowIndex, size);
            columns = c;
        }
        return c;
    }

    /** Whether this dataset's column index ({@link #sparseColumns()}) has been built. */
    public boolean hasSparseColumns() {
        return columns != null;
    }

    /**
     * {@link #sparseColumns()} from the second call on, null on the first (and for dense data): for kernels that pass
     * over the whole dataset again and again (full gradients, evaluations, power iterations), which then use the
     * column index, while a batch used once (an SGD minibatch) never pays for building it.
     */
    public SparseColumns sparseColumnsOnReuse() {
        if (csr == null) {
            return null;
        }
        SparseColumns c = columns;
        if (c != null) {
            return c;
        }
        if (!columnsAsked) {
            columnsAsked = true;
            return null;
        }
        return sparseColumns();
    }

    /**
     * The labels as doubles, in row order (shared, do not modify), copied on the first call and kept with this
     * dataset (8 bytes per sample), like {@link #sparseColumns()}: for kernels that pass over the same dataset again
     * and again (the column kernels of a full gradient), which then read them without copying them out of the label
     * column each time. Thread-safe: concurrent first calls may each copy, and all get equal arrays.
     */
    public double[] labelValues() {
        double[] v = labelValues;
        if (v == null) {
            v = Tensors.toDoubleArray(labels);
            labelValues = v;
        }
        return v;
    }

    /**
     * Whether every label is exactly -1 or +1 (the labels of binary logistic regression), found on the first call
     * from {@link #labelValues()} and kept with this dataset, so that a kernel passing over it again and again checks
     * its labels once.
     */
    public boolean labelsAreSigns() {
        int known = signs;
        if (known == 0) {
            known = 1;
            for (double v : labelValues()) {
                if (v != 1.0 && v != -1.0) {
                    known = 2;
                    break;
                }
            }
            signs = known;
        }
        return known == 1;
    }

    /** Stored feature values: non-zeros of the rows of a sparse dataset, m p for a dense one. */
    public long storedValues() {
        if (csr == null) {
            return (long) size * featureCount();
        }
        if (rowIndex == null) {
            return csr.nonZeros(rowFrom, rowFrom + size);
        }
        long n = 0;
        int[] ptr = csr.rowPointers();
        for (int r : rowIndex) {
            n += ptr[r + 1] - ptr[r];
        }
        return n;
    }

    /**
     * This dataset with another label column (same rows; a sparse dataset stays sparse and shares its matrix).
     *
     * @throws IllegalArgumentException if the labels do not have one row per sample or the dataset's type
     */
    public Dataset withLabels(INDArray labels) {
        if (csr == null) {
            return new Dataset(features, labels).withSource(source);
        }
        if (labels == null) {
            throw new IllegalArgumentException("labels must not be null");
        }
        INDArray y = labels.rank() == 1 ? labels.reshape(labels.length(), 1) : labels;
        if (y.rank() != 2 || y.columns() != 1 || y.rows() != size) {
            throw new IllegalArgumentException("labels must be a column [" + size + ", 1], shape was "
                    + Arrays.toString(labels.shape()));
        }
        if (Precision.of(y.dataType()) != csr.precision()) {
            throw new IllegalArgumentException("labels data type must be " + csr.precision().dataType() + ", was "
                    + y.dataType());
        }
        return new Dataset(csr, rowFrom, rowIndex, size, y, source);
    }

    /**
     * The samples {@code from .. to - 1} as a view: a sparse dataset shares its matrix, a dense one is an ND4J view
     * of its rows (no copy either way).
     *
     * @throws IllegalArgumentException unless {@code 0 <= from <= to <= size()}
     */
    public Dataset rowRange(int from, int to) {
        if (from < 0 || to < from || to > size) {
            throw new IllegalArgumentException("row range must satisfy 0 <= from <= to <= " + size + ", was [" + from
                    + ", " + to + ")");
        }
        INDArray y = to > from ? labels.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to),
                org.nd4j.linalg.indexing.NDArrayIndex.all())
                : org.nd4j.linalg.factory.Nd4j.create(labels.dataType(), 0, 1);
        if (csr == null) {
            INDArray f = to > from ? features.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to),
                    org.nd4j.linalg.indexing.NDArrayIndex.all())
                    : org.nd4j.linalg.factory.Nd4j.create(features.dataType(), 0, featureCount());
            return new Dataset(f, y).withSource(source);
        }
        if (rowIndex == null) {
            return new Dataset(csr, rowFrom + from, null, to - from, y, source);
        }
        return new Dataset(csr, 0, Arrays.copyOfRange(rowIndex, from, to), to - from, y, source);
    }

    /**
     * This dataset (the same arrays) with a note of where it came from, e.g. the file a reader read it from; error
     * messages about its rows name it. The readers set it.
     *
     * @param source a file path or other description; null for none
     */
    public Dataset withSource(String source) {
        return new Dataset(this, source);
    }

    /** Where this dataset came from (the file a reader read), or null when unknown. */
    public String source() {
        return source;
    }

    /**
     * The [m, p] feature matrix. For a sparse dataset a new dense matrix built from the sparse rows on every call
     * (m p values; the models never call it on sparse data).
     */
    public INDArray features() {
        if (csr != null) {
            return csr.toDense(rowFrom, size, rowIndex);
        }
        return features;
    }

    /** The [m, 1] label column. */
    public INDArray labels() {
        return labels;
    }

    /** Number of samples m. */
    public int size() {
        return size;
    }

    /** Number of features p. */
    public int featureCount() {
        return csr != null ? csr.cols() : (int) features.columns();
    }

    /** The precision of the arrays. */
    public Precision precision() {
        return csr != null ? csr.precision() : Precision.of(features.dataType());
    }

    /** This dataset in the given precision (itself when it already has it). */
    public Dataset as(Precision precision) {
        if (precision() == precision) {
            return this;
        }
        if (csr != null) {
            return new Dataset(csr.as(precision), rowFrom, rowIndex, size, labels.castTo(precision.dataType()),
                    source);
        }
        return new Dataset(features.castTo(precision.dataType()), labels.castTo(precision.dataType()))
                .withSource(source);
    }

    /**
     * A new dataset of the given rows, in the given order: a copy for a dense dataset; for a sparse one a view that
     * shares the matrix (a range view when the indices are consecutive and increasing, else an index view), with its
     * labels gathered.
     */
    public Dataset rows(int[] indices) {
        for (int i : indices) {
            if (i < 0 || i >= size()) {
                throw new IllegalArgumentException("row index must be in [0, " + size() + "), was " + i);
            }
        }
        if (csr != null) {
            return sparseRows(indices);
        }
        if (indices.length == 0) {
            return new Dataset(org.nd4j.linalg.factory.Nd4j.create(features.dataType(), 0, featureCount()),
                    org.nd4j.linalg.factory.Nd4j.create(labels.dataType(), 0, 1));
        }
        INDArray f = gather(features, indices);
        INDArray l = gather(labels, indices);
        return new Dataset(f, l);
    }

    private Dataset sparseRows(int[] indices) {
        int n = indices.length;
        boolean consecutive = true;
        for (int k = 1; k < n && consecutive; k++) {
            consecutive = indices[k] == indices[0] + k;
        }
        INDArray y = n == 0 ? org.nd4j.linalg.factory.Nd4j.create(labels.dataType(), 0, 1) : gather(labels, indices);
        if (n > 0 && consecutive && rowIndex == null) {
            return new Dataset(csr, rowFrom + indices[0], null, n, y, null);
        }
        int[] shared = new int[n];
        for (int k = 0; k < n; k++) {
            shared[k] = sparseRow(indices[k]);
        }
        return new Dataset(csr, 0, shared, n, y, null);
    }

    /**
     * The rows {@code indices} of a matrix whose rows are contiguous (element stride 1), copied on the Java side from
     * the array's buffer into a new c-order array. Measured against native {@code Nd4j.pullRows} (used before) on
     * 600 rows of a 60,000 x 784 float32 matrix, alternating in one session: 0.78-0.88 of its time; most of either
     * cost is allocating the new array, the copy itself takes well under a millisecond (getRows would cost an op per
     * row). Falls back to pullRows for layouts whose rows are not contiguous. Values are copied exactly either way.
     */
    private static INDArray gather(INDArray a, int[] indices) {
        long cols = a.columns();
        long rowStride = a.stride(0);
        boolean contiguousRows = cols == 1 || a.stride(1) == 1;
        long span = a.offset() + (a.rows() - 1) * rowStride + cols;
        if (!contiguousRows || span > Integer.MAX_VALUE || (long) indices.length * cols > Integer.MAX_VALUE) {
            return org.nd4j.linalg.factory.Nd4j.pullRows(a, 1, indices, 'c');
        }
        int c = (int) cols;
        long offset = a.offset();
        long[] shape = {indices.length, c};
        if (a.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE) {
            java.nio.DoubleBuffer b = a.data().asNioDouble();
            double[] out = new double[indices.length * c];
            for (int i = 0; i < indices.length; i++) {
                b.get((int) (offset + indices[i] * rowStride), out, i * c, c);
            }
            return org.nd4j.linalg.factory.Nd4j.create(out, shape, 'c');
        }
        java.nio.FloatBuffer b = a.data().asNioFloat();
        float[] out = new float[indices.length * c];
        for (int i = 0; i < indices.length; i++) {
            b.get((int) (offset + indices[i] * rowStride), out, i * c, c);
        }
        return org.nd4j.linalg.factory.Nd4j.create(out, shape, 'c');
    }

    @Override
    public String toString() {
        return "Dataset[" + size() + " x " + featureCount() + ", " + precision()
                + (csr == null ? "" : ", sparse " + storedValues() + " non-zeros")
                + (source == null ? "" : ", from " + source) + "]";
    }
}
