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
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class PartitionersTest {
    private static final int M = 103;
    private static final int P = 3;

    /** Row i has features (i, 10 i + 1, 10 i + 2) and label i: column 0 is the sample's unique id. */
    static Dataset idDataset(int m, int p, Precision precision) {
        double[] x = new double[m * p];
        double[] y = new double[m];
        for (int i = 0; i < m; i++) {
            x[i * p] = i;
            for (int j = 1; j < p; j++) {
                x[i * p + j] = 10.0 * i + j;
            }
            y[i] = i;
        }
        return new Dataset(Nd4j.create(x, new long[] {m, p}, 'c').castTo(precision.dataType()),
                Nd4j.create(y, new long[] {m, 1}, 'c').castTo(precision.dataType()));
    }

    private static RandomStream stream(long seed) {
        return new SeedTree(seed).stream(Purpose.PARTITION);
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void everySampleExactlyOnceAndRowsCopiedExactly(Precision precision) {
        Dataset train = idDataset(M, P, precision);
        Dataset test = idDataset(5, P, precision);
        FederatedDataset fd = Partitioners.iid(train, test, 10, stream(7));
        assertEquals(10, fd.clientCount());
        assertSame(test, fd.test());
        int[] seen = new int[M];
        double[][] source = train.features().toDoubleMatrix();
        for (Dataset d : fd.clients()) {
            assertEquals(precision, d.precision());
            double[][] x = d.features().toDoubleMatrix();
            double[] y = d.labels().toDoubleVector();
            for (int r = 0; r < d.size(); r++) {
                int id = (int) x[r][0];
                seen[id]++;
                // The row is a copy of source row `id` (by construction of idDataset, label == id).
                assertArrayEquals(source[id], x[r], 0.0);
                assertEquals(id, y[r], 0.0);
            }
        }
        int[] once = new int[M];
        Arrays.fill(once, 1);
        assertArrayEquals(once, seen);
    }

    @Test
    void sizesDifferByAtMostOneAndFirstPartsGetTheExtra() {
        FederatedDataset fd = Partitioners.iid(idDataset(M, P, Precision.FLOAT32), idDataset(1, P, Precision.FLOAT32),
                10, stream(1));
        // 103 = 10 * 10 + 3: the first 103 mod 10 = 3 clients get 11 samples, the other 7 get 10.
        assertArrayEquals(new int[] {11, 11, 11, 10, 10, 10, 10, 10, 10, 10}, fd.clientSizes());
        assertEquals(M, fd.totalSize());
    }

    @Test
    void indicesFollowThePermutationOfTheStream() {
        // Documented draws: exactly rng.permutation(samples), cut into consecutive parts.
        int[][] parts = Partitioners.iidIndices(M, 4, stream(3));
        int[] perm = stream(3).permutation(M);
        int[] concatenated = Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
        assertArrayEquals(perm, concatenated);
        // 103 = 4 * 25 + 3: sizes 26, 26, 26, 25.
        assertArrayEquals(new int[] {26, 26, 26, 25}, Arrays.stream(parts).mapToInt(a -> a.length).toArray());
    }

    @Test
    void clientRowsAreTheIndexedRowsInOrder() {
        Dataset train = idDataset(M, P, Precision.FLOAT64);
        FederatedDataset fd = Partitioners.iid(train, idDataset(1, P, Precision.FLOAT64), 6, stream(11));
        int[][] parts = Partitioners.iidIndices(M, 6, stream(11));
        for (int k = 0; k < 6; k++) {
            double[] ids = fd.client(k).features().getColumn(0).toDoubleVector();
            assertArrayEquals(Arrays.stream(parts[k]).asDoubleStream().toArray(), ids, 0.0);
        }
    }

    @Test
    void sameSeedSamePartitionDifferentSeedDifferent() {
        int[][] a = Partitioners.iidIndices(M, 10, stream(42));
        int[][] b = Partitioners.iidIndices(M, 10, stream(42));
        int[][] c = Partitioners.iidIndices(M, 10, stream(43));
        assertTrue(Arrays.deepEquals(a, b));
        // Two seeds give the same permutation of 103 items with probability 1/103!, i.e. never.
        assertFalse(Arrays.deepEquals(a, c));

        Dataset train = idDataset(M, P, Precision.FLOAT32);
        Dataset test = idDataset(2, P, Precision.FLOAT32);
        FederatedDataset x = Partitioners.iid(train, test, 10, stream(42));
        FederatedDataset y = Partitioners.iid(train, test, 10, stream(42));
        for (int k = 0; k < 10; k++) {
            assertEquals(x.client(k).features(), y.client(k).features());
            assertEquals(x.client(k).labels(), y.client(k).labels());
        }
    }

    @Test
    void oneSamplePerClientWhenClientsEqualSamples() {
        int[][] parts = Partitioners.iidIndices(7, 7, stream(5));
        for (int[] part : parts) {
            assertEquals(1, part.length);
        }
    }

    @Test
    void badClientCountsNameTheArgument() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> Partitioners.iidIndices(10, 0, stream(1)));
        assertTrue(zero.getMessage().contains("clients") && zero.getMessage().contains("0"), zero.getMessage());
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> Partitioners.iid(idDataset(10, P, Precision.FLOAT32), idDataset(1, P, Precision.FLOAT32), 11,
                        stream(1)));
        assertTrue(tooMany.getMessage().contains("clients") && tooMany.getMessage().contains("11"),
                tooMany.getMessage());
    }
}
