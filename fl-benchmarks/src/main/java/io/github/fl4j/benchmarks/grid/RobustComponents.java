package io.github.fl4j.benchmarks.grid;

import io.github.fl4j.algorithms.attacks.Attack;
import io.github.fl4j.algorithms.attacks.Byzantine;
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

    static PrivacySetting privacy(double noiseMultiplier, double clip, boolean adaptive) {
        throw new UnsupportedOperationException("dp");
    }
}
