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
 * Linear least squares without intercept: for a batch B with feature rows {@code a_i} (the rows of A) and real
 * targets {@code y_i},
 *
 * <pre>
 *   f(x; B)      = (1 / (2|B|)) sum_{i in B} (a_i . x - y_i)^2
 *   grad f(x; B) = (1 / |B|) A^T (A x - y)
 * </pre>
 *
 * The dimension is the feature count p; there is no regulariser. This is the quadratic objective of the local-SGD and
 * client-drift analyses (e.g. the two-client quadratics that show FedAvg's fixed point differs from the minimiser).
 *
 * <p>Map to the code: {@code x} = {@code params} (length p), A = {@code batch.features()} [|B|, p], y =
 * {@code batch.labels()} [|B|, 1].
 *
 * <p>Cost per call: ONE pass over the rows of A, dense or sparse (a {@link Dataset} of a {@code CsrMatrix}): the
 * residual {@code r_i = a_i . x - y_i}, then {@code g += (r_i/|B|) a_i} while the row is in cache, with the package's
 * row kernels (plain Java loops, each residual's dot product a plain sum in column order; see {@code Rows}); nothing
 * is allocated, scratch is two rows of p doubles per thread. A dense and a sparse batch holding the same values give
 * the same bits.
 *
 * <p>Thread safety: immutable; concurrent calls are safe as long as each thread passes its own {@code gradientOut}.
 * Both float32 and float64 batches are supported; {@code params} and {@code gradientOut} must have the batch's type.
 */
public final class LeastSquares implements Model {
    private final int features;
    private final PerThread<Kernels.Scratch> scratch = new PerThread<>(Kernels.Scratch::new);

    /**
     * @param features the feature count p (= the dimension)
     * @throws IllegalArgumentException if {@code features < 1}
     */
    public LeastSquares(int features) {
        if (features < 1) {
            throw new IllegalArgumentException("features must be >= 1, was " + features);
        }
        this.features = features;
    }

    /** The feature count p. */
    public int features() {
        return features;
    }

    /** {@inheritDoc} Equal to the feature count p. */
    @Override
    public long dimension() {
        return features;
    }

    /**
     * Writes zeros into {@code out}: the least-squares objective is convex, and the local-SGD literature starts at
     * {@code x = 0}. No random number is drawn ({@code rng} is unused and may be null).
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
     * <p>Returns {@code (1/(2|B|)) ||A x - y||^2} and writes {@code (1/|B|) A^T (A x - y)} into {@code gradientOut}.
     *
     * @throws IllegalArgumentException if the batch is empty or has a feature count other than p, or {@code params}
     *                                  / {@code gradientOut} are not contiguous vectors of length p of the batch's
     *                                  type, or {@code gradientOut} overlaps {@code params}
     */
    @Override
    public double lossAndGradient(INDArray params, Dataset batch, INDArray gradientOut) {
        boolean dbl = Kernels.checkBatch(batch, features, "batch");
        Kernels.checkVector(params, "params", features, dbl, "dimension");
        Kernels.checkOutput(gradientOut, "gradientOut", features, dbl, params);
        Kernels.Scratch s = scratch.get();
        double[] x = s.rowA(features);
        double[] g = s.rowB(features);
        Kernels.copyIn(params, features, x);
        java.util.Arrays.fill(g, 0, features, 0.0);
        double sum = pass(batch, x, g, s);
        Kernels.copyOut(g, features, gradientOut);
        Reference.reachabilityFence(batch);
        Reference.reachabilityFence(params);
        Reference.reachabilityFence(gradientOut);
        return sum / (2.0 * batch.size());
    }

    /**
     * {@inheritDoc} {@code (1/(2|B|)) ||A x - y||^2}.
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
        double sum = pass(batch, x, null, s);
        Reference.reachabilityFence(batch);
        Reference.reachabilityFence(params);
        return sum / (2.0 * batch.size());
    }

    /**
     * The mean loss {@code (1/(2n)) ||A x - y||^2} over all n samples of {@code data} (there is no regulariser, so this
     * equals {@link #loss}) and accuracy NaN (not a classifier). One pass over the rows; no scratch of n.
     *
     * @throws IllegalArgumentException as {@link #loss}
     */
    @Override
    public Evaluation evaluate(INDArray params, Dataset data) {
        return evaluate(params, data, Kernels.EVAL_CHUNK_ROWS);
    }

    /** {@link #evaluate(INDArray, Dataset)}; {@code chunkRows} no longer changes anything (rows are streamed). */
    Evaluation evaluate(INDArray params, Dataset data, int chunkRows) {
        boolean dbl = Kernels.checkBatch(data, features, "data");
        Kernels.checkVector(params, "params", features, dbl, "dimension");
        Kernels.Scratch s = scratch.get();
        double[] x = s.rowA(features);
        Kernels.copyIn(params, features, x);
        double sum = pass(data, x, null, s);
        int n = data.size();
        Reference.reachabilityFence(data);
        Reference.reachabilityFence(params);
        return new Evaluation(sum / (2.0 * n), Double.NaN, n);
    }

    /**
     * One pass over the rows: {@code r_i = a_i . x - y_i}; returns {@code sum r_i^2} (in double) and, when {@code g}
     * is not null, adds {@code (r_i / m) a_i} to it while the row is in cache.
     */
    private double pass(Dataset batch, double[] x, double[] g, Kernels.Scratch s) {
        Rows a = s.rows.of(batch);
        Kernels.Vec y = Kernels.column(batch.labels());
        int m = a.rows;
        double invM = 1.0 / m;
        double sum = 0.0;
        int chunk = a.chunk();
        double[] t = s.chunkT(chunk);
        double[] yb = s.chunkY(chunk);
        double[] c = s.chunkC(chunk);
        try {
            for (int start = 0; start < m; start += chunk) {
                int n = Math.min(chunk, m - start);
                y.get(start, n, yb);
                a.dots(start, n, x, t);
                for (int k = 0; k < n; k++) {
                    double ri = t[k] - yb[k];
                    sum += ri * ri;
                    c[k] = ri * invM;
                }
                if (g != null) {
                    a.axpys(start, n, c, g);
                }
            }
        } finally {
            a.clear();
        }
        return sum;
    }

    @Override
    public String toString() {
        return "LeastSquares[p=" + features + "]";
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
