package io.github.fl4j.core.aggregation;

import static io.github.fl4j.core.aggregation.RobustTests.apply;
import static io.github.fl4j.core.aggregation.RobustTests.rowsOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.Upload;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link CenteredClipping} (tau = 1, L = 3) under the aggregator contract: translation equivariant and within the
 * coordinate-wise range, not scale equivariant (tau is a fixed radius). And by hand.
 */
class CenteredClippingTest extends AggregatorContractTest {

    @Override
    protected Aggregator aggregator() {
        return new CenteredClipping(1, 3);
    }

    @Override
    protected boolean scaleEquivariant() {
        return false;
    }

    /**
     * Scalars 0, 1, 10: median v^0 = 1; tau = 2.
     * <pre>
     *   L = 1: differences -1, 0, 9, clipped -1, 0, 2: v = 1 + (1/3)(1) = 4/3
     *   L = 2: differences -4/3, -1/3, 26/3, clipped -4/3, -1/3, 2: v = 4/3 + (1/3)(1/3) = 13/9
     * </pre>
     */
    @Test
    void byHandOnScalars() {
        List<Upload> u = rowsOf(new double[][] {{0}, {1}, {10}});
        assertEquals(4.0 / 3, apply(new CenteredClipping(2, 1), u)[0], 1e-15);
        assertEquals(13.0 / 9, apply(new CenteredClipping(2, 2), u)[0], 1e-15);
    }

    /**
     * tau larger than every distance: one iteration gives the uniform mean; tau tiny: the output stays within L tau
     * of the coordinate median.
     */
    @Test
    void largeTauIsTheMeanAndTinyTauTheMedian() {
        double[][] rows = {{1, 5, -2}, {3, 1, 0}, {2, 9, 4}, {10, 2, -1}, {0, 7, 3}};
        List<Upload> u = rowsOf(rows);
        assertArrayEquals(new double[] {3.2, 4.8, 0.8}, apply(new CenteredClipping(1e9, 1), u), 1e-12);
        assertArrayEquals(new double[] {3.2, 4.8, 0.8},
                apply(new CenteredClipping(Double.POSITIVE_INFINITY, 4), u), 1e-12);
        assertArrayEquals(new double[] {2, 5, 0}, apply(new CenteredClipping(1e-9, 3), u), 3e-9);
    }

    /** 3 of 7 uploads at 1e6: the output moves at most L tau = 3 from the median of the honest-dominated round. */
    @Test
    void outliersMoveItAtMostLTau() {
        List<Upload> u = RobustTests.withOutliers(7, 3, 50);
        double[] median = apply(CoordinateMedian.INSTANCE, u);
        double[] v = apply(new CenteredClipping(1, 3), u);
        double s = 0;
        for (int j = 0; j < v.length; j++) {
            s += (v[j] - median[j]) * (v[j] - median[j]);
        }
        assertTrue(Math.sqrt(s) <= 3 + 1e-9, "moved " + Math.sqrt(s));
    }

    @Test
    void badParametersAreRefusedNamingThem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new CenteredClipping(0, 1)).getMessage()
                .contains("tau must be > 0, was 0.0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new CenteredClipping(1, 0)).getMessage()
                .contains("iterations must be >= 1, was 0"));
    }
}
