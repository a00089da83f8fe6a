package io.github.fl4j.core.optim;

/** Argument checks shared by the optimizers; every message names the field and the bad value. */
final class Checks {
    private Checks() {
    }

    /** {@code name} must be &gt; 0 and finite. */
    static void positive(String name, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be > 0 and finite, was " + v);
        }
    }

    /** {@code name} must be in [0, 1). */
    static void decay(String name, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), was " + v);
        }
    }
}
