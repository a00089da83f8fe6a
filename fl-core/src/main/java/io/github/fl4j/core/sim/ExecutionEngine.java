package io.github.fl4j.core.sim;

import java.util.List;

/**
 * Where client tasks run: the seam between the round loop (which stays in {@link Simulation}) and the machinery that
 * executes clients. An engine receives a round's {@link RoundWork}: the client ids with their states, the round, the
 * downlink message, the in-process {@link ClientRunner}, and (when the simulation has one) the run's serializable
 * description from which a remote engine builds its own runner on its own side. The embedded default is
 * {@link LocalExecutionEngine}, a worker pool in this JVM that uses the in-process runner with zero copies;
 * {@link SerializingExecutionEngine} is the reference for engines that run clients elsewhere.
 *
 * <p>Contract (checked by the engine contract test that every engine's test extends): {@link #execute} runs every
 * task exactly once, in any order and on any threads, and returns the outcomes in the order of the tasks; if any task
 * throws, the first failure in task order is rethrown after all tasks have ended; the outcomes do not depend on the
 * number of threads.
 */
public interface ExecutionEngine extends AutoCloseable {

    /** Runs the round's tasks and returns their outcomes in task order. */
    <C> List<ClientOutcome<C>> execute(RoundWork<C> work);

    /**
     * Whether this engine's tasks read and write the client states of {@code store} themselves, where the states
     * live, instead of receiving them with the task (default: no). When it answers yes for a run's client-state
     * store, {@link Simulation} neither reads the participants' states nor writes them back: it hands the engine
     * tasks whose {@link ClientTask#state()} is null and the store in {@link RoundWork#ownedStates()}, and the engine
     * must, for each task, read the client's state from the store (the algorithm's {@code initClientState} for a
     * client with none, see {@link ClientSide#initialState}), run the client, store its new state, and return an
     * outcome whose state is ignored. Running a task twice in a round (a resubmission after a failure) must train
     * from the state before the round both times, so that the bits do not change.
     *
     * <p>Why: a distributed store keeps each state on some machine; an engine that runs the client on that machine
     * moves no state over the network, where reading it to the round loop and shipping it with the task moves it
     * three times per participation.
     */
    default boolean ownsStates(io.github.fl4j.core.state.ClientStateStore<?> store) {
        return false;
    }

    /** Number of tasks that can run at once. */
    int parallelism();

    /** Releases threads; idempotent. */
    @Override
    void close();
}
