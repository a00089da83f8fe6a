package io.github.fl4j.core.aggregation;

import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.Upload;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Centered clipping (Karimireddy, He, Jaggi, "Learning from History for Byzantine Robust Optimization", ICML 2021):
 * <pre>
 *   v^0 = the coordinate-wise median of the round's uploads
 *   L times:  v &lt;- v + (1/n) sum_i clip_tau(u_i - v),     clip_tau(z) = z min(1, tau / ||z||)   (clip(0) = 0)
 *   out = v
 * </pre>
 * Uniform weights 1/n, as in the paper.
 *
 * <p>Starting point. The paper starts from the previous round's aggregate (the server momentum), which makes the
 * aggregator stateful. This one is stateless, like every {@link Aggregator} whose memory does not live in the server
 * state: it starts from the round's {@link CoordinateMedian}, a robust centre (breakdown point 1/2) that needs no
 * memory, so it can be plugged into any averaging server and its result depends on the round's uploads alone.
 *
 * <p>Breakdown point 1/2 in the classical sense: every step moves v by at most tau (each clipped difference has norm
 * at most tau), so ||out - v^0|| &lt;= L tau whatever the uploads, and v^0 is bounded while fewer than half of the
 * uploads are Byzantine. The paper's guarantee (with momentum) holds for a Byzantine fraction below a constant.
 * Translation equivariant and within the coordinate-wise range (each step is a convex combination of v and the
 * uploads), not scale equivariant (tau is a fixed radius). tau = infinity gives the mean after one iteration.
 * Cost: the median (O(d n log n)) plus 2 passes over the uploads per iteration, O(L n d), in double precision; two
 * double[d] of scratch per call, no ND4J allocation. Immutable and thread-safe.
 */
public final class CenteredClipping implements Aggregator {
    private final double tau;
    private final int iterations;

    /**
     * @param tau        the clipping radius, &gt; 0 (may be infinite)
     * @param iterations the number L of clipping iterations, &gt;= 1
     * @throws IllegalArgumentException naming the field and its value
     */
    public CenteredClipping(double tau, int iterations) {
        if (!(tau > 0)) {
            throw new IllegalArgumentException("tau must be > 0, was " + tau);
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be >= 1, was " + iterations);
        }
        this.tau = tau;
        this.iterations = iterations;
    }

    /** The clipping radius tau. */
    public double tau() {
        return tau;
    }

    /** The number L of iterations. */
    public int iterations() {
        return iterations;
    }

    @Override
    public void aggregate(List<Upload> uploads, int slot, INDArray out, ServerContext ctx) {
        FlatVector[] x = FlatVector.of(uploads, slot, out);
        int n = x.length;
        double[] v = CoordinateMedian.of(x);
        double[] step = new double[v.length];
        double[] scratch = new double[FlatVector.BLOCK];
        double[] c = new double[n];
        for (int l = 0; l < iterations; l++) {
            double csum = 0;
            for (int i = 0; i < n; i++) {
                double norm = Math.sqrt(x[i].squaredDistanceTo(v, scratch));
                c[i] = norm > tau ? tau / norm : 1.0;
                csum += c[i];
            }
            // step = (1/n) sum_i c_i (u_i - v) = (1/n) (sum_i c_i u_i - (sum_i c_i) v)
            java.util.Arrays.fill(step, 0.0);
            for (int i = 0; i < n; i++) {
                x[i].addScaledTo(c[i], step, scratch);
            }
            for (int j = 0; j < v.length; j++) {
                v[j] += (step[j] - csum * v[j]) / n;
            }
        }
        new FlatVector(out).writeAll(v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CenteredClipping k && Double.compare(k.tau, tau) == 0 && k.iterations == iterations;
    }

    @Override
    public int hashCode() {
        return 31 * Double.hashCode(tau) + iterations;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "CenteredClipping[tau=%s, iterations=%d]", tau, iterations);
    }
}
