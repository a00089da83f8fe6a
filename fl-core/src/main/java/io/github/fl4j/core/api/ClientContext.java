package io.github.fl4j.core.api;

import io.github.fl4j.core.comm.Channel;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Workspace;

/**
 * Everything a client half may use in one round: its identity, its local data, the model, its random streams and its
 * uplink channel. Created by the engine for one client in one round; not shared between threads.
 */
public final class ClientContext {
    private final int clientId;
    private final int round;
    private final Dataset data;
    private final Model model;
    private final SeedTree seeds;
    private final Channel uplink;
    private final Precision precision;
    private final Workspace workspace;
    private final int assignedSteps;

    /**
     * @param clientId  the client (0..N-1)
     * @param round     the round (1-based)
     * @param data      the client's local training data
     * @param model     the model (shared, thread-safe)
     * @param seeds     the simulation's seed tree
     * @param uplink    the channel to the server
     * @param precision the precision of the run
     */
    public ClientContext(int clientId, int round, Dataset data, Model model, SeedTree seeds, Channel uplink,
                         Precision precision) {
        this(clientId, round, data, model, seeds, uplink, precision, new Workspace());
    }

    /**
     * @param workspace the executing thread's scratch arrays (see {@link Workspace})
     */
    public ClientContext(int clientId, int round, Dataset data, Model model, SeedTree seeds, Channel uplink,
                         Precision precision, Workspace workspace) {
        this(clientId, round, data, model, seeds, uplink, precision, workspace, 0);
    }

    /**
     * @param assignedSteps the local steps the server assigned to this session (0 = the algorithm's own setting; see
     *                      {@link #localSteps(int)})
     */
    public ClientContext(int clientId, int round, Dataset data, Model model, SeedTree seeds, Channel uplink,
                         Precision precision, Workspace workspace, int assignedSteps) {
        if (assignedSteps < 0) {
            throw new IllegalArgumentException("assignedSteps must be >= 0, was " + assignedSteps);
        }
        this.assignedSteps = assignedSteps;
        this.workspace = workspace;
        this.clientId = clientId;
        this.round = round;
        this.data = data;
        this.model = model;
        this.seeds = seeds;
        this.uplink = uplink;
        this.precision = precision;
    }

    /** The client's id. */
    public int clientId() {
        return clientId;
    }

    /**
     * The round (1-based); in a simulation with time where clients start sessions on their own (asynchronous
     * algorithms), the client's session number instead, so that its random streams are keyed by (client, session).
     */
    public int round() {
        return round;
    }

    /**
     * The number of local steps for this session: the one the server assigned (a scheduler such as FedCompass's
     * gives each client its own), or {@code configured}, the algorithm's own setting, when none was assigned.
     */
    public int localSteps(int configured) {
        return assignedSteps > 0 ? assignedSteps : configured;
    }

    /** The local steps the server assigned to this session, 0 when none. */
    public int assignedSteps() {
        return assignedSteps;
    }

    /** The client's local training data. */
    public Dataset data() {
        return data;
    }

    /** The model. */
    public Model model() {
        return model;
    }

    /** The precision of the run. */
    public Precision precision() {
        return precision;
    }

    /** A new stream keyed (purpose, this round, this client). */
    public RandomStream random(Purpose purpose) {
        return seeds.stream(purpose, round, clientId);
    }

    /**
     * A new stream keyed (purpose, this round, {@code key}), for a value this client shares with other parties: the
     * server draws the same stream with {@code ServerContext.random(purpose, key)} and another client with the same
     * key (e.g. a pairwise secure-aggregation mask keyed by the pair).
     */
    public RandomStream random(Purpose purpose, long key) {
        return seeds.stream(purpose, round, key);
    }

    /** The root seed of the run (for error messages). */
    public long rootSeed() {
        return seeds.root();
    }

    /**
     * The executing thread's scratch arrays: reused across the client tasks this thread runs, valid only during this
     * task (see {@link Workspace}).
     */
    public Workspace workspace() {
        return workspace;
    }

    /** The uplink channel: every vector the client uploads must be sent through it, and it counts the bits. */
    public Channel uplink() {
        return uplink;
    }
}
