package io.github.fl4j.core.time;

import java.util.Arrays;

/**
 * What happened up to one server version of a simulation with time.
 *
 * @param version            the server version (1 for the first new model)
 * @param time               the virtual time at which it was made, seconds
 * @param arrivals           uploads applied since the previous version
 * @param trainLoss          mean training loss of those uploads (NaN if none)
 * @param stalenessMean      mean staleness of those uploads (NaN if none)
 * @param stalenessMax       largest staleness of those uploads (-1 if none)
 * @param stalenessCounts    how many of those uploads had staleness 0, 1, 2, ... (index = staleness)
 * @param inFlight           sessions in flight when the version was made
 * @param testLoss           test loss of the new model, NaN when not evaluated
 * @param testAccuracy       test accuracy of the new model, NaN when not evaluated or not a classifier
 * @param uplinkBits         bits uploaded since the previous version (applied or not)
 * @param downlinkBits       bits downloaded since the previous version
 * @param cumulativeUplink   uplink bits since the start
 * @param cumulativeDownlink downlink bits since the start
 * @param wastedUpdates      sessions since the start whose work was lost (failed, offline, too stale, late)
 * @param wastedBits         bits of those sessions since the start (both directions)
 * @param wallNanos          wall-clock time since the previous version (not reproducible)
 * @param evalNanos          wall-clock time of the evaluation
 */
public record TimeReport(long version, double time, int arrivals, double trainLoss, double stalenessMean,
                         long stalenessMax, long[] stalenessCounts, int inFlight, double testLoss,
                         double testAccuracy, long uplinkBits, long downlinkBits, long cumulativeUplink,
                         long cumulativeDownlink, long wastedUpdates, long wastedBits, long wallNanos,
                         long evalNanos) {

    /** True when the test set was evaluated at this version. */
    public boolean evaluated() {
        return !Double.isNaN(testLoss);
    }

    /** This report without its wall-clock timings, for reproducibility comparisons. */
    public TimeReport withoutTimings() {
        return new TimeReport(version, time, arrivals, trainLoss, stalenessMean, stalenessMax, stalenessCounts,
                inFlight, testLoss, testAccuracy, uplinkBits, downlinkBits, cumulativeUplink, cumulativeDownlink,
                wastedUpdates, wastedBits, 0, 0);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TimeReport r)) {
            return false;
        }
        return version == r.version && Double.compare(time, r.time) == 0 && arrivals == r.arrivals
                && Double.compare(trainLoss, r.trainLoss) == 0 && Double.compare(stalenessMean, r.stalenessMean) == 0
                && stalenessMax == r.stalenessMax && Arrays.equals(stalenessCounts, r.stalenessCounts)
                && inFlight == r.inFlight && Double.compare(testLoss, r.testLoss) == 0
                && Double.compare(testAccuracy, r.testAccuracy) == 0 && uplinkBits == r.uplinkBits
                && downlinkBits == r.downlinkBits && cumulativeUplink == r.cumulativeUplink
                && cumulativeDownlink == r.cumulativeDownlink && wastedUpdates == r.wastedUpdates
                && wastedBits == r.wastedBits && wallNanos == r.wallNanos && evalNanos == r.evalNanos;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(version) * 31 + Double.hashCode(time);
    }

    @Override
    public String toString() {
        return String.format("v%d t=%.3fs arrivals=%d loss=%.6g staleness(mean=%.3g,max=%d) inFlight=%d acc=%.4f "
                        + "up=%d down=%d wasted=%d", version, time, arrivals, trainLoss, stalenessMean, stalenessMax,
                inFlight, testAccuracy, cumulativeUplink, cumulativeDownlink, wastedUpdates);
    }
}
