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
 * <p>Cost per call: two BLAS matrix-vector products (A x, then A^T r written straight into {@code gradientOut}) and one
 * pass over the |B| residuals; no ND4J array is allocated. Scratch: one residual vector per thread, sized for the
 * largest batch that thread has seen ({@code 4 |B|} or {@code 8 |B|} bytes).
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
        Kernels.Matrix a = Kernels.features(batch);
        int m = a.rows();
        Kernels.Scratch s = scratch.get();
        Pointer r = s.values(dbl, m);
        double sum = residuals(a, 0, m, Kernels.column(batch.labels()), Kernels.pointer(params), dbl, s, r);
        // gradientOut = (1/m) A^T r
        Kernels.gemv(dbl, true, m, features, 1.0 / m, a.pointer(), a.ld(), r, 0.0, Kernels.pointer(gradientOut));
        Reference.reachabilityFence(a);
        Reference.reachabilityFence(batch); // the features behind a cached descriptor
        Reference.reachabilityFence(params);
        Reference.reachabilityFence(gradientOut);
        return sum / (2.0 * m);
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
        Kernels.Matrix a = Kernels.features(batch);
        int m = a.rows();
        Kernels.Scratch s = scratch.get();
        Pointer r = s.values(dbl, m);
        double sum = residuals(a, 0, m, Kernels.column(batch.labels()), Kernels.pointer(params), dbl, s, r);
        Reference.reachabilityFence(a);
        Reference.reachabilityFence(batch); // the features behind a cached descriptor
        Reference.reachabilityFence(params);
        return sum / (2.0 * m);
    }

    /**
     * The mean loss {@code (1/(2n)) ||A x - y||^2} over all n samples of {@code data} (there is no regulariser, so this
     * equals {@link #loss}) and accuracy NaN (not a classifier). Rows are processed in chunks of 1024, so memory stays
     * bounded for large test sets.
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
        Kernels.checkVector(params, "params", features, dbl, "dimension");
        Kernels.Matrix a = Kernels.features(data);
        int n = a.rows();
        int chunk = Math.max(1, Math.min(chunkRows, n));
        Kernels.Scratch s = scratch.get();
        Pointer r = s.values(dbl, chunk);
        Kernels.Vec y = Kernels.column(data.labels());
        Pointer x = Kernels.pointer(params);
        double sum = 0.0;
        for (int start = 0; start < n; start += chunk) {
            int rows = Math.min(chunk, n - start);
            sum += residuals(a, start, rows, y, x, dbl, s, r);
        }
        Reference.reachabilityFence(a);
        Reference.reachabilityFence(data); // the features behind a cached descriptor
        Reference.reachabilityFence(params);
        return new Evaluation(sum / (2.0 * n), Double.NaN, n);
    }

    /**
     * Writes {@code r_i = a_i . x - y_i} for rows {@code start .. start+rows-1} into {@code r[0 .. rows-1]} and returns
     * {@code sum r_i^2} (accumulated in double).
     */
    private double residuals(Kernels.Matrix a, int start, int rows, Kernels.Vec y, Pointer x, boolean dbl,
            Kernels.Scratch s, Pointer r) {
        Kernels.gemv(dbl, false, rows, features, 1.0, a.row(start, dbl), a.ld(), x, 0.0, r);
        Kernels.Vec rv = s.valuesVec(dbl);
        double sum = 0.0;
        for (int i = 0; i < rows; i++) {
            double ri = rv.get(i) - y.get(start + i);
            rv.set(i, ri);
            sum += ri * ri;
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
