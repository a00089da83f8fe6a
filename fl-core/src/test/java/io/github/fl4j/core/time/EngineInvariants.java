package io.github.fl4j.core.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

/**
 * A listener that checks the engine's invariants on every session and version of a run: virtual time never
 * decreases, a completed session ends at start + duration, staleness is a non-negative integer, a failure comes
 * before the end, and sessions in flight never exceed {@code maxInFlight}. It records what it saw.
 */
public final class EngineInvariants implements TimeListener {
    /** Every finished session, in event order. */
    public final List<SessionRecord> sessions = new ArrayList<>();
    /** Every version report. */
    public final List<TimeReport> reports = new ArrayList<>();
    private final int maxInFlight;
    private double last = 0;

    /** Checks with at most {@code maxInFlight} sessions in flight. */
    public EngineInvariants(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    @Override
    public void onSession(SessionRecord r) {
        assertTrue(r.endTime() >= last, "virtual time went back: " + r);
        last = r.endTime();
        assertTrue(r.startTime() <= r.endTime(), "a session ended before it started: " + r);
        if (r.outcome() != SessionRecord.Outcome.FAILED) {
            assertEquals(r.startTime() + r.duration(), r.endTime(), 1e-9 * Math.max(1, r.endTime()),
                    "completion must be start + duration: " + r);
            assertTrue(r.staleness() >= 0, "staleness must be >= 0: " + r);
        } else {
            assertTrue(r.endTime() <= r.startTime() + r.duration() + 1e-9 * Math.max(1, r.endTime()),
                    "a failure must come before the end: " + r);
        }
        assertTrue(r.inFlight() + 1 <= maxInFlight, "in flight " + (r.inFlight() + 1) + " > " + maxInFlight);
        sessions.add(r);
    }

    @Override
    public void onVersion(TimeReport r) {
        double prev = reports.isEmpty() ? 0 : reports.get(reports.size() - 1).time();
        assertTrue(r.time() >= prev, "version " + r.version() + " at " + r.time() + " after " + prev);
        assertEquals(reports.size() + 1, r.version(), "versions advance by one");
        assertTrue(r.inFlight() <= maxInFlight, "in flight " + r.inFlight() + " > " + maxInFlight);
        assertTrue(r.stalenessMax() >= -1);
        long n = 0;
        for (long c : r.stalenessCounts()) {
            assertTrue(c >= 0);
            n += c;
        }
        assertEquals(r.arrivals(), n, "staleness counts add up to the arrivals");
        reports.add(r);
    }
}
