package io.github.fl4j.core.aggregation;

import static io.github.fl4j.core.aggregation.RobustTests.apply;
import static io.github.fl4j.core.aggregation.RobustTests.rowsOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.tensor.Precision;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link NormBounding} under the aggregator contract with M = 1000 (the contract's uploads have norms of about 8, so
 * identical uploads stay themselves); it is neither translation nor scale equivariant nor within the range, since M
 * is a fixed radius and scaling pulls towards 0. And by hand.
 */
class NormBoundingTest extends AggregatorContractTest {

    @Override
    protected Aggregator aggregator() {
        return new NormBounding(1000);
    }

    @Override
    protected boolean translationEquivariant() {
        return false;
    }

    @Override
    protected boolean scaleEquivariant() {
        return false;
    }

    @Override
    protected boolean withinCoordinateRange() {
        return false;
    }

    /**
     * u0 = (3, 4) with m = 1 (norm 5) and u1 = (0, 1) with m = 3, M = 1: u0' = (0.6, 0.8), u1' = u1.
     * <pre>
     *   sample-weighted mean: (1/4)(0.6, 0.8) + (3/4)(0, 1) = (0.15, 0.95)
     *   coordinate median (mean of the two):               (0.3, 0.9)
     * </pre>
     */
    @Test
    void byHand() {
        List<Upload> u = rowsOf(new double[][] {{3, 4}, {0, 1}}, new int[] {1, 3});
        assertArrayEquals(new double[] {0.15, 0.95}, apply(new NormBounding(1), u), 1e-15);
        assertArrayEquals(new double[] {0.3, 0.9}, apply(new NormBounding(1, CoordinateMedian.INSTANCE), u),
                1e-15);
        // The uploads themselves are not scaled in place.
        assertArrayEquals(new double[] {3, 4}, u.get(0).vector(0).toDoubleVector(), 0.0);
    }

    /** With no upload above M, the bits are the weighted mean's. */
    @Test
    void noUploadAboveTheBoundGivesTheWeightedMeanBits() {
        List<Upload> u = uploads(Precision.FLOAT32, FULL, 1, 5);
        assertArrayEquals(bits(aggregate(u, 0, Precision.FLOAT32, FULL, 0.0)),
                bits(WeightedMeanContract.aggregateWith(WeightedMean.bySampleCount(), u, Precision.FLOAT32)));
    }

    @Test
    void badParametersAreRefusedNamingThem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NormBounding(0)).getMessage()
                .contains("maxNorm must be finite and > 0, was 0.0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NormBounding(1, null)).getMessage()
                .contains("inner"));
    }

    /** Aggregation with another aggregator on the contract's full round. */
    private static final class WeightedMeanContract {
        static org.nd4j.linalg.api.ndarray.INDArray aggregateWith(Aggregator a, List<Upload> u, Precision p) {
            org.nd4j.linalg.api.ndarray.INDArray out = io.github.fl4j.core.tensor.Tensors.zeros(p, D);
            a.aggregate(u, 0, out, context(p, FULL));
            return out;
        }
    }
}
