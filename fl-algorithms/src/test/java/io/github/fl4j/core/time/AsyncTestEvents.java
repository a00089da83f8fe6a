package io.github.fl4j.core.time;

import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.tensor.Precision;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives an {@link AsyncServer} by hand in unit tests, as the engine would: one {@link AsyncContext} whose clock is
 * moved forward (so the server's tables persist across events), dispatches inside the context's dispatch window (so
 * {@link AsyncContext#assignLocalSteps} works) and a record of the timers scheduled. It lives in the package of
 * {@link AsyncContext} to reach its engine-side methods; test code only.
 */
public final class AsyncTestEvents {
    private final AsyncContext ctx;
    private final List<double[]> timers = new ArrayList<>();
    private long event;

    /** A driver for a population with the given sample counts, at time 0. */
    public AsyncTestEvents(int[] clientSizes, long seed, Precision precision) {
        this.ctx = AsyncContext.forTesting(clientSizes, seed, precision, 0.0,
                (t, tag) -> timers.add(new double[] {t, tag}));
    }

    /** The context, with its clock at the last time set. */
    public AsyncContext at(double time) {
        ctx.at(time, ++event, 0);
        return ctx;
    }

    /** The context at its current time. */
    public AsyncContext context() {
        return ctx;
    }

    /** A dispatch at {@code time}: the message and the local steps the server assigned (0 when none). */
    public <S> Dispatched dispatch(AsyncServer<S> server, S state, int clientId, double time) {
        at(time);
        ctx.beginDispatch();
        Message m;
        int steps;
        try {
            m = server.dispatch(state, clientId, ctx);
        } finally {
            steps = ctx.endDispatch();
        }
        return new Dispatched(m, steps);
    }

    /** The timers scheduled so far, each {time, tag}, in order. */
    public List<double[]> timers() {
        return timers;
    }

    /**
     * What a dispatch returned.
     *
     * @param message       the downlink message
     * @param assignedSteps the local steps assigned (0 = none)
     */
    public record Dispatched(Message message, int assignedSteps) {
    }
}
