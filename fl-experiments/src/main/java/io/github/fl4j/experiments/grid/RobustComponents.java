package io.github.fl4j.experiments.grid;

import io.github.fl4j.algorithms.attacks.Attack;
import io.github.fl4j.algorithms.attacks.Byzantine;
import io.github.fl4j.algorithms.privacy.DpFedAvg;
import io.github.fl4j.core.aggregation.CenteredClipping;
import io.github.fl4j.core.aggregation.CoordinateMedian;
import io.github.fl4j.core.aggregation.GeometricMedian;
import io.github.fl4j.core.aggregation.Krum;
import io.github.fl4j.core.aggregation.MultiKrum;
import io.github.fl4j.core.aggregation.NormBounding;
import io.github.fl4j.core.aggregation.TrimmedMean;
import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.FederatedAlgorithm;

/**
 * The robust aggregators, attacks and DP-FedAvg settings that the grid file's {@code aggregators}, {@code attacks}
 * and {@code privacy} entries name, built from fl-core's and fl-algorithms' classes once the parameters are checked
 * (see {@link GridSpec}).
 */
final class RobustComponents {
    private RobustComponents() {
    }

    static Aggregator median() {
        return CoordinateMedian.INSTANCE;
    }

    static Aggregator trimmedMean(double beta) {
        return new TrimmedMean(beta);
    }

    static Aggregator krum(int f) {
        return new Krum(f);
    }

    static Aggregator multiKrum(int f, int m) {
        return new MultiKrum(f, m);
    }

    static Aggregator geometricMedian() {
        return new GeometricMedian();
    }

    static Aggregator centeredClipping(double tau, int iterations) {
        return new CenteredClipping(tau, iterations);
    }

    static Aggregator normBound(double maxNorm) {
        return new NormBounding(maxNorm);
    }

    /**
     * The attack {@code kind} ({@code sign-flip}, {@code scale} (parameter: the factor), {@code gaussian} (sigma),
     * {@code label-flip} (the number of classes), {@code alie}, {@code ipm} (epsilon)) by {@code fraction} of the
     * clients, through fl-algorithms' {@link Byzantine} wrapper with the grid's Byzantine set.
     */
    static AttackSetting attack(String kind, double parameter, double fraction) {
        Attack attack = switch (kind) {
            case "sign-flip" -> Attack.signFlipping();
            case "scale" -> Attack.scaled(parameter);
            case "gaussian" -> Attack.gaussianNoise(parameter);
            case "label-flip" -> {
                if (parameter != Math.rint(parameter)) {
                    throw new IllegalArgumentException("CLASSES must be an integer, was " + parameter);
                }
                yield Attack.labelFlipping((int) parameter);
            }
            case "alie" -> Attack.littleIsEnough();
            case "ipm" -> Attack.innerProductManipulation(parameter);
            default -> throw new IllegalArgumentException("unknown attack " + kind);
        };
        String what = attack + ", " + Math.round(fraction * 100) + "% Byzantine";
        return AttackSetting.of(fraction, (honest, byzantine) -> wrap(honest, attack, byzantine), what);
    }

    private static <S, C> FederatedAlgorithm<S, C> wrap(FederatedAlgorithm<S, C> honest, Attack attack,
                                                        java.util.Set<Integer> byzantine) {
        return Byzantine.wrap(honest, attack, byzantine.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * DP-FedAvg with the strategy's local training, noise multiplier z, clip norm S and sampling rate q (the grid's
     * participation should then be {@code bernoulli:q}, the Poisson sampling the accountant assumes); with
     * {@code bitNoise} &gt; 0 (sigma_b), adaptive clipping from S with the paper's target quantile 0.5 and clip
     * learning rate 0.2. DP-FedAvg sums clipped updates, so it takes no other aggregator.
     */
    static PrivacySetting privacy(double noiseMultiplier, double clip, double samplingRate, double bitNoise) {
        // validate once, with the builder's own messages
        configure(DpFedAvg.builder().localSteps(1, 1).localLearningRate(0.1), noiseMultiplier, clip, samplingRate,
                bitNoise).build();
        String what = (bitNoise > 0 ? "DP-FedAvg adaptive" : "DP-FedAvg") + " z=" + noiseMultiplier + " S=" + clip
                + " q=" + samplingRate + (bitNoise > 0 ? " sigma_b=" + bitNoise : "");
        return PrivacySetting.of((strategy, aggregator) -> {
            if (aggregator != null) {
                throw new IllegalArgumentException(what + " sums clipped updates and cannot use the aggregator "
                        + aggregator);
            }
            DpFedAvg.Builder b = DpFedAvg.builder().localTraining(strategy.training())
                    .localLearningRate(strategy.localLearningRate());
            return configure(b, noiseMultiplier, clip, samplingRate, bitNoise).build();
        }, what);
    }

    private static DpFedAvg.Builder configure(DpFedAvg.Builder b, double z, double clip, double q, double bitNoise) {
        b.noiseMultiplier(z).clipNorm(clip).samplingRate(q);
        if (bitNoise > 0) {
            b.adaptiveClipping(0.5, 0.2, bitNoise);
        }
        return b;
    }
}
