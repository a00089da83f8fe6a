package io.github.fl4j.core.sim;

import io.github.fl4j.core.api.Message;
import java.util.List;

/**
 * The client work of one round, or of one chunk of a round's participants (consecutive in client-id order, see
 * {@code Simulation.Builder.chunkSize}), as an {@link ExecutionEngine} receives it: the round, the decoded downlink
 * message, one task per participant (client id, its state before the round), the in-process runner, and what a remote
 * engine needs to build its own runner and ship states (see {@link RemoteRun}).
 *
 * @param round    the round (1-based)
 * @param downlink the decoded downlink message, the same for every participant
 * @param tasks    one task per participant of the round or chunk, in increasing client-id order
 * @param runner   the in-process runner (zero copies: shares the simulation's data, model and message pool)
 * @param remote   how to run these tasks elsewhere, or null when the simulation was built from objects that have no
 *                 serializable description (then only in-process engines can run it)
 * @param ownedStates the run's client-state store when the engine reads and writes the states itself
 *                 ({@link ExecutionEngine#ownsStates}; the tasks' states are then null), else null
 * @param <C>      the client state type
 */
public record RoundWork<C>(int round, Message downlink, List<ClientTask<C>> tasks, ClientRunner<C> runner,
                           RemoteRun<C> remote, io.github.fl4j.core.state.ClientStateStore<C> ownedStates) {

    /** Work whose tasks carry their states. */
    public RoundWork(int round, Message downlink, List<ClientTask<C>> tasks, ClientRunner<C> runner,
                     RemoteRun<C> remote) {
        this(round, downlink, tasks, runner, remote, null);
    }

    public RoundWork {
        if (downlink == null || tasks == null || runner == null) {
            throw new IllegalArgumentException("downlink, tasks and runner must not be null");
        }
        tasks = List.copyOf(tasks);
    }

    /** The participants' ids, in task order. */
    public int[] clientIds() {
        int[] ids = new int[tasks.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tasks.get(i).clientId();
        }
        return ids;
    }
}
