package io.github.fl4j.experiments.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.algorithms.fedprox.FedProx;
import io.github.fl4j.algorithms.scaffold.Scaffold;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.optim.ServerOptimizers;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class GridSpecTest {
    private static final String VALID = """
            {
              "strategies": {
                "FedAvg": {"algorithm": "fedavg", "localSteps": 10, "batch": 10, "lr": 0.05},
                "SCAFFOLD": "scaffold",
                "FedSpeed": {"algorithm": "fedspeed", "rho": 0.1},
                "FedProx": {"algorithm": "fedprox", "mu": 0.01}
              },
              "compressors": ["identity", "topk:0.01", "randk:0.05", "qsgd:4"],
              "participation": ["uniform:10", "bernoulli-linear:0.02:0.5", "markov:0.05", "cyclic:100"],
              "heterogeneity": ["synthetic:1:1"],
              "model": "softmax",
              "seeds": [1, 2, 3],
              "rounds": 50,
              "targetAccuracy": 0.7,
              "output": "out",
              "parallelism": 2
            }
            """;

    @Test
    void parsesTheRegistry() {
        Grid g = GridSpec.parse(VALID, Path.of("/tmp/base")).build();
        List<RunKey> keys = g.keys();
        assertEquals(4 * 4 * 4 * 3, keys.size());
        assertEquals(new RunKey("FedAvg", "identity", "uniform:10", "synthetic:1:1", 1), keys.get(0));
        assertEquals(Path.of("/tmp/base/out"), g.output());
        assertEquals(0.7, g.targetAccuracy());
        assertEquals(50, g.rounds());
    }

    private static String error(String from, String to) {
        assertTrue(VALID.contains(from), from);
        return assertThrows(IllegalArgumentException.class,
                () -> GridSpec.parse(VALID.replace(from, to), Path.of("."))).getMessage();
    }

    @Test
    void errorsNameFieldAndValue() {
        String m = error("\"lr\": 0.05", "\"lr\": \"fast\"");
        assertTrue(m.contains("strategies.FedAvg.lr") && m.contains("fast"), m);
        m = error("\"lr\": 0.05", "\"lr\": -1");
        assertTrue(m.contains("strategies.FedAvg.lr") && m.contains("-1"), m);
        m = error("\"scaffold\"", "\"scafold\"");
        assertTrue(m.contains("strategies.SCAFFOLD") && m.contains("scafold"), m);
        m = error("\"rounds\"", "\"rouds\"");
        assertTrue(m.startsWith("unknown field 'rouds' (did you mean 'rounds'?); known fields: [aggregators,"), m);
        m = error("\"rho\": 0.1", "\"rhoo\": 0.1");
        assertTrue(m.contains("strategies.FedSpeed.rhoo") && m.contains("0.1"), m);
        m = error("\"topk:0.01\"", "\"topk:2\"");
        assertTrue(m.contains("compressors[1]") && m.contains("topk:2"), m);
        m = error("\"qsgd:4\"", "\"gzip\"");
        assertTrue(m.contains("compressors[3]") && m.contains("gzip"), m);
        m = error("\"markov:0.05\"", "\"markov:x\"");
        assertTrue(m.contains("participation[2]") && m.contains("markov:x"), m);
        m = error("\"synthetic:1:1\"", "\"mnist\"");
        assertTrue(m.contains("heterogeneity[0]") && m.contains("mnist"), m);
        m = error("\"rounds\": 50", "\"rounds\": 0");
        assertTrue(m.contains("rounds") && m.contains("0"), m);
        m = error("\"targetAccuracy\": 0.7", "\"targetAccuracy\": 70");
        assertTrue(m.contains("targetAccuracy") && m.contains("70"), m);
        m = error("\"seeds\": [1, 2, 3]", "\"seeds\": [1, \"two\"]");
        assertTrue(m.contains("seeds[1]") && m.contains("two"), m);
        m = error("\"model\": \"softmax\"", "\"model\": \"cnn\"");
        assertTrue(m.contains("model") && m.contains("cnn"), m);
        m = error("\"parallelism\": 2", "\"paralelism\": 2");
        assertTrue(m.contains("paralelism"), m);
        m = error("\"rounds\": 50,", "\"rounds\": 50");
        assertTrue(m.contains("line"), m);
    }

    /** fedavg, fedprox and scaffold take "serverOptimizer": "adam:0.01" and the like; errors name field and value. */
    @Test
    void serverOptimizerOfAStrategy() {
        Function<String, FederatedAlgorithm<?, ?>> parse = json -> {
            try {
                return GridSpec.strategy("strategies.S", new ObjectMapper().readTree(json)).get();
            } catch (JsonProcessingException e) {
                throw new AssertionError(e);
            }
        };
        FedAvg adam = (FedAvg) parse.apply("{\"algorithm\": \"fedavg\", \"serverOptimizer\": \"adam:0.01\"}");
        assertEquals(ServerOptimizers.adam(0.01), adam.serverOptimizer());
        FedAvg m = (FedAvg) parse.apply("{\"algorithm\": \"fedavg\", \"serverOptimizer\": \"momentum:0.1:0.9\"}");
        assertEquals(0.9, m.serverMomentum());
        assertEquals(ServerOptimizers.yogi(0.1, 0.5, 0.9, 0.01),
                ((Scaffold) parse.apply("{\"algorithm\": \"scaffold\", "
                        + "\"serverOptimizer\": \"yogi:0.1:0.5:0.9:0.01\"}")).serverOptimizer());
        assertEquals(ServerOptimizers.adagrad(0.1, 0.01),
                ((FedProx) parse.apply("{\"algorithm\": \"fedprox\", \"serverOptimizer\": \"adagrad:0.1:0.01\"}"))
                        .serverOptimizer());
        String e = assertThrows(IllegalArgumentException.class, () -> parse.apply(
                "{\"algorithm\": \"fedavg\", \"serverLr\": 0.5, \"serverOptimizer\": \"adam:0.01\"}"))
                .getMessage();
        assertEquals("strategies.S.serverLr must not be given with strategies.S.serverOptimizer (set the rate in the "
                + "optimizer), was 0.5", e);
        e = assertThrows(IllegalArgumentException.class, () -> parse.apply(
                "{\"algorithm\": \"fedavg\", \"serverOptimizer\": \"adam:0.01:1.5:0.99:0.001\"}")).getMessage();
        assertEquals("strategies.S.serverOptimizer \"adam:0.01:1.5:0.99:0.001\": beta1 must be in [0, 1), was 1.5", e);
        e = assertThrows(IllegalArgumentException.class, () -> parse.apply(
                "{\"algorithm\": \"fedavg\", \"serverOptimizer\": \"lamb:0.01\"}")).getMessage();
        assertTrue(e.startsWith("strategies.S.serverOptimizer must be one of sgd:LR") && e.contains("lamb:0.01"), e);
        e = assertThrows(IllegalArgumentException.class, () -> parse.apply(
                "{\"algorithm\": \"fedspeed\", \"serverOptimizer\": \"adam:0.01\"}")).getMessage();
        assertTrue(e.contains("strategies.S.serverOptimizer is not a parameter of fedspeed"), e);
    }
}
