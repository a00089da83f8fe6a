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
 */
public record RoundReport(int round, int participants, double trainLoss, double testLoss, double testAccuracy,
                          long uplinkBits, long downlinkBits, long cumulativeUplink, long cumulativeDownlink,
                          long wallNanos, long evalNanos) {

    /** True when the test set was evaluated after this round. */
    public boolean evaluated() {
        return !Double.isNaN(testLoss);
    }

    /** This report without its timings, for reproducibility comparisons. */
    public RoundReport withoutTimings() {
        return new RoundReport(round, participants, trainLoss, testLoss, testAccuracy, uplinkBits, downlinkBits,
                cumulativeUplink, cumulativeDownlink, 0, 0);
    }
}
