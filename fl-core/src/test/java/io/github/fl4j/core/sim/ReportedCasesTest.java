package io.github.fl4j.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.io.CsvReader;
import io.github.fl4j.core.data.io.LibSvmReader;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.model.LogisticRegression;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.participation.BernoulliParticipation;
import io.github.fl4j.core.participation.CyclicParticipation;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.tensor.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The cases of the reliability report, each reproduced as it was reported (hang, silently different rate, silently
 * ignored field, 0 x 0 dataset, NaN accuracy, wrong blame, OutOfMemoryError) and asserting the fixed behaviour: a
 * clear error naming the field or file and the bad value, or a correct run. The numbers are derived by hand in the
 * comments.
 */
class ReportedCasesTest {

    // ---- participation ----

    @Test
    void bernoulliWithNearZeroRatesFailsAtStartInsteadOfHanging() {
        double[] p = new double[5];
        Arrays.fill(p, 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BernoulliParticipation(p).start(5, new SeedTree(1)));
        assertTrue(e.getMessage().contains("allowingEmptyRounds"), e.getMessage());
    }

    @Test
    void redrawingEmptyRoundsRaisesTheRateAsComputed() {
        // 40 clients at p = 0.02: P(empty) = 0.98^40 = 0.4457, so redrawing delivers 0.02 / 0.5543 = 0.03608 (a mean
        // interval of 27.7, the 27.8 FedAU estimated instead of 50); keeping empty rounds delivers 0.02. 20,000 rounds:
        // sd of a rate over 800,000 client-rounds about 0.0002; tolerance 5 sd.
        double[] p = new double[40];
        Arrays.fill(p, 0.02);
        double empty = Math.pow(0.98, 40);
        assertEquals(0.03608, 0.02 / (1 - empty), 5e-5);
        for (boolean keep : new boolean[] {false, true}) {
            BernoulliParticipation b = new BernoulliParticipation(p);
            Participation pattern = keep ? b.allowingEmptyRounds() : b;
            assertEquals(!keep, pattern.redrawsEmptyRounds());
            Participation.Process proc = pattern.start(40, new SeedTree(11));
            SeedTree seeds = new SeedTree(11);
            long total = 0;
            int rounds = 20_000;
            for (int t = 1; t <= rounds; t++) {
                total += proc.select(t, seeds.stream(io.github.fl4j.core.random.Purpose.PARTICIPATION, t,
                        SeedTree.GLOBAL)).length;
            }
            double rate = total / (40.0 * rounds);
            double expected = keep ? 0.02 : 0.02 / (1 - empty);
            assertEquals(expected, rate, 5 * Math.sqrt(expected * (1 - expected) / (40.0 * rounds)), "keep=" + keep);
        }
    }

    @Test
    void cyclicRefusesARateItCannotDeliver() {
        // p = 0.5, C = 1: C p = 0.5 active rounds per period is not whole (the old code delivered 1.0)
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Participation.cyclic(new double[] {0.5, 0.5}, 1));
        assertTrue(e.getMessage().contains("p[0] = 0.5") && e.getMessage().contains("C = 1"), e.getMessage());
        // p = 0.01, C = 10: one active round in ten would deliver 0.1 (the old code delivered 0.1225)
        e = assertThrows(IllegalArgumentException.class, () -> Participation.cyclic(new double[] {0.01, 0.01}, 10));
        assertTrue(e.getMessage().contains("0.1") && e.getMessage().contains("C = 100"), e.getMessage());
    }

    @Test
    void cyclicDeliversExactlyTheRequestedRate() {
        // 40 clients at p = 0.05 with C = 20: one active round in 20; over 2000 rounds (100 periods) with empty rounds
        // kept, each client takes part exactly 100 times: rate 0.05
        double[] p = new double[40];
        Arrays.fill(p, 0.05);
        Participation.Process proc = new CyclicParticipation(p, 20).allowingEmptyRounds().start(40, new SeedTree(3));
        int[] count = new int[40];
        for (int t = 1; t <= 2000; t++) {
            for (int id : proc.select(t, null)) {
                count[id]++;
            }
        }
        for (int c : count) {
            assertEquals(100, c);
        }
    }

    @Test
    void cyclicRefusesToSkipEmptyRoundsWhichWouldRaiseTheRate() {
        // one client at p = 0.5, C = 2: every other round is empty; skipping them (the old default) delivered 1.0
        CyclicParticipation c = new CyclicParticipation(new double[] {0.5}, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.start(1, new SeedTree(1)));
        assertTrue(e.getMessage().contains("1 of every 2 rounds") && e.getMessage().contains("allowingEmptyRounds"),
                e.getMessage());
        // kept empty: exactly half of the rounds
        Participation.Process proc = c.allowingEmptyRounds().start(1, new SeedTree(1));
        int n = 0;
        for (int t = 1; t <= 100; t++) {
            n += proc.select(t, null).length;
        }
        assertEquals(50, n);
    }

    @Test
    void cyclicEmptySlotsCountedByHand() {
        // C = 10: client 0 (p = 0.3: a = 3, b = 7, phase 2) is active at t - 1 = 5, 6, 7; client 1 (p = 0.2: a = 2,
        // b = 8, phase 0) at t - 1 = 8, 9; so rounds 1..5 of every 10 are empty
        CyclicParticipation two = new CyclicParticipation(new double[] {0.3, 0.2}, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> two.phases(new int[] {2, 0}));
        assertTrue(e.getMessage().contains("5 of every 10 rounds") && e.getMessage().contains("is round 1"),
                e.getMessage());
        // nine clients at p = 0.1 (a = 1, b = 9) with phases 0..8 cover t - 1 = 9, 8, ..., 1: only round 1 is empty
        double[] p = new double[9];
        Arrays.fill(p, 0.1);
        int[] phases = {0, 1, 2, 3, 4, 5, 6, 7, 8};
        e = assertThrows(IllegalArgumentException.class, () -> new CyclicParticipation(p, 10).phases(phases));
        assertTrue(e.getMessage().contains("1 of every 10 rounds") && e.getMessage().contains("is round 1"),
                e.getMessage());
        // a tenth client with phase 0 (active at t - 1 = 9 again) does not help; with phase 9 (t - 1 = 0) it does
        double[] q = new double[10];
        Arrays.fill(q, 0.1);
        assertThrows(IllegalArgumentException.class, () -> new CyclicParticipation(q, 10)
                .phases(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 0}));
        Participation.Process full = new CyclicParticipation(q, 10).phases(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        for (int t = 1; t <= 30; t++) {
            assertTrue(full.select(t, null).length > 0, "round " + t);
        }
    }

    @Test
    void cyclicNearestRatesIsTheReferenceRounding() {
        // p = 0.15, C = 10: a = rint(1.5) = 2 (half to even), b = 8: delivered 0.2, stated by deliveredRate
        CyclicParticipation c = CyclicParticipation.withNearestRates(new double[] {0.15}, 10);
        assertEquals(0.2, c.deliveredRate(0), 0);
        assertTrue(c.describe().contains("nearest rates"), c.describe());
    }

    @Test
    void uniformParticipationConflictingWithClientsPerRoundFails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sim(8, 5).config(config(3).clientsPerRound(5).build()).participation(Participation.uniform(8))
                        .build());
        assertTrue(e.getMessage().contains("clientsPerRound is 5") && e.getMessage().contains("uniform(8)"),
                e.getMessage());
        // the same number, or the default, is fine: 8 per round
        SimulationResult<?> r = sim(8, 5).config(config(3).clientsPerRound(8).build())
                .participation(Participation.uniform(8)).build().run();
        assertEquals(8, r.reports().get(0).participants());
    }

    @Test
    void fullParticipationOnFewerClientsThanTheDefaultClientsPerRoundRuns() {
        // 5 clients, clientsPerRound left at its default 10: all() takes the 5
        SimulationResult<?> r = sim(5, 5).config(config(2).build()).participation(Participation.all()).build().run();
        assertEquals(5, r.reports().get(1).participants());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sim(5, 5).config(config(2).clientsPerRound(3).build()).participation(Participation.all())
                        .build());
        assertTrue(e.getMessage().contains("clientsPerRound is 3"), e.getMessage());
    }

    // ---- data files ----

    @Test
    void emptyOrHeaderOnlyFilesAreErrorsNamingTheFile(@TempDir Path dir) throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.txt"), "");
        IOException e = assertThrows(IOException.class, () -> LibSvmReader.builder().build().read(empty));
        assertTrue(e.getMessage().contains(empty.toString()) && e.getMessage().contains("no data rows"),
                e.getMessage());
        e = assertThrows(IOException.class, () -> CsvReader.builder().build().read(empty));
        assertTrue(e.getMessage().contains(empty.toString()) && e.getMessage().contains("no data rows"),
                e.getMessage());
        Path header = Files.writeString(dir.resolve("header.csv"), "a,b,label\n");
        e = assertThrows(IOException.class, () -> CsvReader.builder().header(true).build().read(header));
        assertTrue(e.getMessage().contains(header.toString()) && e.getMessage().contains("only the header"),
                e.getMessage());
    }

    // ---- non-finite data and parameters, labels ----

    @Test
    void nanInTestFeaturesIsReportedBeforeTraining() {
        Dataset test = new Dataset(Nd4j.createFromArray(new double[][] {{1, 2}, {3, Double.NaN}}),
                Nd4j.createFromArray(new double[][] {{0}, {1}}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Simulation.builder(new SimulationTest.FedSgd(0.1)).model(new SoftmaxRegression(2, 2))
                        .data(new FederatedDataset(List.of(twoFeatures(0), twoFeatures(1)), test))
                        .config(config(2).clientsPerRound(2).build()).build());
        assertTrue(e.getMessage().contains("the test set") && e.getMessage().contains("row 1, column 1")
                && e.getMessage().contains("NaN"), e.getMessage());
    }

    @Test
    void infiniteTrainingFeatureNamesTheClientNotTheLearningRate() {
        Dataset bad = new Dataset(Nd4j.createFromArray(new double[][] {{1, Double.POSITIVE_INFINITY}}),
                Nd4j.createFromArray(new double[][] {{1}}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Simulation.builder(new SimulationTest.FedSgd(0.1)).model(new SoftmaxRegression(2, 2))
                        .data(new FederatedDataset(List.of(twoFeatures(0), bad), twoFeatures(1)))
                        .config(config(2).clientsPerRound(2).build()).build());
        assertTrue(e.getMessage().contains("client 1") && e.getMessage().contains("row 0, column 1")
                && e.getMessage().contains("Infinity") && !e.getMessage().contains("learning rate"), e.getMessage());
    }

    @Test
    void nonFiniteInitialParametersAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sim(4, 4).initialParameters(Nd4j.createFromArray(0.0, Double.NaN, 0.0)).build());
        assertTrue(e.getMessage().contains("initialParameters") && e.getMessage().contains("coordinate 1")
                && e.getMessage().contains("NaN"), e.getMessage());
        // finite in float64, infinite once cast to float32: 1e300
        e = assertThrows(IllegalArgumentException.class, () -> sim(4, 4).config(config(2).clientsPerRound(4)
                .precision(Precision.FLOAT32).build()).initialParameters(Nd4j.createFromArray(1e300, 0.0, 0.0))
                .build());
        assertTrue(e.getMessage().contains("FLOAT32") && e.getMessage().contains("coordinate 0"), e.getMessage());
    }

    @Test
    void aLabelOutOfRangeIsReportedBeforeTrainingNamingTheSetRowAndValue() {
        Dataset test = new Dataset(Nd4j.createFromArray(new double[][] {{1, 2}, {3, 4}, {5, 6}}),
                Nd4j.createFromArray(new double[][] {{0}, {1}, {255}}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Simulation.builder(new SimulationTest.FedSgd(0.1)).model(new SoftmaxRegression(2, 10))
                        .data(new FederatedDataset(List.of(twoFeatures(0), twoFeatures(1)), test))
                        .config(config(2).clientsPerRound(2).build()).build());
        assertTrue(e.getMessage().contains("the test set") && e.getMessage().contains("row 2")
                && e.getMessage().contains("255.0") && e.getMessage().contains("[0, 10)"), e.getMessage());
        // logistic regression needs -1/+1: a 0/1 label is named too
        Model logistic = new LogisticRegression(2);
        e = assertThrows(IllegalArgumentException.class, () -> Simulation.builder(new SimulationTest.FedSgd(0.1)).model(logistic)
                .data(new FederatedDataset(List.of(twoFeatures(0), twoFeatures(1)), twoFeatures(1)))
                .config(config(2).clientsPerRound(2).build()).build());
        assertTrue(e.getMessage().contains("client 0") && e.getMessage().contains("-1 or +1"), e.getMessage());
    }

    @Test
    void anEmptyTestSetRunsAndReportsNaNAsDocumented() {
        Dataset none = new Dataset(Nd4j.create(DataType.DOUBLE, 0, 3), Nd4j.create(DataType.DOUBLE, 0, 1));
        SimulationResult<?> r = Simulation.builder(new SimulationTest.FedSgd(0.1)).model(new LeastSquares(3))
                .data(new FederatedDataset(scalarish(4).clients(), none)).config(config(2).clientsPerRound(4).build())
                .build().run();
        assertTrue(Double.isNaN(r.reports().get(1).testAccuracy()));
    }

    // ---- rounds ----

    @Test
    void hugeRoundCountsDoNotPreallocate() {
        // rounds = Integer.MAX_VALUE used to die with OutOfMemoryError in an ArrayList constructor; now the run starts
        // and stops when interrupted after round 2
        List<Integer> seen = new ArrayList<>();
        RoundListener stop = new RoundListener() {
            @Override
            public void onRound(RoundReport report) {
                seen.add(report.round());
                if (report.round() == 2) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Simulation<?, ?> sim = sim(4, 4).config(config(Integer.MAX_VALUE).clientsPerRound(4).evalEvery(0).build())
                .listener(stop).build();
        assertThrows(RunCancelledException.class, sim::run);
        assertTrue(Thread.interrupted());
        assertEquals(List.of(1, 2), seen);
    }

    // ---- helpers ----

    static SimulationConfig.Builder config(int rounds) {
        return SimulationConfig.builder().rounds(rounds).seed(7).precision(Precision.FLOAT64);
    }

    /** Least squares on 3 features over {@code clients} clients, config of 2 rounds with {@code perRound}. */
    static Simulation.Builder<?, ?> sim(int clients, int perRound) {
        return Simulation.builder(new SimulationTest.FedSgd(0.1)).model(new LeastSquares(3)).data(scalarish(clients))
                .config(config(2).clientsPerRound(perRound).build());
    }

    static FederatedDataset scalarish(int n) {
        List<Dataset> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            parts.add(new Dataset(Nd4j.createFromArray(new double[][] {{1, 0, i}}),
                    Nd4j.createFromArray(new double[][] {{i}})));
        }
        return new FederatedDataset(parts, parts.get(0));
    }

    static Dataset twoFeatures(int label) {
        return new Dataset(Nd4j.createFromArray(new double[][] {{1, 2}, {2, 1}}),
                Nd4j.createFromArray(new double[][] {{label}, {label}}));
    }
}
