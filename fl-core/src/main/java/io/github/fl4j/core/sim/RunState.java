package io.github.fl4j.core.sim;

import io.github.fl4j.core.comm.CommunicationLedger;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.state.ClientStateStore;
import io.github.fl4j.core.state.ServerTables;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Everything a run needs to continue, owned by the engine: the number of completed rounds (the server version), the
 * server state S, the client-state store, the server's per-client tables, the participation process (the pattern's
 * memory: Markov states, cyclic phases), the communication ledger, the reports of the completed rounds and each
 * client's participation count. {@link Simulation} is a loop over this object; nothing a run needs lives in a local
 * variable across rounds, so a checkpoint of it (written through the codecs) lets a fresh simulation continue the run
 * bit for bit.
 *
 * <p>Read-only to users: the accessors are for listeners, tests and tools; only the engine advances the state.
 *
 * @param <S> the server state type
 * @param <C> the client state type
 */
public final class RunState<S, C> {
    private int round;
    private S server;
    private final ClientStateStore<C> clients;
    private final ServerTables tables;
    private final Participation.Process participation;
    private final CommunicationLedger ledger;
    private final List<RoundReport> reports;
    private final int[] participationCounts;

    RunState(int round, S server, ClientStateStore<C> clients, ServerTables tables,
             Participation.Process participation, CommunicationLedger ledger, List<RoundReport> reports,
             int[] participationCounts) {
        this.round = round;
        this.server = server;
        this.clients = clients;
        this.tables = tables;
        this.participation = participation;
        this.ledger = ledger;
        this.reports = new ArrayList<>(reports);
        this.participationCounts = participationCounts;
    }

    /** Rounds completed so far (0 before round 1): the server version. */
    public int round() {
        return round;
    }

    /** The server state S after {@link #round()} rounds. */
    public S serverState() {
        return server;
    }

    /** The client states. */
    public ClientStateStore<C> clientStates() {
        return clients;
    }

    /** The server's per-client tables. */
    public ServerTables serverTables() {
        return tables;
    }

    /** The participation process. */
    public Participation.Process participation() {
        return participation;
    }

    /** Every bit sent so far. */
    public CommunicationLedger ledger() {
        return ledger;
    }

    /** The reports of rounds 1..{@link #round()} (read-only). */
    public List<RoundReport> reports() {
        return Collections.unmodifiableList(reports);
    }

    /** How many rounds each client has taken part in, by id (a copy). */
    public int[] participationCounts() {
        return participationCounts.clone();
    }

    int[] counts() {
        return participationCounts;
    }

    void completeRound(S newServer, RoundReport report) {
        if (report.round() != round + 1) {
            throw new IllegalStateException("round " + report.round() + " completed after round " + round);
        }
        server = newServer;
        reports.add(report);
        round = report.round();
    }
}
