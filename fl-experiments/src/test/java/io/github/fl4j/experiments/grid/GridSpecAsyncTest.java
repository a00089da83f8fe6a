package io.github.fl4j.experiments.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.fl4j.algorithms.async.Afa;
import io.github.fl4j.algorithms.async.FedAsync;
import io.github.fl4j.algorithms.async.FedBuff;
import io.github.fl4j.algorithms.async.FedCompass;
import io.github.fl4j.algorithms.async.FedFix;
import io.github.fl4j.algorithms.async.MixingMode;
import io.github.fl4j.core.optim.ServerOptimizers;
import io.github.fl4j.core.time.Schedule;
import io.github.fl4j.core.time.Staleness;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Asynchronous strategies in a JSON grid: FedAsync, FedBuff, FedFix, FedCompass, AFA-CD and AFA-CS. */
class GridSpecAsyncTest {

    private static GridSpec.AsyncStrategy parse(String json) {
        try {
            return GridSpec.asyncStrategy("strategies.S", new ObjectMapper().readTree(json));
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private static String error(String json) {
        return assertThrows(IllegalArgumentException.class, () -> parse(json)).getMessage();
    }

    @Test
    void everyAlgorithmWithItsOptions() {
        GridSpec.AsyncStrategy s = parse("{\"algorithm\": \"fedbuff\", \"K\": 5, \"concurrency\": 20, "
                + "\"staleness\": \"hinge:10:4\", \"serverOptimizer\": \"adam:0.01\", \"lr\": 0.1}");
        FedBuff fb = (FedBuff) s.algorithm().get();
        assertEquals(5, fb.bufferSize());
        assertEquals(Staleness.hinge(10, 4).describe(), fb.staleness().describe());
        assertEquals(ServerOptimizers.adam(0.01), fb.serverOptimizer());
        assertEquals(Schedule.closed(20).describe(), s.schedule().describe());

        s = parse("{\"algorithm\": \"fedasync\", \"alpha\": 0.6, \"mode\": \"delta\", \"rho\": 0.01, "
                + "\"staleness\": \"constant\", \"schedule\": \"poisson:2.5\", \"maxStaleness\": 8}");
        FedAsync fa = (FedAsync) s.algorithm().get();
        assertEquals(0.6, fa.alpha());
        assertEquals(MixingMode.DELTA, fa.mode());
        assertEquals(0.01, fa.proximalWeight());
        assertEquals(Schedule.poisson(2.5).maxStaleness(8).describe(), s.schedule().describe());

        s = parse("{\"algorithm\": \"fedfix\", \"period\": 30, \"clientWeights\": \"uniform\", \"unbiased\": false, "
                + "\"schedule\": \"interval:0.5\"}");
        FedFix ff = (FedFix) s.algorithm().get();
        assertEquals(FedFix.ClientWeights.UNIFORM, ff.clientWeights());
        assertEquals(false, ff.unbiased());
        assertEquals(Schedule.everyInterval(0.5).describe(), s.schedule().describe());

        FedCompass fc = (FedCompass) parse("{\"algorithm\": \"fedcompass\", \"localSteps\": 20, "
                + "\"minLocalSteps\": 5, \"lambda\": 1.2, \"speedMomentum\": 0.5, \"concurrency\": 10}")
                .algorithm().get();
        assertEquals(1.2, fc.latestTimeFactor());
        assertEquals(0.5, fc.speedMomentum());

        Afa cd = (Afa) parse("{\"algorithm\": \"afa-cd\", \"m\": 4, \"concurrency\": 10}").algorithm().get();
        assertEquals(Afa.Variant.CD, cd.variant());
        assertEquals(4, cd.arrivalsPerStep());
        Afa cs = (Afa) parse("{\"algorithm\": \"afa-cs\", \"m\": 2, \"serverLr\": 0.5, \"concurrency\": 10}")
                .algorithm().get();
        assertEquals(Afa.Variant.CS, cs.variant());
    }

    @Test
    void errorsNameFieldAndValue() {
        String m = error("{\"algorithm\": \"fedbuff\", \"K\": 0, \"concurrency\": 20}");
        assertTrue(m.contains("strategies.S.K") && m.contains("0"), m);
        m = error("{\"algorithm\": \"fedbuff\"}");
        assertTrue(m.contains("strategies.S (fedbuff) needs its arrival model") && m.contains("concurrency"), m);
        m = error("{\"algorithm\": \"fedbuff\", \"schedule\": \"rounds\"}");
        assertTrue(m.contains("strategies.S.schedule must be one of closed:C") && m.contains("\"rounds\""), m);
        m = error("{\"algorithm\": \"fedbuff\", \"schedule\": \"poisson:-1\"}");
        assertTrue(m.contains("strategies.S.schedule \"poisson:-1\"") && m.contains("-1"), m);
        m = error("{\"algorithm\": \"fedbuff\", \"schedule\": \"closed:4\", \"concurrency\": 4}");
        assertTrue(m.contains("strategies.S.concurrency must not be given with strategies.S.schedule"), m);
        m = error("{\"algorithm\": \"fedasync\", \"concurrency\": 4, \"maxStaleness\": -2}");
        assertTrue(m.contains("strategies.S.maxStaleness") && m.contains("-2"), m);
        m = error("{\"algorithm\": \"fedasync\", \"concurrency\": 4, \"staleness\": \"exp:2\"}");
        assertTrue(m.contains("strategies.S.staleness must be one of constant") && m.contains("exp:2"), m);
        m = error("{\"algorithm\": \"fedasync\", \"concurrency\": 4, \"staleness\": \"polynomial:-1\"}");
        assertTrue(m.contains("strategies.S.staleness \"polynomial:-1\""), m);
        m = error("{\"algorithm\": \"fedasync\", \"concurrency\": 4, \"mode\": \"avg\"}");
        assertTrue(m.contains("strategies.S.mode") && m.contains("avg"), m);
        m = error("{\"algorithm\": \"fedasync\", \"concurrency\": 4, \"alpha\": 1.5}");
        assertTrue(m.startsWith("strategies.S (fedasync): ") && m.contains("1.5"), m);
        m = error("{\"algorithm\": \"fedasync\", \"concurrency\": 4, \"K\": 3}");
        assertTrue(m.contains("strategies.S.K is not a parameter of fedasync"), m);
        m = error("{\"algorithm\": \"fedasync\", \"concurrency\": 4, \"serverLr\": 0.5}");
        assertTrue(m.contains("strategies.S.serverLr is not a parameter of fedasync"), m);
        m = error("{\"algorithm\": \"fedfix\", \"concurrency\": 4}");
        assertTrue(m.contains("strategies.S.period") && m.contains("required"), m);
        m = error("{\"algorithm\": \"fedfix\", \"concurrency\": 4, \"period\": 5, \"unbiased\": \"yes\"}");
        assertTrue(m.contains("strategies.S.unbiased must be true or false") && m.contains("yes"), m);
        m = error("{\"algorithm\": \"fedcompass\", \"concurrency\": 4}");
        assertTrue(m.contains("strategies.S.minLocalSteps") && m.contains("required"), m);
        m = error("{\"algorithm\": \"fedcompass\", \"concurrency\": 4, \"minLocalSteps\": 50}");
        assertTrue(m.startsWith("strategies.S (fedcompass): ") && m.contains("50"), m);
        m = error("{\"algorithm\": \"afa-cd\", \"concurrency\": 4}");
        assertTrue(m.contains("strategies.S.m") && m.contains("required"), m);
        m = error("\"fedbuff\"");
        assertTrue(m.contains("strategies.S \"fedbuff\" is asynchronous") && m.contains("concurrency"), m);
    }

    /**
     * A JSON grid with FedAvg under a deadline and FedBuff and FedAsync under a closed schedule, on two systems.
     * Two participation patterns with an asynchronous strategy are refused, naming both.
     */
    @Test
    void aTimedJsonGridRuns(@TempDir Path dir) throws Exception {
        String json = """
                {
                  "strategies": {
                    "FedAvg": {"algorithm": "fedavg", "localSteps": 2, "batch": 5},
                    "FedBuff": {"algorithm": "fedbuff", "localSteps": 2, "batch": 5, "K": 2, "concurrency": 4},
                    "FedAsync": {"algorithm": "fedasync", "localSteps": 2, "batch": 5, "alpha": 0.5,
                                 "schedule": "closed:4", "maxStaleness": 10}
                  },
                  "participation": ["uniform:4"],
                  "heterogeneity": ["synthetic:1:1:8"],
                  "systems": {
                    "equal": "equal",
                    "slow": {"devices": "lognormal:20:1:1e5:1:inf:0", "dropout": "probability:0.1",
                             "rounds": "deadline:2"}
                  },
                  "model": "softmax",
                  "seeds": 2,
                  "rounds": 4,
                  "targetAccuracy": 0.2,
                  "output": "out",
                  "parallelism": 2
                }
                """;
        Grid grid = GridSpec.parse(json, dir).progress(false).build();
        GridResult r = grid.run();
        assertEquals(3 * 2 * 2, r.runs().size());
        for (RunResult run : r.runs()) {
            assertTrue(run.timed() && run.finalTime() > 0, run.key().toString());
            assertEquals(4, run.reports().size(), run.key().toString());
        }
        assertTrue(Files.isRegularFile(dir.resolve("out/staleness__uniform-4__synthetic-1-1-8__slow.png")));
        assertTrue(Files.isRegularFile(
                dir.resolve("out/runs/FedAsync__identity__uniform-4__synthetic-1-1-8__slow-seed2.csv")));
        String two = json.replace("[\"uniform:4\"]", "[\"uniform:4\", \"uniform:2\"]");
        String m = assertThrows(IllegalArgumentException.class, () -> GridSpec.parse(two, dir).build())
                .getMessage();
        assertTrue(m.contains("[FedBuff, FedAsync]") && m.contains("[uniform:4, uniform:2]"), m);
        String untimed = json.substring(0, json.indexOf("  \"systems\"")) + json.substring(json.indexOf("  \"model\""));
        m = assertThrows(IllegalArgumentException.class, () -> GridSpec.parse(untimed, dir).build()).getMessage();
        assertTrue(m.contains("[FedBuff, FedAsync]") && m.contains("system axis"), m);
    }
}
