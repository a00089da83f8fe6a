package io.github.fl4j.core.time;

/**
 * The staleness functions s(tau) of the asynchronous federated learning literature (tau = server versions between a
 * client's download and its upload's arrival).
 *
 * <ul>
 *   <li>{@link #constant()}: s = 1.</li>
 *   <li>{@link #polynomial(double)}: s = (1 + tau)^(-a) (Xie et al. 2019, FedAsync; FedBuff uses a = 1/2).</li>
 *   <li>{@link #hinge(double, double)}: s = 1 if tau &lt;= b, else 1 / (a (tau - b) + 1) (FedAsync).</li>
 *   <li>{@link #threshold(long, double)}: s = 1 if tau &lt;= c, else {@code value}.</li>
 *   <li>{@link #nvflare()}: s = 1 / (1 + sqrt(tau)), NVFlare's FedBuff weight; offered only to reproduce it.</li>
 * </ul>
 */
public final class Staleness {
    private Staleness() {
    }

    /** s(tau) = 1. */
    public static StalenessFunction constant() {
        return new Fn("constant", tau -> 1.0);
    }

    /** s(tau) = (1 + tau)^(-a), a &gt;= 0. */
    public static StalenessFunction polynomial(double a) {
        if (!(a >= 0) || Double.isInfinite(a)) {
            throw new IllegalArgumentException("polynomial staleness exponent a must be finite and >= 0, was " + a);
        }
        if (a == 0.5) {
            return new Fn("polynomial(a=0.5)", tau -> 1.0 / Math.sqrt(1.0 + tau));
        }
        return new Fn("polynomial(a=" + a + ")", tau -> Math.pow(1.0 + tau, -a));
    }

    /** s(tau) = 1 for tau &lt;= b, else 1 / (a (tau - b) + 1); a &gt;= 0, b &gt;= 0. */
    public static StalenessFunction hinge(double a, double b) {
        if (!(a >= 0) || Double.isInfinite(a)) {
            throw new IllegalArgumentException("hinge staleness slope a must be finite and >= 0, was " + a);
        }
        if (!(b >= 0) || Double.isInfinite(b)) {
            throw new IllegalArgumentException("hinge staleness threshold b must be finite and >= 0, was " + b);
        }
        return new Fn("hinge(a=" + a + ",b=" + b + ")", tau -> tau <= b ? 1.0 : 1.0 / (a * (tau - b) + 1.0));
    }

    /** s(tau) = 1 for tau &lt;= c, else {@code value} (&gt; 0). */
    public static StalenessFunction threshold(long c, double value) {
        if (c < 0) {
            throw new IllegalArgumentException("threshold staleness c must be >= 0, was " + c);
        }
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("threshold staleness value must be finite and > 0, was " + value);
        }
        return new Fn("threshold(c=" + c + ",value=" + value + ")", tau -> tau <= c ? 1.0 : value);
    }

    /** s(tau) = 1 / (1 + sqrt(tau)): NVFlare's FedBuff weight, only to reproduce NVFlare. */
    public static StalenessFunction nvflare() {
        return new Fn("nvflare", tau -> 1.0 / (1.0 + Math.sqrt(tau)));
    }

    private interface Rule {
        double at(long tau);
    }

    private record Fn(String name, Rule rule) implements StalenessFunction {
        @Override
        public double weight(long staleness) {
            if (staleness < 0) {
                throw new IllegalArgumentException("staleness must be >= 0, was " + staleness);
            }
            return rule.at(staleness);
        }

        @Override
        public String describe() {
            return name;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
