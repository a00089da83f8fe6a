package io.github.fl4j.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** CSR matrices and sparse datasets: views instead of copies, validation, conversion. */
class SparseDatasetTest {

    /** [[1, 0, 2], [0, 0, 0], [0, 3, 0], [4, 0, 5]], labels 0..3 (also used by {@link SparseColumnsTest}). */
    static Dataset small(Precision precision) {
        CsrMatrix a = CsrMatrix.ofDoubles(4, 3, new int[] {0, 2, 2, 3, 5}, new int[] {0, 2, 1, 0, 2},
                new double[] {1, 2, 3, 4, 5});
        return Dataset.sparse(a, Nd4j.createFromArray(0.0, 1.0, 2.0, 3.0).reshape(4, 1)).as(precision);
    }

    @Test
    void featuresDensifyAndViewsShareTheMatrix() {
        for (Precision precision : Precision.values()) {
            Dataset d = small(precision);
            assertTrue(d.isSparse());
            assertEquals(5, d.storedValues());
            assertArrayEquals(new double[] {1, 0, 2, 0, 0, 0, 0, 3, 0, 4, 0, 5}, Tensors.toDoubleArray(d.features()),
                    0.0);
            Dataset range = d.rowRange(1, 4);
            assertSame(d.sparseFeatures(), range.sparseFeatures());
            assertNull(range.sparseRowIndex());
            assertEquals(1, range.sparseRowFrom());
            assertArrayEquals(new double[] {0, 0, 0, 0, 3, 0, 4, 0, 5}, Tensors.toDoubleArray(range.features()), 0.0);
            assertArrayEquals(new double[] {1, 2, 3}, Tensors.toDoubleArray(range.labels()), 0.0);
            Dataset picked = d.rows(new int[] {3, 0});
            assertSame(d.sparseFeatures(), picked.sparseFeatures());
            assertArrayEquals(new int[] {3, 0}, picked.sparseRowIndex());
            assertArrayEquals(new double[] {4, 0, 5, 1, 0, 2}, Tensors.toDoubleArray(picked.features()), 0.0);
            assertArrayEquals(new double[] {3, 0}, Tensors.toDoubleArray(picked.labels()), 0.0);
            // consecutive indices give a range view; a view of a view composes
            Dataset consecutive = d.rows(new int[] {2, 3});
            assertNull(consecutive.sparseRowIndex());
            assertEquals(2, consecutive.sparseRowFrom());
            Dataset nested = picked.rows(new int[] {1});
            assertArrayEquals(new double[] {1, 0, 2}, Tensors.toDoubleArray(nested.features()), 0.0);
            assertEquals(3, range.rowRange(1, 3).storedValues());
            assertThrows(IllegalArgumentException.class, () -> d.rowRange(2, 5));
            assertThrows(IllegalArgumentException.class, () -> d.rows(new int[] {4}));
        }
    }

    @Test
    void precisionConversionSharesTheStructureAndRoundsOnce() {
        Dataset d = small(Precision.FLOAT64);
        Dataset f = d.as(Precision.FLOAT32);
        assertEquals(Precision.FLOAT32, f.precision());
        assertSame(d.sparseFeatures().columns(), f.sparseFeatures().columns());
        assertSame(d, d.as(Precision.FLOAT64));
        Dataset r = d.rowRange(1, 3).as(Precision.FLOAT32);
        assertEquals(1, r.sparseRowFrom());
        assertArrayEquals(new double[] {0, 0, 0, 0, 3, 0}, Tensors.toDoubleArray(r.features()), 0.0);
    }

    @Test
    void withLabelsKeepsTheSparseForm() {
        Dataset d = small(Precision.FLOAT64).rows(new int[] {2, 0});
        Dataset relabelled = d.withLabels(Nd4j.createFromArray(7.0, 8.0).reshape(2, 1));
        assertTrue(relabelled.isSparse());
        assertSame(d.sparseRowIndex(), relabelled.sparseRowIndex());
        assertArrayEquals(new double[] {7, 8}, Tensors.toDoubleArray(relabelled.labels()), 0.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> d.withLabels(Nd4j.createFromArray(1.0, 2.0, 3.0).reshape(3, 1)));
        assertTrue(e.getMessage().contains("[2, 1]"), e.getMessage());
    }

    @Test
    void badCsrArraysAreRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CsrMatrix.ofDoubles(1, 3,
                new int[] {0, 2}, new int[] {1, 1}, new double[] {1, 2}));
        assertTrue(e.getMessage().contains("row 0") && e.getMessage().contains("duplicate column index 1"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CsrMatrix.ofDoubles(1, 3, new int[] {0, 1},
                new int[] {3}, new double[] {1}));
        assertTrue(e.getMessage().contains("[0, 3)") && e.getMessage().contains("was 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CsrMatrix.ofDoubles(2, 3, new int[] {0, 1, 1},
                new int[] {0}, new double[] {Double.NaN}));
        assertTrue(e.getMessage().contains("row 0") && e.getMessage().contains("NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CsrMatrix.ofDoubles(2, 3, new int[] {0, 1},
                new int[] {0}, new double[] {1}));
        assertTrue(e.getMessage().contains("rows + 1 = 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.sparse(CsrMatrix.ofDoubles(2, 3,
                new int[] {0, 0, 0}, new int[0], new double[0]), Nd4j.createFromArray(1.0).reshape(1, 1)));
        assertTrue(e.getMessage().contains("one row per sample"), e.getMessage());
    }

    @Test
    void fromDenseRoundTrips() {
        RandomStream r = new RandomStream(3);
        double[][] a = new double[7][5];
        for (double[] row : a) {
            for (int j = 0; j < row.length; j++) {
                row[j] = r.nextDouble() < 0.4 ? r.nextDouble() - 0.5 : 0.0;
            }
        }
        CsrMatrix c = CsrMatrix.fromDense(Nd4j.createFromArray(a));
        assertArrayEquals(Tensors.toDoubleArray(Nd4j.createFromArray(a)), Tensors.toDoubleArray(c.toDense(0, 7, null)),
                0.0);
        assertEquals(c.nonZeros() / 35.0, c.density(), 0.0);
    }

    @Test
    void partitionsOfSparseDataAreViews() {
        Dataset d = small(Precision.FLOAT64);
        FederatedDataset fed = Partitioners.contiguous(d, d, 2);
        assertSame(d.sparseFeatures(), fed.client(0).sparseFeatures());
        assertNull(fed.client(1).sparseRowIndex(), "contiguous clients are row ranges");
        IndexPartition part = IndexPartition.of(d, d, new int[][] {{3, 1}, {0, 2}});
        Dataset c0 = part.client(0);
        assertSame(d.sparseFeatures(), c0.sparseFeatures());
        assertArrayEquals(new int[] {3, 1}, c0.sparseRowIndex());
        assertArrayEquals(new int[] {0, 1, 0, 1}, part.labelHistogram(0, 4));
        // the minibatch sampler serves index views of sparse data, in the dense sampler's order
        MinibatchSampler s = new MinibatchSampler(d, 3, new RandomStream(9));
        MinibatchSampler sd = new MinibatchSampler(new Dataset(d.features(), d.labels()), 3, new RandomStream(9));
        for (int b = 0; b < 4; b++) {
            Dataset sparse = s.next();
            Dataset dense = sd.next();
            assertSame(d.sparseFeatures(), sparse.sparseFeatures());
            assertArrayEquals(Tensors.toDoubleArray(dense.features()), Tensors.toDoubleArray(sparse.features()), 0.0);
            assertArrayEquals(Tensors.toDoubleArray(dense.labels()), Tensors.toDoubleArray(sparse.labels()), 0.0);
        }
    }

    @Test
    void unitValuesIsTrueExactlyWhenEveryStoredValueIsOne() {
        int[] ptr = {0, 2, 2, 3};
        int[] col = {0, 3, 1};
        CsrMatrix ones = CsrMatrix.ofDoubles(3, 4, ptr, col, new double[] {1, 1, 1});
        assertTrue(ones.unitValues());
        assertTrue(ones.as(Precision.FLOAT32).unitValues());
        assertTrue(CsrMatrix.ofFloats(3, 4, ptr, col, new float[] {1, 1, 1}).unitValues());
        assertFalse(CsrMatrix.ofDoubles(3, 4, ptr, col, new double[] {1, -1, 1}).unitValues());
        assertFalse(CsrMatrix.ofDoubles(3, 4, ptr, col, new double[] {1, 1, 1 + Math.ulp(1.0)}).unitValues());
        // 1 + ulp(1) rounds to 1 in float32: the float32 copy is a matrix of ones
        assertTrue(CsrMatrix.ofDoubles(3, 4, ptr, col, new double[] {1, 1, 1 + Math.ulp(1.0)})
                .as(Precision.FLOAT32).unitValues());
        assertTrue(CsrMatrix.ofDoubles(2, 4, new int[] {0, 0, 0}, new int[0], new double[0]).unitValues());
    }
}
