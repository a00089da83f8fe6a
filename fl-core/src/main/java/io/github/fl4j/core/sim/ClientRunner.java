package io.github.fl4j.core.sim;

/**
 * Runs the client half of an algorithm for one client in one round: builds the client's context (its data, the
 * model, its keyed random streams, its counted uplink channel), calls the client, and checks what comes back
 * (divergence, the declared number of uplink vectors). Built on the side that executes clients: in this JVM by
 * {@link Simulation} ({@link LocalClientRunner}), or on another machine from the run's serializable description.
 *
 * <p>Thread-safe: one runner serves concurrent tasks of different clients.
 *
 * @param <C> the client state type
 */
@FunctionalInterface
public interface ClientRunner<C> {

    /**
     * Runs one task.
     *
     * @throws SimulationException on divergence or a failing client, naming round, client and seed
     */
    ClientOutcome<C> run(ClientTask<C> task);
}
