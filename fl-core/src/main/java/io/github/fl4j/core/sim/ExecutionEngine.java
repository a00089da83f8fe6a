package io.github.fl4j.core.sim;

import java.util.List;
import java.util.function.Function;

/**
 * Where client tasks run: the seam between the round loop (which stays in {@link Simulation}) and the machinery that
 * executes clients. The embedded default is {@link LocalExecutionEngine}, a worker pool in this JVM; a cluster engine
 * plugs in here without any algorithm changing, because a {@link ClientTask} is self-contained.
 *
 * <p>Contract: {@link #execute} runs every task exactly once, in any order and on any threads, and returns the
 * outcomes in the order of the tasks. The result must not depend on the number of threads.
 */
public interface ExecutionEngine extends AutoCloseable {

    /**
     * Runs the tasks and returns their outcomes in task order. If any task throws, the first failure in task order is
     * rethrown after all tasks have ended.
     */
    <C> List<ClientOutcome<C>> execute(List<ClientTask<C>> tasks, Function<ClientTask<C>, ClientOutcome<C>> work);

    /** Number of tasks that can run at once. */
    int parallelism();

    /** Releases threads; idempotent. */
    @Override
    void close();
}
