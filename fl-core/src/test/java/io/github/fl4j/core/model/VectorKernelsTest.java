package io.github.fl4j.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.fl4j.core.data.CsrMatrix;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.LaneIndex;
import io.github.fl4j.core.data.SparseColumns;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The SIMD column kernels ({@link VectorKernels}) and their lane layout ({@link LaneIndex}).
 *
 * <p>Oracle: the scalar row kernels ({@code Rows.SparseRows}), which the dense kernels match bit for bit. Every margin
 * and every gradient element of the vector kernels must have the same bits, for binary, float64 and float32 values,
 * shapes with fewer rows or columns than lanes, a partial last group, empty rows and columns, and infinite and NaN
 * inputs. The build's tests run with the Vector API module, so on a processor with 512-bit vectors (this project's CI)
 * the vector kernels run here; elsewhere the comparisons are skipped and the layout tests still run.
 */
class VectorKernelsTest {

    /** A random [m, p] sparse matrix with about {@code density} stored entries, row 0 and column p-1 empty (p > 1). */
    private static CsrMatrix matrix(int m, int p, double density, long seed, int kind) {
        RandomStream r = new RandomStream(seed);
        double[][] a = new double[m][p];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < p; j++) {
                boolean empty = (i == 0 && m > 1) || (p > 1 && j == p - 1);
                if (!empty && r.nextDouble() < density) {
                    a[i][j] = kind == 0 ? 1.0 : 4 * r.nextDouble() - 2;
                }
            }
        }
        CsrMatrix csr = CsrMatrix.fromDense(Nd4j.createFromArray(a));
        return kind == 2 ? csr.as(Precision.FLOAT32) : csr;
    }

    private static Dataset dataset(CsrMatrix a) {
        double[] y = new double[a.rows()];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 3 == 0 ? -1.0 : 1.0;
        }
        Precision precision = a.precision();
        return Dataset.sparse(a, Nd4j.createFromArray(y).reshape(y.length, 1).castTo(precision.dataType()));
    }

    private static final int[][] SHAPES = {{1, 1}, {3, 5}, {8, 8}, {9, 1}, {17, 9}, {64, 33}, {97, 40}, {200, 300}};

    /**
     * The switch: off without the module, on another architecture or with {@code fl4j.simd=false}; otherwise on
     * exactly when the JVM's preferred vector holds at least eight doubles (asked of the Vector API directly) and the
     * warm-up succeeded (its time in the description). {@link Simd} reports the same.
     */
    @Test
    void theVectorKernelsRunExactlyWhenTheModuleAndWideVectorsArePresent() {
        assertEquals(VectorKernels.ENABLED, Simd.enabled());
        assertEquals(VectorKernels.describe(), Simd.describe());
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        String arch = System.getProperty("os.arch");
        boolean x86 = "amd64".equals(arch) || "x86_64".equals(arch);
        boolean off = "false".equalsIgnoreCase(System.getProperty("fl4j.simd", "").trim());
        if (!module || !x86 || off) {
            assertFalse(VectorKernels.ENABLED);
            assertEquals(0, VectorKernels.LANES);
            assertTrue(VectorKernels.describe().startsWith("off ("), VectorKernels.describe());
            return;
        }
        boolean wide = VectorLoops.preferredLanes() >= 8;
        boolean warmUpFailed = VectorKernels.describe().contains("did not compile");
        assertEquals(wide && !warmUpFailed, VectorKernels.ENABLED, VectorKernels.describe());
        assertEquals(VectorKernels.ENABLED ? 8 : 0, VectorKernels.LANES);
        if (VectorKernels.ENABLED) {
            assertTrue(VectorKernels.describe().matches("8 lanes \\(Vector API, compiled in \\d+ ms"
                    + (VectorKernels.BOUNDS_CHECKED ? "" : ", its bounds checks off") + "\\)"),
                    VectorKernels.describe());
        }
        String level = System.getProperty("jdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK");
        assertEquals(level == null || Integer.parseInt(level) != 0, VectorKernels.BOUNDS_CHECKED,
                String.valueOf(level));
    }

    /**
     * The vector passes check the lengths of the arrays they are given before any loop runs (the layout's indices are
     * in range by construction), so a short array fails with a message naming it, with or without the Vector API's own
     * bounds checks, and nothing is written.
     */
    @Test
    void shortArraysAreRejectedBeforeAnyVectorLoopRuns() {
        assumeTrue(VectorKernels.ENABLED, "the vector kernels do not run here: " + VectorKernels.describe());
        CsrMatrix a = matrix(40, 30, 0.3, 5L, 0);
        LaneIndex ix = dataset(a).sparseColumns().lanes(VectorKernels.LANES);
        double[] out = new double[40];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VectorKernels.margins(ix, new double[30], out));
        assertTrue(e.getMessage().contains("x of at least 31") && e.getMessage().contains("had 30"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> VectorKernels.margins(ix, new double[31], new double[39]));
        assertTrue(e.getMessage().contains("out of at least 40"), e.getMessage());
        double[] g = new double[30];
        e = assertThrows(IllegalArgumentException.class, () -> VectorKernels.gather(ix, new double[40], g));
        assertTrue(e.getMessage().contains("c of at least 41"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> VectorKernels.gather(ix, new double[41], new double[29]));
        assertTrue(e.getMessage().contains("g of at least 30"), e.getMessage());
        double[] t = new double[64];
        e = assertThrows(IllegalArgumentException.class,
                () -> VectorKernels.expOfMinusAbs(t, 8, 56, new double[64], new double[63], new double[64]));
        assertTrue(e.getMessage().contains("[8, 64)") && e.getMessage().contains("kd 63"), e.getMessage());
        for (double v : out) {
            assertEquals(0.0, v);
        }
        for (double v : g) {
            assertEquals(0.0, v);
        }
    }

    @Test
    void theLaneLayoutHoldsEveryEntryOnceInOrderAndPadsWithTheSpareSlot() {
        for (int kind = 0; kind < 3; kind++) {
            for (int[] shape : SHAPES) {
                for (int lanes : new int[] {1, 4, 8}) {
                    CsrMatrix a = matrix(shape[0], shape[1], 0.3, 11L * shape[0] + shape[1] + kind, kind);
                    SparseColumns cols = dataset(a).sparseColumns();
                    LaneIndex ix = cols.lanes(lanes);
                    assertSame(ix, cols.lanesIfBuilt());
                    String what = "kind " + kind + " " + ix;
                    assertEquals(lanes, ix.lanes());
                    checkColumns(cols, ix, what);
                    checkRows(a, ix, what);
                    assertTrue(cols.bytes() > ix.bytes(), what);
                }
            }
        }
    }

    private static void checkColumns(SparseColumns cols, LaneIndex ix, String what) {
        int w = ix.lanes();
        int[] ptr = cols.pointers();
        boolean[] seen = new boolean[cols.cols()];
        int filled = 0;
        for (int q = 0; q < ix.columnGroups(); q++) {
            for (int l = 0; l < w; l++) {
                int j = ix.columnOfLane()[q * w + l];
                if (j < 0) {
                    continue;
                }
                filled++;
                assertFalse(seen[j], what + ": column " + j + " twice");
                seen[j] = true;
                int len = ptr[j + 1] - ptr[j];
                assertTrue(len <= ix.columnLength()[q], what);
                for (int t = 0; t < ix.columnLength()[q]; t++) {
                    int at = ix.columnStart()[q] + t * w + l;
                    int sample = t < len ? cols.samplesOfEntries()[ptr[j] + t] : ix.samples();
                    double value = t < len ? cols.value(ptr[j] + t) : 0.0;
                    assertEquals(sample, ix.columnSamples()[at], what + " column " + j + " step " + t);
                    if (ix.columnValues() != null) {
                        assertEquals(value, ix.columnValues()[at], 0.0, what);
                    }
                }
            }
        }
        assertEquals(cols.order().length, filled, what + ": every non-empty column in one lane");
    }

    private static void checkRows(CsrMatrix a, LaneIndex ix, String what) {
        int w = ix.lanes();
        boolean[] seen = new boolean[a.rows()];
        int previousLength = -1;
        int partial = a.rows() % w;
        int shortestFull = Integer.MAX_VALUE;
        for (int k = 0; k < a.rows() - partial; k++) {
            int i = ix.rowOfLane()[k];
            shortestFull = Math.min(shortestFull, a.rowPointers()[i + 1] - a.rowPointers()[i]);
        }
        for (int q = 0; q < ix.rowGroups(); q++) {
            boolean last = partial > 0 && q == ix.rowGroups() - 1;
            if (last) {
                previousLength = -1;
            }
            for (int l = 0; l < w; l++) {
                int i = ix.rowOfLane()[q * w + l];
                if (i < 0) {
                    assertTrue(last && l >= partial, what + ": only the last group has empty lanes, after its rows");
                    continue;
                }
                assertFalse(seen[i], what + ": row " + i + " twice");
                seen[i] = true;
                int from = a.rowPointers()[i];
                int len = a.rowPointers()[i + 1] - from;
                assertTrue(len >= previousLength, what + ": rows shortest first");
                assertTrue(!last || len <= shortestFull, what + ": the partial group holds the shortest rows");
                previousLength = len;
                for (int t = 0; t < ix.rowLength()[q]; t++) {
                    int at = ix.rowStart()[q] + t * w + l;
                    assertEquals(t < len ? a.columns()[from + t] : ix.cols(), ix.rowColumns()[at], what + " row " + i);
                    if (ix.rowValues() != null) {
                        double v = t >= len ? 0.0 : a.doubleValues() != null ? a.doubleValues()[from + t]
                                : a.floatValues()[from + t];
                        assertEquals(v, ix.rowValues()[at], 0.0, what);
                    }
                }
            }
        }
        for (int i = 0; i < a.rows(); i++) {
            assertTrue(seen[i], what + ": row " + i + " missing");
        }
    }

    @Test
    void aLaneCountOutsideOneToSixtyFourIsRejected() {
        SparseColumns cols = dataset(matrix(5, 4, 0.5, 3, 0)).sparseColumns();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cols.lanes(0));
        assertTrue(e.getMessage().contains("lanes") && e.getMessage().contains("was 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cols.lanes(65));
    }

    /** Margins and gradient of the vector kernels against the scalar row kernels, bit for bit. */
    @Test
    void theVectorKernelsGiveTheBitsOfTheRowKernels() {
        assumeTrue(VectorKernels.ENABLED, "the vector kernels do not run here: " + VectorKernels.describe());
        int cases = 0;
        for (int kind = 0; kind < 3; kind++) {
            for (int[] shape : SHAPES) {
                for (double density : new double[] {0.05, 0.3, 0.9}) {
                    int m = shape[0];
                    int p = shape[1];
                    CsrMatrix a = matrix(m, p, density, 31L * m + 7L * p + kind, kind);
                    Dataset data = dataset(a);
                    LaneIndex ix = data.sparseColumns().lanes(VectorKernels.LANES);
                    for (int special = 0; special < 3; special++) {
                        String what = "kind " + kind + " m " + m + " p " + p + " density " + density
                                + " special " + special;
                        double[] x = new double[p + 1];
                        double[] c = new double[m + 1];
                        fill(x, p, 5L * m + p, special);
                        fill(c, m, 3L * m + p, special);
                        x[p] = 0.0;
                        c[m] = 0.0;
                        Rows.SparseRows rows = new Rows.SparseRows();
                        rows.reset(a, 0, null, m);
                        double[] expectedT = new double[m];
                        rows.dots(0, m, x, expectedT);
                        double[] expectedG = initialGradient(p);
                        rows.axpys(0, m, c, expectedG);
                        rows.clear();
                        double[] t = new double[m + 2];
                        t[m] = 7.0;
                        t[m + 1] = 7.0;
                        VectorKernels.margins(ix, x, t);
                        double[] g = initialGradient(p);
                        VectorKernels.gather(ix, c, g);
                        for (int i = 0; i < m; i++) {
                            assertSameBits(expectedT[i], t[i], what + " margin " + i);
                        }
                        assertEquals(7.0, t[m], 0.0, what + ": nothing written past the samples");
                        assertEquals(7.0, t[m + 1], 0.0, what);
                        for (int j = 0; j < p; j++) {
                            assertSameBits(expectedG[j], g[j], what + " gradient " + j);
                        }
                        cases++;
                    }
                }
            }
        }
        assertEquals(3 * SHAPES.length * 3 * 3, cases);
    }

    /**
     * The logistic pass's elementwise part eight rows at a time ({@code logisticTerms}) followed by the block sums of
     * its terms ({@code softplusOfTerms}) against the fused scalar loop ({@code softplusOfLabelled}), bit for bit:
     * the coefficients and every block's sum, for lengths that are multiples of eight (others are refused), labels at
     * an offset, margins of every scale, infinities, NaN and zeros of both signs; and the whole chunk
     * ({@code Scratch.logisticChunk}, which sends every block but the last through them) against the fused loop
     * block by block, for lengths with a partial last block.
     */
    @Test
    void theVectorLogisticTermsGiveTheBitsOfTheFusedScalarLoop() {
        assumeTrue(VectorKernels.ENABLED, "the vector kernels do not run here: " + VectorKernels.describe());
        RandomStream r = new RandomStream(43);
        double[] specials = {0.0, -0.0, 800.0, -800.0, 40.0, -40.0, 1e-300, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, Double.NaN};
        Kernels.Scratch scratch = new Kernels.Scratch();
        int checked = 0;
        for (int n : new int[] {8, 16, 24, 64, 65, 79, 80, 200, 2487}) {
            for (int mode = 0; mode < 3; mode++) {
                int offset = r.nextInt(4);
                double[] y = new double[offset + n];
                for (int i = 0; i < y.length; i++) {
                    y[i] = r.nextBoolean(0.5) ? 1.0 : -1.0;
                }
                double[] t = new double[n];
                double[] e = new double[n];
                for (int q = 0; q < n; q++) {
                    t[q] = mode == 0 ? r.nextGaussian() * 4 : mode == 1 ? (r.nextDouble() - 0.5) * 100
                            : r.nextBoolean(0.3) ? specials[r.nextInt(specials.length)] : r.nextGaussian();
                    e[q] = Exp.exp(-Math.abs(t[q]));
                }
                double scale = 1.0 / (n + offset);
                String what = "n " + n + " mode " + mode;
                double[] fused = e.clone();
                double expected = 0.25;
                for (int b = 0; b < n; b += Kernels.BLOCK) {
                    expected += Kernels.softplusOfLabelled(t, y, offset, b, Math.min(Kernels.BLOCK, n - b), fused,
                            scale);
                }
                if (n % 8 == 0) {
                    double[] split = e.clone();
                    double[] u = new double[n];
                    double[] lin = new double[n];
                    double[] rnd = new double[n];
                    VectorKernels.logisticTerms(t, y, offset, n, split, scale, u, lin, rnd);
                    double[] check = e.clone();
                    for (int b = 0; b < n; b += Kernels.BLOCK) {
                        int len = Math.min(Kernels.BLOCK, n - b);
                        double want = Kernels.softplusOfLabelled(t, y, offset, b, len, check, scale);
                        double got = Kernels.softplusOfTerms(u, lin, rnd, t, y, offset, b, len);
                        assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(got), what + " block " + b);
                    }
                    assertCoefficients(fused, split, t, what + " terms");
                } else {
                    assertThrows(IllegalArgumentException.class, () -> VectorKernels.logisticTerms(t, y, offset, n,
                            e.clone(), scale, new double[n], new double[n], new double[n]));
                }
                double[] c = new double[n + 1];
                double got = scratch.logisticChunk(t, y, offset, n, c, scale, 0.25);
                assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(got), what + " chunk");
                assertCoefficients(fused, c, t, what + " chunk");
                checked++;
            }
        }
        assertEquals(27, checked);
        assertThrows(IllegalArgumentException.class, () -> VectorKernels.logisticTerms(new double[16],
                new double[16], 1, 16, new double[16], 1.0, new double[16], new double[16], new double[16]));
    }

    private static void assertCoefficients(double[] want, double[] got, double[] t, String what) {
        for (int q = 0; q < want.length; q++) {
            assertEquals(Double.doubleToLongBits(want[q]), Double.doubleToLongBits(got[q]),
                    what + ": coefficient " + q + " of margin " + t[q]);
        }
    }

    /**
     * The exponential eight at a time against the scalar passes and {@link Exp#exp}, bit for bit: lengths that are and
     * are not multiples of eight, arguments across the whole range, around the table's bound (-708 and the k bound
     * just above it), infinities, NaN, zeros of both signs, in place and into another array.
     */
    @Test
    void theVectorExponentialGivesTheBitsOfTheScalarOne() {
        assumeTrue(VectorKernels.ENABLED, "the vector kernels do not run here: " + VectorKernels.describe());
        RandomStream r = new RandomStream(41);
        double[] specials = {0.0, -0.0, 708.0, -708.0, 708.0016, 707.99, 708.0017, 709.0, 745.2, 746.0, 1e300,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, Double.MIN_VALUE, 1e-300, 0.5, -36.7};
        int checked = 0;
        for (int n : new int[] {1, 7, 8, 9, 16, 63, 64, 200, 2487}) {
            for (int mode = 0; mode < 3; mode++) {
                double[] t = new double[n + 3];
                for (int i = 0; i < t.length; i++) {
                    t[i] = mode == 0 ? r.nextGaussian() * 5 : mode == 1 ? (r.nextDouble() - 0.5) * 1500
                            : specials[r.nextInt(specials.length)] * (r.nextBoolean(0.5) ? 1 : -1);
                }
                int from = 2;
                double[] kd = new double[t.length];
                double[] p = new double[t.length];
                Exp.reduce(t, from, n, kd, p);
                double[] expected = new double[t.length];
                Exp.scale(t, from, n, expected, kd, p);
                double[] actual = new double[t.length];
                VectorKernels.expOfMinusAbs(t, from, n, actual, new double[t.length], new double[t.length]);
                double[] inPlace = t.clone();
                VectorKernels.expOfMinusAbs(inPlace, from, n, inPlace, new double[t.length], new double[t.length]);
                for (int q = from; q < from + n; q++) {
                    String what = "n " + n + " mode " + mode + " t[" + q + "] = " + t[q];
                    assertSameBits(expected[q], actual[q], what);
                    assertSameBits(expected[q], inPlace[q], what + " (in place)");
                    assertSameBits(Exp.exp(-Math.abs(t[q])), actual[q], what + " (against exp)");
                    checked++;
                }
                assertEquals(0.0, actual[0], 0.0, "nothing written before from");
                assertEquals(0.0, actual[from + n], 0.0, "nothing written past the end");
            }
        }
        assertEquals(3 * (1 + 7 + 8 + 9 + 16 + 63 + 64 + 200 + 2487), checked);
    }

    /** A gradient that starts from non-zero values (the kernels add to it), -0 in one place. */
    private static double[] initialGradient(int p) {
        double[] g = new double[p];
        for (int j = 0; j < p; j++) {
            g[j] = j % 4 == 0 ? 0.0 : j % 4 == 1 ? -0.0 : Math.cos(j) * 1e-3;
        }
        return g;
    }

    /** Random values, and for special 1 an infinity, for special 2 a NaN and both infinities among them. */
    private static void fill(double[] v, int n, long seed, int special) {
        RandomStream r = new RandomStream(seed);
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3);
        }
        if (special >= 1 && n > 2) {
            v[n / 2] = Double.POSITIVE_INFINITY;
        }
        if (special == 2 && n > 2) {
            v[0] = Double.NaN;
            v[n - 1] = Double.NEGATIVE_INFINITY;
        }
    }

    /** The same bits, every NaN alike (which NaN an operation on two returns depends on the JIT's operand order). */
    private static void assertSameBits(double expected, double actual, String what) {
        if (Double.isNaN(expected)) {
            assertTrue(Double.isNaN(actual), what + ": expected NaN, was " + actual);
        } else {
            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual),
                    what + ": expected " + expected + ", was " + actual);
        }
    }

    /**
     * Through the models: a sparse client's full gradient (the second pass on, the column kernels) goes through the
     * lane layout and gives the dense bits: logistic regression (plain, L2, non-convex), least squares, and the power
     * iteration of the smoothness constants.
     */
    @Test
    void theModelsTakeTheVectorKernelsWithTheDenseBits() {
        assumeTrue(VectorKernels.ENABLED, "the vector kernels do not run here: " + VectorKernels.describe());
        for (int kind = 0; kind < 3; kind++) {
            CsrMatrix a = matrix(300, 37, 0.4, 17 + kind, kind);
            Dataset sparse = dataset(a);
            Precision precision = sparse.precision();
            double[][] rows = new double[a.rows()][a.cols()];
            for (int i = 0; i < a.rows(); i++) {
                for (int k = a.rowPointers()[i]; k < a.rowPointers()[i + 1]; k++) {
                    rows[i][a.columns()[k]] = a.unitValues() ? 1.0 : a.doubleValues() != null ? a.doubleValues()[k]
                            : a.floatValues()[k];
                }
            }
            Dataset dense = new Dataset(Nd4j.createFromArray(rows), sparse.labels().castTo(
                    org.nd4j.linalg.api.buffer.DataType.DOUBLE)).as(precision);
            List<io.github.fl4j.core.api.Model> models = new ArrayList<>(List.of(new LogisticRegression(37),
                    new LogisticRegression(37, 0.3), LogisticRegression.nonConvex(37, 0.1), new LeastSquares(37)));
            INDArray x = Tensors.zeros(precision, 37);
            new RandomStream(5 + kind).fillGaussian(x, 0, 0.5);
            for (io.github.fl4j.core.api.Model model : models) {
                String what = "kind " + kind + " " + model;
                INDArray gDense = Tensors.zeros(precision, 37);
                double lossDense = model.lossAndGradient(x, dense, gDense);
                for (int pass = 0; pass < 3; pass++) { // the first pass uses the row kernels, later ones the columns
                    INDArray g = Tensors.zeros(precision, 37);
                    double loss = model.lossAndGradient(x, sparse, g);
                    assertEquals(Double.doubleToRawLongBits(lossDense), Double.doubleToRawLongBits(loss), what);
                    assertArrayEquals(Tensors.toDoubleArray(gDense), Tensors.toDoubleArray(g), 0.0, what);
                }
                assertTrue(sparse.sparseColumns().lanesIfBuilt() != null, what + ": the lane layout was built");
            }
            double lDense = SmoothnessConstants.largestEigenvalueOfGram(dense);
            double lSparse = SmoothnessConstants.largestEigenvalueOfGram(sparse);
            assertEquals(Double.doubleToRawLongBits(lDense), Double.doubleToRawLongBits(lSparse), "kind " + kind);
        }
    }
}
