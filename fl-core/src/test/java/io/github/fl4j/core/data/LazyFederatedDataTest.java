package io.github.fl4j.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.tensor.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class LazyFederatedDataTest {

    static double[] values(INDArray a) {
        return a.dup('c').castTo(DataType.DOUBLE).data().asDouble();
    }

    static void assertSameBits(Dataset a, Dataset b) {
        assertEquals(a.precision(), b.precision());
        assertArrayEquals(new long[] {a.size(), a.featureCount()}, new long[] {b.size(), b.featureCount()});
        assertArrayEquals(values(a.features()), values(b.features()));
        assertArrayEquals(values(a.labels()), values(b.labels()));
    }

    static void assertSameData(FederatedData a, FederatedData b) {
        assertEquals(a.clientCount(), b.clientCount());
        assertEquals(a.featureCount(), b.featureCount());
        assertEquals(a.precision(), b.precision());
        assertArrayEquals(a.clientSizes(), b.clientSizes());
        for (int k = 0; k < a.clientCount(); k++) {
            assertSameBits(a.client(k), b.client(k));
        }
        assertEquals(a.test().size(), b.test().size());
        if (a.test().size() > 0) {
            assertSameBits(a.test(), b.test());
        }
    }


    private static SyntheticFedProx.Builder small() {
        return SyntheticFedProx.builder().clients(40).dimension(7).classes(4).maxSamples(60).precision(
                Precision.FLOAT32);
    }

    // ---- lazy synthetic -----------------------------------------------------------------------------------------

    @Test
    void lazySyntheticFollowsTheDocumentedDrawOrderOfOneClient() {
        // d = 2, c = 2, 3 samples (train 2 = floor(3 * 80 / 100), test 1), alpha = 4, beta = 9: recompute client 5
        // from its stream by hand: u = 2 z, B = 3 z, v_j = B + z, W (2 x 2) = u + z, b = u + z, x_sj = v_j + sd_j z.
        SyntheticFedProx g = SyntheticFedProx.builder().alpha(4).beta(9).clients(8).dimension(2).classes(2)
                .fixedSamples(3).precision(Precision.FLOAT64).build();
        SeedTree seeds = new SeedTree(77);
        LazySyntheticFedProx lazy = g.lazy(seeds, 0);
        RandomStream rng = seeds.stream(Purpose.DATA_GENERATION, 0, 5);
        double u = 2 * rng.nextGaussian();
        double bigB = 3 * rng.nextGaussian();
        double[] v = {bigB + rng.nextGaussian(), bigB + rng.nextGaussian()};
        double[] w = new double[4];
        for (int i = 0; i < 4; i++) {
            w[i] = u + rng.nextGaussian();
        }
        double[] b = {u + rng.nextGaussian(), u + rng.nextGaussian()};
        double[] sd = {1.0, Math.sqrt(Math.pow(2, -1.2))};
        double[] x = new double[4];
        double[] y = new double[2];
        for (int s = 0; s < 2; s++) {
            for (int j = 0; j < 2; j++) {
                x[s * 2 + j] = v[j] + sd[j] * rng.nextGaussian();
            }
            double l0 = b[0] + w[0] * x[s * 2] + w[1] * x[s * 2 + 1];
            double l1 = b[1] + w[2] * x[s * 2] + w[3] * x[s * 2 + 1];
            y[s] = l1 > l0 ? 1 : 0;
        }
        Dataset c5 = lazy.client(5);
        assertArrayEquals(x, values(c5.features()));
        assertArrayEquals(y, values(c5.labels()));
        assertEquals(2, lazy.clientSize(5));
        assertEquals(0, lazy.test().size());
    }

    @Test
    void lazySyntheticSizesAreTheFirstDrawOfEachClientsStream() {
        SyntheticFedProx g = small().build();
        SeedTree seeds = new SeedTree(3);
        LazySyntheticFedProx lazy = g.lazy(seeds);
        long total = 0;
        for (int k = 0; k < g.clients(); k++) {
            double z = seeds.stream(Purpose.DATA_GENERATION, 0, k).nextGaussian();
            int n = (int) Math.min(60, Math.floor(Math.exp(4 + 2 * z)) + 50);
            assertEquals(n, lazy.totalSamples(k));
            assertEquals(g.trainCount(n), lazy.clientSize(k));
            assertEquals(lazy.clientSize(k), lazy.client(k).size());
            total += g.trainCount(n);
        }
        assertEquals(total, lazy.totalSize());
        // the test set is the test parts of all 40 clients (min(N, 1000)), in client order
        int testRows = 0;
        for (int k = 0; k < g.clients(); k++) {
            testRows += lazy.totalSamples(k) - lazy.clientSize(k);
        }
        assertEquals(testRows, lazy.test().size());
        assertEquals(40, lazy.testClients());
    }

    @Test
    void lazyTestSetIsTheTestPartsOfTheFirstClients() {
        // with 100% train the test parts are empty; with trainPercent 50 and T = 2 the test set is client 0's
        // rows after its train part followed by client 1's: the rows of a lazy instance with trainPercent 100 cut
        // after floor(n/2).
        SeedTree seeds = new SeedTree(11);
        LazySyntheticFedProx all = small().fixedSamples(6).trainPercent(100).build().lazy(seeds, 2);
        assertEquals(0, all.test().size());
        LazySyntheticFedProx half = small().fixedSamples(6).trainPercent(50).build().lazy(seeds, 2);
        assertEquals(6, half.test().size());
        double[] full0 = values(all.client(0).features());
        double[] full1 = values(all.client(1).features());
        double[] test = values(half.test().features());
        int d = 7;
        for (int j = 0; j < 3 * d; j++) {
            assertEquals(full0[3 * d + j], test[j], 0.0);
            assertEquals(full1[3 * d + j], test[3 * d + j], 0.0);
        }
        assertArrayEquals(java.util.Arrays.copyOfRange(full0, 0, 3 * d), values(half.client(0).features()));
    }

    @Test
    void lazyClientIsTheSameInAnyOrderOnAnyThreadAndAcrossInstances() throws Exception {
        SyntheticFedProx g = small().build();
        LazySyntheticFedProx a = g.lazy(new SeedTree(5));
        LazySyntheticFedProx b = g.lazy(new SeedTree(5));
        List<Dataset> forward = new ArrayList<>();
        for (int k = 0; k < g.clients(); k++) {
            forward.add(a.client(k));
        }
        for (int k = g.clients() - 1; k >= 0; k--) {
            assertSameBits(forward.get(k), b.client(k));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Dataset>> f = new ArrayList<>();
            for (int k = 0; k < g.clients(); k++) {
                int id = (k * 7) % g.clients();
                f.add(pool.submit(() -> a.client(id)));
            }
            for (int k = 0; k < g.clients(); k++) {
                assertSameBits(forward.get((k * 7) % g.clients()), f.get(k).get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertSameBits(a.test(), b.test());
        // another seed gives other data
        assertFalse(java.util.Arrays.equals(values(a.client(0).features()),
                values(g.lazy(new SeedTree(6)).client(0).features())));
    }

    @Test
    void lazyLabelHistogramEqualsTheCountOfTheLoadedLabels() {
        LazySyntheticFedProx lazy = small().build().lazy(new SeedTree(9));
        for (int k = 0; k < lazy.clientCount(); k++) {
            assertArrayEquals(Labels.histogram(Labels.classIndices(lazy.client(k)), 4), lazy.labelHistogram(k, 4));
        }
        assertEquals(4, lazy.knownClassCount());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> lazy.labelHistogram(0, 1)).getMessage()
                .startsWith("client 0: label of row"));
    }

    @Test
    void lazyFloat64IsTheFloat32DataBeforeRounding() {
        SeedTree seeds = new SeedTree(2);
        LazySyntheticFedProx f32 = small().build().lazy(seeds);
        LazySyntheticFedProx f64 = small().precision(Precision.FLOAT64).build().lazy(seeds);
        for (int k = 0; k < 5; k++) {
            assertSameBits(f32.client(k), f64.client(k).as(Precision.FLOAT32));
        }
        assertSameBits(f32.test(), f64.test().as(Precision.FLOAT32));
    }

    @Test
    void badLazyArgumentsAreNamed() {
        SyntheticFedProx g = small().build();
        assertEquals("testClients must be in [0, 40], was 41",
                assertThrows(IllegalArgumentException.class, () -> g.lazy(new SeedTree(1), 41)).getMessage());
        assertEquals("seeds must not be null",
                assertThrows(IllegalArgumentException.class, () -> g.lazy(null)).getMessage());
        LazySyntheticFedProx lazy = g.lazy(new SeedTree(1), 0);
        assertEquals("client id must be in [0, 40), was 40",
                assertThrows(IllegalArgumentException.class, () -> lazy.client(40)).getMessage());
        assertEquals("client id must be in [0, 40), was -1",
                assertThrows(IllegalArgumentException.class, () -> lazy.clientSize(-1)).getMessage());
    }

    // ---- index partitions ---------------------------------------------------------------------------------------

    /** 120 rows, 3 features; row i has features (i, i + 0.5, -i) and label i mod 4. */
    private static Dataset labelled(int m, Precision precision) {
        double[] x = new double[m * 3];
        double[] y = new double[m];
        for (int i = 0; i < m; i++) {
            x[3 * i] = i;
            x[3 * i + 1] = i + 0.5;
            x[3 * i + 2] = -i;
            y[i] = i % 4;
        }
        return new Dataset(Nd4j.create(x, new long[] {m, 3}, 'c').castTo(precision.dataType()),
                Nd4j.create(y, new long[] {m, 1}, 'c').castTo(precision.dataType()));
    }

    private static RandomStream partition(long seed) {
        return new SeedTree(seed).stream(Purpose.PARTITION);
    }

    @Test
    void indexPartitionsEqualTheEagerPartitionsRowForRow() {
        Dataset train = labelled(120, Precision.FLOAT32);
        Dataset test = labelled(10, Precision.FLOAT32);
        int[] labels = Labels.classIndices(train);
        assertSameData(Partitioners.iid(train, test, 7, partition(1)),
                IndexPartition.of(train, test, Partitioners.iidIndices(120, 7, partition(1))));
        assertSameData(Partitioners.dirichlet(train, test, 4, 6, 0.3, partition(2)),
                IndexPartition.of(train, test, Partitioners.dirichletIndices(labels, 4, 6, 0.3, partition(2))));
        assertSameData(Partitioners.shards(train, test, 6, 2, partition(3)),
                IndexPartition.of(train, test, Partitioners.shardIndices(labels, 6, 2, partition(3))));
        assertSameData(Partitioners.quantitySkew(train, test, 5, 1.0, partition(4)),
                IndexPartition.of(train, test, Partitioners.quantitySkewIndices(120, 5, 1.0, partition(4))));
        assertSameData(Partitioners.contiguous(train, test, 9),
                IndexPartition.of(train, test, Partitioners.contiguousIndices(120, 9)));
    }

    @Test
    void indexPartitionHoldsIndexArraysAndReadsHistogramsWithoutGathering() {
        Dataset train = labelled(120, Precision.FLOAT64);
        int[][] parts = Partitioners.iidIndices(120, 7, partition(8));
        IndexPartition p = IndexPartition.of(train, train, parts);
        assertSame(train, p.shared());
        for (int i = 0; i < 7; i++) {
            assertArrayEquals(parts[i], p.indices(i));
            int[] h = new int[4];
            for (int r : parts[i]) {
                h[r % 4]++;
            }
            assertArrayEquals(h, p.labelHistogram(i, 4));
            assertEquals(parts[i].length, p.clientSize(i));
        }
        // CSR form: the same partition
        int[] offsets = new int[8];
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            offsets[i + 1] = offsets[i] + parts[i].length;
            for (int r : parts[i]) {
                all.add(r);
            }
        }
        assertSameData(p, IndexPartition.ofCsr(train, train, offsets,
                all.stream().mapToInt(Integer::intValue).toArray()));
        // converted once to float32: equals the per-client conversion
        assertSameData(p.materialize().as(Precision.FLOAT32), p.as(Precision.FLOAT32));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Precision.class)
    void rowsOfAViewWithOffsetAndRowStrideAreCopiedExactly(Precision precision) {
        // big[i][j] = 10 i + j, 10 x 5; features = rows 2..7, columns 1..3 (offset 11, row stride 5); labels = column 4
        double[] v = new double[50];
        for (int i = 0; i < 10; i++) {
            for (int j = 0; j < 5; j++) {
                v[i * 5 + j] = 10 * i + j;
            }
        }
        INDArray big = Nd4j.create(v, new long[] {10, 5}, 'c').castTo(precision.dataType());
        org.nd4j.linalg.indexing.INDArrayIndex rows = org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 8);
        Dataset d = new Dataset(big.get(rows, org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 4)),
                big.get(rows, org.nd4j.linalg.indexing.NDArrayIndex.interval(4, 5)));
        Dataset picked = d.rows(new int[] {5, 0, 3});
        assertArrayEquals(new double[] {71, 72, 73, 21, 22, 23, 51, 52, 53}, values(picked.features()));
        assertArrayEquals(new double[] {74, 24, 54}, values(picked.labels()));
        assertEquals(precision, picked.precision());
    }

    @Test
    void badIndexPartitionsAreNamed() {
        Dataset train = labelled(10, Precision.FLOAT32);
        assertEquals("client 1 has no samples; every client needs at least one",
                assertThrows(IllegalArgumentException.class,
                        () -> IndexPartition.of(train, train, new int[][] {{0}, {}})).getMessage());
        assertEquals("client 1 index must be in [0, 10), was 10",
                assertThrows(IllegalArgumentException.class,
                        () -> IndexPartition.of(train, train, new int[][] {{0}, {10}})).getMessage());
        assertEquals("index 3 is in two clients (the second is client 2); the parts must be disjoint",
                assertThrows(IllegalArgumentException.class,
                        () -> IndexPartition.of(train, train, new int[][] {{3}, {1}, {2, 3}})).getMessage());
        assertEquals("offsets must start at 0 and end at rows.length = 2, were 0 and 3",
                assertThrows(IllegalArgumentException.class,
                        () -> IndexPartition.ofCsr(train, train, new int[] {0, 3}, new int[] {1, 2})).getMessage());
    }

    // ---- cache --------------------------------------------------------------------------------------------------

    @Test
    void cacheKeepsTheLeastRecentlyUsedBoundAndNeverChangesBits() {
        CountingFederatedData src = new CountingFederatedData(small().build().lazy(new SeedTree(1), 0));
        CachedFederatedData c = new CachedFederatedData(src, 2);
        Dataset c0 = c.client(0);
        Dataset c1 = c.client(1);
        assertSame(c0, c.client(0));
        assertEquals(2, src.loads.get());
        c.client(2); // evicts 1 (0 was used more recently)
        assertEquals(2, c.cachedClients());
        assertSame(c0, c.client(0));
        Dataset again1 = c.client(1);
        assertNotSame(c1, again1);
        assertSameBits(c1, again1);
        assertEquals(4, src.loads.get());
        assertEquals(2, c.hits());
        assertEquals(4, c.misses());
        assertSameData(src.counted(), c);
    }

    @Test
    void cacheBoundedByBytesDropsTheEldest() {
        Dataset train = labelled(100, Precision.FLOAT32);
        IndexPartition p = IndexPartition.of(train, train, Partitioners.contiguousIndices(100, 10));
        // each client: 10 rows x (3 features + 1 label) x 4 bytes = 160 bytes; a 400-byte cache holds 2
        CachedFederatedData c = new CachedFederatedData(p, 100, 400);
        for (int i = 0; i < 5; i++) {
            c.client(i);
        }
        assertEquals(2, c.cachedClients());
        assertEquals(320, c.cachedBytes());
        CachedFederatedData tiny = new CachedFederatedData(p, 100, 100);
        tiny.client(0);
        assertEquals(0, tiny.cachedClients());
        assertEquals("maxClients must be >= 1, was 0",
                assertThrows(IllegalArgumentException.class, () -> new CachedFederatedData(p, 0)).getMessage());
    }

    /**
     * Sparse clients are counted by what they hold, not as dense matrices: labels, the row list of an index view and
     * room for a column index (4 + b bytes per stored entry and p + 1 pointers), or the index itself once built.
     */
    @Test
    void sparseClientsAreCountedByWhatTheyHold() {
        // [[1, 0, 2], [0, 0, 0], [0, 3, 0], [4, 0, 5]] as float64, labels 0..3
        CsrMatrix a = CsrMatrix.ofDoubles(4, 3, new int[] {0, 2, 2, 3, 5}, new int[] {0, 2, 1, 0, 2},
                new double[] {1, 2, 3, 4, 5});
        Dataset d = Dataset.sparse(a, Nd4j.createFromArray(0.0, 1.0, 2.0, 3.0).reshape(4, 1));
        Dataset range = d.rowRange(1, 4); // rows 1..3: 3 stored entries
        assertEquals(3 * 8 + (4 + 8) * 3 + 4 * 4, CachedFederatedData.bytesOf(range));
        Dataset index = d.rows(new int[] {3, 0}); // 4 stored entries, a row list of 2
        assertEquals(2 * 8 + 4 * 2 + (4 + 8) * 4 + 4 * 4, CachedFederatedData.bytesOf(index));
        long built = index.sparseColumns().bytes();
        assertEquals(2 * 8 + 4 * 2 + built, CachedFederatedData.bytesOf(index));
        assertEquals(4 * 8 + (4 + 8) * 5 + 4 * 4, CachedFederatedData.bytesOf(d)); // the dense form: (12 + 4) 8 = 128
        Dataset dense = new Dataset(Nd4j.createFromArray(new double[][] {{1, 0, 2}, {0, 0, 0}}),
                Nd4j.createFromArray(0.0, 1.0));
        assertEquals((2 * 3 + 2) * 8, CachedFederatedData.bytesOf(dense));
    }

    @Test
    void cacheFromManyThreadsGivesTheSameBits() throws Exception {
        LazySyntheticFedProx lazy = small().build().lazy(new SeedTree(12), 0);
        CachedFederatedData c = new CachedFederatedData(lazy, 5);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Dataset>> f = new ArrayList<>();
            for (int k = 0; k < 200; k++) {
                int id = (k * 13) % 40;
                f.add(pool.submit(() -> c.client(id)));
            }
            for (int k = 0; k < 200; k++) {
                assertSameBits(lazy.client((k * 13) % 40), f.get(k).get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(c.cachedClients() <= 5);
    }

    // ---- partition report ---------------------------------------------------------------------------------------

    @Test
    void partitionReportStreamsWithoutLoadingClients() {
        Dataset train = labelled(120, Precision.FLOAT32);
        int[][] parts = Partitioners.dirichletIndices(Labels.classIndices(train), 4, 6, 0.5, partition(5));
        CountingFederatedData counted = new CountingFederatedData(IndexPartition.of(train, train, parts));
        PartitionReport streamed = PartitionReport.of(counted, 4);
        assertEquals(0, counted.loads.get());
        PartitionReport reference = PartitionReport.of(parts, Labels.classIndices(train), 4);
        assertEquals(reference.table(), streamed.table());
        for (int i = 0; i < 6; i++) {
            assertArrayEquals(reference.histogram(i), streamed.histogram(i));
        }
        CountingFederatedData lazy = new CountingFederatedData(small().build().lazy(new SeedTree(3), 0));
        PartitionReport r = PartitionReport.of(lazy, 4);
        assertEquals(0, lazy.loads.get());
        assertEquals(lazy.totalSize(), r.totalSize());
    }
}
