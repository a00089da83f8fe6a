package io.github.fl4j.benchmarks.grid;

import io.github.fl4j.core.api.Aggregator;

/**
 * The robust aggregators, attacks and DP-FedAvg settings that the grid file's {@code aggregators}, {@code attacks}
 * and {@code privacy} entries name, built from fl-core's and fl-algorithms' classes once the parameters are checked
 * (see {@link GridSpec}).
 */
final class RobustComponents {
    private RobustComponents() {
    }

    static Aggregator median() {
        throw new UnsupportedOperationException("median");
    }

    static Aggregator trimmedMean(double beta) {
        throw new UnsupportedOperationException("trimmed-mean");
    }

    static Aggregator krum(int f) {
        throw new UnsupportedOperationException("krum");
    }

    static Aggregator multiKrum(int f, int m) {
        throw new UnsupportedOperationException("multi-krum");
    }

    static Aggregator geometricMedian() {
        throw new UnsupportedOperationException("geometric-median");
    }

    static Aggregator centeredClipping(double tau, int iterations) {
        throw new UnsupportedOperationException("centered-clipping");
    }

    static Aggregator normBound(double maxNorm) {
        throw new UnsupportedOperationException("norm-bound");
    }

    static AttackSetting attack(String kind, double parameter, double fraction) {
        throw new UnsupportedOperationException(kind);
    }

    static PrivacySetting privacy(double noiseMultiplier, double clip, boolean adaptive) {
        throw new UnsupportedOperationException("dp");
    }
}
