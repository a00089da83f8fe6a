package io.github.fl4j.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.RetryableException;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.sim.ClientOutcome;
import io.github.fl4j.core.sim.ClientTask;
import io.github.fl4j.core.sim.ExecutionEngine;
import io.github.fl4j.core.sim.RemoteRun;
import io.github.fl4j.core.sim.RoundWork;
import io.github.fl4j.core.state.ClientStateStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Runs client tasks on the data members of a Hazelcast cluster: each task goes to the member that owns the client's
 * key (the client id, an {@code Integer}, through {@link IExecutorService#submitToKeyOwner}), which is also the member
 * that owns the client's entry in a state map of {@link HazelcastStateStores}. The member builds its client runner from
 * the run's description (once per run, see {@link MemberContext}), decodes the downlink and the state with fl4j's
 * codecs and sends the outcome back as bytes, exactly like the core's serializing engine; the driver (this engine, on
 * a lite member) decodes the outcomes and returns them in task order.
 *
 * <h2>Same bits</h2>
 * A task is a pure function of (description, round, downlink, state): its random streams are keyed by seed, purpose,
 * round and client. So the outcomes do not depend on which member runs a task, on the number of members or threads,
 * or on a task being run twice.
 *
 * <h2>Failures</h2>
 * A task that throws on a member comes back as a {@link RemoteTaskException} (class name and message); every task of
 * the round still runs and the first failure in task order is rethrown. A task lost with its member (the member left,
 * crashed, or the partition moved) is resubmitted to the key's new owner, up to {@code retries} times with a pause of
 * {@code 100 ms x attempt} so that partitions can migrate; the rerun gives the same bits.
 *
 * <h2>Cost per round and task</h2>
 * The round's downlink (4 d bytes per float32 vector) goes once to every data member ({@link DownlinkCall}), which
 * keeps it under a key; each task then carries the description (a few hundred bytes), that key and the request (the
 * state), and its reply the decoded upload and the new state. A task that lands on a member without the downlink
 * (one that joined or took over the client's partition after the broadcast) is sent again with it inline. {@link #bytesSent()} and {@link #bytesReceived()}
 * count these payloads (Hazelcast adds its framing).
 *
 * <h2>Owned states</h2>
 * With {@link #ownStates(boolean) ownStates(true)} and the run's states in a {@link HazelcastStateStores} map, a task
 * carries the map's name instead of the state, reads and writes the state on its member, and its reply has no state:
 * a state crosses the network only as its backup (see {@link StateEntry} for why a rerun is safe).
 */
public final class HazelcastExecutionEngine implements ExecutionEngine {
    /** Default number of resubmissions of one task after member loss. */
    public static final int DEFAULT_RETRIES = 10;

    private final HazelcastInstance driver;
    private final boolean ownsDriver;
    private final IExecutorService executor;
    private final int threadsPerMember;
    private final int retries;
    private long bytesSent;
    private long bytesReceived;
    private long resubmissions;
    private long inlineResends;
    private long sequence;
    /** Distinguishes the engines of one driver, so that the downlink keys of two engines never meet on a member. */
    private static final java.util.concurrent.atomic.AtomicLong ENGINES = new java.util.concurrent.atomic.AtomicLong();
    private final long engineId = ENGINES.incrementAndGet();
    /**
     * Whether rounds send their downlink to the members before the tasks; tests turn it off so that every task meets
     * a member without it and is sent again inline (the fallback after a migration).
     */
    volatile boolean broadcast = true;
    private volatile boolean ownStates;
    /** Owned states: the map, round and clients of the last round's tasks, committed when a later round starts. */
    private String pendingMap;
    private int pendingRound;
    private final List<Integer> pendingClients = new ArrayList<>();
    private long commits;
    private volatile boolean closed;

    /**
     * An engine that submits through {@code driver} (a lite member of the cluster, or a data member), which the
     * caller keeps and shuts down.
     *
     * @param driver           a running Hazelcast member
     * @param threadsPerMember the executor threads of each data member (for {@link #parallelism()} only)
     * @param retries          resubmissions of one task after member loss, at least 0
     */
    public HazelcastExecutionEngine(HazelcastInstance driver, int threadsPerMember, int retries) {
        this(driver, threadsPerMember, retries, false);
    }

    private HazelcastExecutionEngine(HazelcastInstance driver, int threadsPerMember, int retries, boolean owns) {
        if (driver == null) {
            throw new IllegalArgumentException("driver must not be null");
        }
        if (threadsPerMember < 1) {
            throw new IllegalArgumentException("threadsPerMember must be >= 1, was " + threadsPerMember);
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0, was " + retries);
        }
        this.driver = driver;
        this.ownsDriver = owns;
        this.executor = driver.getExecutorService(ClusterOptions.EXECUTOR);
        this.threadsPerMember = threadsPerMember;
        this.retries = retries;
    }

    /**
     * Starts a lite member with {@code options} (its {@code liteMember} flag is set) that joins the cluster, and an
     * engine that owns it: {@link #close()} shuts it down. The one call a driver needs:
     * {@code Simulation.builder(...).engine(HazelcastExecutionEngine.connect(options))}.
     */
    public static HazelcastExecutionEngine connect(ClusterOptions options) {
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(options.withLiteMember(true).toConfig());
        return new HazelcastExecutionEngine(hz, options.threads(), DEFAULT_RETRIES, true);
    }

    /**
     * Whether tasks run against the client states where they live (default off): when on, and the run's client
     * states are in a map of this cluster ({@link HazelcastStateStores}), the simulation hands this engine client ids
     * instead of states ({@link #ownsStates}), and each task, on the member that owns the client's key, reads the
     * state from the map locally (the algorithm's initial state at a first participation, computed there exactly as
     * the driver would), runs the client, writes the new state back locally and returns the outcome without it. A
     * state then crosses the network only as the map's backup; the driver never reads or writes one, except for a
     * checkpoint (which reads every state from the map) and a resume (which writes them).
     *
     * <p>A task that is run twice in a round (its member died after writing the state and before replying) trains
     * from the same state both times: the entry keeps the state before the round until the client's next round
     * ({@link StateEntry}), so the bits do not change.
     *
     * @return this engine
     */
    public HazelcastExecutionEngine ownStates(boolean on) {
        ownStates = on;
        return this;
    }

    /** Whether tasks run against the states where they live ({@link #ownStates(boolean)}). */
    public boolean ownStates() {
        return ownStates;
    }

    /**
     * True when {@link #ownStates(boolean)} is on and {@code store} is a store of {@link HazelcastStateStores} in this
     * engine's cluster.
     */
    @Override
    public boolean ownsStates(ClientStateStore<?> store) {
        return ownStates && store instanceof HazelcastStateStores.Store<?> s && s.inClusterOf(driver);
    }

    /** The Hazelcast member this engine submits through. */
    public HazelcastInstance driver() {
        return driver;
    }

    @Override
    public <C> List<ClientOutcome<C>> execute(RoundWork<C> work) {
        if (closed) {
            throw new IllegalStateException("HazelcastExecutionEngine is closed");
        }
        RemoteRun<C> remote = work.remote();
        if (remote == null) {
            throw new IllegalStateException("HazelcastExecutionEngine runs clients from the run's description, and "
                    + "this simulation has none: build it with ClientRunners.simulation(description, registry)");
        }
        String stateMap = "";
        if (work.ownedStates() != null) {
            if (!(work.ownedStates() instanceof HazelcastStateStores.Store<?> s) || !s.inClusterOf(driver)) {
                throw new IllegalArgumentException("HazelcastExecutionEngine owns only the states of a "
                        + "HazelcastStateStores store in its cluster, was " + work.ownedStates());
            }
            stateMap = s.map.getName();
        }
        if (!stateMap.isEmpty()) {
            commitEarlierRound(stateMap, work.round());
        }
        byte[] description = remote.description().toBytes();
        byte[] downlink = work.downlink().toBytes();
        // Owned states: requests and outcomes without the state (it is read and written on the member).
        StateCodec<C> codec = stateMap.isEmpty() ? remote.stateCodec() : WireCodec.noState();
        List<ClientTask<C>> tasks = work.tasks();
        int n = tasks.size();
        String downKey = "";
        long broadcastBytes = 0;
        if (n > 0) {
            long seq;
            synchronized (this) {
                seq = ++sequence;
            }
            // Unique in the cluster: the driver's member UUID, this engine among the driver's, the round's sequence.
            downKey = driver.getCluster().getLocalMember().getUuid() + "/" + engineId + "/" + seq;
            if (broadcast) {
                broadcastBytes = broadcastDownlink(downKey, downlink);
            }
        }
        byte[] taskDownlink = downKey.isEmpty() ? downlink : new byte[0];
        ClientTaskCall[] calls = new ClientTaskCall[n];
        List<Future<byte[]>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            calls[i] = new ClientTaskCall(description, downKey, taskDownlink, WireCodec.request(tasks.get(i),
                    codec), stateMap);
            futures.add(submit(calls[i], tasks.get(i).clientId()));
        }
        List<ClientOutcome<C>> outcomes = new ArrayList<>(n);
        RuntimeException first = null;
        long received = 0;
        long sent = broadcastBytes;
        for (int i = 0; i < n; i++) {
            int client = tasks.get(i).clientId();
            byte[] reply = null;
            RuntimeException failure = null;
            for (int attempt = 0; ; attempt++) {
                try {
                    reply = futures.get(i).get();
                    break;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    for (Future<byte[]> f : futures) {
                        f.cancel(true);
                    }
                    CancellationException c = new CancellationException("interrupted while waiting for client "
                            + "tasks on the cluster");
                    c.initCause(e);
                    throw c;
                } catch (ExecutionException | RuntimeException e) {
                    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                    if (isMemberLoss(cause) && attempt < retries && driver.getLifecycleService().isRunning()) {
                        pause(attempt + 1);
                        synchronized (this) {
                            resubmissions++;
                        }
                        futures.set(i, submit(calls[i], client));
                        continue;
                    }
                    failure = new IllegalStateException("client " + client + ": the cluster could not run its task"
                            + (attempt > 0 ? " after " + attempt + " resubmissions" : "") + ": " + cause, cause);
                    break;
                }
            }
            if (reply != null) {
                received += reply.length;
                Object o = WireCodec.readReply(reply, codec, client);
                if (o == WireCodec.RESEND_INLINE) {
                    // The member that ran it lacked the broadcast downlink: send this task again with it inline.
                    sent += calls[i].payloadBytes();
                    calls[i] = calls[i].inline(downlink);
                    futures.set(i, submit(calls[i], client));
                    synchronized (this) {
                        inlineResends++;
                    }
                    i--;
                    continue;
                }
                if (o instanceof RemoteTaskException r) {
                    failure = r;
                } else {
                    @SuppressWarnings("unchecked")
                    ClientOutcome<C> outcome = (ClientOutcome<C>) o;
                    outcomes.add(outcome);
                }
            }
            if (failure != null && first == null) {
                first = failure;
            }
        }
        for (ClientTaskCall c : calls) {
            sent += c.payloadBytes();
        }
        synchronized (this) {
            bytesSent += sent;
            bytesReceived += received;
        }
        if (first != null) {
            throw first;
        }
        if (!stateMap.isEmpty()) {
            synchronized (this) {
                for (ClientTask<C> t : tasks) {
                    pendingClients.add(t.clientId());
                }
            }
        }
        return outcomes;
    }

    /**
     * Owned states: when {@code round} is later than the round whose clients are pending in the same map, that round
     * is over (the driver starts a round after the previous one's fold), so its entries are committed
     * ({@link StateCommit}: the state kept for a rerun is dropped); then {@code round}'s clients become the pending
     * ones. Another map, or an earlier or equal round (a new run), drops the pending clients uncommitted: they keep
     * their previous state until their next write, which is only memory.
     */
    private synchronized void commitEarlierRound(String map, int round) {
        if (map.equals(pendingMap) && round == pendingRound) {
            return; // another chunk of the same round
        }
        if (map.equals(pendingMap) && round > pendingRound && !pendingClients.isEmpty()) {
            java.util.Set<Integer> keys = new java.util.HashSet<>(pendingClients);
            try {
                driver.<Integer, byte[]>getMap(map).executeOnKeys(keys, new StateCommit(pendingRound));
                commits += keys.size();
            } catch (RuntimeException e) {
                // Only memory is at stake: an uncommitted entry keeps its previous state until its next write.
            }
        }
        pendingMap = map;
        pendingRound = round;
        pendingClients.clear();
    }

    /** Owned states: entries committed so far (their kept previous state dropped after their round). */
    public synchronized long commits() {
        return commits;
    }

    /**
     * Sends the downlink to every data member and waits for them; a member that fails or leaves is skipped (its
     * successor's tasks ask for the downlink inline). Returns the payload bytes sent.
     */
    private long broadcastDownlink(String key, byte[] downlink) {
        List<Future<Boolean>> acks = new ArrayList<>();
        long bytes = 0;
        for (Member m : driver.getCluster().getMembers()) {
            if (m.isLiteMember()) {
                continue;
            }
            DownlinkCall call = new DownlinkCall(key, downlink);
            try {
                acks.add(executor.submitToMember(call, m));
                bytes += call.payloadBytes();
            } catch (RuntimeException e) {
                // the member is gone: its partitions' new owners get the downlink inline
            }
        }
        for (Future<Boolean> f : acks) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted while broadcasting the downlink");
            } catch (ExecutionException | RuntimeException e) {
                // as above
            }
        }
        return bytes;
    }

    private Future<byte[]> submit(ClientTaskCall call, int client) {
        try {
            return executor.submitToKeyOwner(call, Integer.valueOf(client));
        } catch (RuntimeException e) {
            // A synchronous failure (e.g. no data member right now) is handled like an asynchronous one.
            java.util.concurrent.CompletableFuture<byte[]> f = new java.util.concurrent.CompletableFuture<>();
            f.completeExceptionally(e);
            return f;
        }
    }

    /** Whether a failure means the task was lost with a member (and a rerun on the new owner may succeed). */
    static boolean isMemberLoss(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof MemberLeftException || c instanceof RetryableException
                    || c instanceof HazelcastInstanceNotActiveException
                    || c instanceof com.hazelcast.partition.NoDataMemberInClusterException) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(100L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting to resubmit a lost client task");
        }
    }

    /** Payload bytes sent to members so far (descriptions, downlinks, requests with states). */
    public synchronized long bytesSent() {
        return bytesSent;
    }

    /** Payload bytes received from members so far (outcomes with uploads and states). */
    public synchronized long bytesReceived() {
        return bytesReceived;
    }

    /** Tasks resubmitted after member loss so far. */
    public synchronized long resubmissions() {
        return resubmissions;
    }

    /** Tasks sent again with their downlink inline because their member lacked the broadcast, so far. */
    public synchronized long inlineResends() {
        return inlineResends;
    }

    /** Executor threads per data member times the number of data members (at least 1). */
    @Override
    public int parallelism() {
        if (closed || !driver.getLifecycleService().isRunning()) {
            return threadsPerMember;
        }
        int data = 0;
        for (Member m : driver.getCluster().getMembers()) {
            if (!m.isLiteMember()) {
                data++;
            }
        }
        return Math.max(1, data) * threadsPerMember;
    }

    /** Shuts the driver member down if this engine started it ({@link #connect}); idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ownsDriver) {
            driver.shutdown();
        }
    }
}
