package io.github.fl4j.core.sim;

/**
 * A simulation failed in a way that can be reproduced: it carries the round, the client (or -1 for the server) and
 * the root seed, and its message names all three.
 */
public class SimulationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Client index used when the server, not a client, failed. */
    public static final int SERVER = -1;

    private final int round;
    private final int client;
    private final long seed;

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
}
