package io.github.fl4j.algorithms.fedau;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.participation.BernoulliParticipation;
import io.github.fl4j.core.participation.CyclicParticipation;
import io.github.fl4j.core.participation.MarkovParticipation;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.participation.ParticipationProbabilities;
import io.github.fl4j.core.sim.RoundListener;
import io.github.fl4j.core.sim.RoundReport;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.tensor.Precision;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The bias of the aggregation rules under heterogeneous, unknown participation (after Wang and Ji, ICLR 2024):
 * 20 clients, f_n(x) = (x - n)^2 / 2 for n = 1..20 (least squares with one sample a = 1, y = n), so x* = 10.5;
 * Bernoulli participation with p_n linear from 0.02 (n = 1) to 0.5 (n = 20); I = 5 full-gradient local steps with
 * lr 0.01, eta = 1; x^1 = 0. A reference simulation runs 20000 rounds and averages x over the last 5000; here 6000
 * rounds, x averaged over the last 4000 (the transient is over after ~1000 rounds: the per-round contraction is about
 * 5%, and the rarest client's interval estimate has ~20 samples by round 1000). Its values (Bernoulli row): average
 * participating 13.83 (the p-weighted optimum sum p_n n / sum p_n = 13.73), known p 10.46, FedAU K = inf 10.45, K = 50
 * 10.70. Tolerances: 0.35 around the reference value, a margin over the run-to-run spread of the 4000-round average
 * (the fluctuation of x around its mean has sd ~0.5 and correlation time ~20 rounds, so the average's sd is ~0.05; the
 * estimator's residual error adds ~0.1). The two targets 10.5 and 13.7 are 3.2 apart, so the checks separate them.
 *
 * <p>x is read each round from the test loss: the test set is the single sample (a = 1, y = 0), whose loss is x^2/2.
 */
class FedAuBiasTest {
    private static final int CLIENTS = 20;
    private static final int ROUNDS = 6000;
    private static final int AVERAGE_OVER = 4000;

    private static double meanX(FedAu alg) {
        return meanX(alg, new BernoulliParticipation(probabilities()).allowingEmptyRounds());
    }

    private static double meanX(FedAu alg, Participation participation) {
        List<Dataset> parts = new ArrayList<>();
        for (int n = 1; n <= CLIENTS; n++) {
            parts.add(new Dataset(Nd4j.createFromArray(new double[][] {{1}}),
                    Nd4j.createFromArray(new double[][] {{n}})));
        }
        FederatedDataset data = new FederatedDataset(parts, new Dataset(Nd4j.createFromArray(new double[][] {{1}}),
                Nd4j.createFromArray(new double[][] {{0}})));
        SimulationConfig cfg = SimulationConfig.builder().rounds(ROUNDS).clientsPerRound(1).evalEvery(1).seed(93)
                .precision(Precision.FLOAT64).build();
        double[] sum = new double[1];
        RoundListener tail = new RoundListener() {
            @Override
            public void onRound(RoundReport r) {
                if (r.round() > ROUNDS - AVERAGE_OVER) {
                    sum[0] += Math.sqrt(2 * r.testLoss());
                }
            }
        };
        Simulation.builder(alg).config(cfg).model(new LeastSquares(1)).data(data)
                .participation(participation)
                .initialParameters(Nd4j.zeros(DataType.DOUBLE, 1)).listener(tail).build().run();
        return sum[0] / AVERAGE_OVER;
    }

    private static double[] probabilities() {
        return ParticipationProbabilities.linear(CLIENTS, 0.02, 0.5);
    }

    private static FedAu.Builder base() {
        return FedAu.builder().localTraining(LocalTraining.fullBatchSteps(5)).localLearningRate(0.01);
    }

    @Test
    void participationWeightedOptimumIsTheSpecsValue() {
        double[] p = probabilities();
        double num = 0;
        double den = 0;
        for (int n = 1; n <= CLIENTS; n++) {
            num += p[n - 1] * n;
            den += p[n - 1];
        }
        assertEquals(13.73, num / den, 0.005);
    }

    @Test
    void averagingParticipantsIsBiasedTowardFrequentClients() {
        double x = meanX(base().aggregation(FedAu.Aggregation.AVERAGE_PARTICIPATING).build());
        assertEquals(13.83, x, 0.35);
    }

    @Test
    void fedAuAndKnownProbabilitiesFindTheTrueOptimum() {
        double known = meanX(base().aggregation(FedAu.Aggregation.KNOWN_PROBABILITIES).probabilities(probabilities())
                .build());
        double adaptive = meanX(base().build());
        double cutoff = meanX(base().cutoff(50).build());
        assertEquals(10.46, known, 0.35);
        assertEquals(10.45, adaptive, 0.35);
        assertEquals(10.70, cutoff, 0.35);
    }

    /** Mean x under {@code pattern} for average participating, known p, FedAU K = inf and K = 50, in that order. */
    private static double[] fourRules(String name, Participation pattern) {
        double[] x = {
            meanX(base().aggregation(FedAu.Aggregation.AVERAGE_PARTICIPATING).build(), pattern),
            meanX(base().aggregation(FedAu.Aggregation.KNOWN_PROBABILITIES).probabilities(probabilities()).build(),
                    pattern),
            meanX(base().build(), pattern),
            meanX(base().cutoff(50).build(), pattern)};
        System.out.printf("9.3 %s: participating %.3f, known %.3f, FedAU %.3f, K=50 %.3f%n", name, x[0], x[1], x[2],
                x[3]);
        return x;
    }

    /**
     * The Markov row of the reference (two-state chain with q = 0.05 and stationary activity p_n): average
     * participating 13.79, known p 10.32, FedAU K = inf 10.37, K = 50 10.65. Measured here (seed 93): 13.87, 10.46,
     * 10.55, 10.77. The chain's rounds are correlated (a client stays active for 1/(q (1/p_n - 1)) rounds on average),
     * which widens the spread of the 4000-round mean; the tolerance stays 0.35.
     */
    @Test
    void markovPattern() {
        double[] x = fourRules("Markov", new MarkovParticipation(probabilities(), 0.05).allowingEmptyRounds());
        assertEquals(13.79, x[0], 0.35);
        assertEquals(10.32, x[1], 0.35);
        assertEquals(10.37, x[2], 0.35);
        assertEquals(10.65, x[3], 0.35);
    }

    /**
     * The cyclic row of the reference (cycle 100: active for round(100 p_n) rounds, then inactive; random phase): known
     * p 10.35, FedAU K = inf 10.42, K = 50 10.84; average participating 12.74 in the reference run. Measured here (seed
     * 93): 14.32, 10.49, 10.57, 10.95. Under the cyclic pattern the naive rule's limit depends on the phases drawn (x
     * follows the mean of the clients active in the current block, and which blocks overlap is set by the phases), so
     * its check is only the side of the bias: above 12, far from x* = 10.5. The intervals the estimator sees repeat
     * with the cycle (IntervalEstimatorTest's cyclic values are exact), so FedAU's checks keep 0.35.
     */
    @Test
    void cyclicPattern() {
        double[] x = fourRules("cyclic", CyclicParticipation.withNearestRates(probabilities(), 100).allowingEmptyRounds());
        assertTrue(x[0] > 12.0, "average participating " + x[0]);
        assertEquals(10.35, x[1], 0.35);
        assertEquals(10.42, x[2], 0.35);
        assertEquals(10.84, x[3], 0.35);
    }
}
