package io.github.fl4j.examples;

import io.github.fl4j.algorithms.fedau.FedAu;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Unknown, heterogeneous participation (after Wang and Ji, ICLR 2024): 20 clients with
 * f_n(x) = (x - n)^2 / 2, n = 1..20, so the true optimum is x* = 10.5; client n takes part with probability p_n rising
 * linearly from 0.02 to 0.5, through a Bernoulli, a Markov (q = 0.05) or a cyclic (cycle 100) pattern the server does
 * not know. Rules that ignore p_n converge to the participation-weighted optimum sum p_n n / sum p_n = 13.73; FedAU's
 * online estimate of 1/p_n, like known probabilities and the memory-heavy MIFA/FedVarp, lands near 10.5.
 *
 * <p>5 full-gradient local steps at lr 0.01, server lr 1 (10 for "average all", as tuned in the FedAU code). Reported:
 * the mean of x over the last 4000 of 6000 rounds (a reference simulation uses the last 5000 of 20000), and each
 * client's measured participation rate for the first pattern. Empty rounds are kept (FedAU's semantics), so "average
 * participating" and MIFA run on the rounds where somebody took part.
 *
 * <p>Run: {@code mvn -q -pl examples -am test-compile exec:java -Dexec.mainClass=io.github.fl4j.examples.UnknownParticipation}.
 * Arguments: {@code rounds} (6000), {@code seed} (93).
 */
public final class UnknownParticipation {
    private static final int CLIENTS = 20;

    private UnknownParticipation() {
    }

    /** Runs the example; arguments are {@code key=value} pairs (see the class comment). */
    public static void main(String[] args) {
        // Many runs: keep the per-round log lines out of the table (examples' logback.xml reads this property).
        System.setProperty("fl4j.log.level", System.getProperty("fl4j.log.level", "WARN"));
        Args a = Args.parse(args);
        int rounds = a.intValue("rounds", 6000);
        long seed = a.longValue("seed", 93);
        int tail = Math.max(1, rounds * 2 / 3);
        double[] p = ParticipationProbabilities.linear(CLIENTS, 0.02, 0.5);

        Map<String, Participation> patterns = new LinkedHashMap<>();
        patterns.put("Bernoulli", new BernoulliParticipation(p).allowingEmptyRounds());
        patterns.put("Markov", new MarkovParticipation(p, 0.05).allowingEmptyRounds());
        patterns.put("Cyclic", CyclicParticipation.withNearestRates(p, 100).allowingEmptyRounds());

        Map<String, FedAu> rules = new LinkedHashMap<>();
        rules.put("avg-participating", base().aggregation(FedAu.Aggregation.AVERAGE_PARTICIPATING).build());
        rules.put("avg-all (eta=10)", base().aggregation(FedAu.Aggregation.AVERAGE_ALL).serverLearningRate(10)
                .build());
        rules.put("known p", base().aggregation(FedAu.Aggregation.KNOWN_PROBABILITIES).probabilities(p).build());
        rules.put("MIFA", base().aggregation(FedAu.Aggregation.MIFA).build());
        rules.put("FedVarp", base().aggregation(FedAu.Aggregation.FEDVARP).build());
        rules.put("FedAU K=inf", base().build());
        rules.put("FedAU K=50", base().cutoff(50).build());

        System.out.printf(Locale.ROOT, "x* = 10.5, participation-weighted optimum = 13.73; mean x over the last %d of "
                + "%d rounds%n%n", tail, rounds);
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-18s", "rule"));
        for (String pattern : patterns.keySet()) {
            header.append(String.format(Locale.ROOT, "%11s", pattern));
        }
        System.out.println(header);
        double[] rates = null;
        for (Map.Entry<String, FedAu> rule : rules.entrySet()) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-18s", rule.getKey()));
            for (Participation pattern : patterns.values()) {
                double[] sum = new double[1];
                RoundListener listener = (RoundReport r) -> {
                    if (r.round() > rounds - tail) {
                        sum[0] += Math.sqrt(2 * r.testLoss()); // test sample (a = 1, y = 0): loss x^2/2
                    }
                };
                var result = Simulation.builder(rule.getValue())
                        .config(SimulationConfig.builder().rounds(rounds).clientsPerRound(1).evalEvery(1).seed(seed)
                                .precision(Precision.FLOAT64).build())
                        .model(new LeastSquares(1)).data(data()).participation(pattern)
                        .initialParameters(Nd4j.zeros(DataType.DOUBLE, 1)).listener(listener).build().run();
                if (rates == null) {
                    rates = result.participationRates();
                }
                row.append(String.format(Locale.ROOT, "%11.2f", sum[0] / tail));
            }
            System.out.println(row);
        }
        System.out.printf(Locale.ROOT, "%nmeasured participation rates (Bernoulli): client 1 %.3f, client 10 %.3f, "
                + "client 20 %.3f (p = %.3f, %.3f, %.3f)%n", rates[0], rates[9], rates[19], p[0], p[9], p[19]);
    }

    private static FedAu.Builder base() {
        return FedAu.builder().localTraining(LocalTraining.fullBatchSteps(5)).localLearningRate(0.01);
    }

    private static FederatedDataset data() {
        List<Dataset> parts = new ArrayList<>();
        for (int n = 1; n <= CLIENTS; n++) {
            parts.add(new Dataset(Nd4j.createFromArray(new double[][] {{1}}),
                    Nd4j.createFromArray(new double[][] {{n}})));
        }
        return new FederatedDataset(parts, new Dataset(Nd4j.createFromArray(new double[][] {{1}}),
                Nd4j.createFromArray(new double[][] {{0}})));
    }
}
