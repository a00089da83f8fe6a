package io.github.fl4j.algorithms;

import io.github.fl4j.algorithms.async.Afa;
import io.github.fl4j.algorithms.async.FedAsync;
import io.github.fl4j.algorithms.async.FedBuff;
import io.github.fl4j.algorithms.async.FedCompass;
import io.github.fl4j.algorithms.async.FedFix;
import io.github.fl4j.algorithms.ef.CompressedGd;
import io.github.fl4j.algorithms.ef.EControl;
import io.github.fl4j.algorithms.ef.Ef14;
import io.github.fl4j.algorithms.ef.Ef21;
import io.github.fl4j.algorithms.fedau.FedAu;
import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.algorithms.fedavg.FedAvgErrorFeedback;
import io.github.fl4j.algorithms.fedprox.FedProx;
import io.github.fl4j.algorithms.fedspeed.FedSpeed;
import io.github.fl4j.algorithms.local.LocalSgdBuilder;
import io.github.fl4j.algorithms.privacy.DpFedAvg;
import io.github.fl4j.algorithms.scaffold.Scaffold;
import io.github.fl4j.algorithms.secagg.SecAggParams;
import io.github.fl4j.core.aggregation.CoordinateMedian;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.reliability.BadInputSuite;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * fl-algorithms' bad-input suite: every public setter of every algorithm builder (and of the shared local-SGD
 * builder) gets at least one bad value and must answer with an exception naming the field and the value; a setter
 * added later without a case fails {@link #everySetterHasABadValueCase()}. See docs/reliability.md.
 */
class BadInputSuiteTest {

    private static FedAvg.Builder fa() {
        return FedAvg.builder().localSteps(2, 8).localLearningRate(0.1);
    }

    static BadInputSuite suite() {
        BadInputSuite s = new BadInputSuite().builder(LocalSgdBuilder.class).builder(FedAvg.Builder.class)
                .builder(FedAvgErrorFeedback.Builder.class).builder(FedAu.Builder.class)
                .builder(FedSpeed.Builder.class).builder(Scaffold.Builder.class).builder(SecAggParams.Builder.class)
                .builder(DpFedAvg.Builder.class).builder(FedProx.Builder.class).builder(FedCompass.Builder.class)
                .builder(FedFix.Builder.class).builder(FedAsync.Builder.class).builder(FedBuff.Builder.class)
                .builder(Afa.Builder.class).builder(CompressedGd.Builder.class).builder(Ef21.Builder.class)
                .builder(EControl.Builder.class).builder(Ef14.Builder.class);
        Class<?> l = LocalSgdBuilder.class;
        s.bad(l, "localSteps", "0", () -> FedAvg.builder().localSteps(0, 8).localLearningRate(0.1).build(), "0")
                .bad(l, "localSteps", "batch -1", () -> FedAvg.builder().localSteps(2, -1).localLearningRate(0.1)
                        .build(), "-1")
                .bad(l, "localEpochs", "0", () -> FedAvg.builder().localEpochs(0, 8).localLearningRate(0.1).build(),
                        "0")
                .bad(l, "localTraining", "null", () -> FedAvg.builder().localTraining(null).localLearningRate(0.1)
                        .build(), "local")
                .bad(l, "localLearningRate", "NaN", () -> FedAvg.builder().localSteps(2, 8)
                        .localLearningRate(Double.NaN).build(), "localLearningRate", "NaN")
                .bad(l, "localLearningRate", "-0.1", () -> FedAvg.builder().localSteps(2, 8).localLearningRate(-0.1)
                        .build(), "localLearningRate", "-0.1")
                .bad(l, "gradientClipping", "0", () -> fa().gradientClipping(0).build(), "0")
                .bad(l, "augmentation", "null", () -> fa().augmentation(null), "augmentation", "null");
        Class<?> f = FedAvg.Builder.class;
        s.bad(f, "weighting", "null", () -> fa().weighting(null).build(), "weighting")
                .bad(f, "aggregator", "median with weighting UNIFORM",
                        () -> fa().weighting(WeightedMean.Weighting.UNIFORM)
                        .aggregator(new CoordinateMedian()).build(), "aggregator", "UNIFORM")
                .bad(f, "serverLearningRate", "-1", () -> fa().serverLearningRate(-1).build(), "serverLearningRate",
                        "-1")
                .bad(f, "serverMomentum", "1.5", () -> fa().serverMomentum(1.5).build(), "1.5")
                .bad(f, "serverOptimizer", "null", () -> fa().serverOptimizer(null).build(), "serverOptimizer");
        Class<?> fe = FedAvgErrorFeedback.Builder.class;
        s.bad(fe, "weighting", "null", () -> ef().weighting(null).build(), "weighting")
                .bad(fe, "aggregator", "median with weighting UNIFORM",
                        () -> ef().weighting(WeightedMean.Weighting.UNIFORM)
                        .aggregator(new CoordinateMedian()).build(), "aggregator", "UNIFORM")
                .bad(fe, "serverLearningRate", "NaN", () -> ef().serverLearningRate(Double.NaN).build(),
                        "serverLearningRate", "NaN")
                .bad(fe, "serverOptimizer", "null", () -> ef().serverOptimizer(null).build(), "serverOptimizer");
        Class<?> au = FedAu.Builder.class;
        s.bad(au, "serverLearningRate", "0", () -> au().serverLearningRate(0).build(), "serverLearningRate", "0")
                .bad(au, "cutoff", "-1", () -> au().cutoff(-1).build(), "cutoff", "-1")
                .bad(au, "aggregation", "null", () -> au().aggregation(null).build(), "aggregation")
                .bad(au, "probabilities", "1.5", () -> au().aggregation(FedAu.Aggregation.KNOWN_PROBABILITIES)
                        .probabilities(0.5, 1.5).build(), "1.5");
        Class<?> sp = FedSpeed.Builder.class;
        s.bad(sp, "rho", "-1", () -> speed().rho(-1).build(), "rho", "-1")
                .bad(sp, "alpha", "2", () -> speed().alpha(2).build(), "alpha", "2")
                .bad(sp, "lambda", "0", () -> speed().lambda(0).build(), "lambda", "0")
                .bad(sp, "lamb", "NaN", () -> speed().lamb(Double.NaN).build(), "NaN")
                .bad(sp, "serverRule", "null", () -> speed().serverRule(null).build(), "serverRule");
        Class<?> sc = Scaffold.Builder.class;
        s.bad(sc, "serverLearningRate", "-2", () -> scaffold().serverLearningRate(-2).build(),
                        "serverLearningRate", "-2")
                .bad(sc, "serverOptimizer", "null", () -> scaffold().serverOptimizer(null).build(), "serverOptimizer")
                .noBadValue(sc, "aggregator", "any aggregator; null keeps the default mean")
                .bad(sc, "option", "null", () -> scaffold().option(null).build(), "option")
                .noBadValue(sc, "oneVectorUplink", "a flag: both values are valid");
        Class<?> sa = SecAggParams.Builder.class;
        s.bad(sa, "modulusBits", "0", () -> SecAggParams.builder().modulusBits(0).build(), "modulusBits", "0")
                .bad(sa, "fractionalBits", "-1", () -> SecAggParams.builder().fractionalBits(-1).build(),
                        "fractionalBits", "-1")
                .bad(sa, "clipRange", "0", () -> SecAggParams.builder().clipRange(0).build(), "clipRange", "0")
                .bad(sa, "dropoutProbability", "1.5", () -> SecAggParams.builder().dropoutProbability(1.5).build(),
                        "dropoutProbability", "1.5")
                .bad(sa, "thresholdFraction", "1", () -> SecAggParams.builder().thresholdFraction(1).build(),
                        "thresholdFraction", "1")
                .bad(sa, "keyBits", "0", () -> SecAggParams.builder().keyBits(0).build(), "keyBits", "0")
                .bad(sa, "shareBits", "-1", () -> SecAggParams.builder().shareBits(-1).build(), "shareBits", "-1")
                .bad(sa, "idBits", "-1", () -> SecAggParams.builder().idBits(-1).build(), "idBits", "-1")
                .bad(sa, "encryptionOverheadBits", "-1", () -> SecAggParams.builder().encryptionOverheadBits(-1)
                        .build(), "encryptionOverheadBits", "-1");
        Class<?> dp = DpFedAvg.Builder.class;
        s.bad(dp, "serverLearningRate", "-1", () -> dp().serverLearningRate(-1).build(), "serverLearningRate", "-1")
                .bad(dp, "serverOptimizer", "null", () -> dp().serverOptimizer(null).build(), "serverOptimizer")
                .bad(dp, "clipNorm", "0", () -> dp().clipNorm(0).build(), "clipNorm", "0")
                .bad(dp, "noiseMultiplier", "-1", () -> dp().noiseMultiplier(-1).build(), "noiseMultiplier", "-1")
                .bad(dp, "samplingRate", "0", () -> dp().samplingRate(0).build(), "samplingRate", "0")
                .bad(dp, "delta", "1", () -> dp().delta(1).build(), "delta", "1")
                .bad(dp, "adaptiveClipping", "quantile 2", () -> dp().adaptiveClipping(2, 0.2, 1).build(), "2")
                .bad(dp, "localNoiseMultiplier", "-1", () -> dp().localNoiseMultiplier(-1).build(),
                        "localNoiseMultiplier", "-1")
                .bad(dp, "noiseSource", "null", () -> dp().noiseSource(null).build(), "noiseSource");
        Class<?> px = FedProx.Builder.class;
        s.bad(px, "proximalWeight", "-1", () -> prox().proximalWeight(-1).build(), "proximalWeight", "-1")
                .bad(px, "weighting", "null", () -> prox().weighting(null).build(), "weighting")
                .bad(px, "aggregator", "median with weighting UNIFORM",
                        () -> prox().weighting(WeightedMean.Weighting.UNIFORM)
                        .aggregator(new CoordinateMedian()).build(), "aggregator", "UNIFORM")
                .bad(px, "serverLearningRate", "NaN", () -> prox().serverLearningRate(Double.NaN).build(),
                        "serverLearningRate", "NaN")
                .bad(px, "serverOptimizer", "null", () -> prox().serverOptimizer(null).build(), "serverOptimizer");
        Class<?> cm = FedCompass.Builder.class;
        s.bad(cm, "minLocalSteps", "0", () -> compass().minLocalSteps(0).build(), "minLocalSteps", "0")
                .bad(cm, "alpha", "1.5", () -> compass().alpha(1.5).build(), "alpha", "1.5")
                .bad(cm, "staleness", "null", () -> compass().staleness(null).build(), "staleness")
                .bad(cm, "latestTimeFactor", "0.5", () -> compass().latestTimeFactor(0.5).build(),
                        "latestTimeFactor", "0.5")
                .bad(cm, "speedMomentum", "1.5", () -> compass().speedMomentum(1.5).build(), "speedMomentum", "1.5")
                .bad(cm, "mode", "null", () -> compass().mode(null).build(), "mode");
        Class<?> fx = FedFix.Builder.class;
        s.bad(fx, "period", "0", () -> fix().period(0).build(), "period", "0")
                .bad(fx, "serverLearningRate", "-1", () -> fix().serverLearningRate(-1).build(), "serverLearningRate",
                        "-1")
                .bad(fx, "clientWeights", "null", () -> fix().clientWeights(null).build(), "clientWeights")
                .noBadValue(fx, "unbiased", "a flag: both values are valid");
        Class<?> as = FedAsync.Builder.class;
        s.bad(as, "alpha", "0", () -> async().alpha(0).build(), "alpha", "0")
                .bad(as, "staleness", "null", () -> async().staleness(null).build(), "staleness")
                .bad(as, "mode", "null", () -> async().mode(null).build(), "mode")
                .bad(as, "proximalWeight", "-1", () -> async().proximalWeight(-1).build(), "proximalWeight", "-1");
        Class<?> bf = FedBuff.Builder.class;
        s.bad(bf, "bufferSize", "0", () -> buff().bufferSize(0).build(), "bufferSize", "0")
                .bad(bf, "staleness", "null", () -> buff().staleness(null).build(), "staleness")
                .bad(bf, "serverLearningRate", "0", () -> buff().serverLearningRate(0).build(), "serverLearningRate",
                        "0")
                .bad(bf, "serverOptimizer", "null", () -> buff().serverOptimizer(null).build(), "serverOptimizer");
        Class<?> af = Afa.Builder.class;
        s.bad(af, "variant", "null", () -> afa().variant(null).build(), "variant")
                .bad(af, "serverLearningRate", "-1", () -> afa().serverLearningRate(-1).build(), "serverLearningRate",
                        "-1")
                .bad(af, "arrivalsPerStep", "0", () -> afa().arrivalsPerStep(0).build(), "arrivalsPerStep", "0");
        Class<?> cg = CompressedGd.Builder.class;
        s.bad(cg, "learningRate", "0", () -> CompressedGd.builder().learningRate(0).build(), "learningRate", "0")
                .bad(cg, "minibatch", "0", () -> CompressedGd.builder().learningRate(0.1).minibatch(-1).build(),
                        "-1");
        Class<?> e21 = Ef21.Builder.class;
        s.bad(e21, "learningRate", "NaN", () -> Ef21.builder().learningRate(Double.NaN).build(), "learningRate",
                        "NaN")
                .bad(e21, "minibatch", "-1", () -> Ef21.builder().learningRate(0.1).minibatch(-1).build(), "-1")
                .noBadValue(e21, "partialParticipation", "a flag: both values are valid")
                .bad(e21, "firstMessage", "null", () -> Ef21.builder().learningRate(0.1).firstMessage(null).build(),
                        "firstMessage")
                .bad(e21, "smoothnessWeights", "-1", () -> Ef21.builder().learningRate(0.1)
                        .smoothnessWeights(new double[] {1, -1}).build(), "-1");
        Class<?> ec = EControl.Builder.class;
        s.bad(ec, "learningRate", "-1", () -> EControl.builder().learningRate(-1).build(), "learningRate", "-1")
                .bad(ec, "feedbackStrength", "1.5", () -> EControl.builder().learningRate(0.1).feedbackStrength(1.5)
                        .build(), "feedbackStrength", "1.5")
                .bad(ec, "minibatch", "0", () -> EControl.builder().learningRate(0.1).feedbackStrength(0.5).minibatch(-1)
                        .build(), "-1")
                .noBadValue(ec, "partialParticipation", "a flag: both values are valid")
                .bad(ec, "firstMessage", "null", () -> EControl.builder().learningRate(0.1).feedbackStrength(0.5)
                        .firstMessage(null).build(), "firstMessage");
        Class<?> e14 = Ef14.Builder.class;
        s.bad(e14, "learningRate", "Infinity", () -> Ef14.builder().learningRate(Double.POSITIVE_INFINITY).build(),
                        "learningRate", "Infinity")
                .bad(e14, "form", "null", () -> Ef14.builder().learningRate(0.1).form(null).build(), "form")
                .bad(e14, "minibatch", "0", () -> Ef14.builder().learningRate(0.1).minibatch(-1).build(), "-1");
        return s;
    }

    private static FedAvgErrorFeedback.Builder ef() {
        return FedAvgErrorFeedback.builder().localSteps(2, 8).localLearningRate(0.1);
    }

    private static FedAu.Builder au() {
        return FedAu.builder().localSteps(2, 8).localLearningRate(0.1);
    }

    private static FedSpeed.Builder speed() {
        return FedSpeed.builder().localSteps(2, 8).localLearningRate(0.1);
    }

    private static Scaffold.Builder scaffold() {
        return Scaffold.builder().localSteps(2, 8).localLearningRate(0.1);
    }

    private static DpFedAvg.Builder dp() {
        return DpFedAvg.builder().localSteps(2, 8).localLearningRate(0.1).clipNorm(1).noiseMultiplier(1)
                .samplingRate(0.1);
    }

    private static FedProx.Builder prox() {
        return FedProx.builder().localSteps(2, 8).localLearningRate(0.1).proximalWeight(0.1);
    }

    private static FedCompass.Builder compass() {
        return FedCompass.builder().localSteps(2, 8).localLearningRate(0.1).minLocalSteps(1);
    }

    private static FedFix.Builder fix() {
        return FedFix.builder().localSteps(2, 8).localLearningRate(0.1).period(1);
    }

    private static FedAsync.Builder async() {
        return FedAsync.builder().localSteps(2, 8).localLearningRate(0.1);
    }

    private static FedBuff.Builder buff() {
        return FedBuff.builder().localSteps(2, 8).localLearningRate(0.1).bufferSize(2);
    }

    private static Afa.Builder afa() {
        return Afa.cd().localSteps(2, 8).localLearningRate(0.1);
    }

    @TestFactory
    List<DynamicTest> everyCaseEndsInAClearError() {
        return suite().tests();
    }

    @Test
    void everySetterHasABadValueCase() {
        suite().checkCoverage("fl-algorithms");
    }
}
