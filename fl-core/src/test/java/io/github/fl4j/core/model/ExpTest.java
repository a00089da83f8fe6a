package io.github.fl4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Exp#exp} against the exponential evaluated in 50-digit decimal arithmetic (argument reduction by a 60-digit
 * ln 2, then the Taylor series), and its table against the powers of two it stands for.
 */
class ExpTest {
    private static final MathContext MC = new MathContext(50);

    /** ln 2 = sum_{k >= 1} 1 / (k 2^k), 200 terms (the rest is below 2^-200). */
    private static final BigDecimal LN2 = ln2();

    private static BigDecimal ln2() {
        MathContext mc = new MathContext(70);
        BigDecimal s = BigDecimal.ZERO;
        for (int k = 1; k <= 200; k++) {
            s = s.add(BigDecimal.ONE.divide(BigDecimal.valueOf(k).multiply(BigDecimal.valueOf(2).pow(k)), mc), mc);
        }
        return s;
    }

    /** e^x to about 45 significant digits. */
    static BigDecimal exact(double x) {
        BigDecimal bx = new BigDecimal(x);
        BigDecimal k = bx.divide(LN2, MC).setScale(0, RoundingMode.HALF_EVEN);
        BigDecimal r = bx.subtract(k.multiply(LN2, MC), MC); // |r| <= ln(2) / 2
        BigDecimal sum = BigDecimal.ONE;
        BigDecimal term = BigDecimal.ONE;
        for (int i = 1; i <= 45; i++) {
            term = term.multiply(r, MC).divide(BigDecimal.valueOf(i), MC);
            sum = sum.add(term, MC);
        }
        int ki = k.intValueExact();
        BigDecimal p = BigDecimal.valueOf(2).pow(Math.abs(ki));
        return ki >= 0 ? sum.multiply(p, MC) : sum.divide(p, MC);
    }

    /** |got - exact| in ulps of the correctly rounded result. */
    private static double ulps(double got, BigDecimal exact) {
        double ulp = Math.ulp(exact.doubleValue());
        return exact.subtract(new BigDecimal(got)).abs().divide(new BigDecimal(ulp), MC).doubleValue();
    }

    @Test
    void withinHalfAnUlpAndMostlyCorrectlyRounded() {
        SplittableRandom r = new SplittableRandom(2026);
        int n = 20_000;
        int correctlyRounded = 0;
        double worst = 0;
        double worstAt = 0;
        for (int i = 0; i < n; i++) {
            double x = switch (i % 4) {
                case 0 -> -r.nextDouble() * 40;             // the logistic kernels' range: exp(-|t|)
                case 1 -> (r.nextDouble() * 2 - 1) * 708;   // the whole fast range
                case 2 -> (r.nextDouble() * 2 - 1) * 0.01;  // near 0, where exp(r) - 1 is the whole story
                default -> -r.nextDouble() * 2;
            };
            BigDecimal e = exact(x);
            double got = Exp.exp(x);
            double u = ulps(got, e);
            if (u > worst) {
                worst = u;
                worstAt = x;
            }
            if (got == e.doubleValue()) {
                correctlyRounded++;
            }
        }
        // measured: worst 0.508 ulp, 99.9% correctly rounded (Math.exp of HotSpot 17: 0.516 ulp, 99.8%)
        assertTrue(worst < 0.52, "worst error " + worst + " ulp at x = " + worstAt);
        assertTrue(correctlyRounded > 0.995 * n, correctlyRounded + " of " + n + " correctly rounded");
    }

    @Test
    void boundariesOfTheReductionAndTheTable() {
        // x = (k/128) ln 2 exactly would be k/128 octaves; the arguments next to multiples of ln(2)/256 are where k
        // changes and |r| is largest
        double step = Math.log(2) / 256;
        for (int m = -256 * 40; m <= 256 * 40; m += 7) {
            for (double x : new double[] {Math.nextDown(m * step), m * step, Math.nextUp(m * step)}) {
                double u = ulps(Exp.exp(x), exact(x));
                assertTrue(u < 0.52, "x = " + x + ": " + u + " ulp");
            }
        }
    }

    @Test
    void specialValuesAndTheRangeOutsideTheFastPath() {
        assertEquals(1.0, Exp.exp(0.0), 0.0);
        assertEquals(1.0, Exp.exp(-0.0), 0.0);
        assertTrue(Double.isNaN(Exp.exp(Double.NaN)));
        assertEquals(0.0, Exp.exp(Double.NEGATIVE_INFINITY), 0.0);
        assertEquals(Double.POSITIVE_INFINITY, Exp.exp(Double.POSITIVE_INFINITY), 0.0);
        assertEquals(Double.POSITIVE_INFINITY, Exp.exp(710), 0.0);
        // beyond [-708, 708]: StrictMath's value (subnormal results, underflow to 0, overflow)
        for (double x : new double[] {Math.nextDown(-708.0), -720.5, -745.0, -745.2, -746, -1e6, Math.nextUp(708.0),
                709.7}) {
            assertEquals(StrictMath.exp(x), Exp.exp(x), 0.0, "x = " + x);
        }
        // the ends of the fast path are normal numbers within half an ulp
        for (double x : new double[] {-708.0, 708.0}) {
            double got = Exp.exp(x);
            assertTrue(got >= Double.MIN_NORMAL && Double.isFinite(got));
            assertTrue(ulps(got, exact(x)) < 0.52, "x = " + x);
        }
    }

    @Test
    void tableHoldsThePowersOfTwoToTwiceTheDoublePrecision() {
        assertEquals(256, Exp.TABLE.length);
        MathContext mc = new MathContext(60);
        for (int j = 0; j < 128; j++) {
            double hi = Exp.TABLE[2 * j];
            double lo = Exp.TABLE[2 * j + 1];
            // hi is 2^(j/128) rounded to nearest: the rest is at most half an ulp of it
            assertTrue(Math.abs(lo) <= Math.ulp(hi) / 2, "entry " + j);
            // (hi + lo)^128 = 2^j to within 128 times the pair's relative error (about 2^-106)
            BigDecimal v = new BigDecimal(hi).add(new BigDecimal(lo)).pow(128, mc);
            BigDecimal want = BigDecimal.valueOf(2).pow(j);
            double rel = v.subtract(want).abs().divide(want, mc).doubleValue();
            assertTrue(rel < 128 * 0x1p-104, "entry " + j + ": relative error " + rel);
        }
    }

    /**
     * The two-pass form over an array gives exp(-|t|) with exactly the bits of the one-call form, for arguments in
     * the table's range, at its edges (+-708 and the next doubles), beyond it (subnormal and zero results), signed
     * zeros, infinities and NaN (of either sign, with a payload); around 708 - 0.0016, where the second pass stops
     * trusting the rounded k alone ({@link Exp#K_SAFE}); with an offset range, and in place.
     */
    @Test
    void arrayFormHasTheBitsOfTheOneCallForm() {
        SplittableRandom random = new SplittableRandom(17);
        double[] special = {0.0, -0.0, 708.0, -708.0, Math.nextUp(708.0), Math.nextDown(-708.0), 745.0, 746.0, 1e300,
            Double.MIN_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 1e-300, 0x1p-60,
            Math.nextDown(708.0), -707.9984, 707.9985, 707.997, 708.0027, Math.nextDown(-708.0027),
            Double.longBitsToDouble(0xfff8000000000001L), Double.longBitsToDouble(0x7ff0000000000abcL)};
        for (int trial = 0; trial < 400; trial++) {
            int n = 1 + random.nextInt(70);
            int from = random.nextInt(5);
            double[] t = new double[from + n + 3];
            for (int q = 0; q < t.length; q++) {
                double scale = trial % 5 == 0 ? 1 : trial % 5 == 1 ? 40 : trial % 5 == 2 ? 800 : 1e-8;
                double u = random.nextDouble() * 2 - 1;
                t[q] = random.nextInt(9) == 0 ? special[random.nextInt(special.length)]
                        : trial % 5 == 4 ? Math.copySign(708.0 + u * 0.01, u) : u * scale;
            }
            double[] out = new double[t.length];
            double[] kd = new double[t.length];
            double[] p = new double[t.length];
            java.util.Arrays.fill(out, 42.0);
            Exp.expOfMinusAbs(t, from, n, out, kd, p);
            for (int q = 0; q < t.length; q++) {
                double expected = q >= from && q < from + n ? Exp.exp(-Math.abs(t[q])) : 42.0;
                assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(out[q]),
                        "t = " + t[q] + " at " + q);
            }
            double[] same = t.clone();
            Exp.expOfMinusAbs(same, from, n, same, kd, p);
            for (int q = from; q < from + n; q++) {
                assertEquals(Double.doubleToRawLongBits(out[q]), Double.doubleToRawLongBits(same[q]), "in place");
            }
        }
    }
}
