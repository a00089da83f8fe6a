package io.github.fl4j.core.time;

/**
 * The kinds of events on the virtual clock, in the order they are processed at equal times: every upload that
 * arrives at time t is applied before any timer at t, timers before availability changes, and those before any
 * session that starts at t; so a session starting at t downloads the model that includes everything that arrived at
 * t. Among events of the same time and kind, the one scheduled first goes first (a sequence number).
 *
 * <p>This order is part of the semantics, not an implementation detail: with it, FedBuff with a buffer of C and C
 * equal-duration clients is exactly synchronous FedAvg; with starts before ends it is not (see docs/time.md).
 */
public enum EventKind {
    /** A client's upload arrives at the server. */
    CLIENT_END(0),
    /** A timer fires (a round deadline, a periodic aggregation, a group deadline). */
    TIMER(1),
    /** A client goes offline, or fails, in the middle of its session: the session is lost. */
    AVAILABILITY(2),
    /** A client starts a session: it downloads the current model and the version it carries. */
    CLIENT_START(3);

    private final int rank;

    EventKind(int rank) {
        this.rank = rank;
    }

    /** The rank of this kind among events at the same time (lower first). */
    public int rank() {
        return rank;
    }
}
