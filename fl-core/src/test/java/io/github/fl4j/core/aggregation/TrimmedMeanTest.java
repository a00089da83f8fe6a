package io.github.fl4j.core.aggregation;

import static io.github.fl4j.core.aggregation.RobustTests.apply;
import static io.github.fl4j.core.aggregation.RobustTests.rowsOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.Upload;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TrimmedMean} with beta = 0.2 under the aggregator contract (trims 1 of 4 or 6 at each end; all three
 * optional properties hold), and by hand.
 */
class TrimmedMeanTest extends AggregatorContractTest {

    @Override
    protected Aggregator aggregator() {
        return new TrimmedMean(0.2);
    }

    private static final double[][] ROWS = {{1, 5, -2}, {3, 1, 0}, {2, 9, 4}, {10, 2, -1}, {0, 7, 3}};

    /**
     * The matrix of {@code CoordinateMedianTest} (columns sorted: 0 1 2 3 10 | 1 2 5 7 9 | -2 -1 0 3 4), n = 5:
     * <pre>
     *   beta = 0.2: k = 1:  (1+2+3)/3 = 2,   (2+5+7)/3 = 14/3,   (-1+0+3)/3 = 2/3
     *   beta = 0.4: k = 2:  the median (2, 5, 0)
     *   beta = 0:   k = 0:  the mean (16/5, 24/5, 4/5)
     *   beta = 0.1: k = floor(0.5) = 0: the mean
     * </pre>
     */
    @Test
    void byHand() {
        List<Upload> u = rowsOf(ROWS);
        assertArrayEquals(new double[] {2, 14.0 / 3, 2.0 / 3}, apply(new TrimmedMean(0.2), u), 1e-15);
        assertArrayEquals(new double[] {2, 5, 0}, apply(new TrimmedMean(0.4), u), 0.0);
        assertArrayEquals(new double[] {3.2, 4.8, 0.8}, apply(new TrimmedMean(0), u), 1e-15);
        assertArrayEquals(new double[] {3.2, 4.8, 0.8}, apply(new TrimmedMean(0.1), u), 1e-15);
    }

    /** k = floor(beta n), guarded against binary rounding: 0.29 x 100 = 28.999999999999996 in double trims 29. */
    @Test
    void trimmedCount() {
        assertEquals(29, new TrimmedMean(0.29).trimmed(100));
        assertEquals(1, new TrimmedMean(0.2).trimmed(9));
        assertEquals(3, new TrimmedMean(0.49).trimmed(7));
    }

    @Test
    void betaOutsideTheRangeIsRefusedNamingIt() {
        for (double beta : new double[] {-0.1, 0.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TrimmedMean(beta));
            assertTrue(e.getMessage().contains("beta") && e.getMessage().contains(String.valueOf(beta)),
                    e.getMessage());
        }
    }

    /**
     * Breakdown: 3 of 7 uploads at 1e6 with beta = 0.45 (k = floor(3.15) = 3 trimmed at each end): every coordinate
     * stays within the 4 honest values; beta = 0.2 (k = 1) does not, nor does the mean.
     */
    @Test
    void outliersUpToTheTrimmedCountCannotMoveItOutsideTheHonestRange() {
        List<Upload> u = RobustTests.withOutliers(7, 3, 50);
        assertTrue(RobustTests.withinHonestRange(apply(new TrimmedMean(0.45), u), u, 4));
        assertFalse(RobustTests.withinHonestRange(apply(new TrimmedMean(0.2), u), u, 4));
        assertFalse(RobustTests.withinHonestRange(apply(WeightedMean.uniform(), u), u, 4));
    }
}
