package io.github.fl4j.algorithms.attacks;

import java.util.Locale;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * What the Byzantine clients of a {@link Byzantine} wrapper do. Client-side attacks change what a Byzantine client
 * trains on or sends; server-side attacks (an omniscient attacker) replace the Byzantine uploads of a round by a
 * vector computed from the honest uploads of the same round.
 *
 * <ul>
 *   <li>{@link #labelFlipping(int)} (client, data poisoning): the client trains honestly on its data with every
 *       label y replaced by C - 1 - y.</li>
 *   <li>{@link #signFlipping()} (client): the client uploads -u instead of its honest update u.</li>
 *   <li>{@link #scaled(double)} (client): the client uploads lambda u.</li>
 *   <li>{@link #gaussianNoise(double)} (client): the client uploads a vector of independent N(0, sigma^2) values
 *       (the same length as u), drawn from its {@code Purpose.ATTACK} stream of the round.</li>
 *   <li>{@link #littleIsEnough()} (server; Baruch, Baruch, Goldberg, "A Little Is Enough: Circumventing Defenses For
 *       Distributed Learning", NeurIPS 2019): every Byzantine upload becomes mu - z sigma, with mu and sigma the
 *       coordinate-wise mean and standard deviation of the round's honest uploads and z from the round's n and f
 *       ({@link #alieZ}).</li>
 *   <li>{@link #innerProductManipulation(double)} (server; Xie, Koyejo, Gupta, "Fall of Empires: Breaking
 *       Byzantine-tolerant SGD by Inner Product Manipulation", UAI 2019): every Byzantine upload becomes
 *       -epsilon mu.</li>
 * </ul>
 * Immutable.
 */
public final class Attack {

    /** The kinds of attack. */
    public enum Kind {
        /** Train on labels C - 1 - y. */
        LABEL_FLIPPING,
        /** Upload -u. */
        SIGN_FLIPPING,
        /** Upload lambda u. */
        SCALED,
        /** Upload N(0, sigma^2) noise. */
        GAUSSIAN_NOISE,
        /** Upload mu - z sigma of the honest uploads. */
        LITTLE_IS_ENOUGH,
        /** Upload -epsilon mu of the honest uploads. */
        INNER_PRODUCT_MANIPULATION
    }

    private final Kind kind;
    private final double parameter;
    private final int classes;

    private Attack(Kind kind, double parameter, int classes) {
        this.kind = kind;
        this.parameter = parameter;
        this.classes = classes;
    }

    /**
     * Label flipping for C classes: labels (class indices 0..C-1) y become C - 1 - y.
     *
     * @throws IllegalArgumentException naming classes unless C &gt;= 2
     */
    public static Attack labelFlipping(int classes) {
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, was " + classes);
        }
        return new Attack(Kind.LABEL_FLIPPING, Double.NaN, classes);
    }

    /** Sign flipping: upload -u. */
    public static Attack signFlipping() {
        return new Attack(Kind.SIGN_FLIPPING, -1, 0);
    }

    /**
     * Scaled updates: upload lambda u (lambda = -1 is sign flipping; a large |lambda| is the boosted update of model
     * replacement).
     *
     * @throws IllegalArgumentException naming lambda unless it is finite
     */
    public static Attack scaled(double lambda) {
        if (!Double.isFinite(lambda)) {
            throw new IllegalArgumentException("lambda must be finite, was " + lambda);
        }
        return new Attack(Kind.SCALED, lambda, 0);
    }

    /**
     * Gaussian noise: upload N(0, sigma^2) in every coordinate.
     *
     * @throws IllegalArgumentException naming sigma unless it is finite and &gt;= 0
     */
    public static Attack gaussianNoise(double sigma) {
        if (!(sigma >= 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("sigma must be finite and >= 0, was " + sigma);
        }
        return new Attack(Kind.GAUSSIAN_NOISE, sigma, 0);
    }

    /** "A Little Is Enough" with z from each round's n and f ({@link #alieZ}). */
    public static Attack littleIsEnough() {
        return new Attack(Kind.LITTLE_IS_ENOUGH, Double.NaN, 0);
    }

    /**
     * "A Little Is Enough" with a fixed z.
     *
     * @throws IllegalArgumentException naming z unless it is finite
     */
    public static Attack littleIsEnough(double z) {
        if (!Double.isFinite(z)) {
            throw new IllegalArgumentException("z must be finite, was " + z);
        }
        return new Attack(Kind.LITTLE_IS_ENOUGH, z, 0);
    }

    /**
     * Inner-product manipulation: upload -epsilon mu.
     *
     * @throws IllegalArgumentException naming epsilon unless it is finite and &gt; 0
     */
    public static Attack innerProductManipulation(double epsilon) {
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be finite and > 0, was " + epsilon);
        }
        return new Attack(Kind.INNER_PRODUCT_MANIPULATION, epsilon, 0);
    }

    /**
     * z of "A Little Is Enough" (Baruch et al. 2019, section 4) for n uploads of which f are Byzantine: the attacker
     * needs s = floor(n/2 + 1) - f honest workers on its side for a majority, and takes the largest z such that s
     * honest values are expected to lie farther from the mean than mu - z sigma:
     * <pre>
     *   s = floor(n/2 + 1) - f,     z = Phi^{-1}((n - s) / n)
     * </pre>
     * with Phi the standard normal distribution function. When f already forms a majority (s &lt;= 0) s is taken as 1,
     * so that z stays finite.
     *
     * @throws IllegalArgumentException unless 1 &lt;= f &lt;= n
     */
    public static double alieZ(int n, int f) {
        if (f < 1 || f > n) {
            throw new IllegalArgumentException("f must be in [1, n = " + n + "], was " + f);
        }
        int s = Math.max(1, n / 2 + 1 - f);
        return new NormalDistribution(null, 0, 1).inverseCumulativeProbability((double) (n - s) / n);
    }

    /** The kind. */
    public Kind kind() {
        return kind;
    }

    /** Whether the attack acts in the wrapped server (needs the honest uploads of the round). */
    public boolean onServer() {
        return kind == Kind.LITTLE_IS_ENOUGH || kind == Kind.INNER_PRODUCT_MANIPULATION;
    }

    /** lambda of a scaled attack (-1 for sign flipping), sigma of Gaussian noise, epsilon of IPM, z of a fixed ALIE
     * (NaN when z comes from n and f); NaN for label flipping. */
    public double parameter() {
        return parameter;
    }

    /** The number of classes C of label flipping (0 for the other attacks). */
    public int classes() {
        return classes;
    }

    /** A short label with the parameter, e.g. {@code scaled(lambda=-10.0)}. */
    @Override
    public String toString() {
        switch (kind) {
            case LABEL_FLIPPING:
                return "label-flipping(C=" + classes + ")";
            case SIGN_FLIPPING:
                return "sign-flipping";
            case SCALED:
                return String.format(Locale.ROOT, "scaled(lambda=%s)", parameter);
            case GAUSSIAN_NOISE:
                return String.format(Locale.ROOT, "gaussian-noise(sigma=%s)", parameter);
            case LITTLE_IS_ENOUGH:
                return Double.isNaN(parameter) ? "little-is-enough(z=from n and f)"
                        : String.format(Locale.ROOT, "little-is-enough(z=%s)", parameter);
            default:
                return String.format(Locale.ROOT, "inner-product-manipulation(epsilon=%s)", parameter);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attack a && a.kind == kind && Double.compare(a.parameter, parameter) == 0
                && a.classes == classes;
    }

    @Override
    public int hashCode() {
        return (kind.hashCode() * 31 + Double.hashCode(parameter)) * 31 + classes;
    }
}
