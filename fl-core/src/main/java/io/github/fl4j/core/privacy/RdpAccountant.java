package io.github.fl4j.core.privacy;

import java.util.Arrays;
import org.apache.commons.math3.special.Erf;

/**
 * Rényi differential privacy (Mironov, "Rényi Differential Privacy", CSF 2017) of the sampled Gaussian mechanism,
 * composed over steps and converted to (epsilon, delta)-DP.
 *
 * <p><b>The mechanism.</b> Each step, every record (a client, in user-level federated learning) is included
 * independently with probability q (Poisson sampling), the included records' contributions, each of L2 norm at most
 * S, are summed, and Gaussian noise N(0, (z S)^2 I) is added; z is the noise multiplier. Its RDP of order alpha
 * under add/remove-one adjacency is log(A_alpha) / (alpha - 1) with A_alpha = E_{x ~ N(0, z^2)}[((1 - q) + q
 * exp((2x - 1) / (2 z^2)))^alpha] (Mironov, Talwar, Zhang, "Rényi Differential Privacy of the Sampled Gaussian
 * Mechanism", arXiv 1908.10530, 2019):
 * <ul>
 *   <li>integer alpha: the binomial expansion A_alpha = sum_{i=0..alpha} C(alpha, i) q^i (1-q)^(alpha-i)
 *       exp((i^2 - i) / (2 z^2)), summed exactly in log space;</li>
 *   <li>fractional alpha: the paper's two series split at z_0 = z^2 log(1/q - 1) + 1/2, with generalised binomial
 *       coefficients and complementary error functions, summed in signed log space until both terms fall below
 *       e^-30;</li>
 *   <li>q = 1 (no sampling): alpha / (2 z^2); q = 0: 0; z = 0 with q &gt; 0: infinity.</li>
 * </ul>
 * RDP composes additively: T steps have T times the RDP of one ({@link #compose}).
 *
 * <p><b>Conversion to (epsilon, delta).</b> For each order, {@link Conversion#CLASSIC} (Mironov 2017, Prop. 3) gives
 * eps = RDP(alpha) + log(1/delta) / (alpha - 1), and {@link Conversion#TIGHT} (Balle, Barthe, Gaboardi, Hsu, Sato,
 * "Hypothesis Testing Interpretations and Renyi Differential Privacy", AISTATS 2020; Canonne, Kamath, Steinke,
 * NeurIPS 2020) gives eps = RDP(alpha) + log((alpha - 1) / alpha) - (log delta + log alpha) / (alpha - 1); the
 * reported epsilon is the minimum over the orders, with the order that attains it. TIGHT is the default: at every
 * order it is smaller than CLASSIC by log(alpha/(alpha - 1)) + log(alpha)/(alpha - 1) &gt; 0, and it is what current
 * TF Privacy ({@code dp_accounting}) reports; CLASSIC reproduces older published figures.
 *
 * <p>An accountant is a small mutable accumulator of RDP per order; not thread-safe. The static methods are pure.
 */
public final class RdpAccountant {

    /**
     * The default orders: 1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4, 4.5, then every integer 5..63, then 128, 256,
     * 512 (the orders of TF Privacy's {@code compute_dp_sgd_privacy}).
     */
    public static final double[] DEFAULT_ORDERS = defaultOrders();

    /** How RDP is converted to (epsilon, delta)-DP. */
    public enum Conversion {
        /** eps = RDP(alpha) + log(1/delta) / (alpha - 1) (Mironov 2017, Proposition 3). */
        CLASSIC,
        /**
         * eps = RDP(alpha) + log((alpha - 1)/alpha) - (log delta + log alpha) / (alpha - 1) (Balle et al. 2020,
         * Canonne, Kamath, Steinke 2020). The default.
         */
        TIGHT
    }

    /**
     * An (epsilon, delta) guarantee and the RDP order that gives it.
     *
     * @param epsilon the smallest epsilon over the orders (+infinity when no order gives a finite one)
     * @param delta   the delta it holds at
     * @param order   the order attaining it (NaN when epsilon is infinite)
     */
    public record Guarantee(double epsilon, double delta, double order) {
    }

    private static final double LOG_CUT = -30;
    private static final int MAX_SERIES_TERMS = 100_000;

    private final double[] orders;
    private final double[] rdp;

    /** An accountant over {@link #DEFAULT_ORDERS} with nothing spent. */
    public RdpAccountant() {
        this(DEFAULT_ORDERS);
    }

    /**
     * An accountant over the given orders with nothing spent.
     *
     * @throws IllegalArgumentException if there is no order, or an order is not &gt; 1 (naming it)
     */
    public RdpAccountant(double... orders) {
        if (orders == null || orders.length == 0) {
            throw new IllegalArgumentException("orders must not be empty");
        }
        for (double a : orders) {
            checkOrder(a);
        }
        this.orders = orders.clone();
        this.rdp = new double[orders.length];
    }

    private static double[] defaultOrders() {
        double[] head = {1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4, 4.5};
        double[] out = new double[head.length + 59 + 3];
        System.arraycopy(head, 0, out, 0, head.length);
        for (int a = 5; a <= 63; a++) {
            out[head.length + a - 5] = a;
        }
        out[out.length - 3] = 128;
        out[out.length - 2] = 256;
        out[out.length - 1] = 512;
        return out;
    }

    /**
     * Adds {@code steps} steps of the sampled Gaussian mechanism with sampling probability q and noise multiplier z.
     *
     * @return this accountant
     * @throws IllegalArgumentException if q is not in [0, 1], z is negative or NaN, or steps is negative
     */
    public RdpAccountant compose(double q, double noiseMultiplier, long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, was " + steps);
        }
        for (int k = 0; k < orders.length; k++) {
            rdp[k] += steps == 0 ? 0 : steps * sampledGaussianRdp(q, noiseMultiplier, orders[k]);
        }
        return this;
    }

    /**
     * Adds RDP values computed elsewhere (another mechanism), one per order of this accountant.
     *
     * @return this accountant
     * @throws IllegalArgumentException if the length differs from the number of orders, or a value is negative
     */
    public RdpAccountant composeRdp(double[] values) {
        if (values.length != orders.length) {
            throw new IllegalArgumentException("values must have " + orders.length + " entries (one per order), had "
                    + values.length);
        }
        for (int k = 0; k < orders.length; k++) {
            if (!(values[k] >= 0)) {
                throw new IllegalArgumentException("RDP of order " + orders[k] + " must be >= 0, was " + values[k]);
            }
            rdp[k] += values[k];
        }
        return this;
    }

    /** The orders (a copy). */
    public double[] orders() {
        return orders.clone();
    }

    /** The RDP spent so far at each order (a copy). */
    public double[] rdp() {
        return rdp.clone();
    }

    /** The (epsilon, delta) guarantee spent so far with the {@link Conversion#TIGHT} conversion. */
    public Guarantee epsilon(double delta) {
        return epsilon(delta, Conversion.TIGHT);
    }

    /** The (epsilon, delta) guarantee spent so far with the given conversion. */
    public Guarantee epsilon(double delta, Conversion conversion) {
        return epsilon(orders, rdp, delta, conversion);
    }

    /**
     * The smallest epsilon over the orders for RDP values {@code rdp} at {@code orders}, and the order attaining it
     * (the first one on ties).
     *
     * @throws IllegalArgumentException if the arrays differ in length, delta is not in (0, 1), an order is not
     *                                  &gt; 1 or an RDP value is negative or NaN
     */
    public static Guarantee epsilon(double[] orders, double[] rdp, double delta, Conversion conversion) {
        if (orders.length != rdp.length || orders.length == 0) {
            throw new IllegalArgumentException("orders and rdp must have the same non-zero length, had "
                    + orders.length + " and " + rdp.length);
        }
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in (0, 1), was " + delta);
        }
        double best = Double.POSITIVE_INFINITY;
        double bestOrder = Double.NaN;
        for (int k = 0; k < orders.length; k++) {
            double a = orders[k];
            double r = rdp[k];
            checkOrder(a);
            if (!(r >= 0)) {
                throw new IllegalArgumentException("RDP of order " + a + " must be >= 0, was " + r);
            }
            double eps = switch (conversion) {
                case CLASSIC -> r - Math.log(delta) / (a - 1);
                case TIGHT -> r + Math.log1p(-1 / a) - (Math.log(delta) + Math.log(a)) / (a - 1);
            };
            eps = Math.max(0, eps);
            if (eps < best) {
                best = eps;
                bestOrder = a;
            }
        }
        return new Guarantee(best, delta, bestOrder);
    }

    /**
     * The RDP at order alpha of one release of the Gaussian mechanism with noise standard deviation z times the
     * sensitivity: alpha / (2 z^2) (Mironov 2017, Proposition 7). Infinite for z = 0.
     */
    public static double gaussianRdp(double noiseMultiplier, double order) {
        checkOrder(order);
        checkNoise(noiseMultiplier);
        return order / (2 * noiseMultiplier * noiseMultiplier);
    }

    /**
     * The RDP at order alpha of one step of the sampled Gaussian mechanism with sampling probability q and noise
     * multiplier z (see the class comment).
     *
     * @throws IllegalArgumentException if q is not in [0, 1], z is negative or NaN, or alpha is not &gt; 1
     */
    public static double sampledGaussianRdp(double q, double noiseMultiplier, double order) {
        checkOrder(order);
        checkNoise(noiseMultiplier);
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("sampling probability q must be in [0, 1], was " + q);
        }
        if (q == 0) {
            return 0;
        }
        if (noiseMultiplier == 0 || Double.isInfinite(order)) {
            return Double.POSITIVE_INFINITY;
        }
        if (q == 1) {
            return order / (2 * noiseMultiplier * noiseMultiplier);
        }
        double logA = order == Math.rint(order) && order <= Integer.MAX_VALUE - 1
                ? logAInteger(q, noiseMultiplier, (int) order)
                : logAFractional(q, noiseMultiplier, order);
        return Math.max(0, logA / (order - 1));
    }

    /** log A_alpha for integer alpha: the binomial sum, term by term in log space. */
    static double logAInteger(double q, double sigma, int alpha) {
        double logQ = Math.log(q);
        double log1mQ = Math.log1p(-q);
        double twoSigma2 = 2 * sigma * sigma;
        double acc = Double.NEGATIVE_INFINITY;
        double logBinom = 0; // log C(alpha, 0)
        for (int i = 0; i <= alpha; i++) {
            if (i > 0) {
                logBinom += Math.log(alpha - i + 1) - Math.log(i);
            }
            double term = logBinom + i * logQ + (alpha - i) * log1mQ + ((double) i * i - i) / twoSigma2;
            acc = logAdd(acc, term);
        }
        return acc;
    }

    /**
     * log A_alpha for fractional alpha: A_alpha = A_0 + A_1, the integral split at z_0, each a series over i of
     * generalised binomial coefficients C(alpha, i) (whose sign alternates once i &gt; alpha) times Gaussian tail
     * masses.
     */
    static double logAFractional(double q, double sigma, double alpha) {
        double logQ = Math.log(q);
        double log1mQ = Math.log1p(-q);
        double twoSigma2 = 2 * sigma * sigma;
        double z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
        double sqrt2Sigma = Math.sqrt(2) * sigma;
        Signed a0 = new Signed();
        Signed a1 = new Signed();
        double logAbsBinom = 0; // |C(alpha, 0)| = 1
        int sign = 1;
        for (int i = 0; i < MAX_SERIES_TERMS; i++) {
            if (i > 0) {
                double factor = (alpha - i + 1) / i;
                if (factor == 0) {
                    break; // unreachable for fractional alpha; guards the log
                }
                if (factor < 0) {
                    sign = -sign;
                }
                logAbsBinom += Math.log(Math.abs(factor));
            }
            double j = alpha - i;
            double logT0 = logAbsBinom + i * logQ + j * log1mQ;
            double logT1 = logAbsBinom + j * logQ + i * log1mQ;
            double logE0 = Math.log(0.5) + logErfc((i - z0) / sqrt2Sigma);
            double logE1 = Math.log(0.5) + logErfc((z0 - j) / sqrt2Sigma);
            double logS0 = logT0 + ((double) i * i - i) / twoSigma2 + logE0;
            double logS1 = logT1 + (j * j - j) / twoSigma2 + logE1;
            a0.add(sign, logS0);
            a1.add(sign, logS1);
            if (Math.max(logS0, logS1) < LOG_CUT) {
                break;
            }
        }
        Signed sum = new Signed();
        sum.add(a0.sign, a0.log);
        sum.add(a1.sign, a1.log);
        if (sum.sign < 0) {
            throw new ArithmeticException("the series of A_alpha came out negative for q = " + q + ", sigma = "
                    + sigma + ", alpha = " + alpha);
        }
        return sum.log;
    }

    /** A signed number kept as sign and log of its magnitude (log = -inf for zero). */
    private static final class Signed {
        int sign = 1;
        double log = Double.NEGATIVE_INFINITY;

        void add(int s, double logX) {
            if (logX == Double.NEGATIVE_INFINITY) {
                return;
            }
            if (log == Double.NEGATIVE_INFINITY) {
                sign = s;
                log = logX;
            } else if (s == sign) {
                log = logAdd(log, logX);
            } else if (logX > log) {
                log = logSub(logX, log);
                sign = s;
            } else {
                log = logSub(log, logX);
            }
        }
    }

    /** log(e^a + e^b). */
    static double logAdd(double a, double b) {
        double hi = Math.max(a, b);
        double lo = Math.min(a, b);
        if (lo == Double.NEGATIVE_INFINITY) {
            return hi;
        }
        return hi + Math.log1p(Math.exp(lo - hi));
    }

    /** log(e^a - e^b) for a &gt;= b (-inf when equal). */
    static double logSub(double a, double b) {
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        if (a == b) {
            return Double.NEGATIVE_INFINITY;
        }
        double d = b - a;
        return a + (d > -0.693 ? Math.log(-Math.expm1(d)) : Math.log1p(-Math.exp(d)));
    }

    /**
     * log erfc(x): the direct value while erfc does not underflow, the asymptotic expansion erfc(x) = exp(-x^2) /
     * (x sqrt(pi)) (1 - 1/(2x^2) + 3/(2x^2)^2 - 15/(2x^2)^3 + ...) for x &gt; 20 (relative error below 1e-13 there).
     */
    static double logErfc(double x) {
        if (x <= 20) {
            return Math.log(Erf.erfc(x));
        }
        double u = 1 / (2 * x * x);
        double series = 1;
        double term = 1;
        for (int k = 1; k <= 6; k++) {
            term *= -(2 * k - 1) * u;
            series += term;
        }
        return -x * x - Math.log(x) - 0.5 * Math.log(Math.PI) + Math.log(series);
    }

    private static void checkOrder(double a) {
        if (!(a > 1)) {
            throw new IllegalArgumentException("RDP order must be > 1, was " + a);
        }
    }

    private static void checkNoise(double z) {
        if (!(z >= 0)) {
            throw new IllegalArgumentException("noise multiplier must be >= 0, was " + z);
        }
    }

    @Override
    public String toString() {
        return "RdpAccountant(orders=" + Arrays.toString(orders) + ")";
    }
}
