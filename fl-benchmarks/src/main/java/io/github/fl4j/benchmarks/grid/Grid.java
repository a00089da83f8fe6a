package io.github.fl4j.benchmarks.grid;

import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.sim.RoundListener;
import io.github.fl4j.core.sim.RoundReport;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * A grid of simulations that compares aggregation strategies fairly: every cell (strategy x compressor x
 * participation x heterogeneity) runs on every seed, and a seed fixes the data, the initial model, the participants
 * and every minibatch whatever the strategy (common random numbers: the seed tree derives each from the seed alone;
 * the data of a (heterogeneity, seed) pair is generated once, shared by all its cells, and dropped after its last
 * run, so a large grid holds only the data of the groups in flight).
 *
 * <p>Runs execute on a pool of {@code parallelism} threads, each simulation on one thread, so results do not depend
 * on the parallelism (timings aside). Each finished run is written atomically to {@code runs/<cell>-seed<k>.csv}
 * under the output directory; a later invocation loads those files instead of running again, so an interrupted grid
 * keeps every finished run. The output directory then gets {@code rounds.csv}, {@code summary.csv},
 * {@code summary.md} and PNG plots (see {@link GridReports}).
 *
 * <pre>{@code
 * GridResult r = Grid.builder()
 *     .strategy("FedAvg", () -> FedAvg.builder().localSteps(10, 10).localLearningRate(0.05).build())
 *     .strategy("SCAFFOLD", () -> Scaffold.builder().localSteps(10, 10).localLearningRate(0.05).build())
 *     .participation("uniform:10", Participation.uniform(10))
 *     .heterogeneity("synthetic:1:1", seed -> SyntheticFedProx.builder().alpha(1).beta(1).clients(100).build()
 *         .generate(new SeedTree(seed).stream(Purpose.DATA_GENERATION)))
 *     .model(d -> new SoftmaxRegression(d.featureCount(), 10))
 *     .seeds(1, 2, 3).rounds(50).targetAccuracy(0.7).output(Path.of("grid-out")).parallelism(2)
 *     .build().run();
 * }</pre>
 */
public final class Grid {
    private final Map<String, Supplier<? extends FederatedAlgorithm<?, ?>>> strategies;
    private final Map<String, Compressor> compressors;
    private final Map<String, ParticipationFactory> participations;
    private final Map<String, Function<Long, FederatedDataset>> heterogeneities;
    private final Function<FederatedDataset, Model> model;
    private final long[] seeds;
    private final int rounds;
    private final long maxUplinkBits;
    private final double targetAccuracy;
    private final int parallelism;
    private final int evalEvery;
    private final Path output;
    private final boolean plots;
    private final boolean progress;
    private final Consumer<RunKey> onExecuted;

    private Grid(Builder b) {
        if (b.strategies.isEmpty()) {
            throw new IllegalArgumentException("strategies must not be empty");
        }
        if (b.participations.isEmpty()) {
            throw new IllegalArgumentException("participation must not be empty");
        }
        if (b.heterogeneities.isEmpty()) {
            throw new IllegalArgumentException("heterogeneity must not be empty");
        }
        if (b.model == null) {
            throw new IllegalArgumentException("model must be set");
        }
        if (b.seeds == null || b.seeds.length == 0) {
            throw new IllegalArgumentException("seeds must not be empty");
        }
        if (b.rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1, was " + b.rounds);
        }
        if (b.maxUplinkBits < 1) {
            throw new IllegalArgumentException("maxUplinkBits must be >= 1, was " + b.maxUplinkBits);
        }
        if (!(b.targetAccuracy >= 0 && b.targetAccuracy <= 1)) {
            throw new IllegalArgumentException("targetAccuracy must be in [0, 1], was " + b.targetAccuracy);
        }
        if (b.parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1, was " + b.parallelism);
        }
        if (b.evalEvery < 0) {
            throw new IllegalArgumentException("evalEvery must be >= 0, was " + b.evalEvery);
        }
        if (b.output == null) {
            throw new IllegalArgumentException("output must be set");
        }
        this.strategies = new LinkedHashMap<>(b.strategies);
        this.compressors = b.compressors.isEmpty() ? Map.of("identity", IdentityCompressor.INSTANCE)
                : new LinkedHashMap<>(b.compressors);
        this.participations = new LinkedHashMap<>(b.participations);
        this.heterogeneities = new LinkedHashMap<>(b.heterogeneities);
        this.model = b.model;
        this.seeds = b.seeds.clone();
        this.rounds = b.rounds;
        this.maxUplinkBits = b.maxUplinkBits;
        this.targetAccuracy = b.targetAccuracy;
        this.parallelism = b.parallelism;
        this.evalEvery = b.evalEvery;
        this.output = b.output;
        this.plots = b.plots;
        this.progress = b.progress;
        this.onExecuted = b.onExecuted;
        checkUnique();
    }

    private void checkUnique() {
        Map<String, RunKey> ids = new LinkedHashMap<>();
        for (RunKey k : keys()) {
            RunKey prev = ids.put(k.fileName(), k);
            if (prev != null) {
                throw new IllegalArgumentException("runs " + prev + " and " + k + " map to the same file name "
                        + k.fileName() + "; rename one");
            }
        }
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Every run of the grid, in report order: heterogeneity, participation, strategy, compressor, seed. */
    public List<RunKey> keys() {
        List<RunKey> keys = new ArrayList<>();
        for (String h : heterogeneities.keySet()) {
            for (String p : participations.keySet()) {
                for (String s : strategies.keySet()) {
                    for (String c : compressors.keySet()) {
                        for (long seed : seeds) {
                            keys.add(new RunKey(s, c, p, h, seed));
                        }
                    }
                }
            }
        }
        return keys;
    }

    /** The output directory. */
    public Path output() {
        return output;
    }

    /** The target accuracy. */
    public double targetAccuracy() {
        return targetAccuracy;
    }

    /** The number of rounds. */
    public int rounds() {
        return rounds;
    }

    /** The uplink budget in bits per run ({@link Long#MAX_VALUE}: none). */
    public long maxUplinkBits() {
        return maxUplinkBits;
    }

    /**
     * Runs (or loads) every run, writes the output files and returns the results.
     *
     * @throws GridException when a run fails; the runs finished before stay on disk
     */
    public GridResult run() {
        System.setProperty("java.awt.headless", "true");
        Path runsDir = output.resolve("runs");
        List<RunKey> keys = keys();
        Map<RunKey, RunResult> done = new LinkedHashMap<>();
        List<RunKey> todo = new ArrayList<>();
        for (RunKey k : keys) {
            Path f = runsDir.resolve(k.fileName());
            if (Files.isRegularFile(f)) {
                done.put(k, new RunResult(k, RunFiles.read(f), true));
            } else {
                todo.add(k);
            }
        }
        // Data once per (heterogeneity, seed) that still has runs to do: made by the first of its runs to start and
        // dropped when the last one ends, so a large grid holds only the data of the groups in flight. The runs are
        // submitted group by group, so at most about `parallelism` groups are alive at once.
        Map<String, Integer> groups = new LinkedHashMap<>();
        for (RunKey k : keys) {
            groups.putIfAbsent(k.heterogeneity() + "\u0000" + k.seed(), groups.size());
        }
        todo.sort(java.util.Comparator.comparingInt(k -> groups.get(k.heterogeneity() + "\u0000" + k.seed())));
        Map<String, SharedData> data = new LinkedHashMap<>();
        for (RunKey k : todo) {
            data.computeIfAbsent(k.heterogeneity() + "\u0000" + k.seed(),
                    x -> new SharedData(() -> heterogeneities.get(k.heterogeneity()).apply(k.seed()))).runs++;
        }
        Progress bar = new Progress(keys.size(), done.size(), progress ? System.err : null);
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "fl4j-grid");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<RunResult>> futures = new ArrayList<>();
            for (RunKey k : todo) {
                SharedData d = data.get(k.heterogeneity() + "\u0000" + k.seed());
                futures.add(pool.submit(() -> {
                    try {
                        RunResult r = execute(k, d.acquire(), runsDir);
                        bar.finished();
                        return r;
                    } finally {
                        d.release();
                    }
                }));
            }
            GridException failure = null;
            for (int i = 0; i < futures.size(); i++) {
                try {
                    RunResult r = futures.get(i).get();
                    done.put(r.key(), r);
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = new GridException("run " + todo.get(i).fileName() + " failed: " + e.getCause(),
                                e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new GridException("interrupted; finished runs are kept in " + runsDir, e);
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            pool.shutdownNow();
            bar.close();
        }
        List<RunResult> ordered = new ArrayList<>(keys.size());
        for (RunKey k : keys) {
            ordered.add(done.get(k));
        }
        GridResult result = new GridResult(ordered, targetAccuracy);
        GridReports.writeAll(result, output, plots);
        return result;
    }

    /**
     * The federated data of one (heterogeneity, seed) group, made on first use and dropped after the group's last
     * run. Generation draws only from the seed's own streams, so which thread makes it does not change it.
     */
    private static final class SharedData {
        private final java.util.function.Supplier<FederatedDataset> make;
        private FederatedDataset data;
        private int runs;

        SharedData(java.util.function.Supplier<FederatedDataset> make) {
            this.make = make;
        }

        synchronized FederatedDataset acquire() {
            if (data == null) {
                data = make.get();
            }
            return data;
        }

        synchronized void release() {
            if (--runs == 0) {
                data = null;
            }
        }
    }

    private RunResult execute(RunKey k, FederatedDataset d, Path runsDir) {
        FederatedAlgorithm<?, ?> algorithm = strategies.get(k.strategy()).get();
        Participation participation = participations.get(k.participation()).create(d, k.seed());
        List<RoundReport> reports = new ArrayList<>(rounds);
        try {
            simulate(algorithm, k, d, participation, reports);
        } catch (BudgetReached e) {
            // the uplink budget ends the run; the rounds within budget are kept
        }
        if (reports.isEmpty()) {
            throw new GridException("run " + k.fileName() + " exceeded the uplink budget of " + maxUplinkBits
                    + " bits in its first round", null);
        }
        RunFiles.write(runsDir.resolve(k.fileName()), reports);
        if (onExecuted != null) {
            onExecuted.accept(k);
        }
        return new RunResult(k, reports, false);
    }

    private <S, C> void simulate(FederatedAlgorithm<S, C> algorithm, RunKey k, FederatedDataset d,
                                 Participation participation, List<RoundReport> reports) {
        SimulationConfig config = SimulationConfig.builder().rounds(rounds).clientsPerRound(1).threads(1)
                .seed(k.seed()).evalEvery(evalEvery).build();
        Simulation.builder(algorithm).config(config).model(model.apply(d)).data(d)
                .participation(participation).uplinkCompressor(compressors.get(k.compressor()))
                .listener(new RoundListener() {
                    @Override
                    public void onRound(RoundReport report) {
                        if (report.cumulativeUplink() > maxUplinkBits) {
                            throw new BudgetReached();
                        }
                        reports.add(report);
                    }
                }).build().run();
    }

    private static final class BudgetReached extends RuntimeException {
        BudgetReached() {
            super("uplink budget reached", null, false, false);
        }
    }

    /** Builds the participation pattern of one run from its data and seed. */
    @FunctionalInterface
    public interface ParticipationFactory {
        /**
         * The pattern for a run on {@code data} with root seed {@code seed}; draws, if any, must come from
         * {@code new SeedTree(seed)} so that the grid stays reproducible.
         */
        Participation create(FederatedDataset data, long seed);
    }

    /** A failed grid run. */
    public static final class GridException extends RuntimeException {
        GridException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Builder of a {@link Grid}; names must be unique per axis, insertion order is report order. */
    public static final class Builder {
        private final Map<String, Supplier<? extends FederatedAlgorithm<?, ?>>> strategies = new LinkedHashMap<>();
        private final Map<String, Compressor> compressors = new LinkedHashMap<>();
        private final Map<String, ParticipationFactory> participations = new LinkedHashMap<>();
        private final Map<String, Function<Long, FederatedDataset>> heterogeneities = new LinkedHashMap<>();
        private Function<FederatedDataset, Model> model;
        private long[] seeds;
        private int rounds = 100;
        private long maxUplinkBits = Long.MAX_VALUE;
        private double targetAccuracy = 1.0;
        private int parallelism = 1;
        private int evalEvery = 1;
        private Path output;
        private boolean plots = true;
        private boolean progress = true;
        private Consumer<RunKey> onExecuted;

        private static <V> void put(Map<String, V> m, String axis, String name, V v) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException(axis + " name must not be blank, was '" + name + "'");
            }
            if (v == null) {
                throw new IllegalArgumentException(axis + " '" + name + "' must not be null");
            }
            if (m.put(name, v) != null) {
                throw new IllegalArgumentException(axis + " name '" + name + "' is used twice");
            }
        }

        /** A strategy: a fresh algorithm per run. */
        public Builder strategy(String name, Supplier<? extends FederatedAlgorithm<?, ?>> algorithm) {
            put(strategies, "strategy", name, algorithm);
            return this;
        }

        /** An uplink compressor (default: identity only). */
        public Builder compressor(String name, Compressor c) {
            put(compressors, "compressor", name, c);
            return this;
        }

        /** A participation pattern (shared by all runs: patterns are immutable). */
        public Builder participation(String name, Participation p) {
            if (p == null) {
                throw new IllegalArgumentException("participation '" + name + "' must not be null");
            }
            return participation(name, n -> p);
        }

        /** A participation pattern built for the number of clients of the data (e.g. per-client rates). */
        public Builder participation(String name, IntFunction<Participation> forPopulation) {
            if (forPopulation == null) {
                throw new IllegalArgumentException("participation '" + name + "' must not be null");
            }
            return participationFor(name, (data, seed) -> forPopulation.apply(data.clientCount()));
        }

        /**
         * A participation pattern built from each run's data and seed, e.g. rates correlated with the clients' labels
         * ({@link io.github.fl4j.core.participation.ParticipationProbabilities#correlatedWithLabels}). Runs that
         * share data and seed get the same pattern (common random numbers).
         */
        public Builder participationFor(String name, ParticipationFactory factory) {
            put(participations, "participation", name, factory);
            return this;
        }

        /** A data heterogeneity setting: the federated data for a seed (called once per seed). */
        public Builder heterogeneity(String name, Function<Long, FederatedDataset> data) {
            put(heterogeneities, "heterogeneity", name, data);
            return this;
        }

        /** The model for the data (a fresh one per run). */
        public Builder model(Function<FederatedDataset, Model> v) {
            model = v;
            return this;
        }

        /** The seeds; every cell runs each. */
        public Builder seeds(long... v) {
            seeds = v.clone();
            return this;
        }

        /** Rounds per run (default 100). */
        public Builder rounds(int v) {
            rounds = v;
            return this;
        }

        /** Uplink budget per run: rounds after the cumulative uplink exceeds it are not run nor reported. */
        public Builder maxUplinkBits(long v) {
            maxUplinkBits = v;
            return this;
        }

        /** The accuracy whose first reaching defines rounds and bits to target (default 1.0). */
        public Builder targetAccuracy(double v) {
            targetAccuracy = v;
            return this;
        }

        /** Runs executed concurrently (default 1); each simulation uses one thread. */
        public Builder parallelism(int v) {
            parallelism = v;
            return this;
        }

        /** Evaluation period in rounds (default 1: every round; 0: the last round only). */
        public Builder evalEvery(int v) {
            evalEvery = v;
            return this;
        }

        /** The output directory. */
        public Builder output(Path v) {
            output = v;
            return this;
        }

        /** Whether to write the PNG plots (default true). */
        public Builder plots(boolean v) {
            plots = v;
            return this;
        }

        /** Whether to draw the progress bar on stderr (default true). */
        public Builder progress(boolean v) {
            progress = v;
            return this;
        }

        /** Called (on a pool thread) after each run that is executed, not loaded. */
        public Builder onExecuted(Consumer<RunKey> v) {
            onExecuted = v;
            return this;
        }

        /** Validates and builds. */
        public Grid build() {
            return new Grid(this);
        }
    }
}
