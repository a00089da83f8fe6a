package io.github.fl4j.core.participation;

import io.github.fl4j.core.data.Partitioners;
import io.github.fl4j.core.random.RandomStream;

/**
 * Participation probabilities for the heterogeneous patterns ({@link BernoulliParticipation},
 * {@link MarkovParticipation}, {@link CyclicParticipation}).
 */
public final class ParticipationProbabilities {
    private ParticipationProbabilities() {
    }

    /**
     * Probabilities correlated with the clients' labels (FedAU, Wang and Ji, ICLR 2024, code {@code util/util.py}):
     *
     * <pre>
     *   u ~ Dirichlet(alphaP 1_C)                       (one draw for the whole population)
     *   q_n = client n's empirical label distribution   (its histogram / its sample count)
     *   p_n = min(1, max(pMin, pBar C &lt;q_n, u&gt;))
     * </pre>
     *
     * Since E[u_c] = 1/C the mean of pBar C &lt;q_n, u&gt; is pBar; clients rich in the classes u favours take part
     * more often, so ignoring p_n biases the model toward those classes. The reference code does not clip at 1
     * (pBar C &lt;q_n, u&gt; &lt;= pBar C, which is 1 for its pBar = 0.1 and C = 10); here values above 1 are clipped.
     * Draws: C Gamma draws from {@code rng} ({@link Partitioners#dirichlet}). FedAU's defaults: alphaP = 0.1,
     * pBar = 0.1, pMin = 0.02.
     *
     * @param labelHistograms labelHistograms[n][c] = number of samples of class c at client n (all rows of length C)
     * @throws IllegalArgumentException naming the bad argument, row or value
     */
    public static double[] correlatedWithLabels(int[][] labelHistograms, double alphaP, double pBar, double pMin,
                                                RandomStream rng) {
        if (labelHistograms == null || labelHistograms.length == 0) {
            throw new IllegalArgumentException("labelHistograms must hold at least one client, was "
                    + (labelHistograms == null ? "null" : "empty"));
        }
        if (!(pBar > 0 && pBar <= 1)) {
            throw new IllegalArgumentException("pBar must be in (0, 1], was " + pBar);
        }
        if (!(pMin > 0 && pMin <= 1)) {
            throw new IllegalArgumentException("pMin must be in (0, 1], was " + pMin);
        }
        if (rng == null) {
            throw new IllegalArgumentException("rng must not be null");
        }
        int classes = labelHistograms[0] == null ? 0 : labelHistograms[0].length;
        if (classes < 1) {
            throw new IllegalArgumentException("labelHistograms[0] must have at least one class");
        }
        for (int n = 0; n < labelHistograms.length; n++) {
            int[] h = labelHistograms[n];
            if (h == null || h.length != classes) {
                throw new IllegalArgumentException("labelHistograms[" + n + "] must have " + classes
                        + " classes (as row 0), had " + (h == null ? "null" : h.length));
            }
            long total = 0;
            for (int c = 0; c < classes; c++) {
                if (h[c] < 0) {
                    throw new IllegalArgumentException("labelHistograms[" + n + "][" + c + "] must be >= 0, was "
                            + h[c]);
                }
                total += h[c];
            }
            if (total == 0) {
                throw new IllegalArgumentException("labelHistograms[" + n + "] must count at least one sample");
            }
        }
        double[] u = Partitioners.dirichlet(alphaP, classes, rng);
        double[] p = new double[labelHistograms.length];
        for (int n = 0; n < p.length; n++) {
            int[] h = labelHistograms[n];
            double total = 0;
            double dot = 0;
            for (int c = 0; c < classes; c++) {
                total += h[c];
                dot += h[c] * u[c];
            }
            p[n] = Math.min(1.0, Math.max(pMin, pBar * classes * dot / total));
        }
        return p;
    }

    /**
     * p_n linear in n from {@code first} (client 0) to {@code last} (client N-1), as in the bias experiments of
     * docs/algorithms/fedau.md.
     *
     * @throws IllegalArgumentException if N &lt; 1 or an end is not in (0, 1]
     */
    public static double[] linear(int population, double first, double last) {
        if (population < 1) {
            throw new IllegalArgumentException("population must be >= 1, was " + population);
        }
        double[] p = new double[population];
        for (int n = 0; n < population; n++) {
            p[n] = population == 1 ? first : first + (last - first) * n / (population - 1);
        }
        return check(p);
    }

    /** Validates and copies probabilities, each in (0, 1]. */
    static double[] check(double[] p) {
        if (p == null || p.length == 0) {
            throw new IllegalArgumentException("p must hold the probability of at least one client, was "
                    + (p == null ? "null" : "empty"));
        }
        for (int n = 0; n < p.length; n++) {
            if (!(p[n] > 0 && p[n] <= 1)) {
                throw new IllegalArgumentException("p[" + n + "] must be in (0, 1], was " + p[n]);
            }
        }
        return p.clone();
    }

    static void checkPopulation(double[] p, int population) {
        if (population != p.length) {
            throw new IllegalArgumentException("the number of clients must equal the " + p.length
                    + " participation probabilities, was " + population);
        }
    }

    static double mean(double[] p) {
        double s = 0;
        for (double v : p) {
            s += v;
        }
        return Math.round(s / p.length * 1e4) / 1e4;
    }
}
