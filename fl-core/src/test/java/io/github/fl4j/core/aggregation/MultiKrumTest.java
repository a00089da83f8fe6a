package io.github.fl4j.core.aggregation;

import static io.github.fl4j.core.aggregation.RobustTests.apply;
import static io.github.fl4j.core.aggregation.RobustTests.rowsOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.Upload;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link MultiKrum} under the aggregator contract with f = 0, m = 3, and by hand. */
class MultiKrumTest extends AggregatorContractTest {

    @Override
    protected Aggregator aggregator() {
        return new MultiKrum(0, 3);
    }

    /**
     * The points of {@code KrumTest} (scores a 10, b 14, c 14, e 6, p 29406, q 30206; f = 1):
     * <pre>
     *   m = 3: e, a, then b (ties with c; lower id first): mean of (0,0), (2,0), (1,1) = (1, 1/3)
     *   m = 4: a, b, c, e: (3/4, 3/4)
     *   m = 1: Krum's e = (1, 1)
     * </pre>
     */
    @Test
    void averagesTheLowestScores() {
        List<Upload> u = rowsOf(KrumTest.POINTS);
        assertArrayEquals(new int[] {0, 1, 3}, new MultiKrum(1, 3).select(u, 0));
        assertArrayEquals(new double[] {1, 1.0 / 3}, apply(new MultiKrum(1, 3), u), 1e-15);
        assertArrayEquals(new double[] {0.75, 0.75}, apply(new MultiKrum(1, 4), u), 0.0);
        assertArrayEquals(new double[] {1, 1}, apply(new MultiKrum(1, 1), u), 0.0);
    }

    @Test
    void badParametersAreRefusedNamingThem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new MultiKrum(1, 0)).getMessage()
                .contains("m must be >= 1, was 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new MultiKrum(-2, 1)).getMessage()
                .contains("f must be >= 0, was -2"));
        List<Upload> u = rowsOf(KrumTest.POINTS);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> apply(new MultiKrum(1, 7), u))
                .getMessage().contains("n = 6"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> apply(new MultiKrum(2, 3), u))
                .getMessage().contains("f = 2"));
    }
}
