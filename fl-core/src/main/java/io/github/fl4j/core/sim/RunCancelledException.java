package io.github.fl4j.core.sim;

import java.util.concurrent.CancellationException;

/**
 * A run stopped because the thread that called {@code run()} (or {@code resume}) was interrupted. It stops at the
 * next boundary (before a round, or before an event of a simulation with time), names where, and leaves the thread's
 * interrupt flag set. With checkpoints the run can be resumed from the last one.
 */
public class RunCancelledException extends CancellationException {
    private static final long serialVersionUID = 1L;

    private final long round;

    /**
     * @param round the round (or server version) that was about to start
     * @param what  where the run stood
     */
    public RunCancelledException(long round, String what) {
        super(what);
        this.round = round;
    }

    /** The round (or server version) that was about to start. */
    public long round() {
        return round;
    }
}
