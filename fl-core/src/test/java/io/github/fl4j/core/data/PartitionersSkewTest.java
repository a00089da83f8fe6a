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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.factory.Nd4j;

/** The non-IID partitioners of {@link Partitioners}: Dirichlet, shards, quantity skew, contiguous, toFederated. */
class PartitionersSkewTest {

    private static RandomStream stream(long seed) {
        return new SeedTree(seed).stream(Purpose.PARTITION);
    }

    /** m samples with labels i mod k: balanced classes (m / k each when k divides m). */
    static int[] balancedLabels(int m, int k) {
        int[] labels = new int[m];
        for (int i = 0; i < m; i++) {
            labels[i] = i % k;
        }
        return labels;
    }

    /** Every index of [0, m) in exactly one part. */
    static void assertPartition(int[][] parts, int m) {
        int[] seen = new int[m];
        for (int[] part : parts) {
            for (int i : part) {
                seen[i]++;
            }
        }
        for (int i = 0; i < m; i++) {
            assertEquals(1, seen[i], "sample " + i + " occurs " + seen[i] + " times");
        }
    }

    static int[] sizes(int[][] parts) {
        return Arrays.stream(parts).mapToInt(p -> p.length).toArray();
    }

    private static void assertMessage(IllegalArgumentException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should contain '" + p + "'");
        }
    }

    // ---------------------------------------------------------------------------------------------- Gamma sampler

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 1.0, 5.0})
    void gammaHasMeanAndVarianceEqualToShape(double a) {
        // Source: Gamma(a, 1) has mean a and variance a; its 4th central moment is 3a^2 + 6a, so with n draws the
        // sample mean has sd sqrt(a / n) and the sample variance sd ~ sqrt((3a^2 + 6a - a^2) / n). Bounds: 5 sd.
        int n = 40_000;
        RandomStream rng = stream(17);
        double[] x = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            x[i] = Partitioners.gamma(a, rng);
            assertTrue(x[i] >= 0 && Double.isFinite(x[i]), "draw " + x[i]);
            sum += x[i];
        }
        double mean = sum / n;
        double ss = 0;
        for (double v : x) {
            ss += (v - mean) * (v - mean);
        }
        double var = ss / (n - 1);
        double meanSd = Math.sqrt(a / n);
        double varSd = Math.sqrt((2 * a * a + 6 * a) / n);
        assertTrue(Math.abs(mean - a) < 5 * meanSd, "mean " + mean + " for shape " + a);
        assertTrue(Math.abs(var - a) < 5 * varSd, "variance " + var + " for shape " + a);
    }

    @Test
    void gammaAndDirichletAreDeterministicAndValidated() {
        assertEquals(Partitioners.gamma(0.3, stream(5)), Partitioners.gamma(0.3, stream(5)), 0.0);
        double[] q = Partitioners.dirichlet(0.001, 50, stream(2));
        // Tiny alpha: almost all mass on one coordinate, but computed in log space, so never NaN or all zero.
        double s = 0;
        for (double v : q) {
            assertTrue(v >= 0 && v <= 1, "coordinate " + v);
            s += v;
        }
        assertEquals(1.0, s, 1e-12);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Partitioners.gamma(0, stream(1))),
                "shape", "0.0");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.gamma(Double.NaN, stream(1))), "shape", "NaN");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Partitioners.dirichlet(1, 0, stream(1))),
                "k", "0");
    }

    // ---------------------------------------------------------------------------------------------- Dirichlet

    @Test
    void dirichletUsesEverySampleOnceAndIsDeterministic() {
        int[] labels = balancedLabels(1000, 10);
        int[][] a = Partitioners.dirichletIndices(labels, 10, 20, 0.5, stream(3));
        assertEquals(20, a.length);
        assertPartition(a, 1000);
        for (int[] part : a) {
            assertTrue(part.length >= 1, "default minSize is 1");
        }
        assertTrue(Arrays.deepEquals(a, Partitioners.dirichletIndices(labels, 10, 20, 0.5, stream(3))));
        assertFalse(Arrays.deepEquals(a, Partitioners.dirichletIndices(labels, 10, 20, 0.5, stream(4))));
    }

    @Test
    void dirichletClientListsAreOrderedByClass() {
        // Documented layout: a client's indices are its piece of class 0, then class 1, ...
        int[] labels = balancedLabels(600, 6);
        for (int[] part : Partitioners.dirichletIndices(labels, 6, 7, 1.0, stream(8))) {
            for (int k = 1; k < part.length; k++) {
                assertTrue(labels[part[k - 1]] <= labels[part[k]]);
            }
        }
    }

    @Test
    void dirichletMinSizeIsHonoured() {
        int[] labels = balancedLabels(2000, 10);
        int[][] parts = Partitioners.dirichletIndices(labels, 10, 30, 0.3, 20, stream(6));
        assertPartition(parts, 2000);
        for (int[] part : parts) {
            assertTrue(part.length >= 20, "size " + part.length);
        }
        // minSize 0 accepts empty clients.
        assertPartition(Partitioners.dirichletIndices(labels, 10, 500, 0.01, 0, stream(6)), 2000);
    }

    @Test
    void dirichletSkewShowsInTheHistograms() {
        // 5000 samples, 10 balanced classes, 20 clients. The dominant fraction (share of a client's most frequent
        // class) is >= 1/k = 0.1 by definition.
        // alpha = 100: q_j ~ Beta(100, 1900) has relative sd ~10%, so each client holds ~25 +- 3 of every class and
        // its label mix approaches the global (uniform) one: dominant fraction ~0.11-0.12; we require < 0.15.
        // alpha = 0.1: q_j ~ Beta(0.1, 1.9) puts most of a class on one or two clients, so clients are dominated by
        // 1-2 classes: dominant fraction ~0.5-0.75 (0.52..0.76 over seeds 0..199 with this code); we require > 0.45,
        // and TV to the global mix > 0.5 (alpha = 100: ~0.03-0.04, we require < 0.1).
        int[] labels = balancedLabels(5000, 10);
        PartitionReport skewed = PartitionReport.of(
                Partitioners.dirichletIndices(labels, 10, 20, 0.1, stream(11)), labels, 10);
        PartitionReport flat = PartitionReport.of(
                Partitioners.dirichletIndices(labels, 10, 20, 100, stream(11)), labels, 10);
        assertTrue(skewed.meanDominantFraction() > 0.45, skewed.toString());
        assertTrue(flat.meanDominantFraction() >= 0.1 && flat.meanDominantFraction() < 0.15, flat.toString());
        assertTrue(skewed.meanTotalVariation() > 0.5, skewed.toString());
        assertTrue(flat.meanTotalVariation() < 0.1, flat.toString());
    }

    @Test
    void dirichletErrorsNameTheArgument() {
        int[] labels = balancedLabels(100, 5);
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.dirichletIndices(labels, 5, 10, 0, stream(1))), "alpha", "0.0");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.dirichletIndices(labels, 5, 10, Double.POSITIVE_INFINITY, stream(1))), "alpha");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.dirichletIndices(labels, 0, 10, 1, stream(1))), "classes", "0");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.dirichletIndices(labels, 5, 0, 1, stream(1))), "clients", "0");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.dirichletIndices(labels, 4, 10, 1, stream(1))), "labels[4]", "classes=4", "4");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.dirichletIndices(labels, 5, 10, 1, -1, stream(1))), "minSize", "-1");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.dirichletIndices(labels, 5, 10, 1, 11, stream(1))), "minSize", "110");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.dirichletIndices(labels, 5, 10, 1, null)), "rng");
    }

    @Test
    void dirichletGivesUpWithAClearMessage() {
        // 20 samples, 10 clients, minSize 2: every client would need exactly 2 samples, which alpha = 0.001 (each
        // class almost entirely on one client) essentially never produces.
        int[] labels = balancedLabels(20, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Partitioners.dirichletIndices(labels, 2, 10, 0.001, 2, stream(1)));
        assertMessage(e, "alpha=0.001", "clients=10", "minSize=2", "1000 attempts");
    }

    @Test
    void fedAuDirichletFollowsTheDocumentedConstruction() {
        // IBM/fedau util/util.py partition(): per-client w_n ~ Dirichlet(alpha 1_k), each class's indices (increasing
        // order, unshuffled) cut at rint(n_c * cumsum_n w[., c] / S_c). Rebuilt here from the same draws.
        int m = 1000;
        int k = 10;
        int n = 25;
        int[] labels = balancedLabels(m, k);
        int[][] parts = Partitioners.fedAuDirichletIndices(labels, k, n, 0.1, stream(12));
        assertPartition(parts, m);
        RandomStream replay = stream(12);
        double[][] w = new double[n][];
        for (int j = 0; j < n; j++) {
            w[j] = Partitioners.dirichlet(0.1, k, replay);
        }
        int[][] expectedCounts = new int[n][k];
        for (int c = 0; c < k; c++) {
            double total = 0;
            for (int j = 0; j < n; j++) {
                total += w[j][c];
            }
            double cum = 0;
            int prev = 0;
            for (int j = 0; j < n; j++) {
                cum += w[j][c];
                int end = j == n - 1 ? m / k : (int) Math.rint((m / k) * cum / total);
                expectedCounts[j][c] = end - prev;
                prev = end;
            }
        }
        PartitionReport r = PartitionReport.of(parts, labels, k);
        for (int j = 0; j < n; j++) {
            assertArrayEquals(expectedCounts[j], r.histogram(j), "client " + j);
            for (int q = 1; q < parts[j].length; q++) {
                int a = parts[j][q - 1];
                int b = parts[j][q];
                // Class-ordered pieces, each an unshuffled run of increasing indices.
                assertTrue(labels[a] < labels[b] || (labels[a] == labels[b] && a < b), "client " + j);
            }
        }
        // alpha = 0.1 per client: each client is dominated by 1-2 classes (same reasoning as for dirichletIndices).
        assertTrue(r.meanDominantFraction() > 0.45, r.toString());
        assertTrue(Arrays.deepEquals(parts, Partitioners.fedAuDirichletIndices(labels, k, n, 0.1, stream(12))));
        assertFalse(Arrays.deepEquals(parts, Partitioners.fedAuDirichletIndices(labels, k, n, 0.1, stream(13))));
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.fedAuDirichletIndices(labels, k, n, -1, stream(1))), "alpha", "-1.0");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.fedAuDirichletIndices(labels, k, 0, 1, stream(1))), "clients", "0");
    }

    // ---------------------------------------------------------------------------------------------- Shards

    @Test
    void shardsOnExactlyBalancedLabelsGiveEachClientAtMostTwoLabels() {
        // McMahan et al. (AISTATS 2017): 60000 samples, 100 clients, 2 shards of 300 each. With exactly 6000
        // samples per label, 6000 / 300 = 20 shards per label, so no shard straddles two labels and every client
        // has at most 2 distinct labels and exactly 600 samples. Labels are scattered (i * 7 mod 10) to test the sort.
        int m = 60_000;
        int[] labels = new int[m];
        for (int i = 0; i < m; i++) {
            labels[i] = (int) ((i * 7L) % 10);
        }
        int[][] parts = Partitioners.shardIndices(labels, 100, 2, stream(1));
        assertPartition(parts, m);
        PartitionReport r = PartitionReport.of(parts, labels, 10);
        for (int i = 0; i < 100; i++) {
            assertEquals(600, parts[i].length);
            assertTrue(r.distinctClasses(i) <= 2, "client " + i + " has " + r.distinctClasses(i) + " labels");
        }
    }

    @Test
    void shardsOnMnistCountsStraddleAtMostNineBoundaries() {
        // MNIST training label counts (LeCun et al.): 5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949.
        // These are not multiples of 300, so a shard can straddle a class boundary. There are 9 boundaries in the
        // sorted order and every class has >= 300 samples, so at most 9 shards hold 2 labels and none holds 3.
        // Hence every client has at most 4 labels, and at most 9 clients more than 2 (>= 91 have <= 2).
        int[] counts = {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949};
        int m = Arrays.stream(counts).sum();
        assertEquals(60_000, m);
        int[] labels = new int[m];
        int pos = 0;
        for (int c = 9; c >= 0; c--) { // stored in reverse label order
            for (int k = 0; k < counts[c]; k++) {
                labels[pos++] = c;
            }
        }
        int[][] parts = Partitioners.shardIndices(labels, 100, 2, stream(2));
        assertPartition(parts, m);
        PartitionReport r = PartitionReport.of(parts, labels, 10);
        int moreThanTwo = 0;
        for (int i = 0; i < 100; i++) {
            assertTrue(r.distinctClasses(i) <= 4, "client " + i);
            if (r.distinctClasses(i) > 2) {
                moreThanTwo++;
            }
        }
        assertTrue(moreThanTwo <= 9, moreThanTwo + " clients with more than 2 labels");
    }

    @Test
    void shardRemainderGoesToTheLastShardAndShardsAreSortedRuns() {
        // 103 samples, 5 clients x 2 shards = 10 shards of floor(103/10) = 10; the last shard takes 13.
        int m = 103;
        int[] labels = new int[m];
        for (int i = 0; i < m; i++) {
            labels[i] = (i * 31) % 4;
        }
        int[][] parts = Partitioners.shardIndices(labels, 5, 2, stream(9));
        assertPartition(parts, m);
        int[] s = sizes(parts);
        Arrays.sort(s);
        assertArrayEquals(new int[] {20, 20, 20, 20, 23}, s);
        // Reconstruct: the stable sort by (label, index), cut, assigned by permutation(10) of the stream.
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> labels[x] != labels[y] ? Integer.compare(labels[x], labels[y])
                : Integer.compare(x, y));
        int[] perm = stream(9).permutation(10);
        for (int i = 0; i < 5; i++) {
            int[] expected = new int[0];
            for (int k = 0; k < 2; k++) {
                int r = perm[2 * i + k];
                int from = r * 10;
                int to = r == 9 ? m : from + 10;
                int[] shard = new int[to - from];
                for (int j = from; j < to; j++) {
                    shard[j - from] = order[j];
                }
                int[] joined = Arrays.copyOf(expected, expected.length + shard.length);
                System.arraycopy(shard, 0, joined, expected.length, shard.length);
                expected = joined;
            }
            assertArrayEquals(expected, parts[i], "client " + i);
        }
    }

    @Test
    void shardsAreDeterministicAndValidated() {
        int[] labels = balancedLabels(200, 4);
        int[][] a = Partitioners.shardIndices(labels, 10, 2, stream(4));
        assertTrue(Arrays.deepEquals(a, Partitioners.shardIndices(labels, 10, 2, stream(4))));
        assertFalse(Arrays.deepEquals(a, Partitioners.shardIndices(labels, 10, 2, stream(5))));
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.shardIndices(labels, 0, 2, stream(1))), "clients", "0");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.shardIndices(labels, 10, 0, stream(1))), "shardsPerClient", "0");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.shardIndices(labels, 101, 2, stream(1))), "clients * shardsPerClient", "202");
        int[] negative = {0, 1, -3, 2};
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.shardIndices(negative, 2, 1, stream(1))), "labels[2]", "-3");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.shardIndices(null, 2, 1, stream(1))), "labels");
    }

    // ---------------------------------------------------------------------------------------------- Quantity skew

    @Test
    void quantitySkewSizesSumExactlyAndFollowTheDocumentedDraws() {
        int m = 1000;
        int n = 37;
        int[][] parts = Partitioners.quantitySkewIndices(m, n, 1.5, stream(3));
        assertPartition(parts, m);
        for (int[] part : parts) {
            assertTrue(part.length >= 1);
        }
        // Documented draws: n Gaussians, then permutation(m), cut into consecutive parts.
        RandomStream replay = stream(3);
        for (int j = 0; j < n; j++) {
            replay.nextGaussian();
        }
        int[] perm = replay.permutation(m);
        assertArrayEquals(perm, Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray());
        assertTrue(Arrays.deepEquals(parts, Partitioners.quantitySkewIndices(m, n, 1.5, stream(3))));
        assertFalse(Arrays.deepEquals(parts, Partitioners.quantitySkewIndices(m, n, 1.5, stream(30))));
    }

    @Test
    void quantitySkewSpreadGrowsWithSigma() {
        // sigma = 0: all weights equal, sizes 1 + 990/10 = 100 up to one sample of floating-point rounding.
        for (int s : sizes(Partitioners.quantitySkewIndices(1000, 10, 0, stream(1)))) {
            assertTrue(Math.abs(s - 100) <= 1, "size " + s);
        }
        // sigma = 2: log-normal weights with E[w^2]/E[w]^2 = exp(sigma^2) = 54.6, so sizes vary by orders of
        // magnitude; require max/min > 10 (a loose bound: the ratio of the extremes of 50 draws is ~exp(2 * 2 * 2.2)).
        int[] s = sizes(Partitioners.quantitySkewIndices(100_000, 50, 2.0, stream(1)));
        assertEquals(100_000, Arrays.stream(s).sum());
        int max = Arrays.stream(s).max().getAsInt();
        int min = Arrays.stream(s).min().getAsInt();
        assertTrue(max > 10 * min, "sizes " + min + ".." + max);
        // One sample per client is the floor.
        int[] tight = sizes(Partitioners.quantitySkewIndices(5, 5, 3.0, stream(2)));
        assertArrayEquals(new int[] {1, 1, 1, 1, 1}, tight);
    }

    @Test
    void quantitySkewErrorsNameTheArgument() {
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.quantitySkewIndices(0, 1, 1, stream(1))), "samples", "0");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.quantitySkewIndices(10, 11, 1, stream(1))), "clients", "11");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.quantitySkewIndices(10, 2, -0.5, stream(1))), "sigma", "-0.5");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.quantitySkewIndices(10, 2, Double.NaN, stream(1))), "sigma", "NaN");
    }

    // ---------------------------------------------------------------------------------------------- Contiguous

    @Test
    void contiguousIsTheEf21Split() {
        // EF21 experiments, mushrooms: 8124 samples / 20 clients = 406 each, the last gets 8124 - 19 * 406 = 410.
        int[][] parts = Partitioners.contiguousIndices(8124, 20);
        assertPartition(parts, 8124);
        int[] expected = new int[20];
        Arrays.fill(expected, 406);
        expected[19] = 410;
        assertArrayEquals(expected, sizes(parts));
        for (int i = 0; i < 20; i++) {
            for (int k = 0; k < parts[i].length; k++) {
                assertEquals(i * 406 + k, parts[i][k]);
            }
        }
        // 10 / 3: floor 3, remainder to the last: 3, 3, 4.
        assertArrayEquals(new int[] {3, 3, 4}, sizes(Partitioners.contiguousIndices(10, 3)));
        assertTrue(Arrays.deepEquals(Partitioners.contiguousIndices(50, 7), Partitioners.contiguousIndices(50, 7)));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Partitioners.contiguousIndices(5, 6)),
                "clients", "6");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Partitioners.contiguousIndices(5, 0)),
                "clients", "0");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Partitioners.contiguousIndices(0, 1)),
                "samples", "0");
    }

    // ---------------------------------------------------------------------------------------------- toFederated

    @Test
    void toFederatedCopiesTheIndexedRows() {
        Dataset train = PartitionersTest.idDataset(30, 3, Precision.FLOAT64);
        Dataset test = PartitionersTest.idDataset(2, 3, Precision.FLOAT64);
        int[][] parts = {{5, 1, 7}, {0}, {29, 28}};
        FederatedDataset fd = Partitioners.toFederated(train, test, parts);
        assertArrayEquals(new int[] {3, 1, 2}, fd.clientSizes());
        for (int i = 0; i < parts.length; i++) {
            // idDataset: column 0 of row r is r.
            assertArrayEquals(Arrays.stream(parts[i]).asDoubleStream().toArray(),
                    fd.client(i).features().getColumn(0).toDoubleVector(), 0.0);
        }
        FederatedDataset contiguous = Partitioners.contiguous(train, test, 4);
        assertArrayEquals(new int[] {7, 7, 7, 9}, contiguous.clientSizes());
    }

    @Test
    void toFederatedRejectsEmptyAndOverlappingClients() {
        Dataset train = PartitionersTest.idDataset(10, 2, Precision.FLOAT32);
        Dataset test = PartitionersTest.idDataset(1, 2, Precision.FLOAT32);
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.toFederated(train, test, new int[][] {{0, 1}, {}})), "client 1", "no samples");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.toFederated(train, test, new int[][] {{0, 1}, {1}})), "index 1", "client 0",
                "client 1");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.toFederated(train, test, new int[][] {{0, 10}})), "client 0", "10");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.toFederated(train, test, new int[0][])), "indices");
    }

    @Test
    void labelConveniencesReadTheLabelColumn() {
        // 40 samples, labels i mod 4 as floats; the shard split of the dataset equals the split of its labels.
        int m = 40;
        double[] x = new double[m];
        double[] y = new double[m];
        for (int i = 0; i < m; i++) {
            x[i] = i;
            y[i] = i % 4;
        }
        Dataset train = new Dataset(Nd4j.create(x, new long[] {m, 1}, 'c'), Nd4j.create(y, new long[] {m, 1}, 'c'));
        Dataset test = new Dataset(Nd4j.create(new double[] {0}, new long[] {1, 1}, 'c'),
                Nd4j.create(new double[] {0}, new long[] {1, 1}, 'c'));
        int[][] parts = Partitioners.shardIndices(Labels.classIndices(train), 4, 2, stream(3));
        FederatedDataset fd = Partitioners.shards(train, test, 4, 2, stream(3));
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(Arrays.stream(parts[i]).asDoubleStream().toArray(),
                    fd.client(i).features().toDoubleVector(), 0.0);
        }
        FederatedDataset dir = Partitioners.dirichlet(train, test, 4, 5, 1.0, stream(3));
        assertEquals(m, dir.totalSize());
        FederatedDataset qs = Partitioners.quantitySkew(train, test, 5, 1.0, stream(3));
        assertEquals(m, qs.totalSize());
    }
}
