package io.github.fl4j.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.fl4j.core.registry.Kind;
import io.github.fl4j.core.registry.Registry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The command line end to end, in this JVM: a run of every algorithm, bad input, resume. */
class Fl4jTest {
    private static final Registry R = Registry.standard();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A small run of each algorithm: the algorithm spec and, for those that need them, extra lines. */
    private static final Map<String, String> ALGORITHMS = Map.ofEntries(
            Map.entry("fedavg", "algorithm: fedavg(lr=0.05,steps=2)"),
            Map.entry("fedavg-ef", "algorithm: fedavg-ef(lr=0.05,steps=2)\nuplink: topk(fraction=0.2)"),
            Map.entry("fedprox", "algorithm: fedprox(lr=0.05,mu=0.1,steps=2)"),
            Map.entry("scaffold", "algorithm: scaffold(lr=0.05,steps=2)"),
            Map.entry("fedspeed", "algorithm: fedspeed(lr=0.05,steps=2)"),
            Map.entry("fedau", "algorithm: fedau(lr=0.05,steps=2)\nparticipation: bernoulli(p=0.5,empty-rounds=true)"),
            Map.entry("ef21", "algorithm: ef21(lr=0.1)\nuplink: topk(k=5)\nparticipation: all"),
            Map.entry("ef14", "algorithm: ef14(lr=0.1)\nuplink: topk(k=5)\nparticipation: all"),
            Map.entry("econtrol", "algorithm: econtrol(lr=0.1,eta=0.5)\nuplink: topk(k=5)\nparticipation: all"),
            Map.entry("compressed-gd", "algorithm: compressed-gd(lr=0.1)\nuplink: randk(k=5)\nparticipation: all"),
            Map.entry("dp-fedavg", "algorithm: dp-fedavg(lr=0.05,steps=2,clip-norm=1,noise=1,q=0.5)\n"
                    + "participation: bernoulli(p=0.5)"),
            Map.entry("secagg", "algorithm: secagg(of=fedavg(lr=0.05,steps=2))"),
            Map.entry("byzantine", "algorithm: byzantine(of=fedavg(lr=0.05,steps=2),attack=sign-flipping,ids=0)"),
            Map.entry("fedasync", "algorithm: fedasync(lr=0.05,steps=2)\ntime: {schedule: closed(concurrency=2)}"),
            Map.entry("fedbuff", "algorithm: fedbuff(lr=0.05,steps=2,k=2)\ntime: {schedule: closed(concurrency=2)}"),
            Map.entry("fedfix", "algorithm: fedfix(lr=0.05,steps=2,period=5)\n"
                    + "time: {schedule: closed(concurrency=2)}"),
            Map.entry("fedcompass", "algorithm: fedcompass(lr=0.05,steps=4,min-steps=2)\n"
                    + "time: {schedule: closed(concurrency=2)}"),
            Map.entry("afa-cd", "algorithm: afa-cd(lr=0.05,steps=2,m=2)\ntime: {schedule: closed(concurrency=2)}"),
            Map.entry("afa-cs", "algorithm: afa-cs(lr=0.05,steps=2,m=2)\ntime: {schedule: closed(concurrency=2)}"));

    static Stream<String> algorithmNames() {
        List<String> names = new ArrayList<>(R.names(Kind.ALGORITHM));
        names.addAll(R.names(Kind.ASYNC_ALGORITHM));
        return names.stream();
    }

    private record Result(int code, String out, String err) {
    }

    private static Result fl4j(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            int code = Fl4j.execute(args, o, e);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
        }
    }

    private Path file(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @ParameterizedTest
    @MethodSource("algorithmNames")
    void everyAlgorithmRunsFromARunFile(String name) throws IOException {
        String alg = ALGORITHMS.get(name);
        assertNotNull(alg, "add a small run of '" + name + "' to Fl4jTest.ALGORITHMS");
        Path out = dir.resolve("out-" + name);
        Path f = file(name + ".yaml", alg + "\nmodel: softmax\ndata: synthetic(clients=6,samples=20,dimension=10,"
                + "classes=3)\nrounds: 2\n" + (alg.contains("participation: all") ? "" : "clientsPerRound: 3\n")
                + "seed: 1\noutput: " + out + "\n");
        Result r = fl4j("run", f.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        for (String o : List.of("run.yaml", "build.json", "rounds.csv", "rounds.jsonl", "summary.json",
                "summary.txt")) {
            assertTrue(Files.isRegularFile(out.resolve(o)), name + ": missing " + o);
        }
        List<String> csv = Files.readAllLines(out.resolve("rounds.csv"));
        assertEquals(3, csv.size(), name + ": header and 2 rows: " + csv);
        List<String> jsonl = Files.readAllLines(out.resolve("rounds.jsonl"));
        assertEquals(2, jsonl.size());
        JsonNode last = JSON.readTree(jsonl.get(1));
        assertEquals(2, last.has("round") ? last.get("round").asInt() : last.get("version").asInt());
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals(64, summary.get("parametersSha256").asText().length());
        JsonNode build = JSON.readTree(out.resolve("build.json").toFile());
        assertFalse(build.get("fl4jVersion").asText().isBlank());
        assertTrue(build.has("gitRevision"));
    }

    @Test
    void aTypoIsBadInputWithASuggestionAndNoStackTrace() throws IOException {
        Path f = file("typo.yaml", "algorithm: fedavg(lr=0.1)\nmodel: softmax\ndata: synthetic(clients=5)\n"
                + "rouds: 5\n");
        Result r = fl4j("run", f.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("fl4j: error: " + f + ": unknown key 'rouds' (did you mean 'rounds'?)"),
                r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace without --debug: " + r.err());
        Result debug = fl4j("run", f.toString(), "--debug");
        assertEquals(2, debug.code());
        assertTrue(debug.err().contains("\tat "), "--debug prints the stack trace");
        Result set = fl4j("run", dir.resolve("typo.yaml").toString(), "--set", "rouds=3");
        assertEquals(2, set.code());
        Result none = fl4j("run", dir.resolve("none.yaml").toString());
        assertEquals(2, none.code());
        assertTrue(none.err().startsWith("fl4j: error: " + dir.resolve("none.yaml") + ": no such file"), none.err());
        assertEquals(2, fl4j("rnu").code());
        assertEquals(2, fl4j("list", "algorithmz").code());
    }

    @Test
    void helpAndListWork() {
        Result help = fl4j("--help");
        assertEquals(0, help.code());
        for (String c : List.of("run", "grid", "resume", "data", "list")) {
            assertTrue(help.out().contains(c), help.out());
            assertEquals(0, fl4j(c, "--help").code(), c);
        }
        assertEquals(0, fl4j("data", "download", "--help").code());
        Result list = fl4j("list");
        assertEquals(0, list.code());
        for (Kind k : Kind.values()) {
            assertTrue(list.out().contains(k.label() + " ("), k.label());
        }
        assertTrue(fl4j("list", "async-algorithm").out().contains("fedbuff"));
    }

    /** An interrupted run resumed from its checkpoint ends with the same bits as the uninterrupted run. */
    @Test
    void resumeGivesTheBitsOfAnUninterruptedRun() throws IOException {
        String text = "algorithm: scaffold(lr=0.05,steps=3)\nmodel: softmax\ndata: synthetic(clients=8,samples=30)\n"
                + "rounds: 6\nclientsPerRound: 3\nseed: 5\ncheckpointEvery: 2\n";
        Path whole = dir.resolve("whole");
        assertEquals(0, fl4j("run", file("a.yaml", text).toString(), "-q", "--set", "output=" + whole).code());
        Path cut = dir.resolve("cut");
        assertEquals(0, fl4j("run", file("b.yaml", text).toString(), "-q", "--set", "output=" + cut).code());
        // interrupt: keep only the oldest checkpoint the run kept (round 4 of 6: the two newest are kept) and no
        // outputs
        List<Path> checkpoints;
        try (Stream<Path> s = Files.list(cut.resolve("checkpoints"))) {
            checkpoints = s.sorted().toList();
        }
        assertEquals("checkpoint-000004.fl4j", checkpoints.get(0).getFileName().toString());
        for (Path p : checkpoints.subList(1, checkpoints.size())) {
            Files.delete(p);
        }
        for (String o : List.of("rounds.csv", "rounds.jsonl", "summary.json", "summary.txt")) {
            Files.delete(cut.resolve(o));
        }
        Result r = fl4j("resume", cut.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        JsonNode a = JSON.readTree(whole.resolve("summary.json").toFile());
        JsonNode b = JSON.readTree(cut.resolve("summary.json").toFile());
        assertEquals(a.get("parametersSha256"), b.get("parametersSha256"));
        assertEquals(a, b);
        assertEquals(withoutWallTimes(whole.resolve("rounds.jsonl")), withoutWallTimes(cut.resolve("rounds.jsonl")));
        assertEquals(6, Files.readAllLines(cut.resolve("rounds.jsonl")).size());

        Path noCheckpoints = dir.resolve("plain");
        assertEquals(0, fl4j("run", file("c.yaml", text.replace("checkpointEvery: 2\n", "")).toString(), "-q",
                "--set", "output=" + noCheckpoints).code());
        Result bad = fl4j("resume", noCheckpoints.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("checkpointEvery: the run wrote no checkpoints"), bad.err());
        Result again = fl4j("run", file("d.yaml", text).toString(), "-q", "--set", "output=" + whole);
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already holds a run"), again.err());
    }

    /** The same for an asynchronous run on the virtual clock (checkpoints by server version). */
    @Test
    void resumeOfAnAsynchronousRunGivesTheSameBits() throws IOException {
        String text = "algorithm: fedbuff(lr=0.05,steps=2,k=2)\nmodel: softmax\ndata: synthetic(clients=8,samples=30)\n"
                + "rounds: 6\nseed: 3\ncheckpointEvery: 2\ntime:\n  schedule: closed(concurrency=3)\n"
                + "  devices: log-normal(speed=50,speed-sigma=1)\n  dropout: probability(q=0.1)\n";
        Path whole = dir.resolve("whole");
        assertEquals(0, fl4j("run", file("a.yaml", text).toString(), "-q", "--set", "output=" + whole).code());
        Path cut = dir.resolve("cut");
        assertEquals(0, fl4j("run", file("b.yaml", text).toString(), "-q", "--set", "output=" + cut).code());
        List<Path> checkpoints;
        try (Stream<Path> s = Files.list(cut.resolve("checkpoints"))) {
            checkpoints = s.sorted().toList();
        }
        assertTrue(checkpoints.size() >= 2, checkpoints.toString());
        for (Path p : checkpoints.subList(1, checkpoints.size())) {
            Files.delete(p);
        }
        Result r = fl4j("resume", cut.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        assertEquals(JSON.readTree(whole.resolve("summary.json").toFile()),
                JSON.readTree(cut.resolve("summary.json").toFile()));
        assertEquals(withoutWallTimes(whole.resolve("rounds.jsonl")), withoutWallTimes(cut.resolve("rounds.jsonl")));
    }

    private static List<String> withoutWallTimes(Path jsonl) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(jsonl)) {
            com.fasterxml.jackson.databind.node.ObjectNode n = (com.fasterxml.jackson.databind.node.ObjectNode)
                    JSON.readTree(line);
            n.remove("wall_ms");
            out.add(n.toString());
        }
        return out;
    }

    /**
     * {@code fl4j grid FILE --set ...}: the overrides change the grid; a changed learning rate runs the cell again
     * (its configuration hash differs) while an unchanged grid loads it; a misspelt key is refused with a suggestion.
     */
    @Test
    void gridOverridesRunAgainOnlyWhatChanged() throws Exception {
        Path grid = dir.resolve("grid.json");
        Files.writeString(grid, """
                {"strategies": {"FedAvg": {"algorithm": "fedavg", "localSteps": 2, "batch": 10, "lr": 0.05}},
                 "compressors": ["identity"], "participation": ["uniform:5"], "heterogeneity": ["synthetic:1:1"],
                 "model": "softmax", "seeds": [1], "rounds": 50, "targetAccuracy": 0.5, "output": "out",
                 "parallelism": 1}
                """);
        String out = dir.resolve("out").toString();
        Result first = fl4j("grid", grid.toString(), "--set", "rounds=2", "--set", "output=" + out);
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("1 runs (1 executed, 0 loaded, 0 diverged)"), first.out());
        Result same = fl4j("grid", grid.toString(), "--set", "rounds=2", "--set", "output=" + out);
        assertEquals(0, same.code(), same.err());
        assertTrue(same.out().contains("1 runs (0 executed, 1 loaded, 0 diverged)"), same.out());
        Result changed = fl4j("grid", grid.toString(), "--set", "rounds=2", "--set", "output=" + out,
                "--set", "strategies.FedAvg.lr=0.1");
        assertEquals(0, changed.code(), changed.err());
        assertTrue(changed.out().contains("1 runs (1 executed, 0 loaded, 0 diverged)"), changed.out());

        Result typo = fl4j("grid", grid.toString(), "--set", "rouds=2");
        assertEquals(2, typo.code(), typo.out());
        assertTrue(typo.err().contains("unknown field 'rouds' (did you mean 'rounds'?)"), typo.err());
    }
}
