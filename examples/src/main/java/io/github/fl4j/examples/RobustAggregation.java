package io.github.fl4j.examples;

import io.github.fl4j.experiments.grid.Grid;
import io.github.fl4j.experiments.grid.GridResult;
import io.github.fl4j.experiments.grid.GridSpec;
import io.github.fl4j.experiments.grid.RunResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * FedAvg with each robust aggregator under each attack on MNIST, through the strategy grid's aggregator and attack
 * axes: one table of test accuracy per (aggregator, attack).
 *
 * <p><b>Setup.</b> MNIST split IID over 100 clients (600 images each), softmax regression, 20 clients per round
 * drawn uniformly, 10 local SGD steps of batch 32 at learning rate 0.05, 60 rounds, evaluation every 5 rounds, one
 * seed. 20 % of the clients (20 of 100, drawn from the seed, the same for every cell) are Byzantine, so a round has
 * 4 of them on average. Aggregators: the sample-weighted mean (FedAvg's own), the coordinate-wise median, the
 * trimmed mean (10 % at each end), Krum (f = 4), Multi-Krum (f = 4, m = 10), the geometric median, centered clipping
 * (tau = 1, 3 iterations) and norm bounding (each upload scaled to norm at most 1, then the mean). Attacks: none,
 * sign flipping, scaling by -10, Gaussian noise (sigma 1), "A Little Is Enough", inner-product manipulation
 * (epsilon 0.5) and label flipping. The same grid is {@code examples/grids/robust.json} for {@code GridMain}.
 *
 * <p>Printed: the tail accuracy (mean of the evaluations in the last 10 % of the rounds) of every (aggregator,
 * attack) cell, then the wall time. Files (run files, {@code summary.csv}, {@code summary.md}, plots) go to
 * {@code out}; a second invocation reuses the finished runs.
 *
 * <p>Run (a few minutes on 2 cores): {@code mvn -B -q -pl examples -am test-compile exec:java
 * -Dexec.mainClass=io.github.fl4j.examples.RobustAggregation}. Arguments ({@code key=value}): {@code mnist} (folder
 * with the four IDX files; by default {@code -Dfl4j.mnist} or {@code FL4J_MNIST} if set, else downloaded once into
 * {@code ~/.fl4j/datasets/mnist} by {@link io.github.fl4j.core.data.io.MnistDatasets}), {@code rounds} (60),
 * {@code perRound} (clients per round; 20), {@code seed} (1), {@code threads} (2), {@code out}
 * (out/robust-aggregation).
 */
public final class RobustAggregation {
    /** The aggregator axis, in table order (grid-file names). */
    static final List<String> AGGREGATORS = List.of("mean", "median", "trimmed-mean:0.1", "krum:4",
            "multi-krum:4:10", "geometric-median", "centered-clipping:1:3", "norm-bound:1");
    /** The attack axis, in table order (grid-file names; 20 % Byzantine clients). */
    static final List<String> ATTACKS = List.of("none", "sign-flip:0.2", "scale:-10:0.2", "gaussian:1.0:0.2",
            "alie:0.2", "ipm:0.5:0.2", "label-flip:10:0.2");

    private RobustAggregation() {
    }

    /**
     * Runs the grid and prints the table.
     *
     * @param args {@code key=value} arguments, see the class description
     */
    public static void main(String[] args) throws IOException {
        System.setProperty("fl4j.log.level", System.getProperty("fl4j.log.level", "WARN"));
        Args a = Args.parse(args);
        Path dir = ExampleData.mnist(a);
        int rounds = a.intValue("rounds", 60);
        int perRound = a.intValue("perRound", 20);
        long seed = a.longValue("seed", 1);
        int threads = a.intValue("threads", 2);
        Path out = Path.of(a.value("out", "out/robust-aggregation")).toAbsolutePath();
        String json = String.format(Locale.ROOT, """
                {
                  "strategies": {"FedAvg": {"algorithm": "fedavg", "localSteps": 10, "batch": 32, "lr": 0.05}},
                  "aggregators": %s,
                  "attacks": %s,
                  "participation": ["uniform:%d"],
                  "heterogeneity": ["mnist:iid"],
                  "model": "softmax",
                  "seeds": [%d], "rounds": %d, "evalEvery": 5, "targetAccuracy": 0.85,
                  "data": "%s", "output": "%s", "parallelism": %d
                }
                """, jsonArray(AGGREGATORS), jsonArray(ATTACKS), perRound, seed, rounds,
                escape(dir.toAbsolutePath().toString()), escape(out.toString()), threads);
        Grid grid = GridSpec.parse(json, Path.of("").toAbsolutePath()).progress(false).build();
        System.out.printf(Locale.ROOT, "FedAvg on MNIST (IID, 100 clients, %d per round, %d rounds, seed %d) with "
                + "%d aggregators x %d attacks (20%% Byzantine): %d runs on %d threads%n", perRound, rounds, seed,
                AGGREGATORS.size(), ATTACKS.size(), grid.keys().size(), threads);
        long t0 = System.nanoTime();
        GridResult r = grid.run();
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.println();
        System.out.print(table(r));
        double runSeconds = r.runs().stream().mapToDouble(RunResult::wallSeconds).sum();
        System.out.printf(Locale.ROOT, "%nTail accuracy: mean test accuracy over the evaluations in the last 10%% of "
                + "the rounds.%n%d runs (%d executed now) in %.1f s wall (%.1f s of simulation summed over runs); "
                + "files in %s%n", r.runs().size(), r.executedRuns(), seconds, runSeconds, out);
    }

    /** The tail accuracy of every (aggregator, attack) cell as a Markdown table, aggregators as rows. */
    static String table(GridResult r) {
        Map<String, Map<String, Double>> acc = new LinkedHashMap<>();
        for (RunResult run : r.runs()) {
            acc.computeIfAbsent(run.key().aggregator(), x -> new LinkedHashMap<>())
                    .put(run.key().attack(), run.tailAccuracy());
        }
        List<String> attacks = new ArrayList<>();
        acc.values().forEach(m -> m.keySet().forEach(k -> {
            if (!attacks.contains(k)) {
                attacks.add(k);
            }
        }));
        StringBuilder sb = new StringBuilder("| aggregator \\ attack |");
        attacks.forEach(x -> sb.append(' ').append(x).append(" |"));
        sb.append("\n| --- |").append(" ---: |".repeat(attacks.size())).append('\n');
        for (Map.Entry<String, Map<String, Double>> row : acc.entrySet()) {
            sb.append("| ").append(row.getKey()).append(" |");
            for (String x : attacks) {
                Double v = row.getValue().get(x);
                sb.append(' ').append(v == null ? "" : String.format(Locale.ROOT, "%.4f", v)).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String jsonArray(List<String> v) {
        return "[" + String.join(", ", v.stream().map(x -> "\"" + escape(x) + "\"").toList()) + "]";
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
