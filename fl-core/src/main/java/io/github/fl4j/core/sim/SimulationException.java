package io.github.fl4j.core.sim;

/**
 * A simulation failed in a way that can be reproduced: it carries the round, the client (or -1 for the server) and
 * the root seed, and its message names all three.
 *
 * <p>A failed run keeps what it computed: when the exception leaves {@code Simulation.run()} (or a
 * {@code TimedSimulation}'s) it carries the {@linkplain #partialResult() partial result}, the result object the run
 * would have returned had it stopped before the failing round: the reports of the completed rounds, the last server
 * model that passed the finiteness check (a copy), its server state, the ledger and participation counts (which may
 * already hold the failing round's bits and participants, recorded before it failed) and the run state. Running out
 * of memory in a round is reported as this exception too (see {@code NativeMemory}).
 */
public class SimulationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Client index used when the server, not a client, failed. */
    public static final int SERVER = -1;

    private final int round;
    private final int client;
    private final long seed;
    private transient Object partial;

    /**
     * @param round  the round (1-based)
     * @param client the client id, or {@link #SERVER}
     * @param seed   the root seed
     * @param what   what went wrong
     * @param cause  the underlying exception, or null
     */
    public SimulationException(int round, int client, long seed, String what, Throwable cause) {
        super("round " + round + ", " + (client == SERVER ? "server" : "client " + client) + ", seed " + seed
                + ": " + what, cause);
        this.round = round;
        this.client = client;
        this.seed = seed;
    }

    /** The round (1-based). */
    public int round() {
        return round;
    }

    /** The client, or {@link #SERVER}. */
    public int client() {
        return client;
    }

    /** The root seed. */
    public long seed() {
        return seed;
    }

    /**
     * What the run computed before it failed, when the exception came out of a simulation's run: a
     * {@link SimulationResult} for {@code Simulation} (empty for a {@code TimedSimulation}, see
     * {@link #partialResult(Class)}). Not serialized.
     */
    @SuppressWarnings("unchecked")
    public java.util.Optional<SimulationResult<?>> partialResult() {
        return partialResult((Class<SimulationResult<?>>) (Class<?>) SimulationResult.class);
    }

    /**
     * The partial result if it is of the given type, e.g. {@code partialResult(TimedResult.class)} for a simulation
     * with time.
     */
    public <R> java.util.Optional<R> partialResult(Class<R> type) {
        return type.isInstance(partial) ? java.util.Optional.of(type.cast(partial)) : java.util.Optional.empty();
    }

    /**
     * Attaches the partial result, once (a later call keeps the first); called by the simulations as the exception
     * leaves their run.
     *
     * @return this exception
     */
    public SimulationException withPartialResult(Object result) {
        if (partial == null) {
            partial = result;
        }
        return this;
    }

    /**
     * The exception for running out of memory in {@code round}: names the round, the client (or {@link #SERVER}), the
     * seed, what could not be allocated (the error's message) and the process's memory figures, and keeps the error
     * as its cause.
     */
    public static SimulationException outOfMemory(int round, int client, long seed, OutOfMemoryError e) {
        return new SimulationException(round, client, seed, io.github.fl4j.core.tensor.NativeMemory.describe(e), e);
    }
}
