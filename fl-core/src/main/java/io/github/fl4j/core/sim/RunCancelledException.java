package io.github.fl4j.core.sim;

import java.util.concurrent.CancellationException;

/**
 * A run stopped because the thread that called {@code run()} (or {@code resume}) was interrupted. It stops at the
 * next boundary (before a round, or before an event of a simulation with time), names where, and leaves the thread's
 * interrupt flag set. With checkpoints the run can be resumed from the last one. Like a
 * {@link SimulationException} it carries what the run computed before it stopped ({@link #partialResult()}).
 */
public class RunCancelledException extends CancellationException {
    private static final long serialVersionUID = 1L;

    private final long round;
    private transient Object partial;

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

    /**
     * The result of the rounds completed before the run stopped (see {@link SimulationException#partialResult()}), for
     * a {@code Simulation}; empty for a {@code TimedSimulation} (see {@link #partialResult(Class)}). Not serialized.
     */
    @SuppressWarnings("unchecked")
    public java.util.Optional<SimulationResult<?>> partialResult() {
        return partialResult((Class<SimulationResult<?>>) (Class<?>) SimulationResult.class);
    }

    /** The partial result if it is of the given type, e.g. {@code TimedResult.class}. */
    public <R> java.util.Optional<R> partialResult(Class<R> type) {
        return type.isInstance(partial) ? java.util.Optional.of(type.cast(partial)) : java.util.Optional.empty();
    }

    /** Attaches the partial result, once; called by the simulations. Returns this exception. */
    public RunCancelledException withPartialResult(Object result) {
        if (partial == null) {
            partial = result;
        }
        return this;
    }
}
