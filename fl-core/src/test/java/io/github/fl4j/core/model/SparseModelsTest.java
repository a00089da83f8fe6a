package io.github.fl4j.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.Evaluation;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.CsrMatrix;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Dense and sparse forms of the same data through every built-in model.
 *
 * <p>Exact cases (asserted bit for bit): logistic regression (every regulariser), least squares and the power
 * iteration sum in the same order for both forms (every dot product a plain sum in column order; the dense form adds
 * only +-0 terms, which change no partial sum, see {@code Rows}), so loss, gradient, SGD step, evaluation and smoothness
 * constant are equal bits in float64 and float32. Softmax regression computes dense logits with BLAS gemm and sparse
 * ones with the row kernels, in different orders: asserted to 1e-12 relative (float64). The matrices are random with
 * about 30% stored entries, an empty row and an empty column, and a one-column case (d = 1); the sparse forms are a
 * whole matrix, a row range of a larger matrix and an index list into it. Large enough batches also go through the
 * column kernels (from the second pass over the same dataset on), with the same bits.
 */
class SparseModelsTest {

    /** A random [m, p] matrix with ~30% entries in [-2, 2), row 1 and column p-1 (when p > 1) empty, labels +-1. */
    private static double[][] matrix(int m, int p, long seed) {
        return matrix(m, p, seed, false);
    }

    /** {@link #matrix(int, int, long)}, with every stored entry 1 when {@code binary} (the unit-value kernels). */
    private static double[][] matrix(int m, int p, long seed, boolean binary) {
        RandomStream r = new RandomStream(seed);
        double[][] a = new double[m][p];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < p; j++) {
                boolean empty = i == 1 || (p > 1 && j == p - 1);
                if (!empty && r.nextDouble() < 0.3) {
                    a[i][j] = binary ? 1.0 : 4 * r.nextDouble() - 2;
                }
            }
        }
        return a;
    }

    private static double[] labels(int m, long seed, int classes) {
        RandomStream r = new RandomStream(seed + 1);
        double[] y = new double[m];
        for (int i = 0; i < m; i++) {
            y[i] = classes == 0 ? 2 * r.nextDouble() - 1 : classes == 2 ? (r.nextBoolean(0.5) ? 1 : -1)
                    : r.nextInt(classes);
        }
        return y;
    }

    private static Dataset dense(double[][] a, double[] y, Precision precision) {
        return new Dataset(Nd4j.createFromArray(a), Nd4j.createFromArray(y).reshape(y.length, 1)).as(precision);
    }

    /** The same data in sparse form: whole, as a row range of a padded matrix, and as an index view. */
    private static List<Dataset> sparseForms(double[][] a, double[] y, Precision precision) {
        int m = a.length;
        int p = a[0].length;
        List<Dataset> forms = new ArrayList<>();
        forms.add(Dataset.sparse(CsrMatrix.fromDense(Nd4j.createFromArray(a)),
                Nd4j.createFromArray(y).reshape(m, 1)).as(precision));
        // a larger matrix [2 junk rows; a; 3 junk rows], of which a is the range [2, 2 + m)
        double[][] big = new double[m + 5][];
        double[] bigY = new double[m + 5];
        double[][] junk = matrix(5, p, 99);
        for (int i = 0; i < 2; i++) {
            big[i] = junk[i];
            bigY[i] = y[0];
        }
        for (int i = 0; i < m; i++) {
            big[2 + i] = a[i];
            bigY[2 + i] = y[i];
        }
        for (int i = 0; i < 3; i++) {
            big[2 + m + i] = junk[2 + i];
            bigY[2 + m + i] = y[0];
        }
        Dataset all = Dataset.sparse(CsrMatrix.fromDense(Nd4j.createFromArray(big)),
                Nd4j.createFromArray(bigY).reshape(m + 5, 1)).as(precision);
        Dataset range = all.rowRange(2, 2 + m);
        assertTrue(range.isSparse());
        assertEquals(null, range.sparseRowIndex());
        forms.add(range);
        // an index view: rows in a permuted order of the big matrix, then re-ordered back through a second view
        int[] reversed = new int[m];
        for (int i = 0; i < m; i++) {
            reversed[i] = 2 + m - 1 - i;
        }
        Dataset rev = all.rows(reversed);
        int[] back = new int[m];
        for (int i = 0; i < m; i++) {
            back[i] = m - 1 - i;
        }
        Dataset indexed = rev.rows(back);
        assertTrue(indexed.isSparse());
        assertTrue(indexed.sparseRowIndex() != null || m == 1);
        forms.add(indexed);
        return forms;
    }

    private static INDArray params(long d, Precision precision, long seed) {
        INDArray x = Tensors.zeros(precision, d);
        new RandomStream(seed).fillGaussian(x, 0, 1);
        return x;
    }

    private static List<Model> exactModels(int p) {
        return List.of(new LogisticRegression(p), new LogisticRegression(p, 0.3),
                LogisticRegression.nonConvex(p, 0.1), new LeastSquares(p));
    }

    private static double[] labelsFor(Model model, int m, long seed) {
        return labels(m, seed, model instanceof LeastSquares ? 0 : 2);
    }

    /**
     * The column kernels' margins mask each sample index with the output's length less one, which the JIT turns into
     * no bounds check at all: an output whose length is a power of two takes that path, any other length the row
     * kernels. Both give the same bits, for every sparse form (plain, a row range, an index list), binary and real
     * values, both precisions, rows and columns left empty; and {@link Rows#powerOfTwoAtLeast} sizes the scratch.
     */
    @Test
    void columnMarginsWithAMaskedIndexHaveTheBitsOfTheRowKernels() {
        assertEquals(1, Rows.powerOfTwoAtLeast(0));
        assertEquals(1, Rows.powerOfTwoAtLeast(1));
        assertEquals(128, Rows.powerOfTwoAtLeast(97));
        assertEquals(128, Rows.powerOfTwoAtLeast(128));
        assertEquals(1 << 30, Rows.powerOfTwoAtLeast((1 << 29) + 1));
        assertEquals((1 << 30) + 1, Rows.powerOfTwoAtLeast((1 << 30) + 1));
        assertFalse(Rows.powerOfTwo(0));
        assertFalse(Rows.powerOfTwo(97));
        assertTrue(Rows.powerOfTwo(64));
        for (boolean binary : new boolean[] {true, false}) {
            for (Precision precision : Precision.values()) {
                int m = 97;
                int p = 33;
                double[][] a = matrix(m, p, 5L + (binary ? 1 : 0), binary);
                double[] y = new double[m];
                java.util.Arrays.fill(y, 1.0);
                double[] x = new double[p];
                for (int j = 0; j < p; j++) {
                    x[j] = Math.sin(3.7 * j + 1) * (j + 1);
                }
                double[] c = new double[128];
                for (int i = 0; i < m; i++) {
                    c[i] = Math.cos(1.3 * i) / (i + 2);
                }
                for (Dataset sparse : sparseForms(a, y, precision)) {
                    String what = (binary ? "binary " : "real ") + precision + " " + sparse;
                    Rows.Set set = new Rows.Set();
                    Rows rows = set.of(sparse); // the first call: row kernels (no column index yet)
                    assertFalse(rows instanceof Rows.ColumnRows, what);
                    double[] byRows = new double[m];
                    rows.dots(0, m, x, byRows);
                    double[] gByRows = new double[p];
                    rows.axpys(0, m, c, gByRows);
                    rows.clear();
                    sparse.sparseColumns(); // build the index: from now on the column kernels
                    rows = set.of(sparse);
                    assertTrue(rows instanceof Rows.ColumnRows, what);
                    double[] masked = new double[128];
                    java.util.Arrays.fill(masked, 7.0); // stale values beyond m must not matter
                    rows.dots(0, m, x, masked);
                    double[] unmasked = new double[m + 3]; // not a power of two: the row kernels
                    rows.dots(0, m, x, unmasked);
                    double[] gByColumns = new double[p];
                    rows.axpys(0, m, c, gByColumns);
                    rows.clear();
                    for (int i = 0; i < m; i++) {
                        assertEquals(Double.doubleToRawLongBits(byRows[i]), Double.doubleToRawLongBits(masked[i]),
                                what + " margin " + i);
                        assertEquals(Double.doubleToRawLongBits(byRows[i]), Double.doubleToRawLongBits(unmasked[i]),
                                what + " margin " + i + " (row kernels)");
                    }
                    assertEquals(7.0, masked[m], 0.0, what + ": nothing written beyond the batch");
                    assertArrayEquals(gByRows, gByColumns, 0.0, what + ": gradient");
                }
            }
        }
    }

    @Test
    void logisticAndLeastSquaresGiveTheSameBitsDenseAndSparse() {
        sameBitsDenseAndSparse(false);
    }

    /** A matrix of ones takes the kernels that read no values ({@code CsrMatrix.unitValues}): the same bits again. */
    @Test
    void binaryFeaturesGiveTheSameBitsDenseAndSparse() {
        sameBitsDenseAndSparse(true);
    }

    private void sameBitsDenseAndSparse(boolean binary) {
        // the last four are large enough for the column kernels (Rows.ColumnRows.worthIt), which every call after the
        // first on the same sparse dataset uses: lossAndGradient takes the row kernels, loss, evaluate and the SGD
        // steps the column kernels, and all must give the dense bits
        int[][] shapes = {{13, 21}, {9, 1}, {1, 8}, {40, 123}, {17, 16}, {70, 300}, {200, 1}, {130, 7}, {97, 33}};
        for (Precision precision : Precision.values()) {
            for (int[] shape : shapes) {
                int m = shape[0];
                int p = shape[1];
                double[][] a = matrix(m, p, 7L * m + p, binary);
                assertEquals(binary, CsrMatrix.fromDense(Nd4j.createFromArray(a)).unitValues(), "unit values");
                for (Model model : exactModels(p)) {
                    double[] y = labelsFor(model, m, m + 31L * p);
                    Dataset dense = dense(a, y, precision);
                    INDArray x = params(p, precision, 5);
                    INDArray gDense = Tensors.zeros(precision, p);
                    double lossDense = model.lossAndGradient(x, dense, gDense);
                    double loss2 = model.loss(x, dense);
                    Evaluation eDense = model.evaluate(x, dense);
                    String what = model + " " + precision + " " + m + "x" + p;
                    assertEquals(lossDense, loss2, 0.0, what + ": loss() and lossAndGradient()");
                    for (Dataset sparse : sparseForms(a, y, precision)) {
                        INDArray gSparse = Tensors.zeros(precision, p);
                        double lossSparse = model.lossAndGradient(x, sparse, gSparse);
                        assertEquals(lossDense, lossSparse, 0.0, what);
                        assertArrayEquals(Tensors.toDoubleArray(gDense), Tensors.toDoubleArray(gSparse), 0.0, what);
                        assertEquals(loss2, model.loss(x, sparse), 0.0, what);
                        Evaluation eSparse = model.evaluate(x, sparse);
                        assertEquals(eDense.loss(), eSparse.loss(), 0.0, what);
                        assertEquals(eDense.accuracy(), eSparse.accuracy(), 0.0, what);
                        // SGD steps
                        INDArray xd = x.dup();
                        INDArray xs = x.dup();
                        INDArray scratch = Tensors.zeros(precision, p);
                        for (int step = 0; step < 3; step++) {
                            assertEquals(model.sgdStep(xd, dense, 0.1, scratch), model.sgdStep(xs, sparse, 0.1,
                                    scratch), 0.0, what);
                        }
                        assertArrayEquals(Tensors.toDoubleArray(xd), Tensors.toDoubleArray(xs), 0.0, what);
                        // the gradient once more, now certainly by the column kernels where they apply
                        INDArray gAgain = Tensors.zeros(precision, p);
                        assertEquals(lossDense, model.lossAndGradient(x, sparse, gAgain), 0.0, what);
                        assertArrayEquals(Tensors.toDoubleArray(gDense), Tensors.toDoubleArray(gAgain), 0.0, what);
                        boolean columns = Rows.ColumnRows.worthIt(sparse);
                        assertEquals(columns, Rows.ColumnRows.ENABLED && m >= 64, what + ": shapes meant for the column kernels");
                        // the models asked for the index more than once, so it exists exactly where they used it
                        assertEquals(columns, sparse.sparseColumnsOnReuse() != null, what + ": column index built");
                    }
                }
            }
        }
    }

    /**
     * The dense kernel against a hand-written gradient in float64: logistic loss and gradient by the textbook
     * formula, summed in plain row and column order; agreement to 1e-14 relative (a different summation order).
     */
    @Test
    void logisticGradientMatchesTheFormula() {
        int m = 11;
        int p = 19;
        double[][] a = matrix(m, p, 3);
        double[] y = labels(m, 3, 2);
        double[] x = Tensors.toDoubleArray(params(p, Precision.FLOAT64, 4));
        double loss = 0;
        double[] g = new double[p];
        for (int i = 0; i < m; i++) {
            double z = 0;
            for (int j = 0; j < p; j++) {
                z += a[i][j] * x[j];
            }
            double t = -y[i] * z;
            loss += Math.log1p(Math.exp(t)) / m;
            double c = -y[i] / (1 + Math.exp(-t)) / m;
            for (int j = 0; j < p; j++) {
                g[j] += c * a[i][j];
            }
        }
        LogisticRegression model = new LogisticRegression(p);
        for (Dataset d : sparseForms(a, y, Precision.FLOAT64)) {
            INDArray out = Tensors.zeros(Precision.FLOAT64, p);
            assertEquals(loss, model.lossAndGradient(Nd4j.createFromArray(x), d, out), 1e-14 * loss);
            double[] got = Tensors.toDoubleArray(out);
            for (int j = 0; j < p; j++) {
                assertEquals(g[j], got[j], 1e-14 * (Math.abs(g[j]) + 1e-300), "coordinate " + j);
            }
            assertEquals(0.0, got[p - 1], 0.0, "the empty column has a zero gradient");
        }
    }

    @Test
    void softmaxAgreesDenseAndSparse() {
        int[][] shapes = {{13, 21}, {9, 1}, {40, 60}};
        int k = 4;
        for (int[] shape : shapes) {
            int m = shape[0];
            int p = shape[1];
            double[][] a = matrix(m, p, 11L * m + p);
            double[] y = labels(m, m + p, k);
            for (double lambda : new double[] {0.0, 0.2}) {
                SoftmaxRegression model = new SoftmaxRegression(p, k, lambda);
                INDArray x = params(model.dimension(), Precision.FLOAT64, 6);
                Dataset dense = dense(a, y, Precision.FLOAT64);
                INDArray gd = Tensors.zeros(Precision.FLOAT64, model.dimension());
                double ld = model.lossAndGradient(x, dense, gd);
                Evaluation ed = model.evaluate(x, dense);
                for (Dataset sparse : sparseForms(a, y, Precision.FLOAT64)) {
                    INDArray gs = Tensors.zeros(Precision.FLOAT64, model.dimension());
                    double ls = model.lossAndGradient(x, sparse, gs);
                    assertEquals(ld, ls, 1e-12 * ld);
                    assertEquals(ld, model.loss(x, sparse), 1e-12 * ld);
                    double[] a1 = Tensors.toDoubleArray(gd);
                    double[] a2 = Tensors.toDoubleArray(gs);
                    double scale = 0;
                    for (double v : a1) {
                        scale = Math.max(scale, Math.abs(v));
                    }
                    for (int j = 0; j < a1.length; j++) {
                        assertEquals(a1[j], a2[j], 1e-12 * scale, "coordinate " + j);
                    }
                    Evaluation es = model.evaluate(x, sparse);
                    assertEquals(ed.loss(), es.loss(), 1e-12 * ed.loss());
                    assertEquals(ed.accuracy(), es.accuracy(), 0.0);
                }
            }
        }
    }

    @Test
    void gradientChecksPassOnSparseData() {
        int m = 12;
        int p = 9;
        double[][] a = matrix(m, p, 21);
        for (Model model : List.of(new LogisticRegression(p, 0.3), LogisticRegression.nonConvex(p, 0.1),
                new LeastSquares(p), new SoftmaxRegression(p, 3, 0.1))) {
            double[] y = model instanceof SoftmaxRegression ? labels(m, 5, 3) : labelsFor(model, m, 5);
            for (Dataset sparse : sparseForms(a, y, Precision.FLOAT64)) {
                INDArray x = params(model.dimension(), Precision.FLOAT64, 8);
                GradientCheck.Result r = GradientCheck.check(model, x, sparse);
                // central differences with h = 1e-6 on a loss of order 1: absolute noise ~1e-10, so tiny
                // coordinates (~1e-5) see relative errors of a few 1e-6
                assertTrue(r.passes(1e-5) && r.maxAbsoluteError() < 1e-8, model + ": " + r);
            }
        }
    }

    /** A wrong sparse kernel would be caught: the gradient check fails for a gradient of the wrong data. */
    @Test
    void theGradientCheckCanFailOnSparseData() {
        int m = 12;
        int p = 9;
        double[][] a = matrix(m, p, 21);
        double[] y = labels(m, 5, 2);
        Model model = new LogisticRegression(p);
        Dataset sparse = sparseForms(a, y, Precision.FLOAT64).get(2);
        Dataset other = sparse.rows(new int[] {0, 2, 3});
        Model wrong = new Model() {
            public long dimension() {
                return p;
            }

            public void initialParameters(RandomStream rng, INDArray out) {
                model.initialParameters(rng, out);
            }

            public double lossAndGradient(INDArray params, Dataset batch, INDArray gradientOut) {
                model.lossAndGradient(params, other, gradientOut);
                return model.loss(params, batch);
            }

            public double loss(INDArray params, Dataset batch) {
                return model.loss(params, batch);
            }

            public Evaluation evaluate(INDArray params, Dataset data) {
                return model.evaluate(params, data);
            }
        };
        assertFalse(GradientCheck.check(wrong, params(p, Precision.FLOAT64, 8), sparse).passes(1e-6));
    }

    @Test
    void smoothnessConstantsAreTheSameDenseAndSparse() {
        // 30 x 17: row kernels only; 150 x 9: the power iteration's second product onwards on the column kernels
        for (int[] shape : new int[][] {{30, 17}, {150, 9}}) {
            double[][] a = matrix(shape[0], shape[1], 41);
            double[] y = labels(shape[0], 41, 2);
            for (Precision precision : Precision.values()) {
                double dense = SmoothnessConstants.largestEigenvalueOfGram(dense(a, y, precision));
                for (Dataset sparse : sparseForms(a, y, precision)) {
                    assertEquals(dense, SmoothnessConstants.largestEigenvalueOfGram(sparse), 0.0);
                    assertEquals(Rows.ColumnRows.ENABLED && shape[0] > 64, sparse.sparseColumnsOnReuse() != null,
                            "column index built");
                }
            }
        }
        // A = diag(3, 1) stacked: lambda_max(A^T A / 2) = 9 / 2
        Dataset diag = Dataset.sparse(CsrMatrix.ofDoubles(2, 2, new int[] {0, 1, 2}, new int[] {0, 1},
                new double[] {3, 1}), Nd4j.createFromArray(1.0, 1.0).reshape(2, 1));
        assertEquals(4.5, SmoothnessConstants.largestEigenvalueOfGram(diag), 1e-12);
    }
}
