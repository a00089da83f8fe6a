package io.github.fl4j.core.time;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Receives the progress of a simulation with time, on the engine thread. */
public interface TimeListener {

    /** Called once before the first event (also when resuming). */
    default void onStart(TimedSimulation<?, ?> simulation) {
    }

    /** Called with every new server model (a view, valid only during the call). */
    default void onServerModel(long version, INDArray model) {
    }

    /** Called when a session ends (applied, dropped or failed), in event order. */
    default void onSession(SessionRecord record) {
    }

    /** Called after every server version. */
    default void onVersion(TimeReport report) {
    }

    /** Called once after the run (not when it fails). */
    default void onFinish(TimedResult<?> result) {
    }

    /**
     * Called once when the run fails or is cancelled, in place of {@link #onFinish}, with what it computed before
     * (the partial result the exception carries: reports so far, the last finite server model, ledger, counts; null
     * if it could not be built). Sinks flush and close here; an exception thrown here is added to the failure as
     * suppressed. The default does nothing.
     */
    default void onFailure(RuntimeException failure, TimedResult<?> partial) {
    }
}
