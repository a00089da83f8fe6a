package io.github.fl4j.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** The column index of a sparse dataset: a transposition checked entry by entry, and when it is built. */
class SparseColumnsTest {

    /** [[1, 0, 2], [0, 0, 0], [0, 3, 0], [4, 0, 5]]. */
    private static Dataset small(Precision precision) {
        return SparseDatasetTest.small(precision);
    }

    @Test
    void theSmallMatrixByHand() {
        for (Precision precision : Precision.values()) {
            SparseColumns c = small(precision).sparseColumns();
            assertEquals(4, c.samples());
            assertEquals(3, c.cols());
            assertEquals(5, c.nonZeros());
            // column 0: samples 0 and 3 (values 1, 4); column 1: sample 2 (3); column 2: samples 0 and 3 (2, 5)
            assertArrayEquals(new int[] {0, 2, 3, 5}, c.pointers());
            assertArrayEquals(new int[] {0, 3, 2, 0, 3}, c.samplesOfEntries());
            double[] values = new double[5];
            for (int k = 0; k < 5; k++) {
                values[k] = c.value(k);
            }
            assertArrayEquals(new double[] {1, 4, 3, 2, 5}, values, 0.0);
            assertEquals(precision == Precision.FLOAT64, c.doubleValues() != null);
            assertEquals(precision == Precision.FLOAT32, c.floatValues() != null);
            assertFalse(c.unitValues());
            // longest first, ties by column: columns 0 and 2 have two entries, column 1 one
            assertArrayEquals(new int[] {0, 2, 1}, c.order());
            long valueBytes = precision == Precision.FLOAT64 ? 8 * 5 : 4 * 5;
            assertEquals(4 * 4 + 4 * 5 + 4 * 3 + valueBytes, c.bytes());
        }
    }

    /**
     * Random matrices with empty rows and columns, through a whole dataset, a row range and an index view (in a
     * scrambled order with a repeated row): every entry of the index is the entry of the dense matrix it names, each
     * column's samples increase, and every stored entry appears exactly once.
     */
    @Test
    void randomMatricesTransposeEntryByEntry() {
        RandomStream r = new RandomStream(3);
        for (int trial = 0; trial < 30; trial++) {
            int m = 1 + r.nextInt(40);
            int p = 1 + r.nextInt(12);
            boolean ones = trial % 3 == 0;
            double[][] a = new double[m + 4][p];
            for (int i = 0; i < m + 4; i++) {
                for (int j = 0; j < p; j++) {
                    if (i % 5 != 1 && j % 4 != 3 && r.nextDouble() < 0.4) {
                        a[i][j] = ones ? 1.0 : r.nextDouble() * 4 - 2;
                    }
                }
            }
            CsrMatrix csr = CsrMatrix.fromDense(Nd4j.createFromArray(a));
            assertEquals(ones, csr.unitValues());
            double[] y = new double[m + 4];
            Dataset all = Dataset.sparse(csr, Nd4j.createFromArray(y).reshape(m + 4, 1));
            int[] scrambled = new int[m];
            for (int i = 0; i < m; i++) {
                scrambled[i] = r.nextInt(m + 4);
            }
            for (Precision precision : Precision.values()) {
                Dataset base = all.as(precision);
                for (Dataset d : new Dataset[] {base, base.rowRange(2, 2 + m), base.rows(scrambled)}) {
                    SparseColumns c = d.sparseColumns();
                    assertEquals(d.size(), c.samples());
                    assertEquals(d.storedValues(), c.nonZeros());
                    assertEquals(ones, c.unitValues());
                    double[][] seen = new double[d.size()][p];
                    int[] ptr = c.pointers();
                    int[] s = c.samplesOfEntries();
                    for (int j = 0; j < p; j++) {
                        for (int k = ptr[j]; k < ptr[j + 1]; k++) {
                            if (k > ptr[j]) {
                                assertTrue(s[k] > s[k - 1], "samples increase within a column");
                            }
                            assertEquals(0.0, seen[s[k]][j], "each entry once");
                            seen[s[k]][j] = c.value(k);
                        }
                    }
                    double[] dense = Tensors.toDoubleArray(d.features());
                    for (int i = 0; i < d.size(); i++) {
                        for (int j = 0; j < p; j++) {
                            assertEquals(dense[i * p + j], seen[i][j], 0.0, "entry " + i + "," + j);
                        }
                    }
                    int[] order = c.order();
                    int nonEmpty = 0;
                    for (int j = 0; j < p; j++) {
                        nonEmpty += ptr[j + 1] > ptr[j] ? 1 : 0;
                    }
                    assertEquals(nonEmpty, order.length);
                    for (int q = 1; q < order.length; q++) {
                        int before = ptr[order[q - 1] + 1] - ptr[order[q - 1]];
                        int now = ptr[order[q] + 1] - ptr[order[q]];
                        assertTrue(before > now || (before == now && order[q - 1] < order[q]), "longest first");
                    }
                }
            }
        }
    }

    @Test
    void builtOnceOnTheSecondRequestAndNeverForDenseData() {
        Dataset d = small(Precision.FLOAT64);
        assertNull(d.sparseColumnsOnReuse(), "first request: not built");
        SparseColumns c = d.sparseColumnsOnReuse();
        assertNotNull(c, "second request: built");
        assertSame(c, d.sparseColumnsOnReuse());
        assertSame(c, d.sparseColumns());
        assertSame(c, d.withSource("again").sparseColumns(), "the same rows share the index");
        Dataset other = small(Precision.FLOAT64);
        SparseColumns direct = other.sparseColumns();
        assertSame(direct, other.sparseColumnsOnReuse(), "an index built directly is used at once");
        Dataset dense = new Dataset(Nd4j.createFromArray(new double[][] {{1, 0}, {0, 2}}),
                Nd4j.createFromArray(1.0, 2.0));
        assertNull(dense.sparseColumns());
        assertNull(dense.sparseColumnsOnReuse());
        assertNull(dense.sparseColumnsOnReuse());
    }

    @Test
    void aMatrixOfOnesKeepsNoValues() {
        CsrMatrix a = CsrMatrix.ofDoubles(2, 2, new int[] {0, 1, 3}, new int[] {1, 0, 1}, new double[] {1, 1, 1});
        SparseColumns c = Dataset.sparse(a, Nd4j.createFromArray(0.0, 1.0)).sparseColumns();
        assertTrue(c.unitValues());
        assertNull(c.doubleValues());
        assertNull(c.floatValues());
        assertEquals(1.0, c.value(2), 0.0);
        assertArrayEquals(new int[] {0, 1, 3}, c.pointers());
        assertArrayEquals(new int[] {1, 0, 1}, c.samplesOfEntries());
        assertArrayEquals(new int[] {1, 0}, c.order());
        assertEquals(4 * 3 + 4 * 3 + 4 * 2, c.bytes());
    }

    /**
     * The labels as doubles: row order for a whole dataset, a row range and an index view (with a repeated row), in
     * both precisions and for dense data; copied once and kept (the same array on the next call).
     */
    @Test
    void labelValuesAreTheLabelsInRowOrderCopiedOnce() {
        for (Precision precision : Precision.values()) {
            Dataset d = small(precision); // labels 0, 1, 2, 3
            double[] all = d.labelValues();
            assertArrayEquals(new double[] {0, 1, 2, 3}, all, 0.0);
            assertSame(all, d.labelValues());
            assertArrayEquals(new double[] {1, 2}, d.rowRange(1, 3).labelValues(), 0.0);
            assertArrayEquals(new double[] {3, 0, 3}, d.rows(new int[] {3, 0, 3}).labelValues(), 0.0);
            Dataset dense = new Dataset(Tensors.zeros(precision, 3).reshape(3, 1),
                    Nd4j.createFromArray(0.5, -1.5, 2.25).reshape(3, 1).castTo(precision.dataType()));
            assertArrayEquals(new double[] {0.5, -1.5, 2.25}, dense.labelValues(), 0.0);
            assertFalse(d.labelsAreSigns());
            assertFalse(dense.labelsAreSigns());
            assertTrue(d.rows(new int[] {1, 1}).withLabels(Nd4j.createFromArray(1.0, -1.0).reshape(2, 1)
                    .castTo(precision.dataType())).labelsAreSigns());
            for (double bad : new double[] {0.0, Double.NaN, Double.POSITIVE_INFINITY,
                    precision == Precision.FLOAT64 ? Math.nextUp(1.0) : Math.nextUp(1.0f)}) {
                assertFalse(d.rowRange(0, 2).withLabels(Nd4j.createFromArray(-1.0, bad).reshape(2, 1)
                        .castTo(precision.dataType())).labelsAreSigns(), "label " + bad);
            }
        }
    }
}
