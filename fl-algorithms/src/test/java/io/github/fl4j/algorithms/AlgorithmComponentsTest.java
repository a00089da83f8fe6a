package io.github.fl4j.algorithms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.algorithms.ef.CompressedGd;
import io.github.fl4j.algorithms.ef.EControl;
import io.github.fl4j.algorithms.ef.Ef14;
import io.github.fl4j.algorithms.ef.Ef21;
import io.github.fl4j.algorithms.ef.FirstMessage;
import io.github.fl4j.algorithms.fedau.FedAu;
import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.algorithms.fedavg.FedAvgErrorFeedback;
import io.github.fl4j.algorithms.fedprox.FedProx;
import io.github.fl4j.algorithms.fedspeed.FedSpeed;
import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.algorithms.scaffold.Scaffold;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.registry.Kind;
import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.Spec;
import io.github.fl4j.core.registry.SpecException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class AlgorithmComponentsTest {
    private static final Registry R = Registry.standard();

    /** Specs and the builder calls they stand for; the first spec of each name is its minimal one. */
    private static Map<String, Supplier<FederatedAlgorithm<?, ?>>> cases() {
        Map<String, Supplier<FederatedAlgorithm<?, ?>>> m = new LinkedHashMap<>();
        m.put("fedavg(lr=0.05,steps=10,batch=10)", () -> FedAvg.builder().localSteps(10, 10).localLearningRate(0.05)
                .build());
        m.put("fedavg(lr=0.05)", () -> FedAvg.builder().localSteps(10, 10).localLearningRate(0.05).build());
        m.put("fedavg(lr=0.1,epochs=2,batch=full,server-lr=0.5,momentum=0.9,weighting=uniform,clip=10)",
                () -> FedAvg.builder().localEpochs(2, LocalTraining.FULL_BATCH).localLearningRate(0.1)
                        .serverLearningRate(0.5).serverMomentum(0.9).weighting(WeightedMean.Weighting.UNIFORM)
                        .gradientClipping(10).build());
        m.put("fedavg-ef(lr=0.05)", () -> FedAvgErrorFeedback.builder().localSteps(10, 10).localLearningRate(0.05)
                .build());
        m.put("fedavg-ef(lr=0.05,steps=3,batch=4,server-lr=2,weighting=population)",
                () -> FedAvgErrorFeedback.builder().localSteps(3, 4).localLearningRate(0.05).serverLearningRate(2)
                        .weighting(WeightedMean.Weighting.POPULATION).build());
        m.put("fedprox(lr=0.05,mu=0.01)", () -> FedProx.builder().localSteps(10, 10).localLearningRate(0.05)
                .proximalWeight(0.01).build());
        m.put("fedprox(lr=0.05,mu=1,epochs=1,batch=32,server-lr=0.5,weighting=uniform)",
                () -> FedProx.builder().localEpochs(1, 32).localLearningRate(0.05).proximalWeight(1)
                        .serverLearningRate(0.5).weighting(WeightedMean.Weighting.UNIFORM).build());
        m.put("scaffold(lr=0.05)", () -> Scaffold.builder().localSteps(10, 10).localLearningRate(0.05).build());
        m.put("scaffold(lr=0.05,option=i,server-lr=2,clip=5)", () -> Scaffold.builder().localSteps(10, 10)
                .localLearningRate(0.05).option(Scaffold.Option.I).serverLearningRate(2).gradientClipping(5)
                .build());
        m.put("scaffold(lr=0.05,one-vector=true)", () -> Scaffold.builder().localSteps(10, 10)
                .localLearningRate(0.05).oneVectorUplink(true).build());
        m.put("fedspeed(lr=0.05)", () -> FedSpeed.builder().localSteps(10, 10).localLearningRate(0.05).build());
        m.put("fedspeed(lr=0.05,rho=0.2,alpha=0.5,lambda=5,server-rule=participants-only)",
                () -> FedSpeed.builder().localSteps(10, 10).localLearningRate(0.05).rho(0.2).alpha(0.5).lambda(5)
                        .serverRule(FedSpeed.ServerRule.PARTICIPANTS_ONLY).build());
        m.put("fedspeed(lr=0.05,prox=false)", () -> FedSpeed.builder().localSteps(10, 10).localLearningRate(0.05)
                .withoutProx().build());
        m.put("fedau(lr=0.05)", () -> FedAu.builder().localSteps(10, 10).localLearningRate(0.05).build());
        m.put("fedau(lr=0.05,cutoff=50,server-lr=2)", () -> FedAu.builder().localSteps(10, 10)
                .localLearningRate(0.05).cutoff(50).serverLearningRate(2).build());
        m.put("fedau(lr=0.05,aggregation=mifa)", () -> FedAu.builder().localSteps(10, 10).localLearningRate(0.05)
                .aggregation(FedAu.Aggregation.MIFA).build());
        m.put("fedau(lr=0.05,aggregation=known-probabilities,p=0.5;0.25)", () -> FedAu.builder()
                .localSteps(10, 10).localLearningRate(0.05).aggregation(FedAu.Aggregation.KNOWN_PROBABILITIES)
                .probabilities(0.5, 0.25).build());
        m.put("ef21(lr=0.1)", () -> Ef21.builder().learningRate(0.1).build());
        m.put("ef21(lr=0.1,minibatch=5,partial-participation=true,first-message=compressed)",
                () -> Ef21.builder().learningRate(0.1).minibatch(5).partialParticipation(true)
                        .firstMessage(FirstMessage.COMPRESSED).build());
        m.put("ef21(lr=0.1,smoothness=1;2.5)", () -> Ef21.builder().learningRate(0.1)
                .smoothnessWeights(new double[] {1, 2.5}).build());
        m.put("ef14(lr=0.1)", () -> Ef14.builder().learningRate(0.1).build());
        m.put("ef14(lr=0.1,form=gradient-unit,minibatch=3)", () -> Ef14.builder().learningRate(0.1)
                .form(Ef14.Form.GRADIENT_UNIT).minibatch(3).build());
        m.put("econtrol(lr=0.1,eta=0.5)", () -> EControl.builder().learningRate(0.1).feedbackStrength(0.5).build());
        m.put("econtrol(lr=0.1,eta=0.2,minibatch=2,partial-participation=true,first-message=compressed)",
                () -> EControl.builder().learningRate(0.1).feedbackStrength(0.2).minibatch(2)
                        .partialParticipation(true).firstMessage(FirstMessage.COMPRESSED).build());
        m.put("compressed-gd(lr=0.1)", () -> CompressedGd.builder().learningRate(0.1).build());
        m.put("compressed-gd(lr=0.1,minibatch=4)", () -> CompressedGd.builder().learningRate(0.1).minibatch(4)
                .build());
        return m;
    }

    @Test
    void everySpecBuildsWhatItsBuilderGives() {
        TreeSet<String> tested = new TreeSet<>();
        for (Map.Entry<String, Supplier<FederatedAlgorithm<?, ?>>> e : cases().entrySet()) {
            Spec spec = Spec.parse(e.getKey());
            tested.add(spec.name());
            FederatedAlgorithm<?, ?> expected = e.getValue().get();
            FederatedAlgorithm<?, ?> built = R.algorithm(spec);
            assertEquals(expected.getClass(), built.getClass(), e.getKey());
            assertEquals(expected.name(), built.name(), e.getKey());
        }
        TreeSet<String> mine = new TreeSet<>();
        for (String name : R.names(Kind.ALGORITHM)) {
            if (R.provider(Kind.ALGORITHM, name).equals(AlgorithmComponents.class.getName())) {
                mine.add(name);
            }
        }
        assertEquals(mine, tested);
        assertEquals(new TreeSet<>(java.util.List.of("compressed-gd", "econtrol", "ef14", "ef21", "fedau", "fedavg",
                "fedavg-ef", "fedprox", "fedspeed", "scaffold")), mine);
    }

    @Test
    void optionsThatNamesDoNotShowReachTheBuilder() {
        FedAvg a = (FedAvg) R.algorithm(Spec.parse("fedavg(lr=0.1,epochs=2,batch=full,clip=10)"));
        assertEquals(LocalTraining.epochs(2, LocalTraining.FULL_BATCH).withGradientClipping(10), a.training());
        FedSpeed s = (FedSpeed) R.algorithm(Spec.parse("fedspeed(lr=0.05,prox=false)"));
        assertEquals(false, s.hasProx());
        FedAu u = (FedAu) R.algorithm(Spec.parse("fedau(lr=0.05,cutoff=inf)"));
        assertEquals(FedAu.builder().localSteps(10, 10).localLearningRate(0.05).build().name(), u.name());
        Ef21 w = (Ef21) R.algorithm(Spec.parse("ef21(lr=0.1,smoothness=1;2.5)"));
        assertNotNull(w.weights());
    }

    @Test
    void everyParameterAnAlgorithmReadsIsDescribed() {
        for (String text : cases().keySet()) {
            Spec spec = Spec.parse(text);
            SpecException e = assertThrows(SpecException.class, () -> R.algorithm(spec.with("zz-probe", 1)));
            String msg = e.getMessage();
            assertTrue(msg.startsWith(spec.name() + ": unknown parameter 'zz-probe'; known: "), msg);
            for (String key : msg.substring(msg.indexOf("known: ") + 7).split(", ")) {
                assertTrue(R.describe(Kind.ALGORITHM, spec.name()).contains(key), spec.name() + " does not describe "
                        + key + ": " + R.describe(Kind.ALGORITHM, spec.name()));
            }
        }
    }

    @Test
    void badParametersFailNamingTheKey() {
        assertSpecError("fedavg(lr=abc)", "fedavg: lr must be a number, was 'abc'");
        assertSpecError("fedavg(lr=0.05,step=5)", "fedavg: unknown parameter 'step' (did you mean 'steps'?); "
                + "known: augment, batch, clip, epochs, lr, momentum, server-lr, steps, weighting");
        assertSpecError("fedavg(steps=5)", "fedavg: missing parameter 'lr' (given: steps)");
        assertSpecError("fedavg(lr=0.1,steps=5,epochs=1)", "fedavg: give steps or epochs, not both");
        assertSpecError("fedavg(lr=0.1,batch=all)", "fedavg: batch must be an integer, was 'all'");
        assertSpecError("fedavg(lr=0.1,weighting=size)", "fedavg: weighting must be one of sample-count, uniform, "
                + "population, was 'size'");
        assertSpecError("scaffold(lr=0.1,option=iii)", "scaffold: option must be one of i, ii, was 'iii'");
        assertSpecError("fedprox(lr=0.1)", "fedprox: missing parameter 'mu' (given: lr)");
        assertSpecError("fedspeed(lr=0.1,prox=false,lambda=2)", "fedspeed: lambda sets the prox term, which "
                + "prox=false drops; give one");
        assertSpecError("econtrol(lr=0.1)", "econtrol: missing parameter 'eta' (given: lr)");
        assertSpecError("fedau(lr=0.1,aggregation=best)", "fedau: aggregation must be one of adaptive, "
                + "average-participating, average-all, known-probabilities, mifa, fedvarp, was 'best'");
        assertSpecError("ef21(lr=0.1,first-message=dense)", "ef21: first-message must be one of exact, compressed,"
                + " was 'dense'");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> R.algorithm(Spec.parse("fedavg(lr=-1)")));
        assertEquals("algorithm fedavg(lr=-1): localLearningRate must be > 0 and finite, was -1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> R.algorithm(Spec.parse("fedavgg(lr=1)")));
        assertTrue(e.getMessage().startsWith("unknown algorithm 'fedavgg' (did you mean 'fedavg'?); known: "
                + "compressed-gd, econtrol, ef14, ef21, fedau, fedavg, fedavg-ef, fedprox, fedspeed, scaffold"),
                e.getMessage());
    }

    private static void assertSpecError(String spec, String message) {
        SpecException e = assertThrows(SpecException.class, () -> R.algorithm(Spec.parse(spec)));
        assertEquals(message, e.getMessage());
    }

    @Test
    void theStandardRegistryHoldsAllThreeModules() {
        assertTrue(R.contains(Kind.COMPRESSOR, "topk"));
        assertTrue(R.contains(Kind.COMPRESSOR, "identity"));
        assertTrue(R.contains(Kind.MODEL, "softmax"));
        assertArrayEquals(new String[] {"all", "bernoulli", "cyclic", "markov", "trace", "uniform"},
                R.names(Kind.PARTICIPATION).toArray(new String[0]));
    }
}
