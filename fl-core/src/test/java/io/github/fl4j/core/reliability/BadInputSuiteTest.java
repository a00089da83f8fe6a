package io.github.fl4j.core.reliability;

import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.Partitioners;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.data.image.ImageShape;
import io.github.fl4j.core.data.image.PixelScaling;
import io.github.fl4j.core.data.io.CsvReader;
import io.github.fl4j.core.data.io.LeafReader;
import io.github.fl4j.core.data.io.LibSvmReader;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.participation.BernoulliParticipation;
import io.github.fl4j.core.participation.CyclicParticipation;
import io.github.fl4j.core.participation.MarkovParticipation;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.sim.CheckpointPolicy;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.time.AvailabilityModels;
import io.github.fl4j.core.time.Devices;
import io.github.fl4j.core.time.Dropouts;
import io.github.fl4j.core.time.Schedule;
import io.github.fl4j.core.time.TimedSimulation;
import io.github.fl4j.core.tensor.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.factory.Nd4j;

/**
 * fl-core's bad-input suite: every public setter of the builders and every public factory listed below gets at least
 * one bad value and must answer with an exception naming the field (or file) and the value; a setter or factory added
 * later without a case fails {@link #everySetterAndFactoryHasABadValueCase()}. How to add one: docs/reliability.md.
 */
class BadInputSuiteTest {
    private static final Path TMP;

    static {
        try {
            TMP = Files.createTempDirectory("fl4j-bad-input");
            TMP.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path file(String name, String content) throws IOException {
        Path p = TMP.resolve(name);
        Files.writeString(p, content);
        p.toFile().deleteOnExit();
        return p;
    }

    static FederatedDataset data(int clients) {
        List<Dataset> parts = new java.util.ArrayList<>();
        for (int i = 0; i < clients; i++) {
            parts.add(new Dataset(Nd4j.createFromArray(new double[][] {{1, 0, i}}),
                    Nd4j.createFromArray(new double[][] {{i}})));
        }
        return new FederatedDataset(parts, parts.get(0));
    }

    static Dataset small() {
        return new Dataset(Nd4j.createFromArray(new double[][] {{1}, {2}, {3}, {4}}),
                Nd4j.createFromArray(new double[][] {{0}, {1}, {0}, {1}}));
    }

    /** A valid simulation builder (FedSGD-like algorithm from the shared test fixtures). */
    static Simulation.Builder<?, ?> sim() {
        FederatedAlgorithm<?, ?> alg = io.github.fl4j.core.sim.TestAlgorithms.fedSgd(0.1);
        return Simulation.builder(alg).model(new LeastSquares(3)).data(data(4))
                .config(SimulationConfig.builder().rounds(2).clientsPerRound(2).build());
    }

    static TimedSimulation.Builder<?, ?> timed() {
        return TimedSimulation.synchronous(io.github.fl4j.core.sim.TestAlgorithms.fedSgd(0.1))
                .model(new LeastSquares(3))
                .data(data(4)).config(SimulationConfig.builder().rounds(2).clientsPerRound(2).build())
                .schedule(Schedule.rounds());
    }

    static final RandomStream RNG = new RandomStream(1);

    static BadInputSuite suite() {
        BadInputSuite s = new BadInputSuite()
                .builder(SimulationConfig.Builder.class).builder(Simulation.Builder.class)
                .builder(TimedSimulation.Builder.class).builder(SyntheticFedProx.Builder.class)
                .builder(LibSvmReader.Builder.class).builder(CsvReader.Builder.class)
                .builder(LeafReader.Builder.class).factory(PixelScaling.class).factory(ImageShape.class)
                .factory(Participation.class).factory(Partitioners.class).factory(Devices.class)
                .factory(AvailabilityModels.class).factory(Dropouts.class).both(Schedule.class)
                .both(CheckpointPolicy.class).builder(BernoulliParticipation.class)
                .builder(MarkovParticipation.class).both(CyclicParticipation.class);
        Class<?> cfg = SimulationConfig.Builder.class;
        s.bad(cfg, "rounds", "0", () -> SimulationConfig.builder().rounds(0).build(), "rounds", "0")
                .bad(cfg, "clientsPerRound", "0", () -> SimulationConfig.builder().clientsPerRound(0).build(),
                        "clientsPerRound", "0")
                .bad(cfg, "threads", "0", () -> SimulationConfig.builder().threads(0).build(), "threads", "0")
                .bad(cfg, "threads", "5000", () -> SimulationConfig.builder().threads(5000).build(), "threads",
                        "5000")
                .bad(cfg, "evalEvery", "-1", () -> SimulationConfig.builder().evalEvery(-1).build(), "evalEvery", "-1")
                .bad(cfg, "precision", "null", () -> SimulationConfig.builder().precision(null).build(), "precision",
                        "null")
                .noBadValue(cfg, "seed", "every long is a seed");
        Class<?> sb = Simulation.Builder.class;
        s.bad(sb, "config", "null", () -> sim().config(null).build(), "config")
                .bad(sb, "config", "clientsPerRound 5 > 4 clients", () -> sim()
                        .config(SimulationConfig.builder().clientsPerRound(5).build()).build(), "clientsPerRound", "5")
                .bad(sb, "model", "null", () -> sim().model(null).build(), "model")
                .bad(sb, "model", "dimension 2 vs 3 features", () -> sim().model(new LeastSquares(2))
                        .initialParameters(Nd4j.zeros(3)).build(), "initialParameters", "2")
                .bad(sb, "data", "null", () -> sim().data(null).build(), "data")
                .bad(sb, "data", "NaN feature", () -> sim().data(new FederatedDataset(List.of(data(1).client(0),
                        new Dataset(Nd4j.createFromArray(new double[][] {{1, Double.NaN, 0}}), Nd4j.createFromArray(
                        new double[][] {{0}}))), data(1).test())).build(), "client 1", "row 0, column 1", "NaN")
                .bad(sb, "participation", "uniform(8) with clientsPerRound 2", () -> sim()
                        .participation(Participation.uniform(8)).build(), "clientsPerRound", "uniform(8)")
                .bad(sb, "uplinkCompressor", "null", () -> sim().uplinkCompressor(null), "uplinkCompressor")
                .bad(sb, "downlinkCompressor", "null", () -> sim().downlinkCompressor(null), "downlinkCompressor")
                .bad(sb, "initialParameters", "length 2", () -> sim().initialParameters(Nd4j.zeros(2)).build(),
                        "initialParameters", "2")
                .bad(sb, "initialParameters", "NaN", () -> sim().initialParameters(Nd4j.createFromArray(0.0,
                        Double.NaN, 0.0)).build(), "initialParameters", "coordinate 1", "NaN")
                .bad(sb, "listener", "null", () -> sim().listener(null), "listener")
                .bad(sb, "stateStores", "null", () -> sim().stateStores(null), "stateStores")
                .bad(sb, "checkpoints", "null", () -> sim().checkpoints(null), "checkpoints")
                .bad(sb, "checkpointEvery", "0", () -> sim().checkpointEvery(0, TMP), "every", "0")
                .bad(sb, "description", "null", () -> sim().description(null), "description")
                .bad(sb, "engine", "null", () -> sim().engine(null), "engine")
                .bad(sb, "chunkSize", "0", () -> sim().chunkSize(0), "chunkSize", "0")
                .bad(sb, "ledger", "null", () -> sim().ledger(null), "ledger")
                .bad(sb, "ledger", "keepUpTo(-1)", () -> sim().ledger(
                        io.github.fl4j.core.comm.LedgerOptions.keepUpTo(-1)), "keptEntries", "-1");
        Class<?> tb = TimedSimulation.Builder.class;
        s.bad(tb, "config", "null", () -> timed().config(null).build(), "config")
                .bad(tb, "model", "null", () -> timed().model(null).build(), "model")
                .bad(tb, "data", "null", () -> timed().data(null).build(), "data")
                .bad(tb, "data", "infinite label", () -> timed().data(new FederatedDataset(List.of(new Dataset(
                        Nd4j.createFromArray(new double[][] {{1, 1, 0}}), Nd4j.createFromArray(
                        new double[][] {{Double.POSITIVE_INFINITY}})), data(1).client(0)), data(1).test())).build(),
                        "client 0", "Infinity")
                .bad(tb, "schedule", "null", () -> timed().schedule(null).build(), "schedule")
                .bad(tb, "devices", "null", () -> timed().devices(null), "devices")
                .bad(tb, "availability", "null", () -> timed().availability(null), "availability")
                .bad(tb, "dropout", "null", () -> timed().dropout(null), "dropout")
                .bad(tb, "participation", "uniform(8) with clientsPerRound 2", () -> timed()
                        .participation(Participation.uniform(8)).build(), "clientsPerRound", "uniform(8)")
                .bad(tb, "maxTime", "-1", () -> timed().maxTime(-1), "maxTime", "-1")
                .bad(tb, "maxTime", "NaN", () -> timed().maxTime(Double.NaN), "maxTime", "NaN")
                .bad(tb, "uplinkCompressor", "null", () -> timed().uplinkCompressor(null), "uplinkCompressor")
                .bad(tb, "downlinkCompressor", "null", () -> timed().downlinkCompressor(null), "downlinkCompressor")
                .bad(tb, "initialParameters", "Infinity", () -> timed().initialParameters(Nd4j.createFromArray(0.0,
                        0.0, Double.NEGATIVE_INFINITY)).build(), "initialParameters", "coordinate 2")
                .bad(tb, "listener", "null", () -> timed().listener(null), "listener")
                .bad(tb, "stateStores", "null", () -> timed().stateStores(null), "stateStores")
                .bad(tb, "checkpoints", "null", () -> timed().checkpoints(null), "checkpoints")
                .bad(tb, "checkpointEvery", "-3", () -> timed().checkpointEvery(-3, TMP), "every", "-3")
                .bad(tb, "ledger", "null", () -> timed().ledger(null), "ledger");
        Class<?> syn = SyntheticFedProx.Builder.class;
        s.bad(syn, "alpha", "-1", () -> SyntheticFedProx.builder().alpha(-1).build(), "alpha", "-1")
                .bad(syn, "alpha", "NaN", () -> SyntheticFedProx.builder().alpha(Double.NaN).build(), "alpha", "NaN")
                .bad(syn, "beta", "-1", () -> SyntheticFedProx.builder().beta(-1).build(), "beta", "-1")
                .bad(syn, "clients", "0", () -> SyntheticFedProx.builder().clients(0).build(), "clients", "0")
                .bad(syn, "dimension", "0", () -> SyntheticFedProx.builder().dimension(0).build(), "dimension", "0")
                .bad(syn, "classes", "1", () -> SyntheticFedProx.builder().classes(1).build(), "classes", "1")
                .bad(syn, "sizeMu", "Infinity", () -> SyntheticFedProx.builder().sizeMu(Double.POSITIVE_INFINITY)
                        .build(), "sizeMu", "Infinity")
                .bad(syn, "sizeSigma", "-1", () -> SyntheticFedProx.builder().sizeSigma(-1).build(), "sizeSigma",
                        "-1")
                .bad(syn, "sizeOffset", "0", () -> SyntheticFedProx.builder().sizeOffset(0).build(), "sizeOffset",
                        "0")
                .bad(syn, "maxSamples", "0", () -> SyntheticFedProx.builder().maxSamples(0).build(), "maxSamples",
                        "0")
                .bad(syn, "fixedSamples", "0", () -> SyntheticFedProx.builder().fixedSamples(0).build(),
                        "fixedSamples", "0")
                .bad(syn, "trainPercent", "101", () -> SyntheticFedProx.builder().trainPercent(101).build(),
                        "trainPercent", "101")
                .bad(syn, "precision", "null", () -> SyntheticFedProx.builder().precision(null).build(), "precision");
        Class<?> lib = LibSvmReader.Builder.class;
        s.bad(lib, "featureCount", "0", () -> LibSvmReader.builder().featureCount(0), "featureCount", "0")
                .bad(lib, "labelMapping", "null", () -> LibSvmReader.builder().labelMapping(null).build(),
                        "labelMapping", "null")
                .bad(lib, "labelMapping", "NaN key", () -> LibSvmReader.builder().labelMapping(Map.of(Double.NaN,
                        1.0)).build(), "labelMapping", "NaN")
                .bad(lib, "precision", "null", () -> LibSvmReader.builder().precision(null), "precision")
                .bad(lib, "storage", "null", () -> LibSvmReader.builder().storage(null), "storage")
                .bad(lib, "storage", "SPARSE with a duplicate index", () -> LibSvmReader.builder()
                        .storage(LibSvmReader.Storage.SPARSE).build().read(file("dup.txt", "1 2:1 2:1\n")),
                        "dup.txt", "line 1", "duplicate feature index 2")
                .bad(lib, "densityThreshold", "1.5", () -> LibSvmReader.builder().densityThreshold(1.5),
                        "densityThreshold", "1.5")
                .bad(lib, "densityThreshold", "NaN", () -> LibSvmReader.builder().densityThreshold(Double.NaN),
                        "densityThreshold", "NaN")
                .bad(lib, "featureCount", "3 with index 5 in the file", () -> LibSvmReader.builder().featureCount(3)
                        .build().read(file("idx.txt", "1 5:1\n")), "idx.txt", "line 1", "5");
        Class<?> leaf = LeafReader.Builder.class;
        s.bad(leaf, "precision", "null", () -> LeafReader.builder(LeafReader.Task.FEMNIST).precision(null),
                        "precision")
                .bad(leaf, "encoding", "null", () -> LeafReader.builder(LeafReader.Task.SENT140).encoding(null),
                        "encoding")
                .bad(leaf, "sequenceLength", "0", () -> LeafReader.builder(LeafReader.Task.SENT140)
                        .sequenceLength(0), "sequenceLength", "0")
                .bad(leaf, "vocabularySize", "0", () -> LeafReader.builder(LeafReader.Task.SENT140)
                        .vocabularySize(0), "vocabularySize", "0")
                .bad(leaf, "minCount", "0", () -> LeafReader.builder(LeafReader.Task.SENT140).minCount(0),
                        "minCount", "0");
        Class<?> px = PixelScaling.class;
        s.bad(px, "standardized", "std 0", () -> PixelScaling.standardized(new double[] {0.5},
                        new double[] {0.0}), "std", "0.0")
                .bad(px, "standardized", "lengths 2 and 1", () -> PixelScaling.standardized(new double[] {0, 0},
                        new double[] {1}), "mean and std", "[0.0, 0.0]")
                .bad(px, "trainingStatistics", "5 bytes of 1x2x2 images", () -> PixelScaling.trainingStatistics(
                        new byte[5], new ImageShape(1, 2, 2)), "pixels", "5 bytes");
        Class<?> shape = ImageShape.class;
        s.bad(shape, "parse", "'3x32'", () -> ImageShape.parse("3x32"), "image shape", "'3x32'")
                .bad(shape, "parse", "'0x2x2'", () -> ImageShape.parse("0x2x2"), "channels", "0");
        Class<?> csv = CsvReader.Builder.class;
        s.bad(csv, "separator", "'\"'", () -> CsvReader.builder().separator('"'), "separator")
                .bad(csv, "storage", "null", () -> CsvReader.builder().storage(null), "storage")
                .bad(csv, "densityThreshold", "-0.1", () -> CsvReader.builder().densityThreshold(-0.1),
                        "densityThreshold", "-0.1")
                .bad(csv, "header", "true on a one-line file", () -> CsvReader.builder().header(true).build()
                        .read(file("h.csv", "a,b\n")), "h.csv", "only the header")
                .bad(csv, "labelColumn", "7 of 2 columns", () -> CsvReader.builder().labelColumn(7).build()
                        .read(file("l.csv", "1,2\n")), "l.csv", "7")
                .bad(csv, "labelColumn", "blank name", () -> CsvReader.builder().labelColumn(" "), "label column",
                        "' '")
                .bad(csv, "skipLines", "-1", () -> CsvReader.builder().skipLines(-1), "skipLines", "-1")
                .bad(csv, "labelMapping", "label 3 unmapped", () -> CsvReader.builder().labelMapping(Map.of(0.0, 1.0))
                        .build().read(file("m.csv", "1,3\n")), "m.csv", "'3'")
                .bad(csv, "precision", "null", () -> CsvReader.builder().precision(null), "precision");
        Class<?> part = Participation.class;
        s.bad(part, "uniform", "0", () -> Participation.uniform(0), "clientsPerRound", "0")
                .bad(part, "bernoulli", "1.5", () -> Participation.bernoulli(0.5, 1.5), "1.5")
                .bad(part, "bernoulli", "all 1e-12 (would hang)", () -> Participation.bernoulli(1e-12, 1e-12)
                        .start(2, new io.github.fl4j.core.random.SeedTree(1)), "allowingEmptyRounds")
                .bad(part, "markov", "q = 0", () -> Participation.markov(new double[] {0.5}, 0), "q", "0")
                .bad(part, "cyclic", "p = 0.01, C = 10", () -> Participation.cyclic(new double[] {0.01}, 10),
                        "p[0] = 0.01", "C = 10")
                .bad(part, "cyclic", "C = 0", () -> Participation.cyclic(new double[] {0.5}, 0), "cycle", "0");
        s.bad(CyclicParticipation.class, "withNearestRates", "p = NaN",
                        () -> CyclicParticipation.withNearestRates(new double[] {Double.NaN}, 10), "NaN");
        Class<?> pt = Partitioners.class;
        s.bad(pt, "iidIndices", "0 clients", () -> Partitioners.iidIndices(4, 0, RNG), "clients", "0")
                .bad(pt, "iid", "5 clients for 4 samples", () -> Partitioners.iid(small(), small(), 5, RNG), "5")
                .bad(pt, "dirichletIndices", "alpha 0", () -> Partitioners.dirichletIndices(new int[] {0, 1}, 2, 2,
                        0, RNG), "alpha", "0")
                .bad(pt, "fedAuDirichletIndices", "alpha -1", () -> Partitioners.fedAuDirichletIndices(
                        new int[] {0, 1}, 2, 2, -1, RNG), "alpha", "-1")
                .bad(pt, "dirichlet", "alpha NaN", () -> Partitioners.dirichlet(Double.NaN, 3, RNG), "alpha", "NaN")
                .bad(pt, "gamma", "shape 0", () -> Partitioners.gamma(0, RNG), "shape", "0")
                .bad(pt, "shardIndices", "0 shards per client", () -> Partitioners.shardIndices(new int[] {0, 1}, 2,
                        0, RNG), "shardsPerClient", "0")
                .bad(pt, "shards", "0 clients", () -> Partitioners.shards(small(), small(), 0, 1, RNG), "clients",
                        "0")
                .bad(pt, "quantitySkewIndices", "sigma -1", () -> Partitioners.quantitySkewIndices(4, 2, -1, RNG),
                        "sigma", "-1")
                .bad(pt, "quantitySkew", "sigma NaN", () -> Partitioners.quantitySkew(small(), small(), 2,
                        Double.NaN, RNG), "sigma", "NaN")
                .bad(pt, "contiguousIndices", "5 clients for 4 samples", () -> Partitioners.contiguousIndices(4, 5),
                        "5")
                .bad(pt, "contiguous", "0 clients", () -> Partitioners.contiguous(small(), small(), 0), "clients",
                        "0")
                .bad(pt, "fromIndexFile", "missing file", () -> Partitioners.fromIndexFile(TMP.resolve("none.idx"),
                        4), "none.idx")
                .bad(pt, "writeIndexFile", "null indices", () -> Partitioners.writeIndexFile(TMP.resolve("w.idx"),
                        null), "indices")
                .bad(pt, "unusedIndices", "index 9 of 4", () -> Partitioners.unusedIndices(new int[][] {{9}}, 4),
                        "9")
                .bad(pt, "requireAllUsed", "sample 3 unused", () -> Partitioners.requireAllUsed(
                        new int[][] {{0, 1, 2}}, 4), "3")
                .bad(pt, "toFederated", "row 7 of 4", () -> Partitioners.toFederated(small(), small(),
                        new int[][] {{7}}), "7");
        Class<?> dev = Devices.class;
        s.bad(dev, "constant", "speed 0", () -> Devices.constant(0, 1, 1), "0")
                .bad(dev, "logNormal", "sigma -1", () -> Devices.logNormal(1, -1, 1, 1, 1, 1), "-1")
                .bad(dev, "uniform", "min > max", () -> Devices.uniform(2, 1, 1, 1, 1, 1), "2")
                .bad(dev, "of", "empty list", () -> Devices.of(List.of()), "devices")
                .bad(dev, "fromFile", "missing file", () -> Devices.fromFile(TMP.resolve("none.csv")), "none.csv")
                .bad(dev, "withJitter", "sigma NaN", () -> Devices.withJitter(Devices.constant(1, 1, 1), Double.NaN),
                        "NaN")
                .bad(dev, "withLatency", "-1 s", () -> Devices.withLatency(Devices.constant(1, 1, 1), -1), "-1")
                .bad(dev, "slowerFor", "factor 0", () -> Devices.slowerFor(Devices.constant(1, 1, 1), i -> true, 0,
                        "why"), "factor", "0")
                .bad(dev, "slowForLabel", "factor -2", () -> Devices.slowForLabel(Devices.constant(1, 1, 1), data(2),
                        0, -2), "factor", "-2");
        Class<?> av = AvailabilityModels.class;
        s.bad(av, "bernoulli", "p 2", () -> AvailabilityModels.bernoulli(1, 2), "2")
                .bad(av, "markov", "mean online 0", () -> AvailabilityModels.markov(0, 1), "0")
                .bad(av, "diurnal", "period -1", () -> AvailabilityModels.diurnal(-1, 0.5, 0.5, 0.1), "-1")
                .bad(av, "replay", "null", () -> AvailabilityModels.replay(null), "intervals")
                .bad(av, "replayFile", "missing file", () -> AvailabilityModels.replayFile(TMP.resolve("a.csv")),
                        "a.csv");
        Class<?> dr = Dropouts.class;
        s.bad(dr, "probability", "1.5", () -> Dropouts.probability(1.5), "1.5")
                .bad(dr, "hazard", "-1", () -> Dropouts.hazard(-1), "-1");
        Class<?> sc = Schedule.class;
        s.bad(sc, "closed", "0", () -> Schedule.closed(0), "concurrency", "0")
                .bad(sc, "poisson", "0", () -> Schedule.poisson(0), "0")
                .bad(sc, "everyInterval", "NaN", () -> Schedule.everyInterval(Double.NaN), "NaN")
                .bad(sc, "replay", "unsorted times", () -> Schedule.replay(new double[] {2, 1}, new int[] {0, 0}),
                        "1")
                .bad(sc, "firstK", "0", () -> Schedule.rounds().firstK(0), "0")
                .bad(sc, "deadline", "-1", () -> Schedule.rounds().deadline(-1), "-1")
                .bad(sc, "overSelection", "0.5", () -> Schedule.rounds().overSelection(0.5), "0.5")
                .bad(sc, "maxStaleness", "-1", () -> Schedule.closed(2).maxStaleness(-1), "-1");
        Class<?> cp = CheckpointPolicy.class;
        s.bad(cp, "every", "0", () -> CheckpointPolicy.every(0, TMP), "every", "0")
                .bad(cp, "keeping", "0", () -> CheckpointPolicy.every(1, TMP).keeping(0), "keep", "0")
                .bad(cp, "withProgress", "null", () -> CheckpointPolicy.every(1, TMP).withProgress(null), "progress");
        return s;
    }

    @TestFactory
    List<DynamicTest> everyCaseEndsInAClearError() {
        return suite().tests();
    }

    @Test
    void everySetterAndFactoryHasABadValueCase() {
        suite().checkCoverage("fl-core");
    }
}
