package io.github.fl4j.core.sim;

import io.github.fl4j.core.comm.CommunicationLedger;
import io.github.fl4j.core.comm.Direction;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The outcome of a finished simulation.
 *
 * @param algorithm           the algorithm's name
 * @param config              the configuration
 * @param reports             one report per round, in order
 * @param finalParameters     the server model after the last round (a copy)
 * @param serverState         the algorithm's final server state
 * @param ledger              every bit sent
 * @param participationCounts how many rounds each client took part in, by id
 * @param runState            the run's final state: its client-state store and server tables (closed when the run
 *                            ended: the in-memory ones stay readable)
 * @param <S>                 the server state type
 */
public record SimulationResult<S>(String algorithm, SimulationConfig config, List<RoundReport> reports,
                                  INDArray finalParameters, S serverState, CommunicationLedger ledger,
                                  int[] participationCounts, RunState<S, ?> runState) {

    public SimulationResult {
        reports = List.copyOf(reports);
    }

    /** The report of the last round. */
    public RoundReport lastReport() {
        return reports.get(reports.size() - 1);
    }

    /** Test accuracy after the last round (NaN if the model is not a classifier or there is no test set). */
    public double finalAccuracy() {
        return lastReport().testAccuracy();
    }

    /** Test loss after the last round. */
    public double finalTestLoss() {
        return lastReport().testLoss();
    }

    /** Total uplink bits. */
    public long uplinkBits() {
        return ledger.totalBits(Direction.UPLINK);
    }

    /** Total downlink bits. */
    public long downlinkBits() {
        return ledger.totalBits(Direction.DOWNLINK);
    }

    /** Each client's participation rate: rounds taken part in divided by the number of rounds. */
    public double[] participationRates() {
        double[] r = new double[participationCounts.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = participationCounts[i] / (double) reports.size();
        }
        return r;
    }

    /** Mean training wall time per round in milliseconds, evaluation excluded. */
    public double meanTrainMillisPerRound() {
        long sum = 0;
        for (RoundReport r : reports) {
            sum += r.wallNanos() - r.evalNanos();
        }
        return sum / 1e6 / reports.size();
    }

    /** A multi-line human-readable summary. */
    public String summary() {
        return ReportFormat.summary(this);
    }
}
