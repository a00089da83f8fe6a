package io.github.fl4j.experiments.grid;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * Mean and 95% Student-t confidence interval over seeds.
 *
 * @param n        number of finite values
 * @param mean     their mean (NaN when n = 0)
 * @param halfWidth half-width t_{0.975, n-1} s / sqrt(n) of the 95% interval (NaN when n &lt; 2)
 */
public record Stats(int n, double mean, double halfWidth) {

    /** Statistics of the finite values among {@code values} (NaN values are "not reached" and skipped). */
    public static Stats of(double... values) {
        int n = 0;
        double sum = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                n++;
                sum += v;
            }
        }
        if (n == 0) {
            return new Stats(0, Double.NaN, Double.NaN);
        }
        double mean = sum / n;
        if (n < 2) {
            return new Stats(n, mean, Double.NaN);
        }
        double ss = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                ss += (v - mean) * (v - mean);
            }
        }
        double sd = Math.sqrt(ss / (n - 1));
        double t = new TDistribution(null, n - 1).inverseCumulativeProbability(0.975);
        return new Stats(n, mean, t * sd / Math.sqrt(n));
    }

    /** Lower end of the interval. */
    public double low() {
        return mean - halfWidth;
    }

    /** Upper end of the interval. */
    public double high() {
        return mean + halfWidth;
    }
}
