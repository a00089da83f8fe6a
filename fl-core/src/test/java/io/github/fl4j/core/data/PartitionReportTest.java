package io.github.fl4j.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.tensor.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** {@link PartitionReport} and {@link Labels}. */
class PartitionReportTest {

    private static void assertMessage(IllegalArgumentException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should contain '" + p + "'");
        }
    }

    @Test
    void handComputedReport() {
        // labels 0,0,1,1,2,2; client 0 = {0, 1} (two of class 0), client 1 = {2, 3, 4, 5} (two each of 1 and 2).
        // Global mix g = (1/3, 1/3, 1/3).
        // TV_0 = 1/2 (|1 - 1/3| + 1/3 + 1/3) = 2/3; TV_1 = 1/2 (1/3 + 2 |1/2 - 1/3|) = 1/3; mean 1/2, max 2/3.
        // Dominant fractions 1 and 1/2, mean 3/4.
        int[] labels = {0, 0, 1, 1, 2, 2};
        PartitionReport r = PartitionReport.of(new int[][] {{0, 1}, {2, 3, 4, 5}}, labels, 3);
        assertEquals(2, r.clientCount());
        assertEquals(3, r.classCount());
        assertArrayEquals(new int[] {2, 4}, r.sizes());
        assertEquals(6, r.totalSize());
        assertArrayEquals(new int[] {2, 0, 0}, r.histogram(0));
        assertArrayEquals(new int[] {0, 2, 2}, r.histogram(1));
        assertArrayEquals(new int[] {2, 2, 2}, r.globalHistogram());
        assertEquals(1, r.distinctClasses(0));
        assertEquals(2, r.distinctClasses(1));
        assertEquals(2.0 / 3, r.totalVariation(0), 1e-15);
        assertEquals(1.0 / 3, r.totalVariation(1), 1e-15);
        assertEquals(0.5, r.meanTotalVariation(), 1e-15);
        assertEquals(2.0 / 3, r.maxTotalVariation(), 1e-15);
        assertEquals(1.0, r.dominantFraction(0), 0.0);
        assertEquals(0.5, r.dominantFraction(1), 0.0);
        assertEquals(0.75, r.meanDominantFraction(), 1e-15);
        assertEquals(2, r.minSize());
        assertEquals(4, r.maxSize());
        String table = r.table();
        assertTrue(table.contains("client"), table);
        String[] rows = table.split("\n");
        assertEquals(4, rows.length, table); // header, 2 clients, "all"
        assertTrue(rows[1].matches("\\s*0\\s+2 \\|\\s+2\\s+0\\s+0 \\| 0\\.667"), rows[1]);
        assertTrue(rows[3].trim().startsWith("all"), rows[3]);
        assertTrue(r.toString().contains("2 clients") && r.toString().contains("6 samples"), r.toString());
    }

    @Test
    void emptyClientsAreLeftOutOfTheMeans() {
        PartitionReport r = PartitionReport.of(new int[][] {{0}, {}}, new int[] {1}, 2);
        assertEquals(0, r.size(1));
        assertEquals(0.0, r.meanTotalVariation(), 0.0); // client 0 has the global mix
        assertEquals(1.0, r.meanDominantFraction(), 0.0);
    }

    @Test
    void iidSplitHasSmallSkew() {
        // IID split of 10000 balanced labels among 10 clients: each client's counts are ~1000 +- 28 per class,
        // so TV ~ 0.02 and dominant fraction ~0.1 + 0.004; bounds TV < 0.06, dominant < 0.12.
        int[] labels = PartitionersSkewTest.balancedLabels(10_000, 10);
        PartitionReport r = PartitionReport.of(
                Partitioners.iidIndices(10_000, 10, new SeedTree(3).stream(Purpose.PARTITION)), labels, 10);
        assertTrue(r.maxTotalVariation() < 0.06, r.toString());
        assertTrue(r.meanDominantFraction() < 0.12, r.toString());
    }

    @Test
    void reportOfAFederatedDatasetMatchesTheIndexReport() {
        Dataset train = PartitionersTest.idDataset(60, 2, Precision.FLOAT32);
        // idDataset labels are the row ids; relabel as i mod 3.
        double[] y = new double[60];
        int[] labels = new int[60];
        for (int i = 0; i < 60; i++) {
            y[i] = i % 3;
            labels[i] = i % 3;
        }
        Dataset relabelled = new Dataset(train.features(),
                Nd4j.create(y, new long[] {60, 1}, 'c').castTo(train.features().dataType()));
        int[][] parts = Partitioners.contiguousIndices(60, 4);
        FederatedDataset fd = Partitioners.toFederated(relabelled, relabelled.rows(new int[] {0}), parts);
        PartitionReport a = PartitionReport.of(fd, 3);
        PartitionReport b = PartitionReport.of(parts, labels, 3);
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(b.histogram(i), a.histogram(i));
        }
        assertMessage(assertThrows(IllegalArgumentException.class, () -> PartitionReport.of(fd, 2)),
                "client 0", "labels[2]", "2");
    }

    @Test
    void reportArgumentsAreValidated() {
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> PartitionReport.of(new int[][] {{0, 3}}, new int[] {0, 1}, 2)), "client 0", "3");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> PartitionReport.of(new int[][] {{1}}, new int[] {0, 5}, 2)), "sample 1", "5");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> PartitionReport.of(new int[][] {{0}}, new int[] {0}, 0)), "classes", "0");
        PartitionReport r = PartitionReport.of(new int[][] {{0}}, new int[] {0}, 1);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> r.histogram(1)), "client", "1");
    }

    // ---------------------------------------------------------------------------------------------- Labels

    @ParameterizedTest
    @EnumSource(Precision.class)
    void classIndicesReadTheColumn(Precision precision) {
        INDArray x = Nd4j.zeros(precision.dataType(), 4, 2);
        INDArray y = Nd4j.create(new double[] {3, 0, 1, 2}, new long[] {4, 1}, 'c').castTo(precision.dataType());
        assertArrayEquals(new int[] {3, 0, 1, 2}, Labels.classIndices(new Dataset(x, y)));
    }

    @Test
    void classIndicesHonourOffsetAndStrideOfAView() {
        // Labels = column 1 of a [4, 2] c-order matrix: offset 1, row stride 2.
        INDArray m = Nd4j.create(new double[] {9, 1, 9, 0, 9, 4, 9, 2}, new long[] {4, 2}, 'c');
        INDArray y = m.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 2));
        Dataset d = new Dataset(Nd4j.zeros(m.dataType(), 4, 3), y);
        assertArrayEquals(new int[] {1, 0, 4, 2}, Labels.classIndices(d));
    }

    @Test
    void nonIntegerOrNegativeLabelsNameTheRow() {
        INDArray x = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 3, 1);
        Dataset frac = new Dataset(x, Nd4j.create(new double[] {0, 1, 1.5}, new long[] {3, 1}, 'c'));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Labels.classIndices(frac)),
                "row 2", "1.5");
        Dataset neg = new Dataset(x, Nd4j.create(new double[] {-1, 1, 1}, new long[] {3, 1}, 'c'));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Labels.classIndices(neg)),
                "row 0", "-1.0");
        Dataset nan = new Dataset(x, Nd4j.create(new double[] {0, Double.NaN, 1}, new long[] {3, 1}, 'c'));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Labels.classIndices(nan)),
                "row 1", "NaN");
        assertEquals(5, Labels.classCount(new int[] {0, 4, 2}));
        assertArrayEquals(new int[] {1, 0, 2}, Labels.histogram(new int[] {2, 0, 2}, 3));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Labels.histogram(new int[] {0, 3}, 3)),
                "labels[1]", "3");
    }
}
