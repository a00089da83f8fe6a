package io.github.fl4j.core.time;

import io.github.fl4j.core.random.RandomStream;

/**
 * The dropout models: whether and when a session fails before its upload arrives.
 *
 * <ul>
 *   <li>{@link #none()}: sessions never fail.</li>
 *   <li>{@link #probability(double)}: a session fails with probability q, at a uniform fraction of its duration.</li>
 *   <li>{@link #hazard(double)}: failures come at a constant rate per second of session (an exponential time).</li>
 * </ul>
 *
 * <p>Each model draws from the stream the engine passes (keyed {@code (DROPOUT, dispatch, client)}), in the order
 * documented on its factory, and from nothing else. Immutable and thread-safe.
 */
public final class Dropouts {
    private static final DropoutModel NONE = new Model("none") {
        @Override
        public FailurePoint draw(RandomStream rng) {
            return FailurePoint.NONE;
        }

        @Override
        public boolean neverFails() {
            return true;
        }
    };

    private Dropouts() {
    }

    /** Sessions never fail: {@link FailurePoint#NONE}, no draws. */
    public static DropoutModel none() {
        return NONE;
    }

    /**
     * A session fails with probability {@code q}, at a uniform fraction of its duration. Draws: first
     * {@code u = rng.nextDouble()}; the session fails when {@code u < q}, and then a second
     * {@code f = rng.nextDouble()} (uniform in [0, 1)) gives the failure point {@code f * duration}; a session that
     * does not fail makes one draw only.
     *
     * @param q the failure probability, in [0, 1]
     * @throws IllegalArgumentException naming the parameter and its value
     */
    public static DropoutModel probability(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("dropout probability q must be in [0, 1], was " + q);
        }
        return new Model("probability(q=" + q + ")") {
            @Override
            public FailurePoint draw(RandomStream rng) {
                if (rng.nextDouble() >= q) {
                    return FailurePoint.NONE;
                }
                return new FailurePoint(Double.POSITIVE_INFINITY, rng.nextDouble());
            }
        };
    }

    /**
     * Failures at a constant rate: a session fails {@code -log(1 - u) / rate} seconds after it starts (exponential
     * with mean {@code 1 / rate}), {@code u = rng.nextDouble()} (one draw), unless it ends before. A rate of 0 is
     * {@link #none()}.
     *
     * @param ratePerSecond the failure rate per second of session, finite and &gt;= 0
     * @throws IllegalArgumentException naming the parameter and its value
     */
    public static DropoutModel hazard(double ratePerSecond) {
        if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("hazard ratePerSecond must be finite and >= 0, was " + ratePerSecond);
        }
        if (ratePerSecond == 0) {
            return NONE;
        }
        return new Model("hazard(ratePerSecond=" + ratePerSecond + ")") {
            @Override
            public FailurePoint draw(RandomStream rng) {
                double after = -StrictMath.log(1.0 - rng.nextDouble()) / ratePerSecond;
                return new FailurePoint(after, Double.POSITIVE_INFINITY);
            }
        };
    }

    private abstract static class Model implements DropoutModel {
        private final String description;

        Model(String description) {
            this.description = description;
        }

        @Override
        public String describe() {
            return description;
        }

        @Override
        public String toString() {
            return description;
        }
    }
}
