package io.github.fl4j.core.sim;

/**
 * What happened in one round.
 *
 * @param round              the round (1-based)
 * @param participants       number of participating clients
 * @param trainLoss          mean over participants of each client's mean training loss during its local steps
 * @param testLoss           test loss of the server model after the round, NaN when not evaluated
 * @param testAccuracy       test accuracy after the round, NaN when not evaluated or not a classifier
 * @param uplinkBits         bits sent client to server this round
 * @param downlinkBits       bits sent server to client this round
 * @param cumulativeUplink   uplink bits of rounds 1..round
 * @param cumulativeDownlink downlink bits of rounds 1..round
 * @param wallNanos          wall-clock time of the round, evaluation included (the only field that is not
 *                           reproducible)
 * @param evalNanos          wall-clock time of the evaluation part (0 when not evaluated)
 * @param epsilon            the differential-privacy epsilon spent by rounds 1..round at the algorithm's delta
 *                           ({@link io.github.fl4j.core.api.FederatedAlgorithm#privacySpent}), NaN when the algorithm
 *                           has no privacy accountant
 */
public record RoundReport(int round, int participants, double trainLoss, double testLoss, double testAccuracy,
                          long uplinkBits, long downlinkBits, long cumulativeUplink, long cumulativeDownlink,
                          long wallNanos, long evalNanos, double epsilon) {

    /** A report without a privacy accountant (epsilon NaN). */
    public RoundReport(int round, int participants, double trainLoss, double testLoss, double testAccuracy,
                       long uplinkBits, long downlinkBits, long cumulativeUplink, long cumulativeDownlink,
                       long wallNanos, long evalNanos) {
        this(round, participants, trainLoss, testLoss, testAccuracy, uplinkBits, downlinkBits, cumulativeUplink,
                cumulativeDownlink, wallNanos, evalNanos, Double.NaN);
    }

    /** True when the run has a privacy accountant (epsilon is not NaN). */
    public boolean accountsPrivacy() {
        return !Double.isNaN(epsilon);
    }

    /** True when the test set was evaluated after this round. */
    public boolean evaluated() {
        return !Double.isNaN(testLoss);
    }

    /** This report without its timings, for reproducibility comparisons. */
    public RoundReport withoutTimings() {
        return new RoundReport(round, participants, trainLoss, testLoss, testAccuracy, uplinkBits, downlinkBits,
                cumulativeUplink, cumulativeDownlink, 0, 0, epsilon);
    }
}
