package io.github.fl4j.core.model;

import io.github.fl4j.core.api.Evaluation;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.PerThread;
import java.lang.ref.Reference;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Binary logistic regression without intercept, with an optional regulariser r: for a batch B with feature rows
 * {@code a_i} (the rows of A) and labels {@code y_i in {-1, +1}},
 *
 * <pre>
 *   f(x; B)      = (1/|B|) sum_{i in B} log(1 + exp(-y_i a_i . x)) + r(x)
 *   grad f(x; B) = (1/|B|) A^T c + grad r(x),   c_i = -y_i sigma(-y_i a_i . x),   sigma(t) = 1 / (1 + exp(-t))
 * </pre>
 *
 * with one of three regularisers ({@link Regularizer}), {@code lambda >= 0}:
 *
 * <pre>
 *   NONE       r(x) = 0
 *   L2         r(x) = (lambda/2) ||x||^2                       grad r(x)_k = lambda x_k
 *   NONCONVEX  r(x) = lambda sum_k x_k^2 / (1 + x_k^2)          grad r(x)_k = 2 lambda x_k / (1 + x_k^2)^2
 * </pre>
 *
 * L2 gives the strongly convex (lambda > 0) objective of the error-feedback and compressed-communication papers.
 * NONCONVEX is the non-convex regulariser of the EF21 experiments (P. Richtarik, I. Sokolov, I. Fatkhullin, "EF21: A
 * New, Simpler, Theoretically Better, and Practically Faster Error Feedback", NeurIPS 2021; lambda = 0.1 on the LibSVM
 * data sets mushrooms, phishing, a9a and w8a): it is bounded ({@code 0 <= r < lambda p}), its second derivative
 * {@code lambda (2 - 6 x_k^2) / (1 + x_k^2)^3} lies in {@code [-lambda/2, 2 lambda]}, so it adds {@code 2 lambda} to
 * the smoothness constant (see {@link SmoothnessConstants}) and can make f non-convex. Build it
 * with {@link #nonConvex(int, double)}. The per-sample loss is evaluated as the softplus {@code log(1 + exp(t))} in the
 * form {@code max(t, 0) + log1p(exp(-|t|))}, so large margins neither overflow nor lose precision; the log1p terms of
 * a block of 16 rows are summed as the log of their product, kept exact to a few ulps by a compensated product, so
 * that a row costs one {@code exp} and one division and a block one {@code log} (see {@code Kernels.softplusBlock}).
 *
 * <p>Map to the code: {@code x} = {@code params} (length p), A = {@code batch.features()} [|B|, p], y =
 * {@code batch.labels()} [|B|, 1] holding exactly -1 or +1 (any other value is rejected with an
 * {@link IllegalArgumentException} naming the row and the value), lambda = {@link #lambda()}, the regulariser
 * {@link #regularizer()}.
 *
 * <p>Cost per call: ONE pass over the rows of A (dense, or the stored entries of a sparse {@link Dataset}): for row i
 * the margin {@code a_i . x} and, while the row is in cache, {@code g += c_i a_i}, with the row kernels of the package
 * (plain Java loops, each margin a plain sum in column order, several rows side by side; a sparse matrix of ones is
 * read without its values; see {@code Rows}); then for the regulariser one BLAS axpy and dot (L2) or one pass over the
 * p coordinates (NONCONVEX). Nothing is allocated per call once a thread's scratch fits the batch: four rows of p
 * doubles, the batch's labels, and three rows of the batch's size for the exponentials (a dataset with a column index
 * keeps its labels as doubles itself, {@link Dataset#labelValues()}).
 * A dense and a sparse batch holding the same values give the same bits (float64 and float32; the accumulation is in
 * double and the gradient is rounded once to the batch's type).
 *
 * <p>Thread safety: immutable; concurrent calls are safe as long as each thread passes its own {@code gradientOut}.
 * Both float32 and float64 batches are supported; {@code params} and {@code gradientOut} must have the batch's type.
 */
public final class LogisticRegression implements Model {
    /** The regulariser r(x) added to the mean logistic loss. */
    public enum Regularizer {
        /** {@code r(x) = 0}. */
        NONE,
        /** {@code r(x) = (lambda/2) ||x||^2}, gradient {@code lambda x}. */
        L2,
        /**
         * {@code r(x) = lambda sum_k x_k^2 / (1 + x_k^2)}, gradient {@code 2 lambda x_k / (1 + x_k^2)^2} (the EF21
         * experiments' non-convex regulariser).
         */
        NONCONVEX
    }

    private final int features;
    private final Regularizer regularizer;
    private final double lambda;
    private final PerThread<Kernels.Scratch> scratch = new PerThread<>(Kernels.Scratch::new);

    /**
     * Logistic regression without regulariser ({@link Regularizer#NONE}).
     *
     * @param features the feature count p (= the dimension)
     * @throws IllegalArgumentException if {@code features < 1}
     */
    public LogisticRegression(int features) {
        this(features, Regularizer.NONE, 0.0);
    }

    /**
     * Logistic regression with the L2 regulariser {@code (lambda/2) ||x||^2}.
     *
     * @param features the feature count p (= the dimension)
     * @param lambda   the L2 regularisation strength, {@code >= 0} (0 = none)
     * @throws IllegalArgumentException if {@code features < 1} or lambda is negative or not finite
     */
    public LogisticRegression(int features, double lambda) {
        this(features, Regularizer.L2, lambda);
    }

    /**
     * Logistic regression with the given regulariser.
     *
     * @param features    the feature count p (= the dimension)
     * @param regularizer the regulariser kind
     * @param lambda      its strength, {@code >= 0}; must be 0 for {@link Regularizer#NONE}
     * @throws IllegalArgumentException if {@code features < 1}, the regulariser is null, or lambda is negative, not
     *                                  finite, or non-zero with {@code NONE}
     */
    public LogisticRegression(int features, Regularizer regularizer, double lambda) {
        if (features < 1) {
            throw new IllegalArgumentException("features must be >= 1, was " + features);
        }
        if (regularizer == null) {
            throw new IllegalArgumentException("regularizer must not be null");
        }
        if (!(lambda >= 0.0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda must be finite and >= 0, was " + lambda);
        }
        if (regularizer == Regularizer.NONE && lambda != 0.0) {
            throw new IllegalArgumentException("lambda must be 0 with Regularizer.NONE, was " + lambda);
        }
        this.features = features;
        this.regularizer = regularizer;
        this.lambda = lambda;
    }

    /**
     * Logistic regression with the non-convex regulariser {@code lambda sum_k x_k^2 / (1 + x_k^2)} of the EF21
     * experiments (Richtarik, Sokolov, Fatkhullin, NeurIPS 2021, with lambda = 0.1).
     *
     * @param features the feature count p (= the dimension)
     * @param lambda   the strength, {@code >= 0}
     * @throws IllegalArgumentException if {@code features < 1} or lambda is negative or not finite
     */
    public static LogisticRegression nonConvex(int features, double lambda) {
        return new LogisticRegression(features, Regularizer.NONCONVEX, lambda);
    }

    /**
     * The same model with strength {@code lambda} ({@code >= 0}): the same regulariser kind, except that a model
     * without regulariser becomes an L2 model.
     */
    public LogisticRegression withLambda(double lambda) {
        return new LogisticRegression(features, regularizer == Regularizer.NONE ? Regularizer.L2 : regularizer,
                lambda);
    }

    /** The feature count p. */
    public int features() {
        return features;
    }

    /** The regularisation strength lambda (0 = none). */
    public double lambda() {
        return lambda;
    }

    /** The regulariser kind. */
    public Regularizer regularizer() {
        return regularizer;
    }

    /** {@inheritDoc} Equal to the feature count p. */
    @Override
    public long dimension() {
        return features;
    }

    /**
     * Writes zeros into {@code out} (the usual start of the convex experiments, where {@code f(0) = log 2}). No random
     * number is drawn ({@code rng} is unused and may be null).
     *
     * @throws IllegalArgumentException if {@code out} is not a contiguous float32/float64 vector of length p
     */
    @Override
    public void initialParameters(RandomStream rng, INDArray out) {
        if (out == null) {
            throw new IllegalArgumentException("out must not be null");
        }
        Kernels.checkVector(out, "out", features, Kernels.isDouble(out.dataType(), "out"), "dimension");
        Kernels.fillZero(out);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Returns the mean logistic loss plus {@code r(x)} and writes {@code (1/|B|) A^T c + grad r(x)} into
     * {@code gradientOut}. On an invalid label, {@code gradientOut} is left untouched.
     *
     * @throws IllegalArgumentException if a label is not -1 or +1 (the message names the row and the value), the batch
     *                                  is empty or has a feature count other than p, or {@code params} /
     *                                  {@code gradientOut} are not contiguous vectors of length p of the batch's type,
     *                                  or {@code gradientOut} overlaps {@code params}
     */
    @Override
    public double lossAndGradient(INDArray params, Dataset batch, INDArray gradientOut) {
        boolean dbl = Kernels.checkBatch(batch, features, "batch");
        Kernels.checkVector(params, "params", features, dbl, "dimension");
        Kernels.checkOutput(gradientOut, "gradientOut", features, dbl, params);
        Kernels.Scratch s = scratch.get();
        Rows a = s.rows.of(batch);
        int m = a.rows;
        double[] x = s.rowA(features);
        double[] g = s.rowB(features);
        Kernels.copyIn(params, features, x);
        java.util.Arrays.fill(g, 0, features, 0.0);
        double sum = 0.0;
        double invM = 1.0 / m;
        int chunk = a.chunk();
        double[] t = s.chunkT(chunk);
        double[] c = s.chunkC(chunk);
        double[] yAll;
        try {
            yAll = labels(batch, s);
            // one pass over the rows, a chunk at a time (a block of rows that is still in cache for the update, or
            // the whole batch for the column kernels): the margins a_i . x, the losses and coefficients c_i a block
            // of Kernels.BLOCK at a time, then g += c_i a_i
            for (int start = 0; start < m; start += chunk) {
                int n = Math.min(chunk, m - start);
                a.dots(start, n, x, t);
                sum = s.logisticChunk(t, yAll, start, n, c, invM, sum);
                a.axpys(start, n, c, g);
            }
        } finally {
            a.clear();
        }
        double loss = sum / m; // as in loss(), so both return the same bits
        boolean nonConvex = lambda > 0.0 && regularizer == Regularizer.NONCONVEX;
        double[] slopes = nonConvex ? s.rowD(features) : null;
        if (nonConvex) {
            loss += lambda * nonConvexPenalty(x, slopes, s.rowC(features));
            if (dbl) { // on the double row before it is copied out: the same values as adding to the vector after
                for (int k = 0; k < features; k++) {
                    g[k] = g[k] + slopes[k];
                }
            }
        }
        Kernels.copyOut(g, features, gradientOut);
        if (nonConvex && !dbl) { // float32: the gradient is rounded to float first, then the slope added to it
            Kernels.Vec gv = Kernels.vector(gradientOut, 0);
            for (int k = 0; k < features; k++) {
                gv.set(k, gv.get(k) + slopes[k]);
            }
        } else if (lambda > 0.0 && regularizer == Regularizer.L2) {
            Pointer xp = Kernels.pointer(params);
            Kernels.axpy(dbl, features, lambda, xp, Kernels.pointer(gradientOut));
            loss += 0.5 * lambda * Kernels.dot(dbl, features, xp, xp);
        }
        Reference.reachabilityFence(batch); // the features behind the row accessor
        Reference.reachabilityFence(params);
        Reference.reachabilityFence(gradientOut);
        return loss;
    }

    /**
     * {@inheritDoc} The mean logistic loss plus {@code r(x)}.
     *
     * @throws IllegalArgumentException as {@link #lossAndGradient}
     */
    @Override
    public double loss(INDArray params, Dataset batch) {
        boolean dbl = Kernels.checkBatch(batch, features, "batch");
        Kernels.checkVector(params, "params", features, dbl, "dimension");
        Kernels.Scratch s = scratch.get();
        double[] x = s.rowA(features);
        Kernels.copyIn(params, features, x);
        double[] sums = new double[2];
        margins(batch, x, s, sums);
        double loss = sums[0] / batch.size();
        if (lambda > 0.0) {
            if (regularizer == Regularizer.L2) {
                Pointer xp = Kernels.pointer(params);
                loss += 0.5 * lambda * Kernels.dot(dbl, features, xp, xp);
            } else if (regularizer == Regularizer.NONCONVEX) {
                loss += lambda * nonConvexPenalty(x, s.rowD(features), s.rowC(features));
            }
        }
        Reference.reachabilityFence(batch);
        Reference.reachabilityFence(params);
        return loss;
    }

    /**
     * The mean logistic loss {@code (1/n) sum_i log(1 + exp(-y_i a_i . x))} over all n samples of {@code data},
     * WITHOUT the regulariser (so it is comparable across lambdas), and the accuracy: the fraction of samples with
     * {@code sign(a_i . x) == y_i}, where {@code a_i . x == 0} counts as +1. One pass over the rows, no scratch of n.
     *
     * @throws IllegalArgumentException as {@link #loss}
     */
    @Override
    public Evaluation evaluate(INDArray params, Dataset data) {
        return evaluate(params, data, Kernels.EVAL_CHUNK_ROWS);
    }

    /**
     * {@link #evaluate(INDArray, Dataset)}; {@code chunkRows} is checked but no longer changes anything (the rows are
     * streamed one by one), kept for the tests that compare chunk sizes.
     */
    Evaluation evaluate(INDArray params, Dataset data, int chunkRows) {
        boolean dbl = Kernels.checkBatch(data, features, "data");
        Kernels.checkVector(params, "params", features, dbl, "dimension");
        Kernels.Scratch s = scratch.get();
        double[] x = s.rowA(features);
        Kernels.copyIn(params, features, x);
        double[] sums = new double[2];
        margins(data, x, s, sums);
        int n = data.size();
        Reference.reachabilityFence(data);
        Reference.reachabilityFence(params);
        return new Evaluation(sums[0] / n, sums[1] / n, n);
    }

    /**
     * Over all rows: adds {@code sum softplus(-y_i a_i . x)} to {@code sums[0]} and the number of correct signs to
     * {@code sums[1]}.
     */
    private void margins(Dataset batch, double[] x, Kernels.Scratch s, double[] sums) {
        Rows a = s.rows.of(batch);
        double loss = 0.0;
        long correct = 0;
        int chunk = a.chunk();
        double[] z = s.chunkT(chunk);
        try {
            double[] yAll = labels(batch, s);
            for (int start = 0, rows = a.rows; start < rows; start += chunk) {
                int n = Math.min(chunk, rows - start);
                a.dots(start, n, x, z);
                for (int k = 0; k < n; k++) {
                    double yi = yAll[start + k];
                    double zi = z[k];
                    double predicted = zi >= 0.0 ? 1.0 : -1.0;
                    if (predicted == yi) {
                        correct++;
                    }
                    z[k] = -yi * zi;
                }
                loss = s.softplusChunk(z, n, null, loss);
            }
        } finally {
            a.clear();
        }
        sums[0] += loss;
        sums[1] += correct;
    }

    /**
     * Returns {@code sum_k x_k^2 / (1 + x_k^2)} (accumulated in double, in index order) and writes the gradient of
     * {@code lambda} times it, {@code 2 lambda x_k / (1 + x_k^2)^2}, into {@code slopes}; {@code terms} is scratch. The
     * divisions run first, in a loop the JIT turns into SIMD instructions, then the sum.
     */
    private double nonConvexPenalty(double[] x, double[] slopes, double[] terms) {
        double twoLambda = 2.0 * lambda;
        for (int k = 0; k < features; k++) {
            double xk = x[k];
            double x2 = xk * xk;
            double t = 1.0 + x2;
            terms[k] = x2 / t;
            slopes[k] = twoLambda * xk / (t * t);
        }
        double sum = 0.0;
        for (int k = 0; k < features; k++) {
            sum += terms[k];
        }
        return sum;
    }

    /**
     * The batch's labels, each checked to be -1 or +1: once its column index is built (a dataset passed over again
     * and again), the dataset's own copy ({@link Dataset#labelValues()}), checked once
     * ({@link Dataset#labelsAreSigns()}); else copied into the scratch buffer and checked.
     */
    private static double[] labels(Dataset batch, Kernels.Scratch s) {
        int n = batch.size();
        double[] y;
        if (batch.hasSparseColumns()) {
            y = batch.labelValues();
            if (batch.labelsAreSigns()) {
                return y;
            }
        } else {
            y = s.labels(n);
            Kernels.column(batch.labels()).get(0, n, y);
        }
        for (int i = 0; i < n; i++) {
            double v = y[i];
            if (v != 1.0 && v != -1.0) {
                throw new IllegalArgumentException("label at row " + i + " must be -1 or +1, was " + v);
            }
        }
        return y;
    }

    /** Every label must be -1 or +1. */
    @Override
    public void checkLabels(io.github.fl4j.core.data.Dataset data, String name) {
        double[] y = io.github.fl4j.core.data.DataChecks.labels(data);
        for (int i = 0; i < y.length; i++) {
            if (y[i] != 1.0 && y[i] != -1.0) {
                throw new IllegalArgumentException(name + ": the label at row " + i + " is " + y[i]
                        + ", but " + this + " needs -1 or +1");
            }
        }
    }

    @Override
    public String toString() {
        return "LogisticRegression[p=" + features + ", " + regularizer + ", lambda=" + lambda + "]";
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
