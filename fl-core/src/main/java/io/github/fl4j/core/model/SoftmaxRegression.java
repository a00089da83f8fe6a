package io.github.fl4j.core.model;

import io.github.fl4j.core.api.Evaluation;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.PerThread;
import java.lang.ref.Reference;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Multinomial logistic (softmax) regression with weights and bias and an optional L2 penalty on the weights: for p
 * features and k classes, a batch B with feature rows {@code a_i} (the rows of A, [|B|, p]) and class labels
 * {@code y_i in {0, ..., k-1}},
 *
 * <pre>
 *   Z            = A W + 1 b^T                                  logits, [|B|, k]
 *   P_ic         = exp(Z_ic) / sum_c' exp(Z_ic')                 softmax, row by row
 *   f(x; B)      = (1/|B|) sum_{i in B} -log P_{i, y_i} + (lambda/2) ||W||_F^2
 *   grad_W f     = A^T (P - Y) / |B| + lambda W                  Y = one-hot(y), [|B|, k]
 *   grad_b f     = column sums of (P - Y) / |B|                  (the bias is not regularised)
 * </pre>
 *
 * with {@code lambda >= 0} (default 0). This is the convex multi-class model of the FedProx paper (T. Li, A. K. Sahu,
 * M. Zaheer, M. Sanjabi, A. Talwalkar, V. Smith, "Federated Optimization in Heterogeneous Networks", MLSys 2020),
 * which trains it on its Synthetic(alpha, beta) data (p = 60, k = 10) and on MNIST (p = 784, k = 10), starting from
 * zero parameters; the paper's {@code y = argmax softmax(W x + b)} with W of shape [k, p] is our {@code W^T}.
 *
 * <p>Parameter layout (flat vector x of length {@code d = p k + k}): {@code W} row-major [p, k] first, so
 * {@code W[j][c]} is at {@code x[j k + c]}, then {@code b} at {@code x[p k + c]}. The gradient has the same layout.
 *
 * <p>Numerics: each row of logits is shifted by its maximum before exponentiation (the max-subtraction trick), so the
 * loss is {@code log(sum_c exp(Z_ic - max_i)) + max_i - Z_{i, y_i}}, finite for any finite logits. Labels are class
 * indices stored as floats; a label that is not an integer in {@code [0, k)} is rejected with an
 * {@link IllegalArgumentException} naming the row and the value.
 *
 * <p>Cost per call: two BLAS gemm calls (logits {@code A W}, then {@code A^T G} straight into the weight part of
 * {@code gradientOut}), one pass over the |B| x k logits, and a BLAS axpy and dot when lambda > 0; no ND4J array is
 * allocated. Scratch: a |B| x k logits matrix per thread, sized for the largest batch that thread has seen, and two
 * rows of k doubles. A sparse batch (a {@link Dataset} of a {@code CsrMatrix}) is computed in one pass over its stored
 * entries with the package's row kernels instead (scratch: two vectors of d doubles), equal to the dense result to
 * rounding.
 *
 * <p>Initial parameters: zeros by default (as in FedProx's experiments); {@link #withInitStdDev(double)} draws
 * {@code W} i.i.d. {@code N(0, sigma^2)} from the given stream instead (bias still zero).
 *
 * <p>Thread safety: immutable; concurrent calls are safe as long as each thread passes its own {@code gradientOut}.
 * Both float32 and float64 batches are supported; {@code params} and {@code gradientOut} must have the batch's type.
 */
public final class SoftmaxRegression implements Model {
    private final int features;
    private final int classes;
    private final double lambda;
    private final double initStdDev;
    private final int weights;
    private final int dimension;
    private final PerThread<Kernels.Scratch> scratch = new PerThread<>(Kernels.Scratch::new);

    /**
     * Softmax regression without regulariser, initialised at zero.
     *
     * @param features the feature count p, {@code >= 1}
     * @param classes  the number of classes k, {@code >= 2}
     * @throws IllegalArgumentException on a bad count or when {@code p k + k} exceeds {@code Integer.MAX_VALUE}
     */
    public SoftmaxRegression(int features, int classes) {
        this(features, classes, 0.0, 0.0);
    }

    /**
     * Softmax regression with L2 strength {@code lambda} on the weights, initialised at zero.
     *
     * @param features the feature count p, {@code >= 1}
     * @param classes  the number of classes k, {@code >= 2}
     * @param lambda   the L2 strength on W, {@code >= 0} (0 = none)
     * @throws IllegalArgumentException on a bad argument
     */
    public SoftmaxRegression(int features, int classes, double lambda) {
        this(features, classes, lambda, 0.0);
    }

    private SoftmaxRegression(int features, int classes, double lambda, double initStdDev) {
        if (features < 1) {
            throw new IllegalArgumentException("features must be >= 1, was " + features);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, was " + classes);
        }
        long d = (long) features * classes + classes;
        if (d > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("dimension features * classes + classes must be <= "
                    + Integer.MAX_VALUE + ", was " + d);
        }
        if (!(lambda >= 0.0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda must be finite and >= 0, was " + lambda);
        }
        if (!(initStdDev >= 0.0) || Double.isInfinite(initStdDev)) {
            throw new IllegalArgumentException("initStdDev must be finite and >= 0, was " + initStdDev);
        }
        this.features = features;
        this.classes = classes;
        this.lambda = lambda;
        this.initStdDev = initStdDev;
        this.weights = features * classes;
        this.dimension = (int) d;
    }

    /** The same model with L2 strength {@code lambda >= 0} on the weights. */
    public SoftmaxRegression withLambda(double lambda) {
        return new SoftmaxRegression(features, classes, lambda, initStdDev);
    }

    /**
     * The same model, but {@link #initialParameters} draws every weight i.i.d. {@code N(0, sigma^2)} (bias zero);
     * {@code sigma = 0} restores the all-zero start.
     */
    public SoftmaxRegression withInitStdDev(double sigma) {
        return new SoftmaxRegression(features, classes, lambda, sigma);
    }

    /** The feature count p. */
    public int features() {
        return features;
    }

    /** The number of classes k. */
    public int classes() {
        return classes;
    }

    /** The L2 strength lambda on the weights (0 = none). */
    public double lambda() {
        return lambda;
    }

    /** The standard deviation of the initial weights (0 = all-zero start). */
    public double initStdDev() {
        return initStdDev;
    }

    /** {@inheritDoc} Equal to {@code p k + k}. */
    @Override
    public long dimension() {
        return dimension;
    }

    /**
     * Writes zeros into {@code out} and, when {@link #initStdDev()} {@code = sigma > 0}, then fills the weight part
     * {@code out[0 .. p k)} with {@code rng.fillGaussian(W, 0, sigma)} (draws in index order, so W[0][0], W[0][1], ...);
     * the bias stays zero. With {@code sigma = 0} no random number is drawn and {@code rng} may be null.
     *
     * @throws IllegalArgumentException if {@code out} is not a contiguous float32/float64 vector of length d, or
     *                                  {@code rng} is null while sigma > 0
     */
    @Override
    public void initialParameters(RandomStream rng, INDArray out) {
        if (out == null) {
            throw new IllegalArgumentException("out must not be null");
        }
        Kernels.checkVector(out, "out", dimension, Kernels.isDouble(out.dataType(), "out"), "dimension");
        Kernels.fillZero(out);
        if (initStdDev > 0.0) {
            if (rng == null) {
                throw new IllegalArgumentException("rng must not be null when initStdDev > 0 (was " + initStdDev
                        + ")");
            }
            rng.fillGaussian(out.get(NDArrayIndex.interval(0, weights)), 0.0, initStdDev);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Returns the mean cross-entropy plus {@code (lambda/2) ||W||^2} and writes the gradient (layout as the
     * parameters) into {@code gradientOut}. On an invalid label, {@code gradientOut} is left untouched.
     *
     * @throws IllegalArgumentException if a label is not a class index in {@code [0, k)} (the message names the row
     *                                  and the value), the batch is empty or has a feature count other than p, or
     *                                  {@code params} / {@code gradientOut} are not contiguous vectors of length d
     *                                  of the batch's type, or {@code gradientOut} overlaps {@code params}
     */
    @Override
    public double lossAndGradient(INDArray params, Dataset batch, INDArray gradientOut) {
        boolean dbl = Kernels.checkBatch(batch, features, "batch");
        Kernels.checkVector(params, "params", dimension, dbl, "dimension");
        Kernels.checkOutput(gradientOut, "gradientOut", dimension, dbl, params);
        if (batch.isSparse()) {
            return sparseLossAndGradient(params, batch, gradientOut, dbl);
        }
        Kernels.Matrix a = Kernels.features(batch);
        int m = a.rows();
        Pointer w = Kernels.pointer(params);
        Kernels.Scratch s = scratch.get();
        Pointer z = s.values(dbl, (long) m * classes);
        double[] work = work(s, Kernels.vector(params, weights));
        java.util.Arrays.fill(work, classes, 2 * classes, 0.0);
        double sum = rows(a, 0, m, Kernels.column(batch.labels()), w, dbl, s, z, work, true, 1.0 / m, null);
        Pointer g = Kernels.pointer(gradientOut);
        // grad_W = A^T G, with G = (P - Y)/m now held in the logits scratch
        Kernels.gemm(dbl, true, false, features, classes, m, 1.0, a.pointer(), a.ld(), z, classes, 0.0, g, classes);
        Kernels.Vec gb = Kernels.vector(gradientOut, weights);
        for (int c = 0; c < classes; c++) {
            gb.set(c, work[classes + c]);
        }
        double loss = sum / m;
        if (lambda > 0.0) {
            Kernels.axpy(dbl, weights, lambda, w, g);
            loss += 0.5 * lambda * Kernels.dot(dbl, weights, w, w);
        }
        Reference.reachabilityFence(a);
        Reference.reachabilityFence(batch); // the features behind a cached descriptor
        Reference.reachabilityFence(params);
        Reference.reachabilityFence(gradientOut);
        return loss;
    }

    /**
     * {@inheritDoc} The mean cross-entropy plus {@code (lambda/2) ||W||^2}.
     *
     * @throws IllegalArgumentException as {@link #lossAndGradient}
     */
    @Override
    public double loss(INDArray params, Dataset batch) {
        boolean dbl = Kernels.checkBatch(batch, features, "batch");
        Kernels.checkVector(params, "params", dimension, dbl, "dimension");
        if (batch.isSparse()) {
            double loss = sparsePass(params, batch, null, null) / batch.size();
            if (lambda > 0.0) {
                Pointer w = Kernels.pointer(params);
                loss += 0.5 * lambda * Kernels.dot(dbl, weights, w, w);
            }
            Reference.reachabilityFence(batch);
            Reference.reachabilityFence(params);
            return loss;
        }
        Kernels.Matrix a = Kernels.features(batch);
        int m = a.rows();
        Pointer w = Kernels.pointer(params);
        Kernels.Scratch s = scratch.get();
        Pointer z = s.values(dbl, (long) m * classes);
        double sum = rows(a, 0, m, Kernels.column(batch.labels()), w, dbl, s, z,
                work(s, Kernels.vector(params, weights)), false, 0.0, null);
        double loss = sum / m;
        if (lambda > 0.0) {
            loss += 0.5 * lambda * Kernels.dot(dbl, weights, w, w);
        }
        Reference.reachabilityFence(a);
        Reference.reachabilityFence(batch); // the features behind a cached descriptor
        Reference.reachabilityFence(params);
        return loss;
    }

    /**
     * The mean cross-entropy over all n samples of {@code data}, WITHOUT the regulariser, and the accuracy: the
     * fraction of samples whose largest logit is at the label (ties go to the lowest class index). Rows are processed
     * in chunks of 1024, so a 10000 x 784 test set needs a 1024 x k logits buffer only.
     *
     * @throws IllegalArgumentException as {@link #loss}
     */
    @Override
    public Evaluation evaluate(INDArray params, Dataset data) {
        return evaluate(params, data, Kernels.EVAL_CHUNK_ROWS);
    }

    /** {@link #evaluate(INDArray, Dataset)} with a given chunk size (package-private for tests). */
    Evaluation evaluate(INDArray params, Dataset data, int chunkRows) {
        boolean dbl = Kernels.checkBatch(data, features, "data");
        Kernels.checkVector(params, "params", dimension, dbl, "dimension");
        if (data.isSparse()) {
            long[] hits = new long[1];
            double sum = sparsePass(params, data, null, hits);
            Reference.reachabilityFence(data);
            Reference.reachabilityFence(params);
            return new Evaluation(sum / data.size(), (double) hits[0] / data.size(), data.size());
        }
        Kernels.Matrix a = Kernels.features(data);
        int n = a.rows();
        int chunk = Math.max(1, Math.min(chunkRows, n));
        Pointer w = Kernels.pointer(params);
        Kernels.Vec y = Kernels.column(data.labels());
        Kernels.Scratch s = scratch.get();
        Pointer z = s.values(dbl, (long) chunk * classes);
        double[] work = work(s, Kernels.vector(params, weights));
        long[] correct = new long[1];
        double sum = 0.0;
        for (int start = 0; start < n; start += chunk) {
            sum += rows(a, start, Math.min(chunk, n - start), y, w, dbl, s, z, work, false, 0.0, correct);
        }
        Reference.reachabilityFence(a);
        Reference.reachabilityFence(data); // the features behind a cached descriptor
        Reference.reachabilityFence(params);
        return new Evaluation(sum / n, (double) correct[0] / n, n);
    }

    /** {@link #lossAndGradient} on a sparse batch: one pass over its stored entries ({@link #sparsePass}). */
    private double sparseLossAndGradient(INDArray params, Dataset batch, INDArray gradientOut, boolean dbl) {
        double[] g = scratch.get().rowD(dimension);
        java.util.Arrays.fill(g, 0, dimension, 0.0);
        double loss = sparsePass(params, batch, g, null) / batch.size();
        Kernels.copyOut(g, dimension, gradientOut);
        if (lambda > 0.0) {
            Pointer w = Kernels.pointer(params);
            Kernels.axpy(dbl, weights, lambda, w, Kernels.pointer(gradientOut));
            loss += 0.5 * lambda * Kernels.dot(dbl, weights, w, w);
        }
        Reference.reachabilityFence(batch);
        Reference.reachabilityFence(params);
        Reference.reachabilityFence(gradientOut);
        return loss;
    }

    /**
     * One pass over the rows of a sparse batch with the row kernels: per row the logits {@code z = b + W^T a_i} (the
     * stored entries of a_i only), the max-shifted softmax, and with {@code g != null} the gradient contributions
     * {@code G_i = (P_i - Y_i)/|B|}: {@code g_W += a_i G_i^T}, {@code g_b += G_i}. Returns {@code sum_i -log P_{i,y_i}};
     * adds the rows whose first largest logit is at the label to {@code correct[0]} when it is not null. The same
     * numbers as the dense path to rounding (the dense path sums {@code A W} in BLAS order).
     */
    private double sparsePass(INDArray params, Dataset batch, double[] g, long[] correct) {
        final int k = classes;
        Kernels.Scratch s = scratch.get();
        double[] w = s.rowC(dimension);
        Kernels.copyIn(params, dimension, w);
        double[] row = s.rowA(k);
        double[] gc = s.rowB(2 * k);
        Kernels.Vec y = Kernels.column(batch.labels());
        Rows a = s.rows.of(batch);
        int m = a.rows;
        double scale = 1.0 / m;
        double loss = 0.0;
        long hits = 0;
        try {
            for (int i = 0; i < m; i++) {
                int label = label(y, i);
                System.arraycopy(w, weights, row, 0, k);
                a.logits(i, w, k, row);
                double max = Double.NEGATIVE_INFINITY;
                int argmax = 0;
                for (int c = 0; c < k; c++) {
                    if (row[c] > max) {
                        max = row[c];
                        argmax = c;
                    }
                }
                double zy = row[label];
                double total = 0.0;
                for (int c = 0; c < k; c++) {
                    double e = Math.exp(row[c] - max);
                    row[c] = e;
                    total += e;
                }
                loss += Math.log(total) + max - zy;
                if (argmax == label) {
                    hits++;
                }
                if (g != null) {
                    double inv = 1.0 / total;
                    for (int c = 0; c < k; c++) {
                        double gic = (row[c] * inv - (c == label ? 1.0 : 0.0)) * scale;
                        gc[c] = gic;
                        g[weights + c] += gic;
                    }
                    a.outer(i, gc, k, g);
                }
            }
        } finally {
            a.clear();
        }
        if (correct != null) {
            correct[0] += hits;
        }
        return loss;
    }

    /** The per-thread work row of 2k doubles, with the bias {@code b} copied into {@code [0, k)}. */
    private double[] work(Kernels.Scratch s, Kernels.Vec b) {
        double[] work = s.rowB(2 * classes);
        for (int c = 0; c < classes; c++) {
            work[c] = b.get(c);
        }
        return work;
    }

    /**
     * Forward pass over rows {@code start .. start+rows-1}: logits {@code A W} into {@code z} (a [rows, k] row-major
     * buffer), plus the bias {@code work[0 .. k)}, then per row the max-shifted softmax. Returns
     * {@code sum_i -log P_{i, y_i}}. With {@code gradient}, overwrites {@code z} with {@code G = (P - Y) * scale} and
     * adds the column sums of G to {@code work[k .. 2k)}; when {@code correct != null}, adds the number of rows whose
     * first largest logit is at the label to {@code correct[0]}.
     */
    private double rows(Kernels.Matrix a, int start, int rows, Kernels.Vec y, Pointer w, boolean dbl,
            Kernels.Scratch s, Pointer z, double[] work, boolean gradient, double scale, long[] correct) {
        final int k = classes;
        Kernels.gemm(dbl, false, false, rows, k, features, 1.0, a.row(start, dbl), a.ld(), w, k, 0.0, z, k);
        Kernels.Vec zv = s.valuesVec(dbl);
        double[] row = s.rowA(k);
        double loss = 0.0;
        long hits = 0;
        for (int i = 0; i < rows; i++) {
            int label = label(y, start + i);
            int base = i * k;
            double max = Double.NEGATIVE_INFINITY;
            int argmax = 0;
            for (int c = 0; c < k; c++) {
                double v = zv.get(base + c) + work[c];
                row[c] = v;
                if (v > max) {
                    max = v;
                    argmax = c;
                }
            }
            double zy = row[label];
            double total = 0.0;
            for (int c = 0; c < k; c++) {
                double e = Math.exp(row[c] - max);
                row[c] = e;
                total += e;
            }
            loss += Math.log(total) + max - zy;
            if (argmax == label) {
                hits++;
            }
            if (gradient) {
                double inv = 1.0 / total;
                for (int c = 0; c < k; c++) {
                    double gic = (row[c] * inv - (c == label ? 1.0 : 0.0)) * scale;
                    zv.set(base + c, gic);
                    work[k + c] += gic;
                }
            }
        }
        if (correct != null) {
            correct[0] += hits;
        }
        return loss;
    }

    private int label(Kernels.Vec y, int row) {
        double v = y.get(row);
        if (!(v >= 0.0 && v < classes && v == Math.rint(v))) {
            throw new IllegalArgumentException("label at row " + row + " must be a class index in [0, " + classes
                    + "), was " + v);
        }
        return (int) v;
    }

    /** Every label must be a class index in [0, k) (an integer stored as a float). */
    @Override
    public void checkLabels(io.github.fl4j.core.data.Dataset data, String name) {
        double[] y = io.github.fl4j.core.data.DataChecks.labels(data);
        int k = classes;
        for (int i = 0; i < y.length; i++) {
            double v = y[i];
            if (!(v >= 0.0 && v < k && v == Math.rint(v))) {
                throw new IllegalArgumentException(name + ": the label at row " + i + " is " + v + ", not a class "
                        + "index in [0, " + k + ") of " + this);
            }
        }
    }

    @Override
    public String toString() {
        return "SoftmaxRegression[p=" + features + ", k=" + classes + ", lambda=" + lambda + "]";
    }

    /**
     * {@inheritDoc} Frees the calling thread's scratch buffers now (with one worker thread the clients run on the
     * caller's thread, which outlives the run); the buffers of other threads go with their thread (the engines' worker
     * threads end with each run).
     */
    @Override
    public long releaseScratch() {
        Kernels.Scratch s = scratch.peek();
        scratch.removeCurrent();
        return s == null ? 0 : s.free();
    }
}
