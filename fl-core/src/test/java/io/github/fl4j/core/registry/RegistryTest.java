package io.github.fl4j.core.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.participation.Participation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class RegistryTest {

    /** An algorithm that only has a name: enough for the registry. */
    record Named(String name) implements FederatedAlgorithm<Object, Object> {
        @Override
        public Object initServerState(INDArray initialParameters, AlgorithmSetup setup) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object initClientState(int clientId, AlgorithmSetup setup) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Server<Object> server() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Client<Object> client() {
            throw new UnsupportedOperationException();
        }

        @Override
        public StateCodec<Object> serverStateCodec() {
            throw new UnsupportedOperationException();
        }

        @Override
        public StateCodec<Object> clientStateCodec() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int downlinkVectors() {
            return 1;
        }

        @Override
        public int uplinkVectors() {
            return 1;
        }
    }

    /** A provider with two algorithms. */
    public static final class ProviderA implements ComponentProvider {
        @Override
        public void register(Registry.Builder r) {
            r.algorithm("avg", "lr (required), steps=10", p -> new Named("avg(lr=" + p.getDouble("lr") + ",steps="
                    + p.getInt("steps", 10) + ")"));
            r.algorithm("sgd", "lr (required)", p -> new Named("sgd(" + p.getDouble("lr") + ")"));
        }
    }

    /** A provider that registers a name ProviderA has. */
    public static final class ProviderB implements ComponentProvider {
        @Override
        public void register(Registry.Builder r) {
            r.algorithm("avg", "lr (required)", p -> new Named("other"));
        }
    }

    @Test
    void buildsByNameAndChecksEveryKey() {
        Registry r = Registry.builder().add(new ProviderA()).build();
        assertEquals("avg(lr=0.5,steps=3)", r.algorithm(Spec.parse("avg(lr=0.5,steps=3)")).name());
        assertEquals("avg(lr=0.5,steps=10)", r.algorithm(Spec.parse("avg(lr=0.5)")).name());
        SpecException e = assertThrows(SpecException.class, () -> r.algorithm(Spec.parse("avg(lr=0.5,step=3)")));
        assertEquals("avg: unknown parameter 'step' (did you mean 'steps'?); known: lr, steps", e.getMessage());
        e = assertThrows(SpecException.class, () -> r.algorithm(Spec.parse("avg(lr=abc)")));
        assertEquals("avg: lr must be a number, was 'abc'", e.getMessage());
        e = assertThrows(SpecException.class, () -> r.algorithm(Spec.parse("avg(lrr=1)")));
        assertEquals("avg: missing parameter 'lr' (given: lrr)", e.getMessage());
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        Registry r = Registry.builder().add(new ProviderA()).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> r.algorithm(Spec.of("avgg")));
        assertEquals("unknown algorithm 'avgg' (did you mean 'avg'?); known: avg, sgd", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> r.algorithm(Spec.of("scaffold")));
        assertEquals("unknown algorithm 'scaffold'; known: avg, sgd", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> r.compressor(Spec.of("topk")));
        assertEquals("unknown compressor 'topk'; known: none", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> r.describe(Kind.MODEL, "mlp"));
        assertEquals("unknown model 'mlp'; known: none", e.getMessage());
    }

    @Test
    void duplicateRegistrationNamesBothProviders() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Registry.builder().add(new ProviderA()).add(new ProviderB()));
        assertEquals("algorithm 'avg' is registered twice: by " + ProviderA.class.getName() + " and by "
                + ProviderB.class.getName(), e.getMessage());
        // a direct registration is attributed to the class that called the builder
        e = assertThrows(IllegalArgumentException.class, () -> Registry.builder().add(new ProviderA())
                .algorithm("sgd", "x", p -> new Named("x")));
        assertEquals("algorithm 'sgd' is registered twice: by " + ProviderA.class.getName() + " and by "
                + RegistryTest.class.getName(), e.getMessage());
        // the same name under another kind is fine
        Registry r = Registry.builder().add(new ProviderA())
                .compressor("avg", "no parameters", p -> IdentityCompressor.INSTANCE).build();
        assertTrue(r.contains(Kind.COMPRESSOR, "avg"));
    }

    @Test
    void namesDescriptionsProvidersAndHelp() {
        Registry r = Registry.builder().add(new ProviderA())
                .participation("everyone", "no parameters", (p, n) -> Participation.all()).build();
        assertEquals(List.of("avg", "sgd"), new ArrayList<>(r.names(Kind.ALGORITHM)));
        assertTrue(r.names(Kind.MODEL).isEmpty());
        assertEquals("lr (required), steps=10", r.describe(Kind.ALGORITHM, "avg"));
        assertEquals(ProviderA.class.getName(), r.provider(Kind.ALGORITHM, "avg"));
        assertEquals(RegistryTest.class.getName(), r.provider(Kind.PARTICIPATION, "everyone"));
        assertEquals("algorithm (2):\n  avg  lr (required), steps=10\n  sgd  lr (required)\n", r.help(Kind.ALGORITHM));
        assertTrue(r.help().contains("participation (1):\n  everyone  no parameters\n"), r.help());
        assertThrows(UnsupportedOperationException.class, () -> r.names(Kind.ALGORITHM).add("x"));
    }

    @Test
    void badRegistrationsAreRejected() {
        Registry.Builder b = Registry.builder();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.algorithm("FedAvg", "x", p -> null));
        assertTrue(e.getMessage().startsWith("algorithm name must be a lower-case identifier"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> b.algorithm("x", "two\nlines", p -> null));
        assertTrue(e.getMessage().contains("must be one non-blank line"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> b.algorithm("x", " ", p -> null));
        assertTrue(e.getMessage().contains("must be one non-blank line"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> b.algorithm("x", "d", null));
        assertEquals("the factory of algorithm 'x' must not be null", e.getMessage());
    }

    @Test
    void factoryErrorsArePrefixedWithKindAndSpec() {
        Registry r = Registry.builder()
                .algorithm("bad", "k", p -> {
                    p.getInt("k");
                    throw new IllegalArgumentException("localLearningRate must be > 0, was -1.0");
                })
                .algorithm("null", "no parameters", p -> null)
                .build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> r.algorithm(Spec.parse("bad(k=1)")));
        assertEquals("algorithm bad(k=1): localLearningRate must be > 0, was -1.0", e.getMessage());
        // with a key the factory did not read, the misspelt key is reported, the failure attached
        SpecException unknown = assertThrows(SpecException.class, () -> r.algorithm(Spec.parse("bad(k=1,kk=2)")));
        assertEquals("bad: unknown parameter 'kk'; known: k", unknown.getMessage());
        assertEquals("algorithm bad(k=1,kk=2): localLearningRate must be > 0, was -1.0",
                unknown.getSuppressed()[0].getMessage());
        IllegalStateException s = assertThrows(IllegalStateException.class, () -> r.algorithm(Spec.of("null")));
        assertTrue(s.getMessage().contains("returned null for null"), s.getMessage());
        assertThrows(IllegalArgumentException.class, () -> r.algorithm(null));
        assertThrows(IllegalArgumentException.class, () -> r.participation(Spec.of("all"), 0));
    }

    @Test
    void dataFactoryIoErrorsNameTheSpec() {
        Registry r = Registry.builder().data("files", "file", (p, seed, precision) -> {
            throw new java.io.IOException("no such file " + p.getString("file"));
        }).build();
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
                () -> r.data(Spec.parse("files(file=/x)"), 1));
        assertEquals("data files(file=/x): no such file /x", e.getMessage());
    }

    @Test
    void standardIsLoadedOnceWithTheCoreComponents() throws Exception {
        Registry r = Registry.standard();
        assertSame(r, Registry.standard());
        assertTrue(r.names(Kind.MODEL).containsAll(Set.of("softmax", "logistic", "least-squares", "mlp")));
        assertTrue(r.names(Kind.DATA).containsAll(Set.of("synthetic", "libsvm", "mnist")));
        assertTrue(r.names(Kind.PARTICIPATION).containsAll(Set.of("all", "uniform", "bernoulli", "markov",
                "cyclic", "trace")));
        assertTrue(r.contains(Kind.COMPRESSOR, "identity"));
        assertEquals(CoreComponents.class.getName(), r.provider(Kind.MODEL, "softmax"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Registry>> fs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                fs.add(pool.submit(Registry::standard));
            }
            for (Future<Registry> f : fs) {
                assertSame(r, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void standardCanBeExtended() {
        Registry mine = Registry.standard().toBuilder()
                .algorithm("mine", "lr (required)", p -> new Named("mine(" + p.getDouble("lr") + ")")).build();
        assertEquals("mine(0.1)", mine.algorithm(Spec.parse("mine(lr=0.1)")).name());
        assertInstanceOf(IdentityCompressor.class, mine.compressor(Spec.of("identity")));
        assertFalse(Registry.standard().contains(Kind.ALGORITHM, "mine"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Registry.standard().toBuilder().add(new CoreComponents()));
        assertTrue(e.getMessage().contains("is registered twice: by " + CoreComponents.class.getName() + " and by "
                + CoreComponents.class.getName()), e.getMessage());
    }

    @Test
    void nearestNameNeedsACloseMatch() {
        assertEquals("fedavg", Registry.nearest("fedavgg", List.of("fedavg", "fedprox")));
        assertEquals("scaffold", Registry.nearest("scafold", List.of("fedavg", "scaffold")));
        assertEquals(null, Registry.nearest("ab", List.of("xy")));
        assertEquals(null, Registry.nearest("zzzzzz", List.of("fedavg")));
    }
}
