package io.github.fl4j.core.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class SampleWithoutReplacementTest {

    /** Floyd's algorithm with an n-bit set, as RandomStream implemented it for every (n, m) before. */
    private static int[] reference(RandomStream rng, int n, int m) {
        BitSet chosen = new BitSet(n);
        for (int j = n - m; j < n; j++) {
            int t = rng.nextInt(j + 1);
            if (chosen.get(t)) {
                chosen.set(j);
            } else {
                chosen.set(t);
            }
        }
        int[] out = new int[m];
        int k = 0;
        for (int i = chosen.nextSetBit(0); i >= 0; i = chosen.nextSetBit(i + 1)) {
            out[k++] = i;
        }
        return out;
    }

    @Test
    void smallSamplesOfLargePopulationsEqualTheBitSetAlgorithm() {
        int[][] cases = {{1_000_000, 10}, {1_000_000, 64}, {5000, 64}, {641, 10}, {100, 10}, {10, 10}, {3, 1},
                {70, 1}, {1_000_000, 0}};
        for (int[] c : cases) {
            for (long seed = 0; seed < 50; seed++) {
                RandomStream a = new RandomStream(seed);
                RandomStream b = new RandomStream(seed);
                for (int round = 0; round < 5; round++) {
                    assertArrayEquals(reference(a, c[0], c[1]), b.sampleWithoutReplacement(c[0], c[1]),
                            "n=" + c[0] + " m=" + c[1] + " seed " + seed);
                }
            }
        }
        // collisions happen: with n = 100, m = 64 most runs hit an already chosen t
        RandomStream a = new RandomStream(1);
        RandomStream b = new RandomStream(1);
        assertArrayEquals(reference(a, 100, 64), b.sampleWithoutReplacement(100, 64));
    }
}
