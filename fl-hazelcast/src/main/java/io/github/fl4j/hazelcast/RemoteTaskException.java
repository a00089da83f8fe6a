package io.github.fl4j.hazelcast;

/**
 * A client task threw on a cluster member. The member sends back the exception's class name and message only (no
 * Java serialization of exceptions), so this exception carries them as text: its message is
 * {@code "client N failed on a cluster member: CLASS: MESSAGE"}, and a {@code SimulationException}'s message names
 * round, client and seed.
 */
public final class RemoteTaskException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The client whose task failed. */
    private final int client;
    /** The class name of the exception on the member. */
    private final String remoteClass;

    /**
     * @param client      the client whose task failed
     * @param remoteClass the class name of the exception on the member
     * @param message     its message
     */
    public RemoteTaskException(int client, String remoteClass, String message) {
        super("client " + client + " failed on a cluster member: " + remoteClass + ": " + message);
        this.client = client;
        this.remoteClass = remoteClass;
    }

    /** The client whose task failed. */
    public int client() {
        return client;
    }

    /** The class name of the exception thrown on the member. */
    public String remoteClass() {
        return remoteClass;
    }
}
