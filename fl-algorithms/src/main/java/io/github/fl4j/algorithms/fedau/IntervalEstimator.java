package io.github.fl4j.algorithms.fedau;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * FedAU's online estimate of 1/p_n: the mean interval, in rounds, between a client's participations (Wang and Ji,
 * "A Lightweight Method for Tackling Unknown Participation Statistics in Federated Averaging", ICLR 2024; official code
 * IBM/fedau {@code main.py}). By renewal theory the mean interval is 1/p_n for Bernoulli,
 * Markov and cyclic participation with long-run rate p_n.
 *
 * <p>Per client n: M_n (number of recorded intervals), Omega_n (their running mean) and S_n (rounds since the last
 * recorded interval, excluding the current one). At the end of round t ({@link #endRound}):
 * <pre>
 *   n participated:  record S_n + 1;  S_n = 0                          (intervals count rounds inclusively)
 *   n absent:        S_n = S_n + 1;  if S_n &gt;= K: record K;  S_n = 0  (cutoff)
 *   record s:        Omega_n = (M_n Omega_n + s) / (M_n + 1);  M_n = M_n + 1
 * </pre>
 * The weight used in round t, {@link #weight}, is Omega_n if M_n &gt; 0 and 1 otherwise, read <em>before</em>
 * {@link #endRound}: it excludes the interval that ends at t (the independence of omega_n^t and I_n^t the analysis
 * needs). With cutoff K the recorded value under Bernoulli(p) participation is min(Geom(p), K), whose mean is
 * (1 - (1 - p)^K) / p: biased low for p &lt; 1/K, in exchange for bounded weights.
 *
 * <p>Memory: 2 ints and 1 double per client. Not thread-safe; owned by FedAU's server state.
 */
public final class IntervalEstimator {
    /** K = infinity: no cutoff (the reference code's default {@code -k-adaptive 100000} is effectively this). */
    public static final int NO_CUTOFF = Integer.MAX_VALUE;

    private final int cutoff;
    private final int[] count;
    private final double[] mean;
    private final int[] since;

    /**
     * @param population N, at least 1
     * @param cutoff     K, at least 1, or {@link #NO_CUTOFF}
     * @throws IllegalArgumentException naming the bad value
     */
    public IntervalEstimator(int population, int cutoff) {
        if (population < 1) {
            throw new IllegalArgumentException("population must be >= 1, was " + population);
        }
        if (cutoff < 1) {
            throw new IllegalArgumentException("cutoff must be >= 1, was " + cutoff);
        }
        this.cutoff = cutoff;
        this.count = new int[population];
        this.mean = new double[population];
        this.since = new int[population];
    }

    private IntervalEstimator(int cutoff, int[] count, double[] mean, int[] since) {
        this.cutoff = cutoff;
        this.count = count;
        this.mean = mean;
        this.since = since;
    }

    /** omega_n for the current round: Omega_n, or 1 before the first recorded interval. */
    public double weight(int client) {
        return count[client] > 0 ? mean[client] : 1.0;
    }

    /**
     * Ends a round: records the intervals of the participants and advances the counters of the others.
     *
     * @param participants the round's participants in strictly increasing order (may be empty)
     * @throws IllegalArgumentException if an id is out of range or the ids are not increasing
     */
    public void endRound(int[] participants) {
        int j = 0;
        for (int n = 0; n < count.length; n++) {
            if (j < participants.length && participants[j] == n) {
                record(n, since[n] + 1);
                since[n] = 0;
                j++;
            } else {
                since[n]++;
                if (since[n] >= cutoff) {
                    record(n, cutoff);
                    since[n] = 0;
                }
            }
        }
        if (j != participants.length) {
            throw new IllegalArgumentException("participants must be increasing ids in [0, " + count.length
                    + "), entry " + j + " was " + participants[j]);
        }
    }

    private void record(int n, int interval) {
        mean[n] = (count[n] * mean[n] + interval) / (count[n] + 1.0);
        count[n]++;
    }

    /** N. */
    public int population() {
        return count.length;
    }

    /** K, or {@link #NO_CUTOFF}. */
    public int cutoff() {
        return cutoff;
    }

    /** M_n, the number of intervals recorded for client n. */
    public int intervals(int client) {
        return count[client];
    }

    /** Omega_n, the mean recorded interval of client n (0 before the first). */
    public double meanInterval(int client) {
        return mean[client];
    }

    /** S_n, the rounds since client n's last recorded interval. */
    public int roundsSinceLast(int client) {
        return since[client];
    }

    /** Writes K, N and every (M_n, Omega_n, S_n). */
    public void write(DataOutput out) throws IOException {
        out.writeInt(cutoff);
        out.writeInt(count.length);
        for (int n = 0; n < count.length; n++) {
            out.writeInt(count[n]);
            out.writeDouble(mean[n]);
            out.writeInt(since[n]);
        }
    }

    /** Reads what {@link #write} wrote. */
    public static IntervalEstimator read(DataInput in) throws IOException {
        int cutoff = in.readInt();
        int n = in.readInt();
        if (cutoff < 1 || n < 1) {
            throw new IOException("interval estimator: cutoff and population must be >= 1, were " + cutoff + " and "
                    + n);
        }
        int[] count = new int[n];
        double[] mean = new double[n];
        int[] since = new int[n];
        for (int i = 0; i < n; i++) {
            count[i] = in.readInt();
            mean[i] = in.readDouble();
            since[i] = in.readInt();
        }
        return new IntervalEstimator(cutoff, count, mean, since);
    }
}
