package io.github.fl4j.core.time;

import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.state.ClientStateStore;
import io.github.fl4j.core.state.ServerTables;

/**
 * What an {@link AsyncServer} knows and may do during one event: the virtual time, the population and each client's
 * sample count, the number of sessions in flight, its random streams (keyed by the event's sequence number), its
 * per-client tables, timers, and (during {@link AsyncServer#dispatch}) the local work it assigns to the starting
 * session. Owned by the engine; valid only during the call it is passed to.
 */
public final class AsyncContext {
    private final int[] clientSizes;
    private final SeedTree seeds;
    private final Precision precision;
    private final ServerTables tables;
    private final TimerSink timers;
    private double time;
    private long event;
    private int inFlight;
    private boolean dispatching;
    private int assignedSteps;

    /** Where scheduled timers go (the engine's event queue). */
    interface TimerSink {
        void schedule(double time, int tag);
    }

    AsyncContext(int[] clientSizes, SeedTree seeds, Precision precision, ServerTables tables, TimerSink timers) {
        this.clientSizes = clientSizes;
        this.seeds = seeds;
        this.precision = precision;
        this.tables = tables;
        this.timers = timers;
    }

    /** A context for unit tests of servers: timers scheduled through it go to {@code timers}. */
    public static AsyncContext forTesting(int[] clientSizes, long seed, Precision precision, double time,
                                          java.util.function.ObjIntConsumer<Double> timers) {
        AsyncContext c = new AsyncContext(clientSizes, new SeedTree(seed), precision, new ServerTables(),
                (t, tag) -> timers.accept(t, tag));
        c.at(time, 0, 0);
        return c;
    }

    void at(double time, long event, int inFlight) {
        this.time = time;
        this.event = event;
        this.inFlight = inFlight;
        this.dispatching = false;
        this.assignedSteps = 0;
    }

    void beginDispatch() {
        dispatching = true;
        assignedSteps = 0;
    }

    int endDispatch() {
        dispatching = false;
        return assignedSteps;
    }

    int[] clientSizes() {
        return clientSizes;
    }

    SeedTree seeds() {
        return seeds;
    }

    ServerTables tables() {
        return tables;
    }

    /** The virtual time of the event, in seconds. */
    public double time() {
        return time;
    }

    /** Number of clients N. */
    public int population() {
        return clientSizes.length;
    }

    /** A client's number of training samples. */
    public int clientSize(int clientId) {
        return clientSizes[clientId];
    }

    /** Total training samples over all clients. */
    public long totalSamples() {
        long s = 0;
        for (int n : clientSizes) {
            s += n;
        }
        return s;
    }

    /** Sessions in flight (started or scheduled to start, not yet ended) at this event. */
    public int inFlight() {
        return inFlight;
    }

    /** The precision of the run. */
    public Precision precision() {
        return precision;
    }

    /** A new stream keyed (purpose, this event's sequence number, no client). */
    public RandomStream random(Purpose purpose) {
        return seeds.stream(purpose, event, SeedTree.GLOBAL);
    }

    /** The server's per-client table {@code name} (see {@link io.github.fl4j.core.api.ServerContext#table}). */
    public <T> ClientStateStore<T> table(String name, StateCodec<T> codec) {
        return tables.table(name, codec);
    }

    /**
     * Schedules a TIMER event with {@code tag} at virtual time {@code at} (&gt;= now); {@link AsyncServer#timer} is
     * called then. Timers are part of the run state (checkpointed).
     */
    public void scheduleTimer(double at, int tag) {
        if (!(at >= time) || Double.isInfinite(at)) {
            throw new IllegalArgumentException("a timer must be at a finite time >= now (" + time + "), was " + at);
        }
        timers.schedule(at, tag);
    }

    /**
     * Assigns the number of local steps of the session being dispatched (only during {@link AsyncServer#dispatch});
     * the client reads it through {@link io.github.fl4j.core.api.ClientContext#localSteps(int)}.
     */
    public void assignLocalSteps(int steps) {
        if (!dispatching) {
            throw new IllegalStateException("local steps can only be assigned while dispatching a session");
        }
        if (steps < 1) {
            throw new IllegalArgumentException("assigned local steps must be >= 1, was " + steps);
        }
        assignedSteps = steps;
    }
}
