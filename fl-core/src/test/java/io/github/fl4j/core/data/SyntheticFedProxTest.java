package io.github.fl4j.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.tensor.Precision;
import java.util.Arrays;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class SyntheticFedProxTest {

    private static RandomStream stream(long seed) {
        return new SeedTree(seed).stream(Purpose.DATA_GENERATION);
    }

    /** Every element of a float32/float64 array as a double (exact for both types). */
    private static double[] values(INDArray a) {
        return a.dup('c').castTo(DataType.DOUBLE).data().asDouble();
    }

    private static void assertBitwiseEqual(FederatedDataset a, FederatedDataset b) {
        assertEquals(a.clientCount(), b.clientCount());
        for (int k = 0; k < a.clientCount(); k++) {
            // assertArrayEquals(double[], double[]) compares Double.doubleToLongBits: bit-identical values.
            assertArrayEquals(values(a.client(k).features()), values(b.client(k).features()));
            assertArrayEquals(values(a.client(k).labels()), values(b.client(k).labels()));
        }
        assertArrayEquals(values(a.test().features()), values(b.test().features()));
        assertArrayEquals(values(a.test().labels()), values(b.test().labels()));
    }

    @Test
    void sameSeedGivesBitIdenticalData() {
        SyntheticFedProx gen = SyntheticFedProx.builder().alpha(0.5).beta(0.5).clients(20).build();
        assertBitwiseEqual(gen.generate(stream(2024)), gen.generate(stream(2024)));
        SyntheticFedProx gen64 = SyntheticFedProx.builder().clients(5).precision(Precision.FLOAT64).build();
        assertBitwiseEqual(gen64.generate(stream(9)), gen64.generate(stream(9)));
    }

    @Test
    void differentSeedGivesDifferentData() {
        SyntheticFedProx gen = SyntheticFedProx.builder().clients(3).fixedSamples(60).build();
        FederatedDataset a = gen.generate(stream(1));
        FederatedDataset b = gen.generate(stream(2));
        assertFalse(Arrays.equals(values(a.client(0).features()), values(b.client(0).features())));
    }

    @Test
    void shapesAndLabelRange() {
        SyntheticFedProx gen = SyntheticFedProx.builder().clients(30).build();
        FederatedDataset fd = gen.generate(stream(5));
        assertEquals(30, fd.clientCount());
        // d = 60 and c = 10: the FedProx paper, appendix C.1.
        assertEquals(60, fd.featureCount());
        assertEquals(60, fd.test().featureCount());
        assertEquals(Precision.FLOAT32, fd.precision());
        int[] counts = new int[10];
        for (Dataset d : fd.clients()) {
            assertEquals(DataType.FLOAT, d.features().dataType());
            for (double y : values(d.labels())) {
                assertEquals(Math.rint(y), y, 0.0, "labels are class indices");
                assertTrue(y >= 0 && y <= 9, "label in 0..9, was " + y);
                counts[(int) y]++;
            }
        }
        int distinct = (int) Arrays.stream(counts).filter(c -> c > 0).count();
        assertTrue(distinct >= 2, "labels must not all be equal: " + Arrays.toString(counts));
    }

    @Test
    void sizeRuleMatchesAnIndependentReplayOfTheDraws() {
        SyntheticFedProx gen = SyntheticFedProx.builder().clients(100).build();
        FederatedDataset fd = gen.generate(stream(77));
        // Replay the documented first N draws: n_k = min(2000, floor(exp(4 + 2 z)) + 50) (FedProx:
        // np.random.lognormal(4, 2).astype(int) + 50; 2000 is fl4j's default cap).
        RandomStream replay = stream(77);
        int[] expected = new int[100];
        for (int k = 0; k < 100; k++) {
            double z = replay.nextGaussian();
            expected[k] = (int) Math.min(2000, Math.floor(Math.exp(4 + 2 * z)) + 50);
        }
        assertArrayEquals(expected, gen.sampleCounts(stream(77)));
        int totalTest = 0;
        for (int k = 0; k < 100; k++) {
            assertTrue(expected[k] >= 50 && expected[k] <= 2000, "n_k in [50, 2000], was " + expected[k]);
            // Train part: floor(0.8 n_k) rows (the paper's 80/20 split), at least 1.
            int train = Math.max(1, expected[k] * 8 / 10);
            assertEquals(train, fd.clientSizes()[k], "client " + k);
            totalTest += expected[k] - train;
        }
        assertEquals(totalTest, fd.test().size());
        // With sigma = 2 some of 100 clients exceed the cap (P(n > 2000) = P(z > (ln 1950 - 4) / 2 = 1.79) = 3.7%)
        // and about half are near the minimum (median exp(4) + 50 = 104.6).
        assertTrue(Arrays.stream(expected).anyMatch(n -> n == 2000), Arrays.toString(expected));
    }

    @Test
    void eightyTwentySplitAndTestSetIsTheUnionInClientOrder() {
        // The number and order of draws does not depend on trainPercent, so generating with trainPercent = 100
        // gives each client's full row sequence; the 80% run must cut exactly those rows.
        SyntheticFedProx split = SyntheticFedProx.builder().clients(7).fixedSamples(55).build();
        SyntheticFedProx whole = SyntheticFedProx.builder().clients(7).fixedSamples(55).trainPercent(100).build();
        FederatedDataset a = split.generate(stream(3));
        FederatedDataset b = whole.generate(stream(3));
        // 55 * 80 / 100 = 44 train rows, 11 test rows per client; 7 * 11 = 77 test rows.
        int[] fortyFour = new int[7];
        Arrays.fill(fortyFour, 44);
        assertArrayEquals(fortyFour, a.clientSizes());
        assertEquals(77, a.test().size());
        assertEquals(0, b.test().size());
        double[] testX = values(a.test().features());
        double[] testY = values(a.test().labels());
        for (int k = 0; k < 7; k++) {
            double[] full = values(b.client(k).features());
            double[] fullY = values(b.client(k).labels());
            assertArrayEquals(Arrays.copyOfRange(full, 0, 44 * 60), values(a.client(k).features()));
            assertArrayEquals(Arrays.copyOfRange(fullY, 0, 44), values(a.client(k).labels()));
            assertArrayEquals(Arrays.copyOfRange(full, 44 * 60, 55 * 60),
                    Arrays.copyOfRange(testX, k * 11 * 60, (k + 1) * 11 * 60));
            assertArrayEquals(Arrays.copyOfRange(fullY, 44, 55), Arrays.copyOfRange(testY, k * 11, (k + 1) * 11));
        }
    }

    @Test
    void trainCountRounding() {
        SyntheticFedProx gen = SyntheticFedProx.builder().build();
        // max(1, floor(0.8 n)): 50 -> 40, 51 -> 40 (40.8), 54 -> 43 (43.2), 1 -> 1 (0.8 rounds to 0, at least 1).
        assertEquals(40, gen.trainCount(50));
        assertEquals(40, gen.trainCount(51));
        assertEquals(43, gen.trainCount(54));
        assertEquals(1, gen.trainCount(1));
        FederatedDataset tiny = SyntheticFedProx.builder().clients(2).fixedSamples(1).build().generate(stream(1));
        assertArrayEquals(new int[] {1, 1}, tiny.clientSizes());
        assertEquals(0, tiny.test().size());
    }

    @Test
    void betaSkewsFeatureMeansAcrossClients() {
        // Statistic: the grand mean g_k of client k's features (over its rows and the 60 coordinates). By the model,
        // g_k = B_k + mean_j e_kj + (sampling noise), with B_k ~ N(0, beta), e_kj ~ N(0, 1) iid; the noise has
        // variance sum_j j^-1.2 / (60^2 n_k) <= 3.6 / (3600 * 40) < 3e-5. So Var_k(g_k) = beta + 1/60 + O(3e-5):
        // about 1.017 for beta = 1 and 0.017 for beta = 0, a ratio of about 61. Over 100 clients the sample variance
        // is within a factor 1.5 of its expectation with overwhelming probability (chi-square, 99 degrees of
        // freedom), so a threshold of 10 is robust, and the outcome is fixed by the seed anyway.
        double skewed = varianceOfGrandMeans(SyntheticFedProx.builder().alpha(0).beta(1).clients(100).build());
        double flat = varianceOfGrandMeans(SyntheticFedProx.builder().alpha(0).beta(0).clients(100).build());
        assertTrue(skewed > 10 * flat, "beta=1: " + skewed + ", beta=0: " + flat);
        assertTrue(flat < 0.05 && flat > 0.005, "beta=0 variance ~ 1/60, was " + flat);
        assertTrue(skewed > 0.5 && skewed < 2.0, "beta=1 variance ~ 1 + 1/60, was " + skewed);
    }

    private static double varianceOfGrandMeans(SyntheticFedProx gen) {
        FederatedDataset fd = gen.generate(stream(123));
        double[] g = new double[fd.clientCount()];
        for (int k = 0; k < g.length; k++) {
            g[k] = Arrays.stream(values(fd.client(k).features())).average().orElseThrow();
        }
        double mean = Arrays.stream(g).average().orElseThrow();
        return Arrays.stream(g).map(x -> (x - mean) * (x - mean)).sum() / (g.length - 1);
    }

    @Test
    void alphaShiftsAllLogitsEquallySoItChangesNoLabel() {
        // u_k is added to every entry of W_k and b_k, so every class logit of x moves by u_k (1 + sum_j x_j): the
        // argmax, hence the label, is the same for alpha = 0 and alpha = 4 (same seed, same draws). Features do not
        // depend on alpha at all. Rounding could flip a label only if two logits were within ~1e-13 of each other.
        SyntheticFedProx zero = SyntheticFedProx.builder().alpha(0).beta(0).clients(20)
                .precision(Precision.FLOAT64).build();
        SyntheticFedProx four = SyntheticFedProx.builder().alpha(4).beta(0).clients(20)
                .precision(Precision.FLOAT64).build();
        FederatedDataset a = zero.generate(stream(31));
        FederatedDataset b = four.generate(stream(31));
        int rows = 0;
        int differing = 0;
        for (int k = 0; k < 20; k++) {
            assertArrayEquals(values(a.client(k).features()), values(b.client(k).features()));
            double[] ya = values(a.client(k).labels());
            double[] yb = values(b.client(k).labels());
            for (int i = 0; i < ya.length; i++) {
                rows++;
                if (ya[i] != yb[i]) {
                    differing++;
                }
            }
        }
        assertTrue(differing <= rows / 1000, differing + " of " + rows + " labels differ");
    }

    @Test
    void float32IsTheFloat64DataRoundedToFloat() {
        Supplier<SyntheticFedProx.Builder> base = () -> SyntheticFedProx.builder().alpha(1).beta(1).clients(10);
        FederatedDataset f32 = base.get().precision(Precision.FLOAT32).build().generate(stream(8));
        FederatedDataset f64 = base.get().precision(Precision.FLOAT64).build().generate(stream(8));
        assertEquals(Precision.FLOAT32, f32.precision());
        assertEquals(Precision.FLOAT64, f64.precision());
        for (int k = 0; k < 10; k++) {
            double[] x32 = values(f32.client(k).features());
            double[] x64 = values(f64.client(k).features());
            assertEquals(x64.length, x32.length);
            for (int i = 0; i < x32.length; i++) {
                // Values are computed in double and rounded once to float (class javadoc).
                assertEquals((double) (float) x64[i], x32[i], 0.0);
            }
            // Labels are computed in double in both cases: identical class indices.
            assertArrayEquals(values(f64.client(k).labels()), values(f32.client(k).labels()));
        }
        assertArrayEquals(values(f64.test().labels()), values(f32.test().labels()));
    }

    @Test
    void builderValidationNamesFieldAndValue() {
        assertMessage("alpha must be >= 0, was -1.0", () -> SyntheticFedProx.builder().alpha(-1).build());
        assertMessage("beta must be >= 0, was NaN", () -> SyntheticFedProx.builder().beta(Double.NaN).build());
        assertMessage("alpha must be finite, was Infinity",
                () -> SyntheticFedProx.builder().alpha(Double.POSITIVE_INFINITY).build());
        assertMessage("clients must be >= 1, was 0", () -> SyntheticFedProx.builder().clients(0).build());
        assertMessage("dimension must be >= 1, was 0", () -> SyntheticFedProx.builder().dimension(0).build());
        assertMessage("classes must be >= 2, was 1", () -> SyntheticFedProx.builder().classes(1).build());
        assertMessage("sizeSigma must be >= 0, was -2.0", () -> SyntheticFedProx.builder().sizeSigma(-2).build());
        assertMessage("sizeMu must be finite, was NaN", () -> SyntheticFedProx.builder().sizeMu(Double.NaN).build());
        assertMessage("sizeOffset must be >= 1, was 0", () -> SyntheticFedProx.builder().sizeOffset(0).build());
        assertMessage("maxSamples must be >= 1, was 0", () -> SyntheticFedProx.builder().maxSamples(0).build());
        assertMessage("fixedSamples must be >= 1, was 0", () -> SyntheticFedProx.builder().fixedSamples(0).build());
        assertMessage("trainPercent must be in [1, 100], was 101",
                () -> SyntheticFedProx.builder().trainPercent(101).build());
        assertMessage("precision must not be null", () -> SyntheticFedProx.builder().precision(null).build());
    }

    private static void assertMessage(String expected, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertEquals(expected, e.getMessage());
    }

    @Test
    void customDimensionsAndCap() {
        SyntheticFedProx gen = SyntheticFedProx.builder().clients(40).dimension(5).classes(3).maxSamples(60)
                .precision(Precision.FLOAT64).build();
        FederatedDataset fd = gen.generate(stream(4));
        assertEquals(5, fd.featureCount());
        for (int n : gen.sampleCounts(stream(4))) {
            // n_k = min(60, floor(lognormal) + 50) lies in [50, 60].
            assertTrue(n >= 50 && n <= 60, "n_k in [50, 60], was " + n);
        }
        for (Dataset d : fd.clients()) {
            for (double y : values(d.labels())) {
                assertTrue(y == 0 || y == 1 || y == 2, "label in 0..2, was " + y);
            }
        }
    }
}
