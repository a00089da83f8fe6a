package io.github.fl4j.core.aggregation;

import static io.github.fl4j.core.aggregation.RobustTests.apply;
import static io.github.fl4j.core.aggregation.RobustTests.rowsOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.Upload;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CoordinateMedian} under the aggregator contract (all three optional properties hold), and by hand. */
class CoordinateMedianTest extends AggregatorContractTest {

    @Override
    protected Aggregator aggregator() {
        return CoordinateMedian.INSTANCE;
    }

    /**
     * <pre>
     *   u0 = ( 1, 5, -2)      column 0 sorted: 0 1 2 3 10   -> 2
     *   u1 = ( 3, 1,  0)      column 1 sorted: 1 2 5 7 9    -> 5
     *   u2 = ( 2, 9,  4)      column 2 sorted: -2 -1 0 3 4  -> 0
     *   u3 = (10, 2, -1)
     *   u4 = ( 0, 7,  3)
     * without u4 (even count, mean of the two middle values):
     *   column 0: 1 2 3 10 -> 2.5;  column 1: 1 2 5 9 -> 3.5;  column 2: -2 -1 0 4 -> -0.5
     * </pre>
     * The sample counts (here 100 for u3) do not matter.
     */
    @Test
    void byHandOddAndEvenCounts() {
        double[][] rows = {{1, 5, -2}, {3, 1, 0}, {2, 9, 4}, {10, 2, -1}, {0, 7, 3}};
        assertArrayEquals(new double[] {2, 5, 0}, apply(aggregator(), rowsOf(rows, new int[] {1, 1, 1, 100, 1})),
                0.0);
        assertArrayEquals(new double[] {2.5, 3.5, -0.5},
                apply(aggregator(), rowsOf(rows[0], rows[1], rows[2], rows[3])), 0.0);
    }

    /**
     * Breakdown: 3 of 7 uploads are 1e6 in every coordinate (f &lt; n/2). The median stays within the range of the 4
     * honest values of every coordinate; the mean moves to about 3/7 * 1e6.
     */
    @Test
    void fewerThanHalfOutliersCannotMoveItOutsideTheHonestRange() {
        List<Upload> u = RobustTests.withOutliers(7, 3, 50);
        assertTrue(RobustTests.withinHonestRange(apply(aggregator(), u), u, 4));
        double[] mean = apply(WeightedMean.uniform(), u);
        assertFalse(RobustTests.withinHonestRange(mean, u, 4));
        assertEquals(3e6 / 7, mean[0], 10);
    }

    /** A dimension of 1,300 crosses several 512-coordinate blocks: each coordinate is still its column's median. */
    @Test
    void blocksCoverEveryCoordinate() {
        int d = 1300;
        double[][] rows = new double[3][d];
        for (int j = 0; j < d; j++) {
            rows[0][j] = j;
            rows[1][j] = -j;
            rows[2][j] = 2 * j;
        }
        double[] out = apply(aggregator(), rowsOf(rows));
        for (int j = 0; j < d; j++) {
            assertEquals(j, out[j], 0.0);
        }
    }
}
