package io.github.fl4j.experiments.grid;

import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.Evaluation;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.participation.FullParticipation;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.participation.UniformParticipation;
import io.github.fl4j.core.sim.RoundListener;
import io.github.fl4j.core.sim.RoundReport;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationException;
import io.github.fl4j.core.time.AsyncAlgorithm;
import io.github.fl4j.core.time.Schedule;
import io.github.fl4j.core.time.TimeListener;
import io.github.fl4j.core.time.TimeReport;
import io.github.fl4j.core.time.TimedResult;
import io.github.fl4j.core.time.TimedSimulation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * participation x heterogeneity [x system]) runs on every seed, and a seed fixes the data, the initial model, the
 * participants and every minibatch whatever the strategy (common random numbers: the seed tree derives each from the
 * seed alone; the data of a (heterogeneity, seed) pair is generated once, shared by all its cells, and dropped after
 * its last run, so a large grid holds only the data of the groups in flight).
 *
 * <p><b>System heterogeneity.</b> Without a {@link Builder#system system} axis every run is an untimed
 * {@link Simulation}. With one or more systems ({@link SystemSetting}: devices, availability, dropouts and the round
 * rule of synchronous strategies) every run is a {@link TimedSimulation} on a virtual clock: synchronous strategies
 * run under the system's {@link Schedule#rounds() rounds} schedule, asynchronous ones
 * ({@link Builder#asyncStrategy}) under their own schedule; each round (server version) then has a virtual time and
 * the staleness counts of its updates, and the reports add virtual time to target, accuracy against virtual time and
 * the staleness distribution. The devices, availability and dropouts of a run are drawn from its seed's tree, so
 * every strategy of a seed meets the same ones. For asynchronous strategies {@code rounds} counts server versions.
 * Asynchronous runs have no participation pattern (their schedule chooses who starts a session), so a grid with
 * asynchronous strategies takes at most one participation pattern, which its synchronous strategies use; with no
 * synchronous strategy the participation axis may be left out (its single entry is then named "-").
 *
 * <p>Runs execute on a pool of {@code parallelism} threads, each simulation on one thread, so results do not depend
 * on the parallelism (timings aside). Each finished run is written atomically to {@code runs/<cell>-seed<k>.csv}
 * under the output directory with its record {@code runs/<cell>-seed<k>.json} (the SHA-256 of the run's
 * configuration, {@link #configHash}); a later invocation loads those files instead of running again while the hash
 * is unchanged, so an interrupted grid keeps every finished run and a changed one runs again. A run that diverges is
 * kept as diverged (its rounds so far and the reason) and the grid goes on. The output directory then gets
 * {@code rounds.csv}, {@code summary.csv}, {@code summary.md} and PNG plots (see {@link GridReports}), each written
 * atomically.
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
 *
 * <p>With time: {@code .system("equal", SystemSetting.equal())}, {@code .system("lognormal",
 * SystemSetting.of(Devices.logNormal(200, 1, 2e6, 1, 2e7, 1)).withRounds(Schedule.rounds().deadline(30)))} and
 * {@code .asyncStrategy("FedBuff", () -> FedBuff.builder().bufferSize(10).build(), Schedule.closed(20))}.
 *
 * <p><b>Aggregation under attack and under privacy.</b> Three more optional axes, each absent by default (and then
 * the grid, its file names and its reports are exactly those of a grid without it):
 * {@link Builder#aggregator aggregators} (the rule that turns a round's uploads into one vector: a robust aggregator
 * such as the coordinate-wise median, or {@link Builder#defaultAggregator the strategy's own} weighted mean),
 * {@link Builder#attack attacks} (a share of Byzantine clients and what they do, {@link AttackSetting}) and
 * {@link Builder#privacy privacy} settings (DP-FedAvg's noise multiplier and clip norm, {@link PrivacySetting}).
 * Aggregators and privacy apply to {@link Builder#strategy(String, AveragingStrategy) averaging strategies}; a
 * strategy that cannot take them (given as a plain supplier, or asynchronous) combined with a non-default
 * aggregator, an attack (asynchronous strategies) or a privacy setting fails when the grid is built, naming both.
 * The Byzantine clients of a run are drawn from its seed alone ({@link AttackSetting#byzantineClients}), so every
 * strategy of a seed meets the same ones. Private runs report their privacy loss epsilon per round: the run files
 * gain an {@code epsilon} column and the summaries the final epsilon.
 */
public final class Grid {
    /** The name of the participation axis's single entry when a grid of asynchronous strategies leaves it out. */
    public static final String NO_PARTICIPATION = "-";

    private final Map<String, StrategyDef> strategies;
    private final Map<String, Compressor> compressors;
    private final Map<String, ParticipationFactory> participations;
    private final Map<String, Function<Long, FederatedDataset>> heterogeneities;
    private final Map<String, SystemSetting> systems;
    private final Map<String, Optional<Aggregator>> aggregators;
    private final Map<String, AttackSetting> attacks;
    private final Map<String, PrivacySetting> privacies;
    private final double maxVirtualTime;
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
    private final Function<RunKey, String> runConfig;
    private final Consumer<String> log;

    private Grid(Builder b) {
        if (b.strategies.isEmpty()) {
            throw new IllegalArgumentException("strategies must not be empty");
        }
        List<String> async = b.strategies.entrySet().stream().filter(e -> e.getValue().async() != null)
                .map(Map.Entry::getKey).toList();
        boolean anySync = async.size() < b.strategies.size();
        if (!async.isEmpty() && b.systems.isEmpty()) {
            throw new IllegalArgumentException("the asynchronous strategies " + async + " run on a virtual clock: "
                    + "add a system axis (system(name, SystemSetting), e.g. SystemSetting.equal())");
        }
        if (!async.isEmpty() && b.participations.size() > 1) {
            throw new IllegalArgumentException("the asynchronous strategies " + async + " have no participation "
                    + "pattern (their schedule chooses who starts), so a grid with asynchronous strategies takes at "
                    + "most one participation pattern, for its synchronous strategies; had "
                    + b.participations.keySet());
        }
        if (b.participations.isEmpty() && anySync) {
            throw new IllegalArgumentException("participation must not be empty");
        }
        if (b.systems.isEmpty() && b.maxVirtualTime != Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("maxVirtualTime needs a system axis (virtual time), was "
                    + b.maxVirtualTime);
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
        if (participations.isEmpty()) {
            participations.put(NO_PARTICIPATION, (data, seed) -> Participation.all());
        }
        this.heterogeneities = new LinkedHashMap<>(b.heterogeneities);
        this.systems = new LinkedHashMap<>(b.systems);
        this.aggregators = new LinkedHashMap<>(b.aggregators);
        this.attacks = new LinkedHashMap<>(b.attacks);
        this.privacies = new LinkedHashMap<>(b.privacies);
        this.maxVirtualTime = b.maxVirtualTime;
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
        this.runConfig = b.runConfig;
        this.log = b.log;
        checkCombinations();
        checkUnique();
    }

    /**
     * Every strategy meets every aggregator, attack and privacy setting: fails, naming both, when a strategy cannot
     * take one of them, and builds each combination once so that a builder's own check fails now, not in a pool
     * thread.
     */
    private void checkCombinations() {
        for (Map.Entry<String, StrategyDef> e : strategies.entrySet()) {
            String s = e.getKey();
            StrategyDef def = e.getValue();
            String kind = def.async() != null ? "an asynchronous strategy" : "given as a plain supplier; use "
                    + "strategy(name, AveragingStrategy) for one that averages";
            for (Map.Entry<String, Optional<Aggregator>> a : aggregators.entrySet()) {
                if (a.getValue().isPresent() && def.averaging() == null) {
                    throw new IllegalArgumentException("strategy '" + s + "' cannot take aggregator '" + a.getKey()
                            + "' (" + kind + "); only its own aggregation (defaultAggregator) applies to it");
                }
            }
            for (Map.Entry<String, AttackSetting> a : attacks.entrySet()) {
                if (!a.getValue().isNone() && def.async() != null) {
                    throw new IllegalArgumentException("strategy '" + s + "' cannot be attacked by '" + a.getKey()
                            + "' (the Byzantine wrapper takes synchronous algorithms; " + kind + ")");
                }
            }
            for (Map.Entry<String, PrivacySetting> p : privacies.entrySet()) {
                if (p.getValue().isNone()) {
                    continue;
                }
                if (def.averaging() == null || def.averaging().training() == null) {
                    throw new IllegalArgumentException("strategy '" + s + "' cannot be made private by '"
                            + p.getKey() + "' (" + (def.averaging() == null ? kind : "its local training is "
                            + "unknown: give it to AveragingStrategy.of(withAggregator, training, learningRate)")
                            + ")");
                }
            }
            if (def.averaging() == null) {
                continue;
            }
            for (Map.Entry<String, Optional<Aggregator>> a : axis(aggregators, Optional.empty()).entrySet()) {
                for (Map.Entry<String, PrivacySetting> p : axis(privacies, PrivacySetting.none()).entrySet()) {
                    try {
                        honest(def, a.getValue().orElse(null), p.getValue());
                    } catch (IllegalArgumentException | IllegalStateException x) {
                        throw new IllegalArgumentException("strategy '" + s + "'"
                                + (aggregators.isEmpty() ? "" : " with aggregator '" + a.getKey() + "'")
                                + (privacies.isEmpty() ? "" : " and privacy '" + p.getKey() + "'")
                                + " cannot be built: " + x.getMessage(), x);
                    }
                }
            }
        }
    }

    private static <V> Map<String, V> axis(Map<String, V> m, V none) {
        return m.isEmpty() ? Map.of(RunKey.NONE, none) : m;
    }

    /** The algorithm of a synchronous strategy with an aggregator (null: its own) and a privacy setting. */
    private static FederatedAlgorithm<?, ?> honest(StrategyDef def, Aggregator aggregator, PrivacySetting privacy) {
        if (!privacy.isNone()) {
            FederatedAlgorithm<?, ?> a = privacy.factory().create(def.averaging(), aggregator);
            if (a == null) {
                throw new IllegalStateException("the privacy setting built no algorithm (null)");
            }
            return a;
        }
        return def.averaging() != null ? def.averaging().create(aggregator) : def.sync().get();
    }

    /** The algorithm of a synchronous run: its strategy with the run's aggregator, privacy and attack. */
    private FederatedAlgorithm<?, ?> algorithm(RunKey k, FederatedDataset d) {
        StrategyDef def = strategies.get(k.strategy());
        Aggregator aggregator = aggregators.isEmpty() ? null : aggregators.get(k.aggregator()).orElse(null);
        PrivacySetting privacy = privacies.isEmpty() ? PrivacySetting.none() : privacies.get(k.privacy());
        FederatedAlgorithm<?, ?> a = honest(def, aggregator, privacy);
        AttackSetting attack = attacks.isEmpty() ? AttackSetting.none() : attacks.get(k.attack());
        return attack.apply(a, k.seed(), d.clientCount());
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

    /**
     * Every run of the grid, in report order: heterogeneity, system (when there is a system axis), participation,
     * strategy, compressor, aggregator, attack, privacy (each when there is that axis), seed.
     */
    public List<RunKey> keys() {
        List<RunKey> keys = new ArrayList<>();
        List<String> sys = systems.isEmpty() ? List.of(RunKey.UNTIMED) : List.copyOf(systems.keySet());
        List<String> aggs = names(aggregators);
        List<String> atts = names(attacks);
        List<String> privs = names(privacies);
        for (String h : heterogeneities.keySet()) {
            for (String y : sys) {
                for (String p : participations.keySet()) {
                    for (String s : strategies.keySet()) {
                        for (String c : compressors.keySet()) {
                            for (String a : aggs) {
                                for (String t : atts) {
                                    for (String v : privs) {
                                        for (long seed : seeds) {
                                            keys.add(new RunKey(s, c, p, h, y, a, t, v, seed));
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return keys;
    }

    private static List<String> names(Map<String, ?> axis) {
        return axis.isEmpty() ? List.of(RunKey.NONE) : List.copyOf(axis.keySet());
    }

    /** True when the grid has a privacy axis: its reports then carry the privacy loss epsilon. */
    public boolean privacyAxis() {
        return !privacies.isEmpty();
    }

    /** True when the grid has a system axis: every run is then a simulation with time. */
    public boolean timed() {
        return !systems.isEmpty();
    }

    /** The virtual-time budget of a timed run in seconds ({@link Double#POSITIVE_INFINITY}: none). */
    public double maxVirtualTime() {
        return maxVirtualTime;
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
     * The full resolved configuration of run {@code k} as text: every setting of the grid that can change the run's
     * result (the run's names on every axis, its seed, rounds, uplink and virtual-time budgets, evaluation period,
     * whether it is timed) followed by what {@link Builder#runConfig} says of the run's strategy, compressor,
     * participation, data, system, aggregator, attack, privacy setting and model (a grid file's parser describes
     * each from the file). Its SHA-256 ({@link #configHash}) decides whether a saved run can be reused.
     */
    public String configText(RunKey k) {
        StringBuilder sb = new StringBuilder("fl4j grid run configuration v1\n");
        sb.append("strategy=").append(k.strategy()).append('\n')
                .append("compressor=").append(k.compressor()).append('\n')
                .append("participation=").append(k.participation()).append('\n')
                .append("heterogeneity=").append(k.heterogeneity()).append('\n')
                .append("system=").append(k.system()).append('\n')
                .append("aggregator=").append(k.aggregator()).append('\n')
                .append("attack=").append(k.attack()).append('\n')
                .append("privacy=").append(k.privacy()).append('\n')
                .append("seed=").append(k.seed()).append('\n')
                .append("rounds=").append(rounds).append('\n')
                .append("maxUplinkBits=").append(maxUplinkBits).append('\n')
                .append("maxVirtualTime=").append(maxVirtualTime).append('\n')
                .append("evalEvery=").append(evalEvery).append('\n')
                .append("timed=").append(k.timed()).append('\n');
        String described = runConfig == null ? null : runConfig.apply(k);
        sb.append("described=").append(described == null ? "(none: the grid was built without runConfig)"
                : described).append('\n');
        return sb.toString();
    }

    /** The hex SHA-256 of {@link #configText(RunKey)}: the key under which run {@code k}'s result is saved. */
    public String configHash(RunKey k) {
        return RunRecord.sha256(configText(k));
    }

    /**
     * Runs (or loads) every run, writes the output files and returns the results.
     *
     * <p>A saved run ({@code runs/<cell>-seed<k>.csv} and its record {@code .json}, see {@link RunRecord}) is loaded
     * only when its record's configuration hash equals {@link #configHash} of the run now; otherwise it is executed
     * again and the log says why. A run that diverges (a {@link SimulationException}: a non-finite loss or update,
     * a failing client) is saved as diverged with the rounds it completed and the reason; the grid goes on, and the
     * reports show it as diverged. A restart loads it as diverged while its configuration is unchanged.
     *
     * @throws GridException when a run fails otherwise; the runs finished before stay on disk
     */
    public GridResult run() {
        System.setProperty("java.awt.headless", "true");
        Path runsDir = output.resolve("runs");
        List<RunKey> keys = keys();
        Map<RunKey, RunResult> done = new LinkedHashMap<>();
        List<RunKey> todo = new ArrayList<>();
        for (RunKey k : keys) {
            Path f = runsDir.resolve(k.fileName());
            RunResult saved = Files.isRegularFile(f) ? loadIfCurrent(k, f) : null;
            if (saved != null) {
                done.put(k, saved);
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

    /**
     * The saved run {@code f} of {@code k} when its record's configuration hash is the run's now, else null (the
     * log says why it is run again).
     */
    private RunResult loadIfCurrent(RunKey k, Path f) {
        Path recordFile = RunRecord.fileFor(f);
        RunRecord record = RunRecord.read(recordFile);
        String hash = configHash(k);
        if (record == null) {
            logLine("re-running " + k.fileName() + ": it has no configuration record " + recordFile.getFileName()
                    + " (saved before records existed, or interrupted), so it may be of another configuration");
            return null;
        }
        if (!record.configSha256().equals(hash)) {
            logLine("re-running " + k.fileName() + ": its configuration changed (saved configSha256 "
                    + record.configSha256() + ", now " + hash + ")" + changedLines(record.config(), configText(k)));
            return null;
        }
        RunResult r = RunFiles.read(k, f, record.diverged());
        if (record.rounds() != r.reports().size()) {
            logLine("re-running " + k.fileName() + ": its record says " + record.rounds() + " rounds, the file has "
                    + r.reports().size());
            return null;
        }
        if (record.diverged() != null) {
            logLine("loaded " + k.fileName() + " as diverged after " + r.reports().size() + " rounds: "
                    + record.diverged());
        }
        return r;
    }

    /** "; changed: a -> b, ..." for the lines of the configuration texts that differ ("" when none is found). */
    private static String changedLines(String before, String now) {
        List<String> b = List.of(before.split("\n"));
        List<String> n = List.of(now.split("\n"));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.max(b.size(), n.size()); i++) {
            String x = i < b.size() ? b.get(i) : "";
            String y = i < n.size() ? n.get(i) : "";
            if (!x.equals(y)) {
                out.add("'" + x + "' -> '" + y + "'");
            }
        }
        return out.isEmpty() ? "" : "; changed: " + String.join(", ", out);
    }

    private void logLine(String line) {
        if (log != null) {
            log.accept(line);
        }
    }

    private RunResult execute(RunKey k, FederatedDataset d, Path runsDir) {
        RunResult result = k.timed() ? executeTimed(k, d) : executeUntimed(k, d);
        Path file = runsDir.resolve(k.fileName());
        RunFiles.write(file, result);
        RunRecord.of(configText(k), result).write(RunRecord.fileFor(file));
        if (result.isDiverged()) {
            logLine("run " + k.fileName() + " diverged after " + result.reports().size() + " rounds: "
                    + result.diverged());
        }
        if (onExecuted != null) {
            onExecuted.accept(k);
        }
        return result;
    }

    private RunResult executeUntimed(RunKey k, FederatedDataset d) {
        FederatedAlgorithm<?, ?> algorithm = algorithm(k, d);
        Participation participation = participations.get(k.participation()).create(d, k.seed());
        List<RoundReport> reports = new ArrayList<>(Math.min(rounds, 1024)); // grows: rounds may be huge
        try {
            simulate(algorithm, k, d, participation, reports);
        } catch (BudgetReached e) {
            // the uplink budget ends the run; the rounds within budget are kept
        } catch (SimulationException e) {
            // diverged: the listener holds the completed rounds (those of e.partialResult()), kept with the reason
            return new RunResult(k, reports, List.of(), epsilons(k, reports), false, reason(e));
        }
        if (reports.isEmpty()) {
            throw new GridException("run " + k.fileName() + " exceeded the uplink budget of " + maxUplinkBits
                    + " bits in its first round", null);
        }
        return new RunResult(k, reports, List.of(), epsilons(k, reports), false);
    }

    /**
     * A run on the virtual clock. A run that stops before its last version (at the time budget, or when every
     * client left for good) has its last version evaluated if it was not, so that it has a final accuracy.
     */
    private RunResult executeTimed(RunKey k, FederatedDataset d) {
        StrategyDef def = strategies.get(k.strategy());
        SystemSetting system = systems.get(k.system());
        // clientsPerRound stays unset: the participation pattern decides (over-selection sets it below)
        SimulationConfig.Builder config = SimulationConfig.builder().rounds(rounds).threads(1)
                .seed(k.seed()).evalEvery(evalEvery);
        TimedSimulation.Builder<?, ?> b;
        if (def.async() != null) {
            b = TimedSimulation.builder(def.async().get()).schedule(def.schedule());
        } else {
            Participation participation = participations.get(k.participation()).create(d, k.seed());
            b = TimedSimulation.synchronous(algorithm(k, d)).schedule(system.rounds());
            if (system.rounds().overSelectionFactor() > 1) {
                // over-selection draws ceil(f m) clients uniformly among the idle ones: it needs m, not a pattern
                config.clientsPerRound(overSelectedCount(k, participation, d.clientCount(), system.rounds()));
            } else {
                b.participation(participation);
            }
        }
        List<TimeReport> reports = new ArrayList<>(Math.min(rounds, 1024)); // grows: rounds may be huge
        b.config(config.build()).model(model.apply(d)).data(d).devices(system.devices().apply(d))
                .availability(system.availability()).dropout(system.dropout())
                .uplinkCompressor(compressors.get(k.compressor()))
                .listener(new TimeListener() {
                    @Override
                    public void onVersion(TimeReport report) {
                        if (report.cumulativeUplink() > maxUplinkBits) {
                            throw new BudgetReached();
                        }
                        reports.add(report);
                    }
                });
        if (maxVirtualTime != Double.POSITIVE_INFINITY) {
            b.maxTime(maxVirtualTime);
        }
        TimedSimulation<?, ?> sim = b.build();
        TimedResult<?> result = null;
        String diverged = null;
        try {
            result = sim.run();
        } catch (BudgetReached e) {
            // the uplink budget ends the run; the versions within budget are kept
        } catch (SimulationException e) {
            // diverged: the listener holds the completed versions, kept with the reason
            diverged = reason(e);
        }
        if (diverged != null) {
            List<RoundReport> rr = new ArrayList<>(reports.size());
            List<RunResult.Timing> timings = new ArrayList<>(reports.size());
            for (TimeReport r : reports) {
                rr.add(RunResult.roundReport(r));
                timings.add(RunResult.Timing.of(r));
            }
            return new RunResult(k, rr, timings, epsilons(k, rr), false, diverged);
        }
        if (reports.isEmpty()) {
            throw new GridException("run " + k.fileName() + (result == null ? " exceeded the uplink budget of "
                    + maxUplinkBits + " bits before its first server version" : " made no server version within "
                    + "the virtual-time budget of " + maxVirtualTime + " s (or its clients never came online)"),
                    null);
        }
        List<RoundReport> rr = new ArrayList<>(reports.size());
        List<RunResult.Timing> timings = new ArrayList<>(reports.size());
        for (TimeReport r : reports) {
            rr.add(RunResult.roundReport(r));
            timings.add(RunResult.Timing.of(r));
        }
        RoundReport last = rr.get(rr.size() - 1);
        if (result != null && !last.evaluated() && sim.data().test().size() > 0) {
            long e0 = System.nanoTime();
            Evaluation ev = sim.model().evaluate(result.finalParameters(), sim.data().test());
            long evalNanos = System.nanoTime() - e0;
            rr.set(rr.size() - 1, new RoundReport(last.round(), last.participants(), last.trainLoss(), ev.loss(),
                    ev.accuracy(), last.uplinkBits(), last.downlinkBits(), last.cumulativeUplink(),
                    last.cumulativeDownlink(), last.wallNanos() + evalNanos, evalNanos));
        }
        return new RunResult(k, rr, timings, epsilons(k, rr), false);
    }

    /** The reason a run diverged: the exception's message (round, client, seed and what went wrong), one line. */
    private static String reason(SimulationException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.replace('\n', ' ').replace('\r', ' ');
    }

    /**
     * The privacy loss after each report of a run of a grid with a privacy axis (NaN for a non-private run); empty
     * without the axis.
     */
    private static List<Double> epsilons(RunKey k, List<RoundReport> reports) {
        if (!k.privacyAxis()) {
            return List.of();
        }
        List<Double> out = new ArrayList<>(reports.size());
        for (RoundReport r : reports) {
            out.add(epsilon(r));
        }
        return out;
    }

    /** The privacy loss epsilon a report carries (NaN when the run is not private). */
    static double epsilon(RoundReport r) {
        return r.epsilon();
    }

    /** m for over-selection: the participation must be uniform:M or all. */
    private static int overSelectedCount(RunKey k, Participation p, int population, Schedule rounds) {
        if (p instanceof UniformParticipation u) {
            return u.clientsPerRound();
        }
        if (p instanceof FullParticipation) {
            return population;
        }
        throw new IllegalArgumentException("system '" + k.system() + "' over-selects (" + rounds.describe()
                + "), which draws clients uniformly among the idle ones and needs the participation to give m: "
                + "uniform:M or all; participation '" + k.participation() + "' is " + p.describe());
    }

    private <S, C> void simulate(FederatedAlgorithm<S, C> algorithm, RunKey k, FederatedDataset d,
                                 Participation participation, List<RoundReport> reports) {
        // clientsPerRound stays unset: the participation pattern decides (a conflicting value is refused)
        SimulationConfig config = SimulationConfig.builder().rounds(rounds).threads(1)
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

    /**
     * A strategy: a synchronous algorithm, or an asynchronous one with its schedule.
     *
     * @param sync     a fresh synchronous algorithm per run, or null
     * @param async    a fresh asynchronous algorithm per run, or null
     * @param schedule the asynchronous algorithm's arrival model, or null
     * @param averaging the averaging strategy (takes aggregators and privacy), or null
     */
    private record StrategyDef(Supplier<? extends FederatedAlgorithm<?, ?>> sync,
                               Supplier<? extends AsyncAlgorithm<?, ?>> async, Schedule schedule,
                               AveragingStrategy averaging) {
        StrategyDef(Supplier<? extends FederatedAlgorithm<?, ?>> sync,
                    Supplier<? extends AsyncAlgorithm<?, ?>> async, Schedule schedule) {
            this(sync, async, schedule, null);
        }
    }

    /** Builder of a {@link Grid}; names must be unique per axis, insertion order is report order. */
    public static final class Builder {
        private final Map<String, StrategyDef> strategies = new LinkedHashMap<>();
        private final Map<String, Compressor> compressors = new LinkedHashMap<>();
        private final Map<String, ParticipationFactory> participations = new LinkedHashMap<>();
        private final Map<String, Function<Long, FederatedDataset>> heterogeneities = new LinkedHashMap<>();
        private final Map<String, SystemSetting> systems = new LinkedHashMap<>();
        private final Map<String, Optional<Aggregator>> aggregators = new LinkedHashMap<>();
        private final Map<String, AttackSetting> attacks = new LinkedHashMap<>();
        private final Map<String, PrivacySetting> privacies = new LinkedHashMap<>();
        private double maxVirtualTime = Double.POSITIVE_INFINITY;
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
        private Function<RunKey, String> runConfig;
        private Consumer<String> log = System.err::println;

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
            if (algorithm == null) {
                throw new IllegalArgumentException("strategy '" + name + "' must not be null");
            }
            put(strategies, "strategy", name, new StrategyDef(algorithm, null, null));
            return this;
        }

        /**
         * A synchronous strategy whose server averages: it takes the aggregators of the aggregator axis and can be
         * made private by the privacy axis (see {@link AveragingStrategy}).
         */
        public Builder strategy(String name, AveragingStrategy strategy) {
            if (strategy == null) {
                throw new IllegalArgumentException("strategy '" + name + "' must not be null");
            }
            put(strategies, "strategy", name, new StrategyDef(() -> strategy.create(null), null, null, strategy));
            return this;
        }

        /**
         * An aggregator for the averaging strategies ({@link #strategy(String, AveragingStrategy)}), e.g. the
         * coordinate-wise median. With at least one aggregator (or {@link #defaultAggregator}) the grid has an
         * aggregator axis: every cell runs with each, and the names go into the run files' names.
         */
        public Builder aggregator(String name, Aggregator aggregator) {
            if (aggregator == null) {
                throw new IllegalArgumentException("aggregator '" + name + "' must not be null (defaultAggregator("
                        + "name) names the strategies' own)");
            }
            return putAxis(aggregators, "aggregator", name, Optional.of(aggregator));
        }

        /**
         * The strategies' own aggregation (their default weighted mean) as an entry of the aggregator axis, e.g.
         * {@code "mean"}; every strategy, averaging or not, takes it.
         */
        public Builder defaultAggregator(String name) {
            return putAxis(aggregators, "aggregator", name, Optional.empty());
        }

        /**
         * An attack: a share of Byzantine clients and what they do ({@link AttackSetting#none()} for honest runs).
         * With at least one, the grid has an attack axis. Asynchronous strategies take only {@code none()}.
         */
        public Builder attack(String name, AttackSetting attack) {
            return putAxis(attacks, "attack", name, attack);
        }

        /**
         * A privacy setting ({@link PrivacySetting#none()} for non-private runs). With at least one, the grid has a
         * privacy axis and its reports carry the privacy loss epsilon; only averaging strategies with a known local
         * training take a private setting.
         */
        public Builder privacy(String name, PrivacySetting privacy) {
            return putAxis(privacies, "privacy", name, privacy);
        }

        private <V> Builder putAxis(Map<String, V> m, String axis, String name, V v) {
            if (RunKey.NONE.equals(name)) {
                throw new IllegalArgumentException(axis + " name '" + RunKey.NONE + "' is reserved for grids "
                        + "without the " + axis + " axis; choose another");
            }
            put(m, axis, name, v);
            return this;
        }

        /**
         * An asynchronous strategy: a fresh algorithm per run, run under {@code schedule} ({@link Schedule#closed},
         * {@link Schedule#poisson}, {@link Schedule#everyInterval}, optionally with a maximum staleness). Needs a
         * {@link #system system} axis; {@code rounds} then counts its server versions. It ignores the participation
         * axis, which may then have at most one entry.
         */
        public Builder asyncStrategy(String name, Supplier<? extends AsyncAlgorithm<?, ?>> algorithm,
                                     Schedule schedule) {
            if (algorithm == null) {
                throw new IllegalArgumentException("strategy '" + name + "' must not be null");
            }
            if (schedule == null || schedule.kind() == Schedule.Kind.ROUNDS) {
                throw new IllegalArgumentException("asynchronous strategy '" + name + "' needs an asynchronous "
                        + "schedule (closed(C), poisson(rate), everyInterval(s)), was "
                        + (schedule == null ? "null" : schedule.describe()));
            }
            put(strategies, "strategy", name, new StrategyDef(null, algorithm, schedule));
            return this;
        }

        /**
         * A system-heterogeneity setting: devices, availability, dropouts and the round rule of synchronous
         * strategies. With at least one, every run of the grid is a simulation with time.
         */
        public Builder system(String name, SystemSetting setting) {
            if (RunKey.UNTIMED.equals(name)) {
                throw new IllegalArgumentException("system name '" + RunKey.UNTIMED + "' is reserved for untimed "
                        + "runs; choose another");
            }
            put(systems, "system", name, setting);
            return this;
        }

        /**
         * Timed grids: stop each run at this virtual time (seconds, &gt; 0) even before {@code rounds} versions;
         * the last version is then evaluated (default: no time budget).
         */
        public Builder maxVirtualTime(double seconds) {
            if (!(seconds > 0)) {
                throw new IllegalArgumentException("maxVirtualTime must be > 0 seconds, was " + seconds);
            }
            maxVirtualTime = seconds;
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

        /** Rounds per run (default 100); server versions for asynchronous strategies. */
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

        /**
         * Describes the configuration of a run beyond what the grid itself knows (its names, seed, rounds, budgets
         * and evaluation period): the hyper-parameters of its strategy, its compressor, participation, data, system,
         * aggregator, attack and privacy settings and its model. The text goes into the run's configuration hash
         * ({@link Grid#configHash}), so a saved run is reused only while it is unchanged. Without it, a saved run is
         * reused whenever the names and the grid's own settings match, whatever the suppliers now build.
         */
        public Builder runConfig(Function<RunKey, String> v) {
            runConfig = v;
            return this;
        }

        /** Where the grid says why a saved run is executed again or loaded as diverged (default: stderr; null: off). */
        public Builder log(Consumer<String> v) {
            log = v;
            return this;
        }

        /** Validates and builds. */
        public Grid build() {
            return new Grid(this);
        }
    }
}
