package io.github.fl4j.experiments.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.Spec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading, overriding and resolving run files, and every kind of bad input naming the file, path and value. */
class RunFileTest {
    private static final Registry R = Registry.standard();
    private static final String BASE = "algorithm: fedavg(lr=0.1)\nmodel: softmax\ndata: synthetic(clients=5,samples=20)\n";

    private static ResolvedRun resolve(String name, String text, String... sets) {
        return RunFile.parse(name, text, List.of(sets)).resolve(name, "stem", R);
    }

    private static void assertError(String message, String name, String text, String... sets) {
        RunFileException e = assertThrows(RunFileException.class, () -> resolve(name, text, sets));
        assertEquals(message, e.getMessage());
    }

    @Test
    void defaultsAreFilledIn() {
        ResolvedRun r = resolve("a.yaml", BASE);
        assertEquals(Spec.parse("fedavg(lr=0.1)"), r.description().algorithm());
        assertEquals(Spec.parse("uniform(m=10)"), r.description().participation());
        assertEquals(Spec.of("identity"), r.description().uplink());
        assertEquals(100, r.description().config().rounds());
        assertEquals(0, r.description().config().seed());
        assertEquals(Spec.of("local"), r.engine());
        assertEquals(Path.of("runs/stem"), r.output());
        assertEquals(null, r.time());
    }

    @Test
    void aComponentAsAMapIsTheSameSpecAsItsText() {
        ResolvedRun text = resolve("a.yaml", "algorithm: fedavg(lr=0.1,steps=3,server-optimizer=adam(lr=0.01))\n"
                + "model: mlp(hidden=4;4)\ndata: synthetic(clients=5,samples=20)\n");
        ResolvedRun map = resolve("b.yaml", "algorithm:\n  name: fedavg\n  lr: 0.1\n  steps: 3\n"
                + "  server-optimizer: {name: adam, lr: 0.01}\nmodel: {name: mlp, hidden: [4, 4]}\n"
                + "data: {name: synthetic, clients: 5, samples: 20}\n");
        assertEquals(text.description(), map.description());
    }

    @Test
    void jsonAndYamlGiveTheSameRun() {
        ResolvedRun y = resolve("a.yaml", BASE + "rounds: 3\nseed: 7\n");
        ResolvedRun j = resolve("a.json", "{\"algorithm\": \"fedavg(lr=0.1)\", \"model\": \"softmax\", "
                + "\"data\": \"synthetic(clients=5,samples=20)\", \"rounds\": 3, \"seed\": 7}");
        assertEquals(y.description(), j.description());
    }

    @Test
    void theResolvedFileReadsBackToTheSameRun() {
        ResolvedRun r = resolve("a.yaml", BASE + "rounds: 3\nuplink: topk(fraction=0.1)\ntime:\n"
                + "  schedule: rounds(deadline=30)\n  dropout: probability(q=0.1)\n  maxTime: 100\n");
        ResolvedRun again = RunFile.parse("run.yaml", r.toYaml(), List.of()).resolve("run.yaml", "x", R);
        assertEquals(r.description(), again.description());
        assertEquals(r.time(), again.time());
        assertEquals(r.output(), again.output());
        assertEquals(r.toYaml(), again.toYaml());
    }

    @Test
    void overridesSetValuesInsideSpecTextAndMapsWithTheSameTypes() {
        ResolvedRun r = resolve("a.yaml", BASE, "rounds=300", "algorithm.lr=0.5", "algorithm.steps=4",
                "time.schedule=rounds(first=2)", "seed=9");
        assertEquals(300, r.description().config().rounds());
        assertEquals(9, r.description().config().seed());
        assertEquals(Spec.parse("fedavg(lr=0.5,steps=4)"), r.description().algorithm());
        assertEquals(Spec.parse("rounds(first=2)"), r.time().schedule());
        assertError("a.yaml: rounds: must be an integer, was 'many'", "a.yaml", BASE, "rounds=many");
        assertError("a.yaml: unknown key 'rouds' (did you mean 'rounds'?); known: algorithm, checkpointEvery, "
                + "clientsPerRound, data, downlink, engine, evalEvery, model, output, participation, precision, "
                + "rounds, seed, threads, time, uplink", "a.yaml", BASE, "rouds=5");
        RunFileException e = assertThrows(RunFileException.class, () -> resolve("a.yaml", BASE, "rounds"));
        assertTrue(e.getMessage().startsWith("--set rounds: expected key.path=value"), e.getMessage());
    }

    @Test
    void badInputNamesTheFileThePathAndTheValue() {
        assertError("run.yaml: unknown key 'rouds' (did you mean 'rounds'?); known: algorithm, checkpointEvery, "
                + "clientsPerRound, data, downlink, engine, evalEvery, model, output, participation, precision, "
                + "rounds, seed, threads, time, uplink", "run.yaml", BASE + "rouds: 5\n");
        assertError("run.yaml: line 5: key 'rounds' is given twice", "run.yaml", BASE + "rounds: 2\nrounds: 5000\n");
        assertError("run.json: line 1: key 'rounds' is given twice", "run.json", "{\"rounds\": 2, \"rounds\": 5000}");
        assertError("run.yaml: rounds: must be an integer, was 'ten'", "run.yaml", BASE + "rounds: ten\n");
        assertError("run.yaml: rounds: must be an integer, was 2.5", "run.yaml", BASE + "rounds: 2.5\n");
        assertError("run.yaml: seed: must be an integer, was a list [1,2]", "run.yaml", BASE + "seed: [1, 2]\n");
        assertError("run.yaml: rounds: must be >= 1, was 0", "run.yaml", BASE + "rounds: 0\n");
        assertError("run.yaml: unknown key 'time.shedule' (did you mean 'schedule'?); known in time: availability, "
                + "devices, dropout, maxTime, schedule", "run.yaml", BASE + "time:\n  shedule: rounds\n");
        assertError("run.yaml: model is required", "run.yaml", "algorithm: fedavg(lr=0.1)\ndata: synthetic\n");
        assertError("run.yaml: algorithm: unknown algorithm 'fedavgg' (did you mean 'fedavg'?); known: afa-cd, "
                + "afa-cs, byzantine, compressed-gd, dp-fedavg, econtrol, ef14, ef21, fedasync, fedau, fedavg, "
                + "fedavg-ef, fedbuff, fedcompass, fedfix, fedprox, fedspeed, scaffold, secagg", "run.yaml",
                BASE.replace("fedavg(", "fedavgg("));
        assertError("run.yaml: uplink: unknown compressor 'topkk' (did you mean 'topk'?); known: bernoulli, compose, "
                + "ef-scaled, identity, natural, qsgd, randk, scaled-sign, sign, topk", "run.yaml",
                BASE + "uplink: topkk(k=1)\n");
        assertError("run.yaml: algorithm: cannot parse 'fedavg(lr=)' at character 11: expected a value for 'lr', "
                + "found ')'", "run.yaml", BASE.replace("fedavg(lr=0.1)", "fedavg(lr=)"));
        assertError("run.yaml: algorithm.name: a component written as a map needs its name (e.g. {name: fedavg, lr: "
                + "0.05}), was missing", "run.yaml", BASE.replace("algorithm: fedavg(lr=0.1)", "algorithm: {lr: 1}"));
        assertError("run.yaml: precision: must be float32 or float64, was 'half'", "run.yaml",
                BASE + "precision: half\n");
        assertError("run.yaml: time.schedule: the asynchronous algorithm 'fedbuff' needs its arrival model, e.g. "
                + "closed(concurrency=10), poisson(rate=1) or interval(seconds=1)", "run.yaml",
                BASE.replace("fedavg(lr=0.1)", "fedbuff(lr=0.1)"));
        assertError("run.yaml: the file is empty; it needs at least algorithm, model and data", "run.yaml", "");
    }

    /** A parameter error of the registry gets the component's path and the parameter. */
    @Test
    void parameterErrorsNameTheComponentPath() {
        RunFileException e = assertThrows(RunFileException.class, () -> RunFile.at("run.yaml", "algorithm",
                () -> R.algorithm(Spec.parse("fedavg(lr=0.1,step=3)"))));
        assertEquals("run.yaml: algorithm.step: fedavg: unknown parameter 'step' (did you mean 'steps'?); known: "
                + "aggregator, augment, batch, clip, epochs, lr, momentum, server-lr, server-optimizer, steps, weighting",
                e.getMessage());
        e = assertThrows(RunFileException.class, () -> RunFile.at("run.yaml", "algorithm",
                () -> R.algorithm(Spec.parse("fedavg(lr=abc)"))));
        assertEquals("run.yaml: algorithm.lr: fedavg: lr must be a number, was 'abc'", e.getMessage());
    }

    @Test
    void suggestionsNeedACloseKey() {
        assertEquals("rounds", Suggest.nearest("rouds", List.of("rounds", "seed")));
        assertEquals(null, Suggest.nearest("xyz", List.of("rounds", "seed")));
    }
}
