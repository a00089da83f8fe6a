package io.github.fl4j.core.api;

import io.github.fl4j.core.comm.CommunicationLedger;
import io.github.fl4j.core.comm.Direction;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.state.ClientStateStore;
import io.github.fl4j.core.state.ServerTables;
import io.github.fl4j.core.tensor.Precision;

/**
 * What the server half knows in one round: the round, the population, each client's sample count, this round's
 * participants, the precision and its random streams.
 */
public final class ServerContext {
    private final int round;
    private final int[] clientSizes;
    private final int[] participants;
    private final SeedTree seeds;
    private final Precision precision;
    private final ServerTables tables;
    private final CommunicationLedger ledger;

    /**
     * @param round        the round (1-based)
     * @param clientSizes  sample count of every client, by id (not copied; must not be modified)
     * @param participants this round's participants in increasing id order (not copied)
     * @param seeds        the simulation's seed tree
     * @param precision    the precision of the run
     */
    public ServerContext(int round, int[] clientSizes, int[] participants, SeedTree seeds, Precision precision) {
        this(round, clientSizes, participants, seeds, precision, new ServerTables());
    }

    /**
     * @param tables the run's server-side per-client tables (owned by the engine's run state)
     */
    public ServerContext(int round, int[] clientSizes, int[] participants, SeedTree seeds, Precision precision,
                         ServerTables tables) {
        this(round, clientSizes, participants, seeds, precision, tables, null);
    }

    /**
     * @param ledger the run's ledger, in which {@link #recordProtocolMessage} records the server's protocol messages
     *               of this round, or null when the engine does not record them
     */
    public ServerContext(int round, int[] clientSizes, int[] participants, SeedTree seeds, Precision precision,
                         ServerTables tables, CommunicationLedger ledger) {
        this.ledger = ledger;
        if (tables == null) {
            throw new IllegalArgumentException("tables must not be null");
        }
        this.tables = tables;
        this.round = round;
        this.clientSizes = clientSizes;
        this.participants = participants;
        this.seeds = seeds;
        this.precision = precision;
    }

    /** The round (1-based). */
    public int round() {
        return round;
    }

    /** Number of clients N in the population. */
    public int population() {
        return clientSizes.length;
    }

    /** Number of training samples of a client. */
    public int clientSize(int clientId) {
        return clientSizes[clientId];
    }

    /** This round's participants, in increasing id order (a copy). */
    public int[] participants() {
        return participants.clone();
    }

    /** Number of participants this round. */
    public int participantCount() {
        return participants.length;
    }

    /** The precision of the run. */
    public Precision precision() {
        return precision;
    }

    /**
     * The server's per-client table {@code name} (created empty on first use), e.g. FedSpeed's duals h_n: the place
     * for anything the server keeps per client, instead of an array of N vectors inside S. Tables are owned by the
     * run state, checkpointed with it, and may live on disk for large populations; read and write them in batches
     * ({@link ClientStateStore#getAll}, {@link ClientStateStore#putAll}). States read from a table are the caller's;
     * writing one back stores a copy.
     *
     * @param name  the table's name, unique within the algorithm (prefix it with the algorithm's name)
     * @param codec the codec of the values; the same object on every call for one table
     */
    public <T> ClientStateStore<T> table(String name, StateCodec<T> codec) {
        return tables.table(name, codec);
    }

    /** A new stream keyed (purpose, this round, no client). */
    public RandomStream random(Purpose purpose) {
        return seeds.stream(purpose, round, SeedTree.GLOBAL);
    }

    /**
     * A new stream keyed (purpose, this round, {@code key}): the stream a client draws with
     * {@link ClientContext#random(Purpose, long)} for the same key (or with {@link ClientContext#random(Purpose)} when
     * the key is its id), so that the server can reproduce a value both sides derive, such as a secure-aggregation
     * mask it reconstructs.
     */
    public RandomStream random(Purpose purpose, long key) {
        return seeds.stream(purpose, round, key);
    }

    /**
     * Records in the run's ledger a message of this round between the server and one client that is not part of the
     * broadcast or of a client's upload, and that is sent after the uploads (secure aggregation's list of survivors
     * to each survivor, say). The entry is (this round, direction, client, vector, bits), appended after the round's
     * downlink and uplink entries in the order of the calls; {@code vector} numbers the message after the
     * algorithm's declared vectors of that direction (e.g. {@code downlinkVectors()} for the first such downlink
     * message), as the algorithm documents.
     *
     * @throws UnsupportedOperationException when the engine does not record server protocol messages (the engine
     *                                       with time does not; the round engine {@code Simulation} does)
     * @throws IllegalArgumentException      if the client is not a participant of this round, or bits &lt; 0
     */
    public void recordProtocolMessage(Direction direction, int client, int vector, long bits) {
        if (ledger == null) {
            throw new UnsupportedOperationException("this engine does not record server protocol messages (round "
                    + round + "); run the algorithm in the round engine (Simulation)");
        }
        if (java.util.Arrays.binarySearch(participants, client) < 0) {
            throw new IllegalArgumentException("client " + client + " is not a participant of round " + round);
        }
        ledger.record(round, direction, client, vector, bits);
    }
}
