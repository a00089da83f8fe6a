package io.github.fl4j.core.sim;

/**
 * Receives the reports of a running simulation, on the engine's thread, in round order. A listener that throws stops
 * the run (the exception propagates out of {@link Simulation#run()}).
 */
public interface RoundListener {

    /** Called once before round 1. */
    default void onStart(Simulation<?, ?> simulation) {
    }

    /**
     * Called after each round, before {@link #onRound}, with the server model after the round: a read-only view that
     * is valid during the call (copy it to keep it). For trajectories, e.g. ||grad f(x^t)||^2 per round. The default
     * does nothing.
     */
    default void onServerModel(int round, org.nd4j.linalg.api.ndarray.INDArray model) {
    }

    /** Called after each round. */
    void onRound(RoundReport report);

    /** Called once after the last round (not called when the run fails). */
    default void onFinish(SimulationResult<?> result) {
    }

    /**
     * Called once when the run fails or is cancelled, in place of {@link #onFinish}, with what the run computed
     * before (the same partial result the exception carries; null when the run failed before round 1 could start).
     * Sinks flush and close here. An exception thrown here is added to the failure as suppressed. The default does
     * nothing.
     */
    default void onFailure(RuntimeException failure, SimulationResult<?> partial) {
    }

    /**
     * Whether this listener draws the run's progress on the console ({@link ProgressBar}): while one does, the
     * simulation logs its one line per round at DEBUG instead of INFO, so the two do not interleave. The default is
     * false.
     */
    default boolean drawsProgress() {
        return false;
    }
}
