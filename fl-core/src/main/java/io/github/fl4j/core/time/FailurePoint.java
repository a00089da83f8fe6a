package io.github.fl4j.core.time;

/**
 * When a session fails, if it does: at {@code start + min(afterSeconds, fractionOfSession * duration)} when that is
 * before the session's end; otherwise the session completes. Drawn by a {@link DropoutModel} when the session starts.
 *
 * @param afterSeconds      a failure this long after the start (a hazard), or +infinity
 * @param fractionOfSession a failure at this fraction of the session's duration, or +infinity
 */
public record FailurePoint(double afterSeconds, double fractionOfSession) {
    /** No failure. */
    public static final FailurePoint NONE = new FailurePoint(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);

    public FailurePoint {
        if (!(afterSeconds >= 0) || !(fractionOfSession >= 0)) {
            throw new IllegalArgumentException("afterSeconds and fractionOfSession must be >= 0, were "
                    + afterSeconds + " and " + fractionOfSession);
        }
    }

    /** The failure time of a session of {@code duration} seconds, relative to its start, or +infinity. */
    public double failureOffset(double duration) {
        double f = Math.min(afterSeconds, fractionOfSession * duration);
        return f < duration ? f : Double.POSITIVE_INFINITY;
    }

    /** A lower bound of {@link #failureOffset} given a lower bound of the duration. */
    public double failureLowerBound(double durationLowerBound) {
        return Math.min(afterSeconds, fractionOfSession * durationLowerBound);
    }
}
