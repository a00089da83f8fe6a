package io.github.fl4j.core.aggregation;

import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.Upload;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The coordinate-wise median (Yin, Chen, Ramchandran, Bartlett, "Byzantine-Robust Distributed Learning: Towards
 * Optimal Statistical Rates", ICML 2018):
 * <pre>
 *   out_j = median { u_{n,j} : n in S }     for every coordinate j,
 * </pre>
 * the middle value for an odd count, the mean of the two middle values for an even count. The sample counts m_n are
 * ignored (every upload counts once).
 *
 * <p>Breakdown point 1/2: as long as fewer than half of the uploads are Byzantine, every output coordinate lies
 * between two honest values of that coordinate, however large the Byzantine values are. Cost: O(d n log n) per call
 * (each coordinate's n values are gathered and sorted in double precision), plus n x 512 doubles of scratch per call;
 * no ND4J array is allocated. Translation and positive-scale equivariant; the output stays within the coordinate-wise
 * range of the uploads. Stateless and thread-safe.
 */
public final class CoordinateMedian implements Aggregator {
    /** The one instance (the median has no parameters). */
    public static final CoordinateMedian INSTANCE = new CoordinateMedian();

    /** Use {@link #INSTANCE}; public for reflection-based construction. */
    public CoordinateMedian() {
    }

    @Override
    public void aggregate(List<Upload> uploads, int slot, INDArray out, ServerContext ctx) {
        FlatVector[] x = FlatVector.of(uploads, slot, out);
        CoordinateWise.apply(x, CoordinateWise::median, new FlatVector(out), null);
    }

    /** The coordinate-wise median of {@code x} into a new double[d] (the starting point of centered clipping). */
    static double[] of(FlatVector[] x) {
        double[] v = new double[x[0].length()];
        CoordinateWise.apply(x, CoordinateWise::median, null, v);
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoordinateMedian;
    }

    @Override
    public int hashCode() {
        return CoordinateMedian.class.hashCode();
    }

    @Override
    public String toString() {
        return "CoordinateMedian";
    }
}
