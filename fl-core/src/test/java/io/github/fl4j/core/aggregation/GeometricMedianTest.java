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
 * {@link GeometricMedian} (sample-count weights, the defaults) under the aggregator contract, and on point sets whose
 * geometric median is known.
 */
class GeometricMedianTest extends AggregatorContractTest {

    @Override
    protected Aggregator aggregator() {
        return new GeometricMedian();
    }

    /** Run to convergence: the answers below are exact, and the iteration's error is far below 1e-6. */
    private static final GeometricMedian TIGHT = new GeometricMedian(false, 1e-9, 0, 10_000);

    /** The four corners of a square: by symmetry, the centre (1, 1). */
    @Test
    void cornersOfASquareGiveTheCentre() {
        assertArrayEquals(new double[] {1, 1}, apply(TIGHT, rowsOf(new double[][] {{0, 0}, {2, 0}, {0, 2},
                {2, 2}})), 1e-12);
    }

    /**
     * A triangle with an angle of at least 120 degrees at a vertex has its geometric median at that vertex (the
     * Fermat point): A = (0, 0), B = (1, 0), C = (-1, 0.1), angle at A = 180 - atan(0.1) = 174.3 degrees, so the
     * median is A, while the mean is (0, 1/30).
     */
    @Test
    void obtuseTriangleGivesTheObtuseVertex() {
        double[] v = apply(TIGHT, rowsOf(new double[][] {{0, 0}, {1, 0}, {-1, 0.1}}));
        assertEquals(0, v[0], 1e-6);
        assertEquals(0, v[1], 1e-6);
    }

    /**
     * On a line the geometric median is the (weighted) 1-D median: 0, 1, 2, 10, 100 give 2 (the mean is 22.6); with
     * sample counts 1, 1, 5 the points 0, 1, 10 give 10 (weight 5/7 &gt; 1/2) and 1 with uniform weights.
     */
    @Test
    void collinearPointsGiveTheWeightedMedian() {
        assertEquals(2, apply(TIGHT, rowsOf(new double[][] {{0}, {1}, {2}, {10}, {100}}))[0], 1e-6);
        List<Upload> weighted = rowsOf(new double[][] {{0}, {1}, {10}}, new int[] {1, 1, 5});
        assertEquals(10, apply(new GeometricMedian(true, 1e-9, 0, 10_000), weighted)[0], 1e-6);
        assertEquals(1, apply(TIGHT, weighted)[0], 1e-6);
    }

    /**
     * Breakdown: 3 of 7 uploads at 1e6 (f &lt; n/2): the geometric median stays near the honest points (within 2 of
     * them in norm, d = 50), the mean is about 1e6 * 3/7 away.
     */
    @Test
    void fewerThanHalfOutliersKeepItNearTheHonestPoints() {
        List<Upload> u = RobustTests.withOutliers(7, 3, 50);
        double[] v = apply(new GeometricMedian(false, 1e-6, 1e-10, 1000), u);
        double far = 0;
        for (double x : v) {
            far = Math.max(far, Math.abs(x - 0.5));
        }
        assertTrue(far < 5, "max |v_j - 0.5| = " + far);
    }

    @Test
    void badParametersAreRefusedNamingThem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new GeometricMedian(true, 0, 1e-6, 10))
                .getMessage().contains("nu"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new GeometricMedian(true, 1e-6, -1, 10))
                .getMessage().contains("tolerance"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new GeometricMedian(true, 1e-6, 1e-6, 0))
                .getMessage().contains("maxIterations must be >= 1, was 0"));
    }
}
