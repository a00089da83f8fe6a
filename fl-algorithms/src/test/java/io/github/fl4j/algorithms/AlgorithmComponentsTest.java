package io.github.fl4j.algorithms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.algorithms.async.Afa;
import io.github.fl4j.algorithms.attacks.Attack;
import io.github.fl4j.algorithms.attacks.Byzantine;
import io.github.fl4j.algorithms.async.FedAsync;
import io.github.fl4j.algorithms.async.FedBuff;
import io.github.fl4j.algorithms.async.FedCompass;
import io.github.fl4j.algorithms.async.FedFix;
import io.github.fl4j.algorithms.async.MixingMode;
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
import io.github.fl4j.algorithms.privacy.DpFedAvg;
import io.github.fl4j.algorithms.scaffold.Scaffold;
import io.github.fl4j.algorithms.secagg.SecAggParams;
import io.github.fl4j.algorithms.secagg.SecureAggregation;
import io.github.fl4j.core.aggregation.CenteredClipping;
import io.github.fl4j.core.aggregation.CoordinateMedian;
import io.github.fl4j.core.aggregation.Krum;
import io.github.fl4j.core.aggregation.TrimmedMean;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.optim.ServerOptimizers;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.registry.Kind;
import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.Spec;
import io.github.fl4j.core.registry.SpecException;
import io.github.fl4j.core.time.AsyncAlgorithm;
import io.github.fl4j.core.time.Staleness;
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
        m.put("dp-fedavg(lr=0.1,clip-norm=1,noise=1.1,q=0.1)", () -> DpFedAvg.builder().localSteps(10, 10)
                .localLearningRate(0.1).clipNorm(1).noiseMultiplier(1.1).samplingRate(0.1).build());
        m.put("dp-fedavg(lr=0.1,clip-norm=1,noise=1,q=0.5,delta=1e-6,server-lr=2,adaptive=true,quantile=0.4,"
                + "clip-lr=0.3,bit-noise=2)", () -> DpFedAvg.builder().localSteps(10, 10)
                .localLearningRate(0.1).clipNorm(1).noiseMultiplier(1).samplingRate(0.5).delta(1e-6)
                .serverLearningRate(2).adaptiveClipping(0.4, 0.3, 2).build());
        m.put("dp-fedavg(lr=0.1,clip-norm=1,noise=0,q=0.5,local-noise=0.5)", () -> DpFedAvg.builder()
                .localSteps(10, 10).localLearningRate(0.1).clipNorm(1).noiseMultiplier(0).samplingRate(0.5)
                .localNoiseMultiplier(0.5).build());
        m.put("dp-fedavg(lr=0.1,clip-norm=1,noise=1,q=0.5,server-optimizer=adam(lr=0.01))", () -> DpFedAvg.builder()
                .localSteps(10, 10).localLearningRate(0.1).clipNorm(1).noiseMultiplier(1).samplingRate(0.5)
                .serverOptimizer(ServerOptimizers.adam(0.01)).build());
        m.put("fedavg(lr=0.1,server-optimizer=yogi(lr=0.02),aggregator=trimmed-mean(beta=0.2))",
                () -> FedAvg.builder().localSteps(10, 10).localLearningRate(0.1)
                        .serverOptimizer(ServerOptimizers.yogi(0.02)).aggregator(new TrimmedMean(0.2)).build());
        m.put("fedavg-ef(lr=0.1,server-optimizer=adagrad(lr=0.1),aggregator=median)",
                () -> FedAvgErrorFeedback.builder().localSteps(10, 10).localLearningRate(0.1)
                        .serverOptimizer(ServerOptimizers.adagrad(0.1)).aggregator(CoordinateMedian.INSTANCE).build());
        m.put("fedprox(lr=0.1,mu=0.1,server-optimizer=momentum(lr=0.5,beta=0.9),aggregator=krum(f=1))",
                () -> FedProx.builder().localSteps(10, 10).localLearningRate(0.1).proximalWeight(0.1)
                        .serverOptimizer(ServerOptimizers.momentum(0.5, 0.9)).aggregator(new Krum(1)).build());
        m.put("scaffold(lr=0.1,server-optimizer=adam(lr=0.01),aggregator=centered-clipping(tau=1,iterations=3))",
                () -> Scaffold.builder().localSteps(10, 10).localLearningRate(0.1)
                        .serverOptimizer(ServerOptimizers.adam(0.01)).aggregator(new CenteredClipping(1, 3)).build());
        m.put("secagg(of=fedavg(lr=0.1))", () -> SecureAggregation.wrap(FedAvg.builder().localSteps(10, 10)
                .localLearningRate(0.1).build(), SecAggParams.defaults()));
        m.put("secagg(of=fedavg(lr=0.1),modulus-bits=40,fractional-bits=20,clip-range=4,dropout=0.1)",
                () -> SecureAggregation.wrap(FedAvg.builder().localSteps(10, 10).localLearningRate(0.1).build(),
                        SecAggParams.builder().modulusBits(40).fractionalBits(20).clipRange(4)
                                .dropoutProbability(0.1).build()));
        m.put("byzantine(of=fedavg(lr=0.1),attack=scaled(lambda=-2),ids=0;3)", () -> Byzantine.wrap(
                FedAvg.builder().localSteps(10, 10).localLearningRate(0.1).build(), Attack.scaled(-2), 0, 3));
        m.put("byzantine(of=fedprox(lr=0.1,mu=1),attack=sign-flipping,fraction=0.2,population=10,seed=4)",
                () -> Byzantine.wrapFraction(FedProx.builder().localSteps(10, 10).localLearningRate(0.1)
                        .proximalWeight(1).build(), Attack.signFlipping(), 0.2, 10, 4));
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
        assertEquals(new TreeSet<>(java.util.List.of("byzantine", "compressed-gd", "dp-fedavg", "econtrol", "ef14",
                "ef21", "fedau", "fedavg", "fedavg-ef", "fedprox", "fedspeed", "scaffold", "secagg")), mine);
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
                + "known: aggregator, augment, batch, clip, epochs, lr, momentum, server-lr, server-optimizer, steps, weighting");
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
                + "byzantine, compressed-gd, dp-fedavg, econtrol, ef14, ef21, fedau, fedavg, fedavg-ef, fedprox, fedspeed, "
                + "scaffold, secagg"),
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

    /** The asynchronous algorithms: each spec builds what its builder gives (same class and name). */
    @Test
    void everyAsyncSpecBuildsWhatItsBuilderGives() {
        Map<String, Supplier<AsyncAlgorithm<?, ?>>> m = new LinkedHashMap<>();
        m.put("fedasync(lr=0.05)", () -> FedAsync.builder().localSteps(10, 10).localLearningRate(0.05).build());
        m.put("fedasync(lr=0.05,alpha=0.5,staleness=hinge(a=1,b=2),mode=delta,rho=0.1)", () -> FedAsync.builder()
                .localSteps(10, 10).localLearningRate(0.05).alpha(0.5).staleness(Staleness.hinge(1, 2))
                .mode(MixingMode.DELTA).proximalWeight(0.1).build());
        m.put("fedbuff(lr=0.05)", () -> FedBuff.builder().localSteps(10, 10).localLearningRate(0.05).build());
        m.put("fedbuff(lr=0.05,k=3,staleness=constant,server-optimizer=adam(lr=0.01))", () -> FedBuff.builder()
                .localSteps(10, 10).localLearningRate(0.05).bufferSize(3).staleness(Staleness.constant())
                .serverOptimizer(ServerOptimizers.adam(0.01)).build());
        m.put("fedfix(lr=0.05,period=2)", () -> FedFix.builder().localSteps(10, 10).localLearningRate(0.05)
                .period(2).build());
        m.put("fedfix(lr=0.05,period=2,server-lr=0.5,weighting=uniform,unbiased=false)", () -> FedFix.builder()
                .localSteps(10, 10).localLearningRate(0.05).period(2).serverLearningRate(0.5)
                .clientWeights(FedFix.ClientWeights.UNIFORM).unbiased(false).build());
        m.put("fedcompass(lr=0.05,min-steps=2)", () -> FedCompass.builder().localSteps(10, 10)
                .localLearningRate(0.05).minLocalSteps(2).build());
        m.put("afa-cd(lr=0.05,m=2)", () -> Afa.cd().localSteps(10, 10).localLearningRate(0.05).arrivalsPerStep(2)
                .build());
        m.put("afa-cs(lr=0.05,m=3,server-lr=0.5)", () -> Afa.cs().localSteps(10, 10).localLearningRate(0.05)
                .arrivalsPerStep(3).serverLearningRate(0.5).build());
        TreeSet<String> tested = new TreeSet<>();
        for (Map.Entry<String, Supplier<AsyncAlgorithm<?, ?>>> e : m.entrySet()) {
            Spec spec = Spec.parse(e.getKey());
            tested.add(spec.name());
            AsyncAlgorithm<?, ?> expected = e.getValue().get();
            AsyncAlgorithm<?, ?> built = R.asyncAlgorithm(spec);
            assertEquals(expected.getClass(), built.getClass(), e.getKey());
            assertEquals(expected.name(), built.name(), e.getKey());
            SpecException x = assertThrows(SpecException.class, () -> R.asyncAlgorithm(spec.with("zz-probe", 1)));
            for (String key : x.getMessage().substring(x.getMessage().indexOf("known: ") + 7).split(", ")) {
                assertTrue(R.describe(Kind.ASYNC_ALGORITHM, spec.name()).contains(key), spec.name()
                        + " does not describe " + key);
            }
        }
        assertEquals(R.names(Kind.ASYNC_ALGORITHM), tested);
        assertSpecError(() -> R.asyncAlgorithm(Spec.parse("fedfix(lr=0.1)")),
                "fedfix: missing parameter 'period' (given: lr)");
        assertSpecError(() -> R.algorithm(Spec.parse("secagg(of=scaffold(lr=0.1))")),
                "secagg: of must be a fedavg spec, was scaffold(lr=0.1)");
        assertSpecError(() -> R.algorithm(Spec.parse("byzantine(of=fedavg(lr=0.1),attack=flip,ids=1)")),
                "byzantine: attack must be one of sign-flipping, scaled, gaussian-noise, little-is-enough, "
                        + "label-flipping, inner-product, was 'flip'");
    }

    private static void assertSpecError(org.junit.jupiter.api.function.Executable call, String message) {
        SpecException e = assertThrows(SpecException.class, call);
        assertEquals(message, e.getMessage());
    }

    /** The nested aggregator and server optimizer are the objects their builders give (value equality). */
    @Test
    void nestedAggregatorAndServerOptimizerReachTheAlgorithm() {
        FedAvg a = (FedAvg) R.algorithm(Spec.parse("fedavg(lr=0.1,server-optimizer=adam(lr=0.01,beta1=0.8),"
                + "aggregator=norm-bounding(max-norm=2,inner=trimmed-mean(beta=0.1)))"));
        assertEquals(ServerOptimizers.adam(0.01, 0.8, ServerOptimizers.DEFAULT_BETA2, ServerOptimizers.DEFAULT_TAU),
                a.serverOptimizer());
        assertEquals(new io.github.fl4j.core.aggregation.NormBounding(2, new TrimmedMean(0.1)), a.aggregator());
        FedAvg plain = (FedAvg) R.algorithm(Spec.parse("fedavg(lr=0.1,server-lr=0.5,momentum=0.9)"));
        assertEquals(ServerOptimizers.momentum(0.5, 0.9), plain.serverOptimizer());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> R.algorithm(Spec.parse(
                "fedavg(lr=0.1,server-lr=0.5,server-optimizer=adam(lr=0.01))")));
        assertTrue(e.getMessage().contains("serverLearningRate 0.5 conflicts with serverOptimizer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> R.algorithm(Spec.parse(
                "fedavg(lr=0.1,aggregator=krumm(f=1))")));
        assertTrue(e.getMessage().contains("unknown aggregator 'krumm' (did you mean 'krum'?)"), e.getMessage());
    }
}
