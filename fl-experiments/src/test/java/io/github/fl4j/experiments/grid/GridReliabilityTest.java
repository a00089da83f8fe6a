package io.github.fl4j.experiments.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grid's reliability: saved runs are reused only under the same configuration hash, diverged runs are kept and
 * reported, repeated JSON keys fail, zero values the builders accept are accepted, reports are written atomically.
 */
class GridReliabilityTest {
    private static final String GRID = """
            {
              "strategies": {
                "FedAvg": {"algorithm": "fedavg", "localSteps": 2, "batch": 5, "lr": 0.05},
                "FedProx": {"algorithm": "fedprox", "localSteps": 2, "batch": 5, "lr": 0.05, "mu": 0.01}
              },
              "participation": ["uniform:4"],
              "heterogeneity": ["synthetic:1:1:8"],
              "model": "softmax",
              "seeds": [1],
              "rounds": 3,
              "targetAccuracy": 0.2,
              "output": "out",
              "parallelism": 1
            }
            """;

    private record Outcome(GridResult result, List<String> executed, List<String> log) {
    }

    private static Outcome run(String json, Path dir) {
        List<String> executed = Collections.synchronizedList(new ArrayList<>());
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        GridResult r = GridSpec.parse(json, dir).progress(false).plots(false).log(log::add)
                .onExecuted(k -> executed.add(k.strategy())).build().run();
        return new Outcome(r, executed, log);
    }

    @Test
    void aChangedConfigurationIsRunAgainAndAnUnchangedOneLoaded(@TempDir Path dir) throws Exception {
        assertEquals(List.of("FedAvg", "FedProx"), sorted(run(GRID, dir).executed()));
        Outcome same = run(GRID, dir);
        assertEquals(List.of(), same.executed());
        assertEquals(0, same.result().executedRuns());

        // lr of one strategy: that strategy alone runs again, and the log names the change
        Outcome lr = run(GRID.replace("\"batch\": 5, \"lr\": 0.05}", "\"batch\": 5, \"lr\": 0.1}"), dir);
        assertEquals(List.of("FedAvg"), lr.executed());
        assertTrue(lr.log().stream().anyMatch(l -> l.contains("FedAvg") && l.contains("configuration changed")
                && l.contains("\"lr\":0.05") && l.contains("\"lr\":0.1")), lr.log().toString());

        // the same values written otherwise (keys reordered, 0.1 as 1e-1) are the same configuration
        Outcome respelled = run(GRID.replace("{\"algorithm\": \"fedavg\", \"localSteps\": 2, \"batch\": 5, "
                + "\"lr\": 0.05}", "{\"lr\": 1e-1, \"batch\": 5, \"localSteps\": 2, \"algorithm\": \"fedavg\"}"), dir);
        assertEquals(List.of(), respelled.executed());

        // rounds, local steps: every run they change runs again
        String rounds = GRID.replace("\"rounds\": 3", "\"rounds\": 4");
        Outcome r4 = run(rounds, dir);
        assertEquals(List.of("FedAvg", "FedProx"), sorted(r4.executed()));
        for (RunResult r : r4.result().runs()) {
            assertEquals(4, r.reports().size());
        }
        Outcome steps = run(rounds.replace("\"localSteps\": 2, \"batch\": 5, \"lr\": 0.05, \"mu\"",
                "\"localSteps\": 3, \"batch\": 5, \"lr\": 0.05, \"mu\""), dir);
        assertEquals(List.of("FedProx"), steps.executed());
        // the output folder's settings, parallelism and the target do not change a run
        assertEquals(List.of(), run(rounds.replace("\"parallelism\": 1", "\"parallelism\": 2")
                .replace("\"localSteps\": 2, \"batch\": 5, \"lr\": 0.05, \"mu\"",
                        "\"localSteps\": 3, \"batch\": 5, \"lr\": 0.05, \"mu\"")
                .replace("\"targetAccuracy\": 0.2", "\"targetAccuracy\": 0.3"), dir).executed());

        // a run file without its record (an older grid's, or a kill between the two writes) runs again
        Path record = dir.resolve("out/runs/FedAvg__identity__uniform-4__synthetic-1-1-8-seed1.json");
        assertTrue(Files.isRegularFile(record));
        assertTrue(Files.readString(record).contains("\"status\" : \"finished\""), Files.readString(record));
        Files.delete(record);
        Outcome noRecord = run(rounds, dir);
        assertEquals(List.of("FedAvg", "FedProx"), sorted(noRecord.executed()));
        assertTrue(noRecord.log().stream().anyMatch(l -> l.contains("no configuration record")), noRecord.log()
                .toString());
    }

    @Test
    void theHashCoversTheGridSettingsAndTheRunsOwnSpecsOnly() {
        Path base = Path.of(".");
        Grid a = GridSpec.parse(GRID, base).build();
        RunKey fedAvg = a.keys().get(0);
        RunKey fedProx = a.keys().get(1);
        assertEquals(64, a.configHash(fedAvg).length());
        assertNotEquals(a.configHash(fedAvg), a.configHash(fedProx));
        // another strategy added beside it does not change FedAvg's run
        Grid more = GridSpec.parse(GRID.replace("\"strategies\": {", "\"strategies\": {\"S\": \"scaffold\","), base)
                .build();
        assertEquals(a.configHash(fedAvg), more.configHash(fedAvg));
        for (String[] change : new String[][] {{"\"rounds\": 3", "\"rounds\": 5"},
                {"\"model\": \"softmax\"", "\"model\": \"mlp:8\""}, {"\"lr\": 0.05}", "\"lr\": 0.06}"},
                {"\"targetAccuracy\": 0.2", "\"targetAccuracy\": 0.2, \"evalEvery\": 2"},
                {"\"targetAccuracy\": 0.2", "\"targetAccuracy\": 0.2, \"maxUplinkBits\": 1e9"}}) {
            Grid b = GridSpec.parse(GRID.replace(change[0], change[1]), base).build();
            assertNotEquals(a.configHash(fedAvg), b.configHash(fedAvg), change[1]);
        }
    }

    @Test
    void aDivergedRunIsKeptReportedAndLoadedOnRestart(@TempDir Path dir) throws Exception {
        String json = GRID.replace("\"lr\": 0.05, \"mu\": 0.01}", "\"lr\": 1e30, \"mu\": 0.01}")
                .replace("\"seeds\": [1]", "\"seeds\": [1, 2]");
        List<String> executed = Collections.synchronizedList(new ArrayList<>());
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        GridResult r = GridSpec.parse(json, dir).progress(false).log(log::add)
                .onExecuted(k -> executed.add(k.strategy())).build().run();
        assertEquals(4, r.runs().size());
        assertEquals(4, executed.size());
        List<RunResult> diverged = r.divergedRuns();
        assertEquals(2, diverged.size(), r.runs().toString());
        for (RunResult d : diverged) {
            assertEquals("FedProx", d.key().strategy());
            assertTrue(d.diverged().contains("seed " + d.key().seed()), d.diverged());
            assertTrue(d.reports().size() < 3, "diverged after " + d.reports().size() + " rounds");
        }
        assertTrue(r.runs().stream().filter(x -> x.key().strategy().equals("FedAvg"))
                .noneMatch(RunResult::isDiverged));
        assertTrue(log.stream().anyMatch(l -> l.contains("diverged after")), log.toString());

        // summary: the FedProx cell counts 2 diverged seeds and has no statistics; FedAvg's are there
        List<String> summary = Files.readAllLines(dir.resolve("out/summary.csv"));
        List<String> header = List.of(summary.get(0).split(","));
        int col = header.indexOf("diverged");
        assertTrue(col > 0, summary.get(0));
        assertEquals("0", summary.get(1).split(",")[col]);
        assertEquals("2", summary.get(2).split(",")[col]);
        assertEquals("NaN", summary.get(2).split(",")[header.indexOf("final_accuracy_mean")]);
        assertNotEquals("NaN", summary.get(1).split(",")[header.indexOf("final_accuracy_mean")]);
        String md = Files.readString(dir.resolve("out/summary.md"));
        assertTrue(md.contains("## Diverged runs") && md.contains("FedProx__identity__uniform-4__synthetic-1-1-8-seed2")
                && md.contains("(2 diverged)"), md);
        assertTrue(Files.isRegularFile(dir.resolve("out/accuracy-rounds__uniform-4__synthetic-1-1-8.png")));
        String record = Files.readString(dir.resolve(
                "out/runs/FedProx__identity__uniform-4__synthetic-1-1-8-seed1.json"));
        assertTrue(record.contains("\"status\" : \"diverged\"") && record.contains("\"reason\""), record);

        // restart: nothing runs, the diverged runs load as diverged with their rounds and reasons
        executed.clear();
        log.clear();
        GridResult again = GridSpec.parse(json, dir).progress(false).plots(false).log(log::add)
                .onExecuted(k -> executed.add(k.strategy())).build().run();
        assertEquals(List.of(), executed);
        assertEquals(diverged.size(), again.divergedRuns().size());
        for (int i = 0; i < diverged.size(); i++) {
            RunResult was = diverged.get(i);
            RunResult now = again.divergedRuns().get(i);
            assertEquals(was.diverged(), now.diverged());
            assertEquals(was.reports().size(), now.reports().size());
            assertTrue(now.loaded());
        }
        assertTrue(log.stream().anyMatch(l -> l.contains("loaded") && l.contains("as diverged")), log.toString());
    }

    @Test
    void aDivergedTimedRunSynchronousOrAsynchronousIsKeptToo(@TempDir Path dir) throws Exception {
        String json = """
                {
                  "strategies": {
                    "FedAvg": {"algorithm": "fedavg", "localSteps": 2, "batch": 5},
                    "Boom": {"algorithm": "fedavg", "localSteps": 2, "batch": 5, "lr": 1e300},
                    "FedBuffBoom": {"algorithm": "fedbuff", "localSteps": 2, "batch": 5, "K": 2, "concurrency": 4,
                                    "lr": 1e300}
                  },
                  "participation": ["uniform:4"],
                  "heterogeneity": ["synthetic:1:1:8"],
                  "systems": {"equal": "equal"},
                  "model": "softmax",
                  "seeds": 1,
                  "rounds": 4,
                  "targetAccuracy": 0.2,
                  "output": "out",
                  "parallelism": 1
                }
                """;
        Outcome o = run(json, dir);
        assertEquals(3, o.result().runs().size());
        assertEquals(List.of("Boom", "FedBuffBoom"), o.result().divergedRuns().stream()
                .map(r -> r.key().strategy()).toList());
        for (RunResult d : o.result().divergedRuns()) {
            assertEquals(d.reports().size(), d.timings().size());
        }
        assertEquals(0, run(json, dir).executed().size());
        assertEquals(2, run(json, dir).result().divergedRuns().size());
    }

    @Test
    void aRepeatedKeyFailsNamingTheFileTheKeyAndBothValues(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("g.json");
        Files.writeString(file, GRID.replace("\"rounds\": 3,", "\"rounds\": 2, \"rounds\": 5000,"));
        String m = assertThrows(IllegalArgumentException.class, () -> GridSpec.parse(file, dir)).getMessage();
        assertTrue(m.contains(file.toString()) && m.contains("\"rounds\"") && m.contains("first 2")
                && m.contains("then 5000"), m);
        String nested = GRID.replace("\"lr\": 0.05, \"mu\"", "\"lr\": 0.05, \"lr\": 0.5, \"mu\"");
        String n = assertThrows(IllegalArgumentException.class, () -> GridSpec.parse(nested, dir)).getMessage();
        assertTrue(n.contains("strategies.FedProx") && n.contains("\"lr\"") && n.contains("0.05")
                && n.contains("0.5"), n);
        // still a plain JSON syntax error for bad JSON, and trailing text is refused
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GridSpec.parse("{\"rounds\": }", dir))
                .getMessage().startsWith("not valid JSON"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GridSpec.parse(GRID + "{}", dir))
                .getMessage().startsWith("not valid JSON"));
    }

    @Test
    void zeroValuesTheBuildersAcceptAreAccepted() {
        Path base = Path.of(".");
        GridSpec.parse(GRID.replace("\"mu\": 0.01", "\"mu\": 0"), base).build();
        String speed = GRID.replace("{\"algorithm\": \"fedprox\", \"localSteps\": 2, \"batch\": 5, \"lr\": 0.05, "
                + "\"mu\": 0.01}", "{\"algorithm\": \"fedspeed\", \"alpha\": 0, \"rho\": 0}");
        assertFalse(speed.equals(GRID));
        Grid g = GridSpec.parse(speed, base).build();
        assertEquals(2, g.keys().size());
        String m = assertThrows(IllegalArgumentException.class, () -> GridSpec.parse(speed.replace("\"alpha\": 0",
                "\"alpha\": 1.5"), base)).getMessage();
        assertTrue(m.contains("strategies.FedProx.alpha") && m.contains("1.5"), m);
        String mu = assertThrows(IllegalArgumentException.class, () -> GridSpec.parse(GRID.replace("\"mu\": 0.01",
                "\"mu\": -0.5"), base)).getMessage();
        assertTrue(mu.contains("strategies.FedProx.mu") && mu.contains("-0.5"), mu);
    }

    @Test
    void reportsAreReplacedWholeWithNoTemporaryFileLeft(@TempDir Path dir) throws Exception {
        GridResult r = run(GRID, dir).result();
        Path out = dir.resolve("out");
        Files.writeString(out.resolve("summary.csv"), "half a summa");
        GridReports.writeAll(r, out, true);
        assertEquals(GridReports.summaryCsv(r), Files.readString(out.resolve("summary.csv")));
        assertEquals(GridReports.roundsCsv(r), Files.readString(out.resolve("rounds.csv")));
        try (Stream<Path> s = Stream.concat(Files.list(out), Files.list(out.resolve("runs")))) {
            List<String> tmp = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".tmp-")).toList();
            assertEquals(List.of(), tmp);
        }
    }

    private static List<String> sorted(List<String> l) {
        return l.stream().sorted().toList();
    }
}
