package io.github.fl4j.algorithms;

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
import io.github.fl4j.algorithms.fedau.IntervalEstimator;
import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.algorithms.fedavg.FedAvgErrorFeedback;
import io.github.fl4j.algorithms.fedprox.FedProx;
import io.github.fl4j.algorithms.fedspeed.FedSpeed;
import io.github.fl4j.algorithms.local.LocalSgdBuilder;
import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.algorithms.privacy.DpFedAvg;
import io.github.fl4j.algorithms.scaffold.Scaffold;
import io.github.fl4j.algorithms.secagg.SecAggParams;
import io.github.fl4j.algorithms.secagg.SecureAggregation;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.ServerOptimizer;
import io.github.fl4j.core.data.image.CropFlip;
import io.github.fl4j.core.data.image.ImageShape;
import io.github.fl4j.core.registry.ComponentProvider;
import io.github.fl4j.core.registry.Params;
import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.Spec;
import io.github.fl4j.core.registry.SpecException;
import io.github.fl4j.core.time.StalenessFunction;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;

/**
 * The algorithms of this module as named components of a {@link Registry}. A spec sets the options of the
 * algorithm's builder; whatever it does not set keeps the builder's default, so {@code fedavg(lr=0.05)} builds
 * {@code FedAvg.builder().localSteps(10, 10).localLearningRate(0.05).build()}.
 *
 * <h2>Parameters</h2>
 * Local SGD (fedavg, fedavg-ef, fedprox, scaffold, fedspeed, fedau; {@link LocalSgdBuilder}): {@code lr} (eta_l,
 * required), {@code steps=10} (K local steps) or {@code epochs} (E local epochs), {@code batch=10} (minibatch size,
 * {@code full} for full-batch steps), {@code clip} (largest norm of a local step's direction; default none). Server
 * steps: {@code server-lr=1} (eta_g) and {@code weighting=sample-count|uniform|population} (aggregation weights), and
 * for fedavg {@code momentum=0}. Per algorithm:
 * <ul>
 *   <li>{@code fedprox}: {@code mu} (proximal weight, required);</li>
 *   <li>{@code scaffold}: {@code option=ii|i} (control variates), {@code one-vector=false} (upload Delta c only);</li>
 *   <li>{@code fedspeed}: {@code rho=0.1}, {@code alpha=1}, {@code lambda=10} or {@code prox=false},
 *       {@code server-rule=all-client-dual-averaging|participants-only};</li>
 *   <li>{@code fedau}: {@code aggregation=adaptive|average-participating|average-all|known-probabilities|mifa|fedvarp},
 *       {@code cutoff} (K of the adaptive estimator; default none), {@code p} (the true rates, one per client, for
 *       known-probabilities);</li>
 *   <li>error feedback and compressed gradient descent, full local gradients unless {@code minibatch} rows are drawn:
 *       {@code ef21(lr, minibatch=0, partial-participation=false, first-message=exact|compressed, smoothness=L1;L2;..)}
 *       (smoothness: EF21-W's per-client constants), {@code ef14(lr, form=model-unit|gradient-unit, minibatch=0)},
 *       {@code econtrol(lr, eta, minibatch=0, partial-participation=false, first-message=exact|compressed)},
 *       {@code compressed-gd(lr, minibatch=0)}; {@code lr} is the step size gamma, {@code eta} EControl's feedback
 *       strength.</li>
 * </ul>
 *
 * <p>The server-side options of each local-SGD algorithm are read in one method per builder ({@code server(Params,
 * FedAvg.Builder)} and its overloads), and described in {@link #SERVER_STEP}: a new server option is one line in each
 * of those methods and one entry in that description.
 */
public final class AlgorithmComponents implements ComponentProvider {

    /** The local-SGD parameters shared by fedavg, fedavg-ef, fedprox, scaffold, fedspeed and fedau. */
    static final String LOCAL_SGD = "lr (required), steps=10 or epochs=E, batch=10 (or full), clip=none (max norm of "
            + "a local step), augment=none|crop-flip(image=CxHxW, padding=4, flip=true, fill=0) (random crop with "
            + "padding and horizontal flip of each local minibatch; fill: one value or one per channel)";

    /** The server-step parameters shared by fedavg, fedavg-ef, fedprox and scaffold. */
    static final String SERVER_STEP = "server-lr=1, server-optimizer=SPEC (e.g. adam(lr=0.01); default sgd(lr=server-lr)), "
            + "aggregator=SPEC (e.g. trimmed-mean(beta=0.1); default mean(weighting))";

    private static final String WEIGHTING = "weighting=sample-count|uniform|population";

    /** For {@link java.util.ServiceLoader}. */
    public AlgorithmComponents() {
    }

    @Override
    public void register(Registry.Builder r) {
        r.algorithm("fedavg", "FedAvg(M): " + LOCAL_SGD + ", " + SERVER_STEP + ", momentum=0, " + WEIGHTING,
                p -> server(p, local(p, FedAvg.builder())).build());
        r.algorithm("fedavg-ef", "FedAvg with client error feedback: " + LOCAL_SGD + ", " + SERVER_STEP + ", "
                + WEIGHTING, p -> server(p, local(p, FedAvgErrorFeedback.builder())).build());
        r.algorithm("fedprox", "FedProx: mu (required, proximal weight), " + LOCAL_SGD + ", " + SERVER_STEP + ", "
                + WEIGHTING, p -> {
                    FedProx.Builder b = local(p, FedProx.builder()).proximalWeight(p.getDouble("mu"));
                    return server(p, b).build();
                });
        r.algorithm("scaffold", "SCAFFOLD: " + LOCAL_SGD + ", " + SERVER_STEP + ", option=ii|i, one-vector=false "
                + "(upload only Delta c; option ii with fixed steps)", p -> {
                    Scaffold.Builder b = local(p, Scaffold.builder())
                            .option(p.getEnum("option", Scaffold.Option.class, Scaffold.Option.II))
                            .oneVectorUplink(p.getBoolean("one-vector", false));
                    return server(p, b).build();
                });
        r.algorithm("fedspeed", "FedSpeed: " + LOCAL_SGD + ", rho=0.1, alpha=1, lambda=10 or prox=false, "
                + "server-rule=all-client-dual-averaging|participants-only", AlgorithmComponents::fedSpeed);
        r.algorithm("fedau", "FedAU and its baselines: " + LOCAL_SGD + ", server-lr=1, aggregation=adaptive|"
                + "average-participating|average-all|known-probabilities|mifa|fedvarp, cutoff=none (K; none or inf: no cutoff), "
                + "p=P1;P2;.. (one rate per client, for known-probabilities)", AlgorithmComponents::fedAu);
        r.algorithm("ef21", "EF21 (-SGD, -PP, -W): lr (required, gamma), minibatch=0 (0: full local gradients), "
                + "partial-participation=false, first-message=exact|compressed, smoothness=L1;L2;.. (EF21-W)",
                p -> {
                    Ef21.Builder b = Ef21.builder().learningRate(p.getDouble("lr"))
                            .minibatch(p.getInt("minibatch", 0))
                            .partialParticipation(p.getBoolean("partial-participation", false))
                            .firstMessage(p.getEnum("first-message", FirstMessage.class, FirstMessage.EXACT));
                    if (p.has("smoothness")) {
                        b.smoothnessWeights(p.getDoubles("smoothness"));
                    }
                    return b.build();
                });
        r.algorithm("ef14", "EF14 error feedback: lr (required, gamma), form=model-unit|gradient-unit, minibatch=0",
                p -> Ef14.builder().learningRate(p.getDouble("lr"))
                        .form(p.getEnum("form", Ef14.Form.class, Ef14.Form.MODEL_UNIT))
                        .minibatch(p.getInt("minibatch", 0)).build());
        r.algorithm("econtrol", "EControl: lr (required, gamma), eta (required, feedback strength in [0, 1]), "
                + "minibatch=0, partial-participation=false, first-message=exact|compressed",
                p -> EControl.builder().learningRate(p.getDouble("lr"))
                        .feedbackStrength(p.getDouble("eta"))
                        .minibatch(p.getInt("minibatch", 0))
                        .partialParticipation(p.getBoolean("partial-participation", false))
                        .firstMessage(p.getEnum("first-message", FirstMessage.class, FirstMessage.EXACT))
                        .build());
        r.algorithm("compressed-gd", "compressed gradient descent: lr (required, gamma), minibatch=0",
                p -> CompressedGd.builder().learningRate(p.getDouble("lr"))
                        .minibatch(p.getInt("minibatch", 0)).build());
        r.algorithm("dp-fedavg", "DP-FedAvg (user-level, Gaussian): " + LOCAL_SGD + ", clip-norm (required, S), "
                + "noise (required, z), q (required, Poisson participation rate; run with bernoulli(p=q)), "
                + "delta=1e-5, server-lr=1, server-optimizer=SPEC, adaptive=false, quantile=0.5, clip-lr=0.2, "
                + "bit-noise (required when adaptive; the paper: q N / 20), local-noise=0", AlgorithmComponents::dpFedAvg);
        r.algorithm("secagg", "secure aggregation of FedAvg: of=SPEC (required, a fedavg spec with the mean "
                + "aggregator), modulus-bits=32, fractional-bits=16, clip-range=8, dropout=0, threshold=0.5, "
                + "key-bits=256, share-bits=256, id-bits=32, encryption-overhead-bits=128",
                AlgorithmComponents::secureAggregation);
        r.algorithm("byzantine", "Byzantine clients: of=SPEC (required, the honest algorithm), attack=sign-flipping|"
                + "scaled(lambda)|gaussian-noise(sigma)|little-is-enough(z=<from n and f>)|label-flipping(classes)|"
                + "inner-product(epsilon), ids=I1;I2;.. or fraction=F with population=N and seed=0",
                AlgorithmComponents::byzantine);
        registerAsync(r);
    }

    private static SecureAggregation<?, ?> secureAggregation(Params p) {
        FederatedAlgorithm<?, ?> inner = p.registry().algorithm(p.getSpec("of"));
        if (!(inner instanceof FedAvg f)) {
            throw new SpecException("secagg: of must be a fedavg spec, was " + p.getString("of"));
        }
        SecAggParams.Builder b = SecAggParams.builder()
                .modulusBits(p.getInt("modulus-bits", 32)).fractionalBits(p.getInt("fractional-bits", 16))
                .clipRange(p.getDouble("clip-range", 8)).dropoutProbability(p.getDouble("dropout", 0))
                .thresholdFraction(p.getDouble("threshold", 0.5)).keyBits(p.getInt("key-bits", 256))
                .shareBits(p.getInt("share-bits", 256)).idBits(p.getInt("id-bits", 32))
                .encryptionOverheadBits(p.getInt("encryption-overhead-bits", 128));
        return SecureAggregation.wrap(f, b.build());
    }

    private static Byzantine<?, ?> byzantine(Params p) {
        FederatedAlgorithm<?, ?> inner = p.registry().algorithm(p.getSpec("of"));
        Spec a = p.getSpec("attack");
        Params ap = new Params(a);
        Attack attack = switch (a.name()) {
            case "sign-flipping" -> Attack.signFlipping();
            case "scaled" -> Attack.scaled(ap.getDouble("lambda"));
            case "gaussian-noise" -> Attack.gaussianNoise(ap.getDouble("sigma"));
            case "little-is-enough" -> ap.has("z") ? Attack.littleIsEnough(ap.getDouble("z"))
                    : Attack.littleIsEnough();
            case "label-flipping" -> Attack.labelFlipping(ap.getInt("classes"));
            case "inner-product" -> Attack.innerProductManipulation(ap.getDouble("epsilon"));
            default -> throw new SpecException("byzantine: attack must be one of sign-flipping, scaled, "
                    + "gaussian-noise, little-is-enough, label-flipping, inner-product, was '" + a + "'");
        };
        ap.requireAllUsed();
        if (p.has("ids")) {
            if (p.has("fraction")) {
                throw new SpecException("byzantine: give ids or fraction, not both");
            }
            return Byzantine.wrap(inner, attack, p.getInts("ids"));
        }
        return Byzantine.wrapFraction(inner, attack, p.getDouble("fraction"), p.getInt("population"),
                p.getLong("seed", 0));
    }

    // ---- asynchronous algorithms (run with a schedule of session starts) --------------------------------------------

    private static final String STALENESS = "staleness=SPEC (s(tau); default polynomial(a=0.5))";

    private static void registerAsync(Registry.Builder r) {
        r.asyncAlgorithm("fedasync", "FedAsync: " + LOCAL_SGD + ", alpha=0.9 (mixing weight), " + STALENESS
                + ", mode=mix|delta, rho=0 (proximal weight)", p -> local(p, FedAsync.builder())
                        .alpha(p.getDouble("alpha", 0.9)).staleness(staleness(p))
                        .mode(p.getEnum("mode", MixingMode.class, MixingMode.MIX))
                        .proximalWeight(p.getDouble("rho", 0.0)).build());
        r.asyncAlgorithm("fedbuff", "FedBuff: " + LOCAL_SGD + ", k=10 (buffer size), " + STALENESS
                + ", server-lr=1, server-optimizer=SPEC", p -> {
                    FedBuff.Builder b = local(p, FedBuff.builder()).bufferSize(p.getInt("k", 10))
                            .staleness(staleness(p));
                    if (p.has("server-optimizer")) {
                        b.serverOptimizer(serverOptimizer(p));
                    }
                    if (!p.has("server-optimizer") || p.has("server-lr")) {
                        b.serverLearningRate(p.getDouble("server-lr", 1.0));
                    }
                    return b.build();
                });
        r.asyncAlgorithm("fedfix", "FedFix: " + LOCAL_SGD + ", period (required, virtual seconds between "
                + "aggregations), server-lr=1, weighting=sample-count|uniform, unbiased=true",
                p -> local(p, FedFix.builder()).period(p.getDouble("period"))
                        .serverLearningRate(p.getDouble("server-lr", 1.0))
                        .clientWeights(p.getEnum("weighting", FedFix.ClientWeights.class,
                                FedFix.ClientWeights.SAMPLE_COUNT))
                        .unbiased(p.getBoolean("unbiased", true)).build());
        r.asyncAlgorithm("fedcompass", "FedCompass: " + LOCAL_SGD + " (steps is Q_max), min-steps (required, "
                + "Q_min), alpha=0.9, " + STALENESS + ", lambda=1.5 (latest-time factor), speed-momentum=0.9, "
                + "mode=mix|delta", p -> local(p, FedCompass.builder()).minLocalSteps(p.getInt("min-steps"))
                        .alpha(p.getDouble("alpha", 0.9)).staleness(staleness(p))
                        .latestTimeFactor(p.getDouble("lambda", 1.5))
                        .speedMomentum(p.getDouble("speed-momentum", 0.9))
                        .mode(p.getEnum("mode", MixingMode.class, MixingMode.MIX)).build());
        r.asyncAlgorithm("afa-cd", "AFA-CD: " + LOCAL_SGD + ", m (required, arrivals per server step), server-lr=1",
                p -> local(p, Afa.cd()).arrivalsPerStep(p.getInt("m"))
                        .serverLearningRate(p.getDouble("server-lr", 1.0)).build());
        r.asyncAlgorithm("afa-cs", "AFA-CS: " + LOCAL_SGD + ", m (required, arrivals per server step), server-lr=1",
                p -> local(p, Afa.cs()).arrivalsPerStep(p.getInt("m"))
                        .serverLearningRate(p.getDouble("server-lr", 1.0)).build());
    }

    private static StalenessFunction staleness(Params p) {
        return p.registry().staleness(p.getSpec("staleness", Spec.parse("polynomial(a=0.5)")));
    }

    private static DpFedAvg dpFedAvg(Params p) {
        DpFedAvg.Builder b = local(p, DpFedAvg.builder())
                .clipNorm(p.getDouble("clip-norm"))
                .noiseMultiplier(p.getDouble("noise"))
                .samplingRate(p.getDouble("q"))
                .delta(p.getDouble("delta", 1e-5))
                .localNoiseMultiplier(p.getDouble("local-noise", 0.0));
        if (p.has("server-optimizer")) {
            b.serverOptimizer(serverOptimizer(p));
        }
        if (!p.has("server-optimizer") || p.has("server-lr")) {
            b.serverLearningRate(p.getDouble("server-lr", 1.0));
        }
        if (p.getBoolean("adaptive", false)) {
            b.adaptiveClipping(p.getDouble("quantile", 0.5), p.getDouble("clip-lr", 0.2), p.getDouble("bit-noise"));
        }
        return b.build();
    }

    // ---- local SGD ------------------------------------------------------------------------------------------------

    /** Sets the local work and eta_l of any local-SGD builder ({@link #LOCAL_SGD}). */
    static <B extends LocalSgdBuilder<B>> B local(Params p, B b) {
        double lr = p.getDouble("lr");
        boolean steps = p.has("steps");
        boolean epochs = p.has("epochs");
        if (steps && epochs) {
            throw new SpecException(p.name() + ": give steps or epochs, not both");
        }
        int batch = "full".equalsIgnoreCase(p.getString("batch", "10")) ? LocalTraining.FULL_BATCH
                : p.getInt("batch", 10);
        if (epochs) {
            b.localEpochs(p.getInt("epochs"), batch);
        } else {
            b.localSteps(p.getInt("steps", 10), batch);
        }
        b.localLearningRate(lr);
        double clip = p.getDouble("clip", LocalTraining.NO_CLIPPING);
        if (clip != LocalTraining.NO_CLIPPING) {
            b.gradientClipping(clip);
        }
        if (p.has("augment") && !p.getString("augment").equals("none")) {
            b.augmentation(augmentation(p));
        }
        return b;
    }

    /** The {@code augment=crop-flip(...)} of a local-SGD spec. */
    private static CropFlip augmentation(Params p) {
        Spec spec = p.getSpec("augment");
        String expected = "none or crop-flip(image=CxHxW, padding=4, flip=true, fill=0)";
        if (!spec.name().equals("crop-flip")) {
            throw p.bad("augment", spec.toString(), expected);
        }
        Params a = new Params(spec);
        ImageShape shape;
        try {
            shape = ImageShape.parse(a.getString("image"));
        } catch (IllegalArgumentException e) {
            throw a.bad("image", a.getString("image"), "CxHxW, e.g. 3x32x32");
        }
        int padding = a.getInt("padding", CropFlip.DEFAULT_PADDING);
        boolean flip = a.getBoolean("flip", true);
        double[] fill = a.getDoubles("fill", new double[] {0.0});
        a.requireAllUsed();
        try {
            return new CropFlip(shape, padding, flip, fill);
        } catch (IllegalArgumentException e) {
            throw new SpecException(p.name() + ": augment=" + spec + ": " + e.getMessage());
        }
    }

    // ---- server steps (one method per builder; see SERVER_STEP) -----------------------------------------------------

    static FedAvg.Builder server(Params p, FedAvg.Builder b) {
        serverStep(p, b::serverOptimizer, b::serverLearningRate);
        if (!p.has("server-optimizer") || p.has("momentum")) {
            b.serverMomentum(p.getDouble("momentum", 0.0));
        }
        aggregation(p, b::aggregator, b::weighting);
        return b;
    }

    static FedAvgErrorFeedback.Builder server(Params p, FedAvgErrorFeedback.Builder b) {
        serverStep(p, b::serverOptimizer, b::serverLearningRate);
        aggregation(p, b::aggregator, b::weighting);
        return b;
    }

    static FedProx.Builder server(Params p, FedProx.Builder b) {
        serverStep(p, b::serverOptimizer, b::serverLearningRate);
        aggregation(p, b::aggregator, b::weighting);
        return b;
    }

    static Scaffold.Builder server(Params p, Scaffold.Builder b) {
        serverStep(p, b::serverOptimizer, b::serverLearningRate);
        aggregation(p, b::aggregator, null);
        return b;
    }

    /** {@code server-optimizer=SPEC} if given; {@code server-lr} (default 1) unless only an optimizer is given. */
    private static void serverStep(Params p, Consumer<ServerOptimizer> optimizer, DoubleConsumer learningRate) {
        if (p.has("server-optimizer")) {
            optimizer.accept(serverOptimizer(p));
        }
        if (!p.has("server-optimizer") || p.has("server-lr")) {
            learningRate.accept(p.getDouble("server-lr", 1.0));
        }
    }

    /** {@code aggregator=SPEC} if given; {@code weighting} unless only an aggregator is given (null: no weighting). */
    private static void aggregation(Params p, Consumer<Aggregator> aggregator,
                                    Consumer<WeightedMean.Weighting> weighting) {
        if (p.has("aggregator")) {
            aggregator.accept(aggregator(p));
        }
        if (weighting != null && (!p.has("aggregator") || p.has("weighting"))) {
            weighting.accept(weighting(p));
        }
    }

    /** The nested {@code server-optimizer=SPEC} (any registered server optimizer). */
    private static ServerOptimizer serverOptimizer(Params p) {
        return p.registry().serverOptimizer(p.getSpec("server-optimizer"));
    }

    /** The nested {@code aggregator=SPEC} (any registered aggregator). */
    private static Aggregator aggregator(Params p) {
        return p.registry().aggregator(p.getSpec("aggregator"));
    }

    private static WeightedMean.Weighting weighting(Params p) {
        return p.getEnum("weighting", WeightedMean.Weighting.class, WeightedMean.Weighting.SAMPLE_COUNT);
    }

    // ---- FedSpeed and FedAU -----------------------------------------------------------------------------------------

    private static FedSpeed fedSpeed(Params p) {
        FedSpeed.Builder b = local(p, FedSpeed.builder())
                .rho(p.getDouble("rho", 0.1))
                .alpha(p.getDouble("alpha", 1.0))
                .serverRule(p.getEnum("server-rule", FedSpeed.ServerRule.class,
                        FedSpeed.ServerRule.ALL_CLIENT_DUAL_AVERAGING));
        boolean prox = p.getBoolean("prox", true);
        if (p.has("lambda")) {
            if (!prox) {
                throw new SpecException("fedspeed: lambda sets the prox term, which prox=false drops; give one");
            }
            b.lambda(p.getDouble("lambda"));
        }
        if (!prox) {
            b.withoutProx();
        }
        return b.build();
    }

    private static FedAu fedAu(Params p) {
        FedAu.Builder b = local(p, FedAu.builder())
                .serverLearningRate(p.getDouble("server-lr", 1.0))
                .aggregation(p.getEnum("aggregation", FedAu.Aggregation.class, FedAu.Aggregation.ADAPTIVE));
        String cutoff = p.getString("cutoff", "none");
        b.cutoff(cutoff.equalsIgnoreCase("none") || cutoff.equalsIgnoreCase("inf") ? IntervalEstimator.NO_CUTOFF
                : p.getInt("cutoff"));
        if (p.has("p")) {
            b.probabilities(p.getDoubles("p"));
        }
        return b.build();
    }
}
