package io.github.fl4j.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.tensor.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class MinibatchSamplerTest {
    private static final int M = 23;
    private static final int P = 4;
    private static final int B = 5;

    private static RandomStream stream(long seed) {
        return new SeedTree(seed).stream(Purpose.LOCAL_DATA_ORDER, 0, 3);
    }

    /** Ids of the rows of a batch (feature column 0 of the id dataset). */
    private static int[] ids(Dataset batch) {
        double[][] x = batch.features().toDoubleMatrix();
        int[] ids = new int[x.length];
        for (int r = 0; r < x.length; r++) {
            ids[r] = (int) x[r][0];
        }
        return ids;
    }

    /** Asserts that every row of the batch equals the source row named by its id, features and label. */
    private static void assertRowsFromSource(Dataset source, Dataset batch) {
        double[][] src = source.features().toDoubleMatrix();
        double[] srcY = source.labels().toDoubleVector();
        double[][] x = batch.features().toDoubleMatrix();
        double[] y = batch.labels().toDoubleVector();
        for (int r = 0; r < x.length; r++) {
            int id = (int) x[r][0];
            assertArrayEquals(src[id], x[r], 0.0);
            assertEquals(srcY[id], y[r], 0.0);
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void oneEpochVisitsEveryRowOnceInBatchesOfB(Precision precision) {
        Dataset data = PartitionersTest.idDataset(M, P, precision);
        MinibatchSampler sampler = new MinibatchSampler(data, B, stream(1));
        // ceil(23 / 5) = 5 batches: 5, 5, 5, 5 and 23 mod 5 = 3.
        assertEquals(5, sampler.batchesPerEpoch());
        int[] sizes = new int[5];
        int[] seen = new int[M];
        for (int t = 0; t < 5; t++) {
            Dataset batch = sampler.next();
            assertEquals(precision, batch.precision());
            assertEquals(P, batch.featureCount());
            sizes[t] = batch.size();
            assertEquals(batch.size(), batch.labels().rows());
            assertRowsFromSource(data, batch);
            for (int id : ids(batch)) {
                seen[id]++;
            }
        }
        assertArrayEquals(new int[] {5, 5, 5, 5, 3}, sizes);
        int[] once = new int[M];
        Arrays.fill(once, 1);
        assertArrayEquals(once, seen);
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void epochOrderIsThePermutationOfTheStreamAndChangesEachEpoch(Precision precision) {
        Dataset data = PartitionersTest.idDataset(M, P, precision);
        MinibatchSampler sampler = new MinibatchSampler(data, B, stream(2));
        RandomStream replay = stream(2);
        int[] previous = null;
        for (int epoch = 0; epoch < 3; epoch++) {
            int[] order = epochOrder(sampler);
            // Documented draws: each epoch is exactly rng.permutation(m) of the sampler's stream.
            assertArrayEquals(replay.permutation(M), order, "epoch " + epoch);
            if (previous != null) {
                // Two epochs have the same order with probability 1/23!, i.e. never.
                assertFalse(Arrays.equals(previous, order));
            }
            previous = order;
        }
    }

    private static int[] epochOrder(MinibatchSampler sampler) {
        List<Integer> order = new ArrayList<>();
        for (int t = 0; t < sampler.batchesPerEpoch(); t++) {
            for (int id : ids(sampler.next())) {
                order.add(id);
            }
        }
        return order.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void sameSeedSameBatches() {
        Dataset data = PartitionersTest.idDataset(M, P, Precision.FLOAT32);
        MinibatchSampler a = new MinibatchSampler(data, 4, stream(9));
        MinibatchSampler b = new MinibatchSampler(data, 4, stream(9));
        for (int t = 0; t < 20; t++) {
            Dataset x = a.next();
            Dataset y = b.next();
            assertEquals(x.features(), y.features());
            assertEquals(x.labels(), y.labels());
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void fullBatchReturnsTheDatasetItselfWithoutDraws(Precision precision) {
        Dataset data = PartitionersTest.idDataset(M, P, precision);
        for (int batchSize : new int[] {M, M + 1, 1000}) {
            RandomStream rng = stream(4);
            MinibatchSampler sampler = new MinibatchSampler(data, batchSize, rng);
            assertEquals(1, sampler.batchesPerEpoch());
            for (int t = 0; t < 3; t++) {
                assertSame(data, sampler.next());
            }
            // No draw was taken: the stream is still at its start.
            assertEquals(stream(4).nextLong(), rng.nextLong());
        }
    }

    @Test
    void batchesAreReusedBuffersInSteadyState() {
        Dataset data = PartitionersTest.idDataset(M, P, Precision.FLOAT32);
        MinibatchSampler sampler = new MinibatchSampler(data, B, stream(5));
        Dataset full = sampler.next();
        for (int t = 1; t < 4; t++) {
            assertSame(full, sampler.next());
        }
        Dataset last = sampler.next();
        assertEquals(3, last.size());
        // The next epoch serves the same two batch objects again.
        for (int t = 0; t < 4; t++) {
            assertSame(full, sampler.next());
        }
        assertSame(last, sampler.next());
        assertRowsFromSource(data, last);
    }

    @Test
    void dividingBatchSizeHasNoShortBatch() {
        Dataset data = PartitionersTest.idDataset(20, P, Precision.FLOAT64);
        MinibatchSampler sampler = new MinibatchSampler(data, 5, stream(6));
        // 20 = 4 * 5: four full batches per epoch.
        assertEquals(4, sampler.batchesPerEpoch());
        for (int t = 0; t < 12; t++) {
            assertEquals(5, sampler.next().size());
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void viewsWithOffsetsAndStridesAreCopiedExactly(Precision precision) {
        // Features: columns 1..4 of a [M, 7] matrix (row stride 7, offset 1); labels: column 6 (row stride 7).
        double[] raw = new double[M * 7];
        for (int i = 0; i < M; i++) {
            raw[i * 7] = -1;
            raw[i * 7 + 1] = i;
            raw[i * 7 + 2] = 100 + i;
            raw[i * 7 + 3] = 200 + i;
            raw[i * 7 + 4] = 300 + i;
            raw[i * 7 + 5] = -2;
            raw[i * 7 + 6] = 0.5 * i;
        }
        INDArray big = Nd4j.create(raw, new long[] {M, 7}, 'c').castTo(precision.dataType());
        INDArray x = big.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 5));
        INDArray y = big.get(NDArrayIndex.all(), NDArrayIndex.interval(6, 7));
        Dataset data = new Dataset(x, y);
        MinibatchSampler sampler = new MinibatchSampler(data, 6, stream(7));
        int[] seen = new int[M];
        // ceil(23 / 6) = 4 batches per epoch; check two epochs.
        for (int t = 0; t < 8; t++) {
            Dataset batch = sampler.next();
            assertRowsFromSource(data, batch);
            double[] labels = batch.labels().toDoubleVector();
            int[] ids = ids(batch);
            for (int r = 0; r < ids.length; r++) {
                assertEquals(0.5 * ids[r], labels[r], 0.0);
                seen[ids[r]]++;
            }
        }
        int[] twice = new int[M];
        Arrays.fill(twice, 2);
        assertArrayEquals(twice, seen);

        // Columns 1 and 3 of the same matrix (column step 2): rows are not contiguous in the source buffer.
        INDArray stepped = big.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 2, 5));
        Dataset sparse = new Dataset(stepped, y);
        assertEquals(2, sparse.featureCount());
        MinibatchSampler steppedSampler = new MinibatchSampler(sparse, 4, stream(8));
        for (int t = 0; t < 12; t++) {
            Dataset batch = steppedSampler.next();
            assertRowsFromSource(sparse, batch);
            double[][] bx = batch.features().toDoubleMatrix();
            for (double[] row : bx) {
                // Column 3 of row i holds 200 + i (construction above).
                assertEquals(200 + row[0], row[1], 0.0);
            }
        }
    }

    @Test
    void sourceIsNeverWritten() {
        Dataset data = PartitionersTest.idDataset(M, P, Precision.FLOAT32);
        double[][] before = data.features().toDoubleMatrix();
        MinibatchSampler sampler = new MinibatchSampler(data, 3, stream(8));
        for (int t = 0; t < 30; t++) {
            sampler.next();
        }
        assertTrue(Arrays.deepEquals(before, data.features().toDoubleMatrix()));
    }

    @Test
    void badArguments() {
        Dataset data = PartitionersTest.idDataset(M, P, Precision.FLOAT32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MinibatchSampler(data, 0, stream(1)));
        assertEquals("batchSize must be >= 1, was 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MinibatchSampler(null, 2, stream(1)));
        assertThrows(IllegalArgumentException.class, () -> new MinibatchSampler(data, 2, null));
    }
}
