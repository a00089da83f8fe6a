package io.github.fl4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code Kernels.softplusBlock} (one log per block of rows) against a reference that evaluates every row on its own
 * with {@link StrictMath#log1p} and sums exactly in {@link BigDecimal}, its sigmoids against the formula with
 * {@link Exp#exp} (bit for bit) and with {@link StrictMath#exp} (two ulps); and Dekker's product error against
 * {@link Math#fma}.
 */
class SoftplusBlockTest {

    /** The sum of max(t, 0) + log1p(exp(-|t|)) with each term correctly rounded to about an ulp, summed exactly. */
    private static double reference(double[] t, int n) {
        BigDecimal sum = BigDecimal.ZERO;
        for (int q = 0; q < n; q++) {
            sum = sum.add(new BigDecimal(Math.max(t[q], 0.0)))
                    .add(new BigDecimal(StrictMath.log1p(StrictMath.exp(-Math.abs(t[q])))));
        }
        return sum.round(MathContext.DECIMAL128).doubleValue();
    }

    private static void assertClose(double[] t, int n, String what) {
        double[] sig = new double[n];
        double got = Kernels.softplusBlock(t, n, sig);
        double want = reference(t, n);
        // a sum of n rounded terms: within about n ulps of the exact sum (the per-row evaluation is no better)
        double tolerance = (n + 2) * Math.ulp(want);
        assertTrue(Math.abs(got - want) <= tolerance,
                what + ": softplusBlock " + got + " vs reference " + want + " (difference " + (got - want) + ")");
        for (int q = 0; q < n; q++) {
            // the kernel's formula, bit for bit (with its own exp)
            double e = Exp.exp(-Math.abs(t[q]));
            double r = 1.0 / (1.0 + e);
            assertEquals(t[q] >= 0 ? r : e * r, sig[q], 0.0, what + ": sigmoid of " + t[q]);
            // and within two ulps of the same formula with StrictMath's exp
            double es = StrictMath.exp(-Math.abs(t[q]));
            double rs = 1.0 / (1.0 + es);
            double strict = t[q] >= 0 ? rs : es * rs;
            assertEquals(strict, sig[q], 2 * Math.ulp(strict), what + ": sigmoid of " + t[q] + " vs StrictMath");
        }
    }

    @Test
    void matchesRowByRowLog1pForMarginsOfEveryScale() {
        SplittableRandom random = new SplittableRandom(17);
        double[] scales = {1e-300, 1e-12, 1e-3, 0.5, 3, 20, 40, 100, 800};
        double[] t = new double[Kernels.BLOCK];
        for (double scale : scales) {
            for (int trial = 0; trial < 200; trial++) {
                int n = 1 + random.nextInt(Kernels.BLOCK);
                for (int q = 0; q < n; q++) {
                    t[q] = (2 * random.nextDouble() - 1) * scale;
                }
                assertClose(t, n, "scale " + scale);
            }
        }
    }

    @Test
    void keepsTinyLossesToFullRelativePrecision() {
        // every row classified with a large margin: each loss is e^-t, far below an ulp of 1; a log of a rounded
        // product would lose them all, the block keeps them (relative error of a few ulps of the sum)
        double[] t = new double[Kernels.BLOCK];
        for (int q = 0; q < t.length; q++) {
            t[q] = -(20 + q); // e^-20 .. e^-35
        }
        double got = Kernels.softplusBlock(t, t.length, null);
        double want = reference(t, t.length);
        assertEquals(want, got, (t.length + 2) * Math.ulp(want));
        for (int q = 0; q < t.length; q++) {
            t[q] = -(40 + 3 * q); // e^-40 .. e^-85: 1 + e rounds to 1 for every row
        }
        got = Kernels.softplusBlock(t, t.length, null);
        want = reference(t, t.length);
        assertTrue(want > 0 && want < 1e-16, "the losses are below an ulp of 1: " + want);
        assertEquals(want, got, (t.length + 2) * Math.ulp(want));
    }

    @Test
    void extremeMarginsNeitherOverflowNorLoseTheLinearPart() {
        double[] t = {1000, -1000, 745, -745, 0, 0.0};
        double got = Kernels.softplusBlock(t, t.length, null);
        assertEquals(1745 + 2 * Math.log(2) + 2 * Math.exp(-745), got, Math.ulp(1745.0));
        assertClose(t, t.length, "extremes");
    }

    @Test
    void infiniteAndNaNMarginsAndSignedZeros() {
        // a margin of -inf adds nothing (its loss is 0 and its sigmoid 0), as max(t, 0) says; +inf gives an infinite
        // loss and sigmoid 1; NaN gives NaN; -0 and +0 both give log 2 and sigmoid 1/2
        double[] t = {Double.NEGATIVE_INFINITY, 3, -2};
        double[] sig = new double[3];
        double got = Kernels.softplusBlock(t, 3, sig);
        assertEquals(3 + StrictMath.log1p(StrictMath.exp(-3)) + StrictMath.log1p(StrictMath.exp(-2)), got,
                4 * Math.ulp(got));
        assertEquals(0.0, sig[0], 0.0);
        assertClose(new double[] {3, Double.NEGATIVE_INFINITY, -2, Double.NEGATIVE_INFINITY}, 4, "-inf margins");
        assertEquals(Double.POSITIVE_INFINITY, Kernels.softplusBlock(new double[] {1, Double.POSITIVE_INFINITY}, 2,
                sig));
        assertEquals(1.0, sig[1], 0.0);
        assertTrue(Double.isNaN(Kernels.softplusBlock(new double[] {1, Double.NaN, -1}, 3, sig)));
        assertTrue(Double.isNaN(Kernels.softplusBlock(new double[] {Double.NEGATIVE_INFINITY, Double.NaN}, 2, null)));
        double[] zeros = {-0.0, 0.0};
        assertEquals(2 * Math.log(2), Kernels.softplusBlock(zeros, 2, sig), 2 * Math.ulp(1.0));
        assertEquals(0.5, sig[0], 0.0);
        assertEquals(0.5, sig[1], 0.0);
    }

    @Test
    void dekkersProductErrorIsTheExactErrorOfTheRoundedProduct() {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 100_000; i++) {
            double a = 1 + random.nextDouble() * ((1 << 17) - 1);
            double b = 1 + random.nextDouble();
            double p = a * b;
            assertEquals(Math.fma(a, b, -p), Kernels.productError(a, b, p), 0.0, a + " * " + b);
        }
    }

    /** The product-error source is Math.fma exactly where the JVM compiles it to an instruction (HotSpot's UseFMA). */
    @Test
    void fmaIsUsedWhereTheJvmMakesItAnInstruction() {
        com.sun.management.HotSpotDiagnosticMXBean vm = java.lang.management.ManagementFactory
                .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        org.junit.jupiter.api.Assumptions.assumeTrue(vm != null, "not HotSpot");
        assertEquals(Boolean.parseBoolean(vm.getVMOption("UseFMA").getValue()), Kernels.FMA);
    }

    /**
     * Whichever product error the block uses ({@link Kernels#FMA}), its loss and sigmoids are the bits of the same
     * block computed with Dekker's product: random blocks of 1..16 margins, small and large.
     */
    @Test
    void theBlockHasDekkersBitsWhicheverProductErrorItUses() {
        SplittableRandom random = new SplittableRandom(11);
        double[] sig = new double[16];
        for (int trial = 0; trial < 20_000; trial++) {
            int n = 1 + random.nextInt(16);
            double scale = trial % 3 == 0 ? 0.5 : trial % 3 == 1 ? 5 : 60;
            double[] t = new double[n];
            for (int q = 0; q < n; q++) {
                t[q] = (random.nextDouble() * 2 - 1) * scale;
            }
            double loss = Kernels.softplusBlock(t, n, sig);
            double[] refSig = new double[n];
            double ref = dekkerBlock(t, n, refSig);
            assertEquals(Double.doubleToRawLongBits(ref), Double.doubleToRawLongBits(loss), "trial " + trial);
            for (int q = 0; q < n; q++) {
                assertEquals(Double.doubleToRawLongBits(refSig[q]), Double.doubleToRawLongBits(sig[q]),
                        "trial " + trial + " sigmoid " + q);
            }
        }
    }

    /** The block's formula with Dekker's product error always (finite margins). */
    private static double dekkerBlock(double[] t, int n, double[] sigmoid) {
        double linear = 0.0;
        double rounding = 0.0;
        double hi = 1.0;
        double lo = 0.0;
        for (int q = 0; q < n; q++) {
            double e = Exp.exp(-Math.abs(t[q]));
            double u = 1.0 + e;
            double r = 1.0 / u;
            double pos = t[q] > 0 ? 1.0 : 0.0;
            sigmoid[q] = pos == 1.0 ? r : e * r;
            linear += pos * t[q];
            rounding += ((u - 1.0) - e) * r;
            double h = hi * u;
            lo = lo * u + Kernels.productError(hi, u, h);
            hi = h;
        }
        return linear + ((Math.log(hi) + lo / hi) - rounding);
    }

    /**
     * A whole chunk (the exponentials first, then one block of 16 at a time) gives the bits of
     * {@link Kernels#softplusBlock} block by block, with and without sigmoids, for chunk lengths below, at and above
     * a block and not multiples of it, including infinite, NaN and signed-zero margins.
     */
    @Test
    void aChunkHasTheBitsOfItsBlocks() {
        SplittableRandom random = new SplittableRandom(23);
        Kernels.Scratch scratch = new Kernels.Scratch();
        double[] special = {0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 800, -800};
        for (int trial = 0; trial < 400; trial++) {
            int n = 1 + random.nextInt(90);
            double[] t = new double[n];
            for (int q = 0; q < n; q++) {
                t[q] = trial % 5 == 0 && random.nextInt(10) == 0 ? special[random.nextInt(special.length)]
                        : (random.nextDouble() * 2 - 1) * (trial % 2 == 0 ? 6 : 50);
            }
            double start = trial * 0.25;
            double expected = start;
            double[] sig = new double[n];
            for (int b = 0; b < n; b += Kernels.BLOCK) {
                expected = n <= Kernels.BLOCK ? expected + Kernels.softplusBlock(t, b, n, sig)
                        : expected + Kernels.softplusBlock(t, b, Math.min(Kernels.BLOCK, n - b), sig);
            }
            double[] chunkSig = new double[n + 2];
            double got = scratch.softplusChunk(t, n, chunkSig, start);
            // doubleToLongBits: every NaN alike. Which NaN an operation on two NaNs returns is up to the hardware
            // and the operand order the JIT picks for a commutative operation (seen: the sign of a NaN sum
            // differed once the code was compiled), so only "a NaN" is the same on every run
            assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(got), "trial " + trial);
            for (int q = 0; q < n; q++) {
                assertEquals(Double.doubleToLongBits(sig[q]), Double.doubleToLongBits(chunkSig[q]),
                        "trial " + trial + " sigmoid " + q);
            }
            double lossOnly = scratch.softplusChunk(t, n, null, start);
            assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(lossOnly),
                    "trial " + trial + " without sigmoids");
        }
    }

    /**
     * The logistic kernel's fused chunk ({@code Scratch.logisticChunk}: raw margins and labels in, loss and
     * coefficients out) has the bits of the three passes it replaces: z = -y t, {@code softplusChunk(z)}, then
     * c = -y c scale; with labels read from an offset, chunks below, at and above a block, special margins, and the
     * raw margins left unchanged.
     */
    @Test
    void theLabelledChunkHasTheBitsOfNegatingSoftplusAndScaling() {
        SplittableRandom random = new SplittableRandom(29);
        Kernels.Scratch scratch = new Kernels.Scratch();
        double[] special = {0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 800, -800};
        for (int trial = 0; trial < 400; trial++) {
            int n = 1 + random.nextInt(90);
            int offset = random.nextInt(5);
            double[] y = new double[offset + n + random.nextInt(3)];
            for (int i = 0; i < y.length; i++) {
                y[i] = random.nextBoolean() ? 1.0 : -1.0;
            }
            double[] t = new double[n];
            for (int q = 0; q < n; q++) {
                t[q] = trial % 5 == 0 && random.nextInt(10) == 0 ? special[random.nextInt(special.length)]
                        : (random.nextDouble() * 2 - 1) * (trial % 2 == 0 ? 6 : 50);
            }
            double scale = 1.0 / (1 + random.nextInt(5000));
            double start = trial * 0.125;
            double[] z = new double[n];
            for (int q = 0; q < n; q++) {
                z[q] = -y[offset + q] * t[q];
            }
            double[] want = new double[n];
            double expected = new Kernels.Scratch().softplusChunk(z, n, want, start);
            for (int q = 0; q < n; q++) {
                want[q] = -y[offset + q] * want[q] * scale;
            }
            double[] raw = t.clone();
            double[] c = new double[n + 1];
            double got = scratch.logisticChunk(t, y, offset, n, c, scale, start);
            assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(got), "trial " + trial);
            for (int q = 0; q < n; q++) {
                assertEquals(Double.doubleToLongBits(want[q]), Double.doubleToLongBits(c[q]),
                        "trial " + trial + " coefficient " + q);
                assertEquals(Double.doubleToLongBits(raw[q]), Double.doubleToLongBits(t[q]),
                        "trial " + trial + " margin " + q);
            }
        }
    }
}
