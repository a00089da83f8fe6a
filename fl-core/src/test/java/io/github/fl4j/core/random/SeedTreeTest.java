package io.github.fl4j.core.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeedTreeTest {

    @Test
    void streamsDependOnEveryKeyPartAndNothingElse() {
        SeedTree tree = new SeedTree(1234);
        Set<Long> seeds = new HashSet<>();
        for (Purpose p : Purpose.values()) {
            for (long round = -1; round < 20; round++) {
                for (long client = -1; client < 20; client++) {
                    seeds.add(tree.seed(p, round, client));
                }
            }
        }
        // 10 purposes x 21 rounds x 21 clients: all distinct (a collision of 64-bit hashes here would be a bug).
        assertEquals(Purpose.values().length * 21 * 21, seeds.size());
        assertEquals(tree.seed(Purpose.LOCAL, 3, 4), new SeedTree(1234).seed(Purpose.LOCAL, 3, 4));
        assertNotEquals(tree.seed(Purpose.LOCAL, 3, 4), new SeedTree(1235).seed(Purpose.LOCAL, 3, 4));
        assertNotEquals(tree.seed(Purpose.LOCAL, 3, 4), tree.seed(Purpose.LOCAL, 4, 3));
    }

    @Test
    void requestOrderDoesNotMatter() {
        SeedTree tree = new SeedTree(99);
        long a = tree.stream(Purpose.PARTICIPATION, 5, SeedTree.GLOBAL).nextLong();
        tree.stream(Purpose.LOCAL_DATA_ORDER, 5, 3).nextLong();
        long b = tree.stream(Purpose.PARTICIPATION, 5, SeedTree.GLOBAL).nextLong();
        assertEquals(a, b);
    }

    @Test
    void purposeCodesAreStable() {
        // The codes are part of the reproducibility contract (Purpose javadoc).
        assertEquals(1, Purpose.INIT.code());
        assertEquals(4, Purpose.PARTICIPATION.code());
        assertEquals(5, Purpose.LOCAL_DATA_ORDER.code());
        assertEquals(7, Purpose.UPLINK_COMPRESSION.code());
        Set<Integer> codes = new HashSet<>();
        for (Purpose p : Purpose.values()) {
            codes.add(p.code());
        }
        assertEquals(Purpose.values().length, codes.size());
    }
}
