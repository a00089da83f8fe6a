package io.github.fl4j.core.model;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.random.RandomStream;
import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.List;

/**
 * Smoothness constants (Lipschitz constants of the gradient) of the built-in convex-style models, for the theoretical
 * step sizes of the error-feedback methods (EF21: {@code gamma = 1/(L + L_QM sqrt(beta/theta))}; EF21-W and the
 * improved EF21 analysis: {@code L_AM} in place of {@code L_QM}; see docs/algorithms/ef21.md).
 *
 * <p>For a data set with feature matrix A ([m, p], the rows {@code a_i}), all constants derive from the largest
 * eigenvalue of the scaled Gram matrix {@code lambda_max(A^T A / m)} ({@link #largestEigenvalueOfGram(Dataset)}):
 *
 * <pre>
 *   least squares  f(x) = (1/(2m)) ||A x - y||^2                  L = lambda_max(A^T A / m)
 *   logistic       f(x) = (1/m) sum_i log(1 + exp(-y_i a_i.x)) + r(x)
 *                                                                 L = lambda_max(A^T A / (4m)) + L_r
 *                  L_r = 0 (no regulariser), lambda ((lambda/2)||x||^2), 2 lambda (EF21's lambda sum x^2/(1+x^2))
 * </pre>
 *
 * The logistic bound uses {@code sigma'(t) <= 1/4}, so it is attained at {@code x = 0} along the top eigenvector, and
 * the non-convex regulariser's second derivative {@code lambda (2 - 6x^2)/(1 + x^2)^3 <= 2 lambda} (attained at 0).
 * This is EF21's {@code L_i = lambda_max(A_i^T A_i / (4 m_i)) + 2 lambda} (as in the official code
 * {@code IgorSokoloff/ef21_experiments_source_code}). Note that the least-squares experiment of EF21 uses
 * {@code (1/m)||Ax - y||^2}, whose constant is twice the one above; fl4j's {@link LeastSquares} has the factor 1/2.
 *
 * <p>For a federated data set ({@link #logistic(List, double)}, {@link #leastSquares(List)}) the {@link Summary} holds
 * the per-client {@code L_i}, their arithmetic mean {@code L_AM = (1/n) sum_i L_i}, their quadratic mean
 * {@code L_QM = sqrt((1/n) sum_i L_i^2)}, and {@code L} of the whole data set (all clients' rows stacked, m = sum
 * m_i): the constant of the sample-weighted global loss, which is also the constant of {@code (1/n) sum_i f_i} when
 * all clients hold equally many samples (EF21's split) and is at most {@code L_AM} in that case.
 *
 * <p><b>Power iteration.</b> {@code lambda_max(A^T A)} is computed matrix-free: {@code w = A^T (A v)} in one pass
 * over the rows with the models' row kernels (for row i, {@code u_i = a_i . v}, then {@code w += u_i a_i} while the
 * row is in cache; dense or sparse data alike, the stored entries only for sparse), {@code v <- w / ||w||}, in float64
 * whatever the data's precision (float32 values are widened as they are read, so the result is the eigenvalue of the
 * float32-valued matrix to float64 accuracy and the data is never copied). Dense and sparse data holding the same
 * values give the same bits. The estimate is the Rayleigh quotient
 * {@code rho_k = ||A v_k||^2 / m} of the unit iterate, which increases monotonically to {@code lambda_max}; the
 * iteration stops when {@code |rho_k - rho_{k-1}| <= 1e-12 rho_k} or after 10,000 iterations (see
 * {@link #powerIteration} for other settings and the convergence flag). The start vector has i.i.d. standard normal
 * coordinates from {@code new RandomStream(}{@value #START_SEED}{@code )} (so the result is deterministic, and the
 * start is almost surely not orthogonal to the top eigenvector, unlike a fixed all-ones vector for data with both
 * signs). The error after stopping is small when the two largest eigenvalues are well separated (the usual case:
 * convergence like {@code (lambda_2/lambda_1)^(2k)}); when they nearly coincide, the stopping rule can end up to about
 * {@code 1e-6} relative below {@code lambda_max}, which is immaterial for step sizes. A matrix A = 0 gives 0.
 *
 * <p>Cost: {@code 4 m p} flops per iteration ({@code 4 nnz} for sparse data); a few dozen iterations are typical.
 * Stateless and thread-safe.
 */
public final class SmoothnessConstants {
    /** The default relative change of the Rayleigh quotient at which the power iteration stops. */
    public static final double DEFAULT_TOLERANCE = 1e-12;
    /** The default maximum number of power iterations. */
    public static final int DEFAULT_MAX_ITERATIONS = 10_000;
    /** The seed of the stream the default start vector is drawn from. */
    public static final long START_SEED = 20_211_206L;

    /** Rows x columns processed per gemv pair, at most (about 8 MB of float64). */
    private static final int CHUNK_ELEMENTS = 1 << 20;

    private SmoothnessConstants() {
    }

    /**
     * The outcome of a power iteration on {@code A^T A / m}.
     *
     * @param eigenvalue the last Rayleigh quotient: the estimate of {@code lambda_max(A^T A / m)} (a lower bound)
     * @param iterations the number of products {@code A^T (A v)} computed
     * @param converged  whether the relative change fell below the tolerance
     */
    public record PowerIteration(double eigenvalue, int iterations, boolean converged) {
    }

    /**
     * Per-client smoothness constants and their means.
     */
    public static final class Summary {
        private final double[] perClient;
        private final double arithmeticMean;
        private final double quadraticMean;
        private final double whole;

        Summary(double[] perClient, double whole) {
            this.perClient = perClient.clone();
            double sum = 0.0;
            double squares = 0.0;
            for (double l : perClient) {
                sum += l;
                squares += l * l;
            }
            this.arithmeticMean = sum / perClient.length;
            this.quadraticMean = Math.sqrt(squares / perClient.length);
            this.whole = whole;
        }

        /** The constants {@code L_i}, one per client in client order (a copy). */
        public double[] perClient() {
            return perClient.clone();
        }

        /** {@code L_i} of client {@code i}. */
        public double client(int i) {
            return perClient[i];
        }

        /** The number of clients n. */
        public int clientCount() {
            return perClient.length;
        }

        /** {@code L_AM = (1/n) sum_i L_i}. */
        public double arithmeticMean() {
            return arithmeticMean;
        }

        /** {@code L_QM = sqrt((1/n) sum_i L_i^2)} (EF21's {@code L-tilde}). */
        public double quadraticMean() {
            return quadraticMean;
        }

        /** {@code max_i L_i}. */
        public double max() {
            return Arrays.stream(perClient).max().orElse(Double.NaN);
        }

        /** L of the whole data set (all clients' rows stacked). */
        public double whole() {
            return whole;
        }

        @Override
        public String toString() {
            return "Summary[n=" + perClient.length + ", L_AM=" + arithmeticMean + ", L_QM=" + quadraticMean
                    + ", L=" + whole + ", max L_i=" + max() + "]";
        }
    }

    // ------------------------------------------------------------------------------------------------ constants

    /**
     * {@code lambda_max(A^T A / m)} for the feature matrix A [m, p] of {@code data}, by power iteration with the
     * default settings (see the class documentation).
     *
     * @throws IllegalArgumentException if {@code data} is null or empty or not float32/float64
     */
    public static double largestEigenvalueOfGram(Dataset data) {
        return largestEigenvalueOfGram(List.of(checkNotNull(data, "data")));
    }

    /**
     * {@code lambda_max(A^T A / m)} for the feature matrices of {@code blocks} stacked row-wise (m = the total row
     * count), without copying them.
     *
     * @throws IllegalArgumentException if the list is null or empty, a block is null or empty, or the blocks differ
     *                                  in feature count
     */
    public static double largestEigenvalueOfGram(List<Dataset> blocks) {
        return powerIteration(blocks, DEFAULT_TOLERANCE, DEFAULT_MAX_ITERATIONS, new RandomStream(START_SEED))
                .eigenvalue();
    }

    /**
     * The smoothness constant {@code lambda_max(A^T A / m)} of the least-squares loss {@code (1/(2m))||Ax - y||^2}
     * ({@link LeastSquares}).
     *
     * @throws IllegalArgumentException as {@link #largestEigenvalueOfGram(Dataset)}
     */
    public static double leastSquares(Dataset data) {
        return largestEigenvalueOfGram(data);
    }

    /**
     * The smoothness constant {@code lambda_max(A^T A / (4m)) + 2 lambda} of logistic regression with EF21's
     * non-convex regulariser {@code lambda sum_k x_k^2/(1 + x_k^2)} ({@link LogisticRegression#nonConvex}).
     *
     * @param data   the data set (labels are not used)
     * @param lambda the regulariser strength, finite and {@code >= 0}
     * @throws IllegalArgumentException on a bad argument
     */
    public static double logistic(Dataset data, double lambda) {
        checkLambda(lambda);
        return largestEigenvalueOfGram(data) / 4.0 + 2.0 * lambda;
    }

    /**
     * The smoothness constant of {@code model} on {@code data}: {@code lambda_max(A^T A / (4m))} plus 0, lambda or
     * {@code 2 lambda} for no, the L2 or the non-convex regulariser.
     *
     * @throws IllegalArgumentException if the model is null or its feature count differs from the data's, or as
     *                                  {@link #largestEigenvalueOfGram(Dataset)}
     */
    public static double logistic(LogisticRegression model, Dataset data) {
        if (model == null) {
            throw new IllegalArgumentException("model must not be null");
        }
        checkNotNull(data, "data");
        if (data.featureCount() != model.features()) {
            throw new IllegalArgumentException("data feature count must be " + model.features() + " (the model's), was "
                    + data.featureCount());
        }
        return largestEigenvalueOfGram(data) / 4.0 + regulariserCurvature(model);
    }

    /**
     * EF21's constants for logistic regression with the non-convex regulariser on a federated data set:
     * {@code L_i = lambda_max(A_i^T A_i / (4 m_i)) + 2 lambda} per client, their means, and L of the whole data set.
     *
     * @param clients the clients' data sets, in client order (labels are not used)
     * @param lambda  the regulariser strength, finite and {@code >= 0}
     * @throws IllegalArgumentException on a bad argument
     */
    public static Summary logistic(List<Dataset> clients, double lambda) {
        checkLambda(lambda);
        return summary(clients, 0.25, 2.0 * lambda);
    }

    /** {@link #logistic(List, double)} for the clients of {@code data} (the test set is not used). */
    public static Summary logistic(FederatedDataset data, double lambda) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        return logistic(data.clients(), lambda);
    }

    /**
     * The least-squares constants {@code L_i = lambda_max(A_i^T A_i / m_i)} per client, their means, and L of the
     * whole data set.
     *
     * @throws IllegalArgumentException on a bad argument
     */
    public static Summary leastSquares(List<Dataset> clients) {
        return summary(clients, 1.0, 0.0);
    }

    private static Summary summary(List<Dataset> clients, double factor, double shift) {
        checkBlocks(clients, "clients");
        double[] l = new double[clients.size()];
        for (int i = 0; i < l.length; i++) {
            l[i] = factor * largestEigenvalueOfGram(List.of(clients.get(i))) + shift;
        }
        return new Summary(l, factor * largestEigenvalueOfGram(clients) + shift);
    }

    private static double regulariserCurvature(LogisticRegression model) {
        return switch (model.regularizer()) {
            case NONE -> 0.0;
            case L2 -> model.lambda();
            case NONCONVEX -> 2.0 * model.lambda();
        };
    }

    // ------------------------------------------------------------------------------------------ power iteration

    /**
     * Power iteration on {@code A^T A / m} for the stacked feature matrices of {@code blocks}: start from i.i.d.
     * standard normal coordinates drawn from {@code start} (p draws), then repeat {@code w = A^T (A v)},
     * {@code rho = ||A v||^2 / m}, {@code v = w / ||w||} until {@code |rho_k - rho_{k-1}| <= tolerance * rho_k} or
     * {@code maxIterations} products. All arithmetic is float64.
     *
     * @param blocks        the data sets whose rows are stacked (not modified; labels unused)
     * @param tolerance     the relative change at which to stop, finite and {@code >= 0}
     * @param maxIterations the maximum number of products, {@code >= 1}
     * @param start         the stream the start vector is drawn from
     * @return the last Rayleigh quotient, the number of products and whether the tolerance was met
     * @throws IllegalArgumentException on a bad argument
     */
    public static PowerIteration powerIteration(List<Dataset> blocks, double tolerance, int maxIterations,
            RandomStream start) {
        int p = checkBlocks(blocks, "blocks");
        if (!(tolerance >= 0.0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("tolerance must be finite and >= 0, was " + tolerance);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be >= 1, was " + maxIterations);
        }
        if (start == null) {
            throw new IllegalArgumentException("start must not be null");
        }
        long m = 0;
        int largest = Kernels.BLOCK;
        for (Dataset d : blocks) {
            Kernels.isDouble(d.precision().dataType(), "blocks");
            m += d.size();
            largest = Math.max(largest, d.size());
        }
        Rows.Set rows = new Rows.Set();
        double[] v = new double[p + 1]; // one spare slot for the SIMD kernels' pad column (Rows.ColumnRows)
        double[] w = new double[p];
        // a chunk of rows' products (Rows.chunk(): at most a whole block); a power of two for the column kernels, with
        // a spare slot past the largest block for the SIMD kernels' pad sample
        double[] block = new double[Rows.powerOfTwoAtLeast(largest + 1)];
        try {
            for (int j = 0; j < p; j++) {
                v[j] = start.nextGaussian();
            }
            double norm = Math.sqrt(dot(v, v, p));
            if (!(norm > 0.0)) {
                throw new IllegalStateException("the start vector has norm " + norm);
            }
            for (int j = 0; j < p; j++) {
                v[j] /= norm;
            }
            double previous = Double.NaN;
            double rho = 0.0;
            for (int it = 1; it <= maxIterations; it++) {
                rho = gramProduct(blocks, rows, v, w, p, block) / m;
                double wNorm = Math.sqrt(dot(w, w, p));
                if (!(wNorm > 0.0)) {
                    // A v = 0: with a random start this means A = 0
                    return new PowerIteration(0.0, it, true);
                }
                for (int j = 0; j < p; j++) {
                    v[j] = w[j] / wNorm;
                }
                if (it > 1 && Math.abs(rho - previous) <= tolerance * rho) {
                    return new PowerIteration(rho, it, true);
                }
                previous = rho;
            }
            return new PowerIteration(rho, maxIterations, false);
        } finally {
            Reference.reachabilityFence(blocks); // the features behind the row accessors
        }
    }

    /**
     * {@code w = sum_b A_b^T (A_b v)} in one pass over the rows with the models' row kernels ({@code Rows}: for row
     * i, {@code u_i = a_i . v}, then {@code w += u_i a_i} while the row is in cache; {@code u} holds a block of
     * {@code u_i}, a chunk of them ({@code Rows.chunk()}: a whole dataset for the column kernels)); returns
     * {@code sum_b ||A_b v||^2}.
     */
    private static double gramProduct(List<Dataset> blocks, Rows.Set set, double[] v, double[] w, int p,
                                      double[] u) {
        java.util.Arrays.fill(w, 0, p, 0.0);
        double squares = 0.0;
        for (Dataset d : blocks) {
            Rows a = set.of(d);
            try {
                int chunk = a.chunk();
                for (int start = 0, m = a.rows; start < m; start += chunk) {
                    int n = Math.min(chunk, m - start);
                    a.dots(start, n, v, u);
                    for (int k = 0; k < n; k++) {
                        squares += u[k] * u[k];
                    }
                    a.axpys(start, n, u, w);
                }
            } finally {
                a.clear();
            }
        }
        return squares;
    }

    private static double dot(double[] a, double[] b, int n) {
        double s = 0.0;
        for (int j = 0; j < n; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    // ---------------------------------------------------------------------------------------------------- checks

    private static Dataset checkNotNull(Dataset d, String name) {
        if (d == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return d;
    }

    /** Checks a non-empty list of non-empty data sets of one feature count; returns the feature count. */
    private static int checkBlocks(List<Dataset> blocks, String name) {
        if (blocks == null || blocks.isEmpty()) {
            throw new IllegalArgumentException(name + " must hold at least one data set, was "
                    + (blocks == null ? "null" : "empty"));
        }
        int p = -1;
        for (int b = 0; b < blocks.size(); b++) {
            Dataset d = blocks.get(b);
            if (d == null) {
                throw new IllegalArgumentException(name + "[" + b + "] must not be null");
            }
            if (d.size() < 1) {
                throw new IllegalArgumentException(name + "[" + b + "] must hold at least one sample, was empty");
            }
            if (p < 0) {
                p = d.featureCount();
            } else if (d.featureCount() != p) {
                throw new IllegalArgumentException(name + "[" + b + "] feature count must be " + p + " (that of "
                        + name + "[0]), was " + d.featureCount());
            }
        }
        return p;
    }

    private static void checkLambda(double lambda) {
        if (!(lambda >= 0.0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda must be finite and >= 0, was " + lambda);
        }
    }
}
