package io.github.fl4j.core.aggregation;

import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.Upload;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The coordinate-wise trimmed mean (Yin, Chen, Ramchandran, Bartlett, "Byzantine-Robust Distributed Learning: Towards
 * Optimal Statistical Rates", ICML 2018): with n uploads and k = floor(beta n),
 * <pre>
 *   out_j = (1 / (n - 2k)) sum of the values u_{n,j} left after removing the k largest and the k smallest
 * </pre>
 * for every coordinate j (unweighted: the sample counts are ignored). beta = 0 is the uniform mean (computed the same
 * way, in double precision). k is computed as floor(beta n + 1e-9), so that a product such as 0.29 x 100, which is
 * 28.999999999999996 in binary, trims the intended 29.
 *
 * <p>Breakdown point beta: up to k = floor(beta n) Byzantine uploads cannot move any coordinate outside the range of
 * the honest values, more can. Cost: O(d n log n) per call (each coordinate's n values are gathered and sorted),
 * n x 512 doubles of scratch per call, no ND4J allocation. Translation and positive-scale equivariant, within the
 * coordinate-wise range. Immutable and thread-safe.
 */
public final class TrimmedMean implements Aggregator {
    private final double beta;

    /**
     * @param beta the fraction trimmed at each end, in [0, 0.5)
     * @throws IllegalArgumentException naming beta and its value otherwise
     */
    public TrimmedMean(double beta) {
        if (!(beta >= 0 && beta < 0.5)) {
            throw new IllegalArgumentException("beta must be in [0, 0.5), was " + beta);
        }
        this.beta = beta;
    }

    /** The trimmed fraction beta at each end. */
    public double beta() {
        return beta;
    }

    /** The number k = floor(beta n) of values removed at each end of n. */
    public int trimmed(int n) {
        return (int) Math.floor(beta * n + 1e-9);
    }

    @Override
    public void aggregate(List<Upload> uploads, int slot, INDArray out, ServerContext ctx) {
        FlatVector[] x = FlatVector.of(uploads, slot, out);
        int k = trimmed(x.length);
        CoordinateWise.apply(x, (sorted, n) -> {
            double s = 0;
            for (int i = k; i < n - k; i++) {
                s += sorted[i];
            }
            return s / (n - 2 * k);
        }, new FlatVector(out), null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrimmedMean t && Double.compare(t.beta, beta) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(beta);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "TrimmedMean[beta=%s]", beta);
    }
}
