package io.github.fl4j.core.time;

import io.github.fl4j.core.comm.CommunicationLedger;
import io.github.fl4j.core.sim.SimulationConfig;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The outcome of a {@link TimedSimulation}.
 *
 * @param algorithm          the algorithm's name
 * @param config             the configuration
 * @param reports            one report per server version
 * @param finalParameters    the final server model (a copy)
 * @param serverState        the final server state
 * @param ledger             every bit sent
 * @param stalenessHistogram how many applied uploads had staleness 0, 1, 2, ... over the whole run
 * @param counts             event and session counts
 * @param appliedPerClient   how many of each client's uploads were applied
 * @param virtualTime        the virtual time at the end, seconds
 * @param <S>                the server state type
 */
public record TimedResult<S>(String algorithm, SimulationConfig config, List<TimeReport> reports,
                             INDArray finalParameters, S serverState, CommunicationLedger ledger,
                             long[] stalenessHistogram, Counts counts, int[] appliedPerClient, double virtualTime) {

    /**
     * Event and session counts of a run.
     *
     * @param events        events processed
     * @param started       sessions started (downloads)
     * @param applied       uploads applied by the server
     * @param failed        sessions that failed (dropout or the client went offline)
     * @param droppedStale  uploads dropped as too stale (late, for rounds)
     * @param skippedStarts session starts that did not happen (no idle client, never online again, round closed)
     * @param wastedUpdates sessions whose work was lost (failed + dropped)
     * @param wastedBits    bits of those sessions (both directions)
     * @param wastedWork    training samples processed in those sessions
     * @param work          training samples processed in all finished sessions
     */
    public record Counts(long events, long started, long applied, long failed, long droppedStale,
                         long skippedStarts, long wastedUpdates, long wastedBits, long wastedWork, long work) {
    }

    /** The last report. */
    public TimeReport last() {
        if (reports.isEmpty()) {
            throw new IllegalStateException("no server version was made");
        }
        return reports.get(reports.size() - 1);
    }

    /** The last evaluated test accuracy (NaN if none). */
    public double finalAccuracy() {
        for (int i = reports.size() - 1; i >= 0; i--) {
            if (reports.get(i).evaluated()) {
                return reports.get(i).testAccuracy();
            }
        }
        return Double.NaN;
    }

    /**
     * The virtual time at which the test accuracy first reached {@code target} (among evaluated versions), or NaN if
     * it never did.
     */
    public double timeToAccuracy(double target) {
        for (TimeReport r : reports) {
            if (r.evaluated() && r.testAccuracy() >= target) {
                return r.time();
            }
        }
        return Double.NaN;
    }
}
