package io.github.fl4j.experiments.grid;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The grid file's aggregators, attacks and privacy fields: errors name the field path and the value. */
class RobustGridSpecTest {
    private static final String BASE = """
            {
              "strategies": {"FedAvg": {"algorithm": "fedavg", "localSteps": 2, "batch": 5}, "FedAU": "fedau"},
              "participation": ["uniform:3"],
              "heterogeneity": ["synthetic:1:1:6"],
              "model": "softmax",
              "seeds": 1, "rounds": 2, "targetAccuracy": 0.5, "output": "out"%s
            }
            """;

    private static String error(String extra) {
        return assertThrows(IllegalArgumentException.class,
                () -> GridSpec.parse(BASE.formatted(", " + extra), Path.of(".")).build()).getMessage();
    }

    private static void check(String extra, String... parts) {
        String m = error(extra);
        for (String p : parts) {
            assertTrue(m.contains(p), "'" + p + "' not in: " + m);
        }
    }

    @Test
    void aggregatorErrorsNameFieldAndValue() {
        check("\"aggregators\": [\"mean\", \"medain\"]", "aggregators[1]", "medain", "trimmed-mean:BETA");
        check("\"aggregators\": [\"trimmed-mean:0.5\"]", "aggregators[0]", "trimmed-mean:0.5", "[0, 0.5)");
        check("\"aggregators\": [\"krum:x\"]", "aggregators[0]", "krum:x", "'x' is not an integer");
        check("\"aggregators\": [\"multi-krum:2\"]", "aggregators[0]", "multi-krum:2");
        check("\"aggregators\": [\"centered-clipping:-1:3\"]", "aggregators[0]", "centered-clipping:-1:3", "TAU");
        check("\"aggregators\": [\"norm-bound:0\"]", "aggregators[0]", "norm-bound:0", "MAX_NORM");
        check("\"aggregators\": [\"mean:2\"]", "aggregators[0]", "mean:2");
        check("\"aggregators\": []", "aggregators", "[]");
        check("\"aggregators\": [3]", "aggregators[0]", "3");
    }

    @Test
    void attackErrorsNameFieldAndValue() {
        check("\"attacks\": [\"none\", \"sign-flip\"]", "attacks[1]", "sign-flip", "sign-flip:FRACTION");
        check("\"attacks\": [\"sign-flip:0.7\"]", "attacks[0]", "sign-flip:0.7", "(0, 0.5]");
        check("\"attacks\": [\"scale:-10\"]", "attacks[0]", "scale:-10");
        check("\"attacks\": [\"gaussian:0:0.2\"]", "attacks[0]", "gaussian:0:0.2", "SIGMA");
        check("\"attacks\": [\"ipm:x:0.2\"]", "attacks[0]", "ipm:x:0.2", "'x' is not a number");
        check("\"attacks\": [\"flood:0.2\"]", "attacks[0]", "flood:0.2", "alie:FRACTION");
        check("\"attacks\": [\"none:0.2\"]", "attacks[0]", "none:0.2");
    }

    @Test
    void privacyErrorsNameFieldAndValue() {
        check("\"privacy\": [\"none\", \"dp:1.0\"]", "privacy[1]", "dp:1.0", "dp:NOISE_MULTIPLIER:CLIP");
        check("\"privacy\": [\"dp:-1:0.5:0.1\"]", "privacy[0]", "dp:-1:0.5:0.1", "NOISE_MULTIPLIER");
        check("\"privacy\": [\"dp:1:0:0.1\"]", "privacy[0]", "dp:1:0:0.1", "CLIP");
        check("\"privacy\": [\"dp:1:0.5:2\"]", "privacy[0]", "dp:1:0.5:2", "SAMPLING_RATE");
        check("\"privacy\": [\"dp-adaptive:1:0.5:0.1:0.2\"]", "privacy[0]", "dp-adaptive:1:0.5:0.1:0.2",
                "bitNoise must be > noiseMultiplier / 2");
        check("\"privacy\": [\"ldp:1:1\"]", "privacy[0]", "ldp:1:1");
    }

    @Test
    void aStrategyThatCannotTakeAnAggregatorFailsNamingBoth() {
        // FedAU keeps its own aggregation: "mean" is fine, nothing else
        GridSpec.parse(BASE.formatted(", \"aggregators\": [\"mean\"], \"attacks\": [\"none\"], "
                + "\"privacy\": [\"none\"]"), Path.of(".")).build();
    }
}
