package io.github.fl4j.core.aggregation;

import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.Upload;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The weighted geometric median by the smoothed Weiszfeld algorithm of RFA (Pillutla, Kakade, Harchaoui, "Robust
 * Aggregation for Federated Learning", IEEE Transactions on Signal Processing 70, 2022): an approximate minimiser of
 * g(v) = sum_i alpha_i ||v - u_i||, with alpha_i = m_i / sum_j m_j (sample counts, default) or 1/n (uniform):
 * <pre>
 *   v^0     = sum_i alpha_i u_i                                   (the weighted mean)
 *   repeat: beta_i  = alpha_i / max(nu, ||v - u_i||)
 *           v      &larr; sum_i beta_i u_i / sum_i beta_i
 *   until   |g(v_old) - g(v)| &lt;= tolerance * g(v)   or maxIterations updates
 * </pre>
 * The smoothing nu &gt; 0 keeps the weights finite when v reaches an upload (Weiszfeld's iteration is undefined
 * there); it makes the result the minimiser of a smoothed objective that differs from g only within nu of an upload.
 * The paper reports that a few iterations suffice in federated training.
 *
 * <p>Breakdown point 1/2 (of the weight): uploads holding less than half of the total weight alpha cannot move the
 * geometric median arbitrarily far. Translation equivariant; scale equivariant as long as no distance falls below nu;
 * the exact geometric median lies in the convex hull of the uploads, so within their coordinate-wise range. Cost per
 * iteration: two passes over the n uploads (distances, then the weighted sum), O(n d), in double precision with plain
 * loops; one double[d] of scratch per call, no ND4J allocation. Immutable and thread-safe.
 */
public final class GeometricMedian implements Aggregator {
    /** Default smoothing nu. */
    public static final double DEFAULT_NU = 1e-6;
    /** Default relative tolerance on the objective. */
    public static final double DEFAULT_TOLERANCE = 1e-6;
    /** Default maximum number of Weiszfeld updates. */
    public static final int DEFAULT_MAX_ITERATIONS = 100;

    private final boolean bySampleCount;
    private final double nu;
    private final double tolerance;
    private final int maxIterations;

    /** Sample-count weights and the default nu, tolerance and iteration cap. */
    public GeometricMedian() {
        this(true, DEFAULT_NU, DEFAULT_TOLERANCE, DEFAULT_MAX_ITERATIONS);
    }

    /**
     * @param bySampleCount alpha_i = m_i / sum m_j when true, 1/n when false
     * @param nu            the smoothing, &gt; 0
     * @param tolerance     the relative change of the objective that stops the iteration, &gt;= 0
     * @param maxIterations the maximum number of Weiszfeld updates, &gt;= 1
     * @throws IllegalArgumentException naming the field and its value
     */
    public GeometricMedian(boolean bySampleCount, double nu, double tolerance, int maxIterations) {
        if (!(nu > 0) || Double.isInfinite(nu)) {
            throw new IllegalArgumentException("nu must be finite and > 0, was " + nu);
        }
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("tolerance must be finite and >= 0, was " + tolerance);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be >= 1, was " + maxIterations);
        }
        this.bySampleCount = bySampleCount;
        this.nu = nu;
        this.tolerance = tolerance;
        this.maxIterations = maxIterations;
    }

    /** Whether the weights are the sample counts (else uniform). */
    public boolean bySampleCount() {
        return bySampleCount;
    }

    /** The smoothing nu. */
    public double nu() {
        return nu;
    }

    /** The relative tolerance on the objective. */
    public double tolerance() {
        return tolerance;
    }

    /** The maximum number of Weiszfeld updates. */
    public int maxIterations() {
        return maxIterations;
    }

    @Override
    public void aggregate(List<Upload> uploads, int slot, INDArray out, ServerContext ctx) {
        FlatVector[] x = FlatVector.of(uploads, slot, out);
        int n = x.length;
        double[] alpha = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            alpha[i] = bySampleCount ? uploads.get(i).numSamples() : 1.0;
            total += alpha[i];
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("the uploads' sample counts must sum to > 0, was " + total);
        }
        for (int i = 0; i < n; i++) {
            alpha[i] /= total;
        }
        double[] v = new double[x[0].length()];
        double[] scratch = new double[FlatVector.BLOCK];
        for (int i = 0; i < n; i++) {
            x[i].addScaledTo(alpha[i], v, scratch);
        }
        double[] dist = new double[n];
        double objective = distances(x, v, alpha, dist, scratch);
        double[] beta = new double[n];
        for (int it = 0; it < maxIterations; it++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                beta[i] = alpha[i] / Math.max(nu, dist[i]);
                sum += beta[i];
            }
            java.util.Arrays.fill(v, 0.0);
            for (int i = 0; i < n; i++) {
                x[i].addScaledTo(beta[i] / sum, v, scratch);
            }
            double next = distances(x, v, alpha, dist, scratch);
            boolean done = Math.abs(objective - next) <= tolerance * next;
            objective = next;
            if (done) {
                break;
            }
        }
        new FlatVector(out).writeAll(v);
    }

    /** Fills dist_i = ||v - u_i|| and returns g(v) = sum alpha_i dist_i. */
    private static double distances(FlatVector[] x, double[] v, double[] alpha, double[] dist, double[] scratch) {
        double g = 0;
        for (int i = 0; i < x.length; i++) {
            dist[i] = Math.sqrt(x[i].squaredDistanceTo(v, scratch));
            g += alpha[i] * dist[i];
        }
        return g;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GeometricMedian g && g.bySampleCount == bySampleCount && Double.compare(g.nu, nu) == 0
                && Double.compare(g.tolerance, tolerance) == 0 && g.maxIterations == maxIterations;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(bySampleCount, nu, tolerance, maxIterations);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "GeometricMedian[%s, nu=%s, tolerance=%s, maxIterations=%d]",
                bySampleCount ? "sample-count" : "uniform", nu, tolerance, maxIterations);
    }
}
