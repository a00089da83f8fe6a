package io.github.fl4j.core.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.tensor.Precision;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RunDescriptionTest {
    private static final SimulationConfig CONFIG = SimulationConfig.builder().rounds(50).clientsPerRound(10)
            .threads(2).seed(-7).evalEvery(5).precision(Precision.FLOAT64).build();

    private static RunDescription sample() {
        return new RunDescription(Spec.parse("fedavg(lr=0.05,steps=10,batch=10)"), Spec.of("softmax"),
                Spec.parse("libsvm(file='/data/my set/a9a',labels=binary,clients=20)"),
                Spec.parse("bernoulli(p=0.1;0.2)"), Spec.parse("topk(fraction=0.1)"),
                Spec.parse("compose(outer=sign,inner=topk(k=10))"), CONFIG);
    }

    @Test
    void textFormIsStableAndHumanReadable() {
        assertEquals("""
                algorithm = fedavg(batch=10,lr=0.05,steps=10)
                model = softmax
                data = libsvm(clients=20,file='/data/my set/a9a',labels=binary)
                participation = bernoulli(p=0.1;0.2)
                uplink = topk(fraction=0.1)
                downlink = compose(inner=topk(k=10),outer=sign)
                rounds = 50
                clientsPerRound = 10
                threads = 2
                seed = -7
                evalEvery = 5
                precision = float64
                """, sample().toText());
    }

    @Test
    void survivesTextAndBytesExactly() {
        RunDescription d = sample();
        assertEquals(d, RunDescription.parse(d.toText()));
        assertEquals(d, RunDescription.fromBytes(d.toBytes()));
        assertEquals(d.toText(), RunDescription.parse(d.toText()).toText());
        assertArrayEquals(d.toBytes(), RunDescription.fromBytes(d.toBytes()).toBytes());
        assertTrue(new String(d.toBytes(), StandardCharsets.UTF_8).startsWith("fl4j-run-description 1\n"
                + "algorithm = "));
        RunDescription minimal = RunDescription.of(Spec.of("scaffold"), Spec.of("mlp"), Spec.of("synthetic"),
                SimulationConfig.builder().build());
        assertEquals(minimal, RunDescription.fromBytes(minimal.toBytes()));
        // values with quotes, '#', '=', tabs and spaces survive the line format
        RunDescription odd = minimal.withData(Spec.of("libsvm").with("file", " #x = 'y'\t(z ").with("labels",
                "1:-1;2:1")).withUplink(Spec.parse("compose(outer=natural,inner=topk(k=3))"));
        assertEquals(odd, RunDescription.parse(odd.toText()));
        assertEquals(odd, RunDescription.fromBytes(odd.toBytes()));
        // a unicode path survives UTF-8
        RunDescription unicode = minimal.withData(Spec.of("mnist").with("dir", "/données/mnist"));
        assertEquals(unicode, RunDescription.fromBytes(unicode.toBytes()));
    }

    @Test
    void defaultsAreFilledAndEqualByValue() {
        RunDescription d = RunDescription.of(Spec.of("scaffold"), Spec.of("softmax"), Spec.of("synthetic"), CONFIG);
        assertEquals(Spec.parse("uniform(m=10)"), d.participation());
        assertEquals(Spec.of("identity"), d.uplink());
        assertEquals(Spec.of("identity"), d.downlink());
        assertEquals(d, new RunDescription(Spec.of("scaffold"), Spec.of("softmax"), Spec.of("synthetic"),
                Spec.parse("uniform(m=10)"), Spec.of("identity"), Spec.of("identity"), CONFIG));
        assertEquals(d.hashCode(), RunDescription.parse(d.toText()).hashCode());
        assertNotEquals(d, d.withSeed(8));
        assertEquals(8, d.withSeed(8).config().seed());
        assertEquals(Spec.parse("uniform(m=10)"), d.withParticipation(null).participation());
        assertThrows(IllegalArgumentException.class, () -> RunDescription.of(null, Spec.of("softmax"),
                Spec.of("synthetic"), CONFIG));
    }

    @Test
    void parseAcceptsCommentsBlankLinesAnyOrderAndDefaults() {
        RunDescription d = RunDescription.parse("""
                # a quick run
                seed=3

                data   =   synthetic( alpha = 1 , beta = 1 )
                model = softmax
                algorithm = fedavg(lr=0.05)
                clientsPerRound = 5
                precision = FLOAT32
                """);
        SimulationConfig defaults = SimulationConfig.builder().build();
        assertEquals(Spec.parse("synthetic(alpha=1,beta=1)"), d.data());
        assertEquals(3, d.config().seed());
        assertEquals(5, d.config().clientsPerRound());
        assertEquals(defaults.rounds(), d.config().rounds());
        assertEquals(defaults.threads(), d.config().threads());
        assertEquals(defaults.evalEvery(), d.config().evalEvery());
        assertEquals(Precision.FLOAT32, d.config().precision());
        assertEquals(Spec.parse("uniform(m=5)"), d.participation());
        assertEquals(d, RunDescription.parse(d.toText()));
        // Windows line ends
        assertEquals(d, RunDescription.parse(d.toText().replace("\n", "\r\n")));
    }

    @Test
    void errorsNameTheLineAndKey() {
        String ok = "algorithm = fedavg(lr=0.1)\nmodel = softmax\ndata = synthetic\n";
        assertError(ok + "rounds = ten\n", "line 4 (rounds): must be an integer, was 'ten'");
        assertError(ok + "rounds = 0\n", "line 4 (rounds): rounds must be >= 1, was 0");
        assertError(ok + "threads = 5000\n", "line 4 (threads): threads must be <= 4096, was 5000");
        assertError(ok + "round = 5\n", "line 4: unknown key 'round' (did you mean 'rounds'?); known: algorithm, "
                + "model, data, participation, uplink, downlink, rounds, clientsPerRound, threads, seed, evalEvery,"
                + " precision");
        assertError(ok + "model = mlp\n", "line 4: key 'model' is given twice (first on line 2)");
        assertError(ok + "precision = double\n", "line 4 (precision): must be float32 or float64, was 'double'");
        assertError(ok + "seed\n", "line 4: expected 'key = value', was 'seed'");
        assertError(ok + "uplink =\n", "line 4 (uplink): missing value");
        assertError(ok + "clientsPerRound = 3000000000\n",
                "line 4 (clientsPerRound): must be an integer in int range, was '3000000000'");
        assertError("model = softmax\ndata = synthetic\n", "missing key 'algorithm' (required: algorithm, model, "
                + "data)");
        assertError("algorithm = fedavg(lr=)\nmodel = softmax\ndata = synthetic\n",
                "line 1 (algorithm): cannot parse 'fedavg(lr=)' at character 11: expected a value for 'lr', found"
                        + " ')'");
    }

    private static void assertError(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunDescription.parse(text));
        assertEquals(message, e.getMessage());
    }

    @Test
    void bytesAreChecked() {
        byte[] good = sample().toBytes();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunDescription.fromBytes(sample().toText().getBytes(StandardCharsets.UTF_8)));
        assertEquals("not a run description: the first line must be 'fl4j-run-description 1', was 'algorithm = "
                + "fedavg(batch=10,lr=0.05,steps=10)'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RunDescription.fromBytes(
                "fl4j-run-description 2\nalgorithm = x\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("run description version 2 is not supported (this fl4j reads versions 1 to 1)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RunDescription.fromBytes(new byte[] {(byte) 0xff}));
        assertTrue(e.getMessage().startsWith("a run description must be UTF-8 text"), e.getMessage());
        // line numbers count the version line
        String broken = new String(good, StandardCharsets.UTF_8).replace("rounds = 50", "rounds = x");
        e = assertThrows(IllegalArgumentException.class,
                () -> RunDescription.fromBytes(broken.getBytes(StandardCharsets.UTF_8)));
        assertEquals("line 8 (rounds): must be an integer, was 'x'", e.getMessage());
    }
}
