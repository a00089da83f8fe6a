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
 * {@link Krum} under the aggregator contract with f = 0 (the contract's partial round has n = 4, and Krum needs
 * n &gt; 2f + 2), and by hand with f = 1.
 */
class KrumTest extends AggregatorContractTest {

    @Override
    protected Aggregator aggregator() {
        return new Krum(0);
    }

    /**
     * Four clustered points and two far ones, n = 6, f = 1, so each score sums the n - f - 2 = 3 smallest squared
     * distances:
     * <pre>
     *   a = (0,0)  b = (2,0)  c = (0,2)  e = (1,1)  p = (100,0)  q = (0,-100)
     *   |a-b|^2 = 4  |a-c|^2 = 4  |a-e|^2 = 2  |b-c|^2 = 8  |b-e|^2 = 2  |c-e|^2 = 2
     *   score(a) = 2 + 4 + 4 = 10   score(b) = 2 + 4 + 8 = 14   score(c) = 2 + 4 + 8 = 14   score(e) = 2 + 2 + 2 = 6
     *   score(p) = 9604 + 9802 + 10000 = 29406   score(q) = 10000 + 10004 + 10202 = 30206
     * </pre>
     * Krum picks e = (1, 1), client 3.
     */
    static final double[][] POINTS = {{0, 0}, {2, 0}, {0, 2}, {1, 1}, {100, 0}, {0, -100}};

    @Test
    void picksTheLowestScore() {
        List<Upload> u = rowsOf(POINTS);
        assertEquals(3, new Krum(1).select(u, 0));
        assertArrayEquals(new double[] {1, 1}, apply(new Krum(1), u), 0.0);
    }

    /** The four corners of a unit square all score 1 + 1 + 2 = 4 (f = 1, n = 6): the lowest client id, 0, wins. */
    @Test
    void tiesGoToTheLowestClientId() {
        List<Upload> u = rowsOf(new double[][] {{5, 5}, {6, 5}, {5, 6}, {6, 6}, {-90, 40}, {70, -80}});
        assertEquals(0, new Krum(1).select(u, 0));
        assertArrayEquals(new double[] {5, 5}, apply(new Krum(1), u), 0.0);
    }

    /** n = 4 uploads with f = 1 is refused (4 &gt; 2f + 2 = 4 fails), naming n and f. */
    @Test
    void tooFewUploadsAreRefusedNamingNAndF() {
        List<Upload> u = rowsOf(POINTS[0], POINTS[1], POINTS[2], POINTS[3]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> apply(new Krum(1), u));
        assertTrue(e.getMessage().contains("n = 4") && e.getMessage().contains("f = 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Krum(-1));
    }

    /** Breakdown: 3 outliers at 1e6 among n = 9 (f = 3 &lt; (9 - 2)/2): Krum picks an honest upload. */
    @Test
    void outliersAreNotSelected() {
        List<Upload> u = RobustTests.withOutliers(9, 3, 20);
        assertTrue(new Krum(3).select(u, 0) < 6);
        assertTrue(RobustTests.withinHonestRange(apply(new Krum(3), u), u, 6));
    }
}
