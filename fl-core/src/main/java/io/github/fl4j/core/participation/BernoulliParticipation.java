package io.github.fl4j.core.participation;

import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Heterogeneous independent participation: in every round, client n takes part with its own probability p_n,
 * independently of the other clients and of the other rounds, I_n^t ~ Bernoulli(p_n) (FedAU's {@code bernoulli}
 * pattern, Wang and Ji, ICLR 2024; with all p_n = C it is FL-Simulator's sampling).
 *
 * <p>Draws: one {@link RandomStream#nextDouble()} per client per attempt, in client order, from the round's
 * PARTICIPATION stream.
 *
 * <p><b>Empty rounds.</b> With probability prod_n (1 - p_n) nobody is drawn. By default the round is then redrawn from
 * the same stream until it is non-empty (FL-Simulator's {@code _activate_clients_}); this conditions every round on
 * "at least one participant", so the long-run rate of client n is p_n / (1 - prod_j (1 - p_j)), which is p_n up to a
 * negligible factor for a realistic population but not for a handful of rare clients. {@link #allowingEmptyRounds()}
 * keeps the empty round instead (FedAU's semantics: rates are exactly p_n; the server sees a round with no uploads).
 *
 * <p><b>State.</b> None: every round is a fresh draw. The process's {@link Participation.Process#writeState} form is
 * the common header only (kind {@code bernoulli}, N, the empty-rounds flag).
 *
 * <p>Immutable and thread-safe.
 */
public final class BernoulliParticipation implements Participation {
    /** Draws of one round before a pattern that keeps redrawing empty rounds gives up. */
    static final int MAX_ATTEMPTS = 10_000;
    /** The largest probability of an empty draw that redrawing accepts (about 1,000 draws per round on average). */
    static final double MAX_EMPTY_PROBABILITY = 0.999;

    private final double[] p;
    private final boolean allowEmpty;

    /**
     * @param p the participation probability of every client, each in (0, 1] (copied)
     * @throws IllegalArgumentException if p is null or empty, or some p_n is not in (0, 1] (naming n and p_n)
     */
    public BernoulliParticipation(double[] p) {
        this(ParticipationProbabilities.check(p), false);
    }

    private BernoulliParticipation(double[] p, boolean allowEmpty) {
        this.p = p;
        this.allowEmpty = allowEmpty;
    }

    /** The same pattern, but a round in which nobody is drawn stays empty instead of being redrawn. */
    public BernoulliParticipation allowingEmptyRounds() {
        return new BernoulliParticipation(p, true);
    }

    /** Whether empty rounds are kept (true) or redrawn (false, the default). */
    public boolean allowsEmptyRounds() {
        return allowEmpty;
    }

    @Override
    public int[] select(int round, int population, RandomStream rng) {
        ParticipationProbabilities.checkPopulation(p, population);
        int[] buf = new int[population];
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            int k = 0;
            for (int n = 0; n < population; n++) {
                if (rng.nextDouble() < p[n]) {
                    buf[k++] = n;
                }
            }
            if (k > 0 || allowEmpty) {
                return Arrays.copyOf(buf, k);
            }
        }
        throw new IllegalStateException(describe() + ": round " + round + " drew nobody in " + MAX_ATTEMPTS
                + " attempts (an empty round has probability " + emptyProbability()
                + "); use allowingEmptyRounds() or larger p_n");
    }

    /** prod_n (1 - p_n): the probability that a draw selects nobody. */
    public double emptyProbability() {
        double log = 0;
        for (double v : p) {
            log += Math.log1p(-v);
        }
        return Math.exp(log);
    }

    @Override
    public Process start(int population, SeedTree seeds) {
        ParticipationProbabilities.checkPopulation(p, population);
        double empty = emptyProbability();
        if (!allowEmpty && empty > MAX_EMPTY_PROBABILITY) {
            throw new IllegalArgumentException(describe() + " draws nobody with probability " + empty
                    + ", so redrawing empty rounds would take about " + Math.round(1 / (1 - empty))
                    + " draws per round; use allowingEmptyRounds() (rounds without participants) or larger p_n");
        }
        return new Process() {
            @Override
            public int[] select(int round, RandomStream rng) {
                return BernoulliParticipation.this.select(round, population, rng);
            }

            @Override
            public boolean allowsEmptyRounds() {
                return allowEmpty;
            }

            @Override
            public void writeState(DataOutput out) throws IOException {
                ProcessState.writeHeader(out, "bernoulli", population, allowEmpty);
            }

            @Override
            public void readState(DataInput in) throws IOException {
                ProcessState.readHeader(in, "bernoulli", population, allowEmpty);
            }
        };
    }

    /** p_n (a copy). */
    public double[] probabilities() {
        return p.clone();
    }

    /** True unless {@code allowingEmptyRounds()} was called: an empty round is redrawn or skipped. */
    @Override
    public boolean redrawsEmptyRounds() {
        return !allowEmpty;
    }

    @Override
    public String describe() {
        return "bernoulli(N=" + p.length + ", mean p=" + ParticipationProbabilities.mean(p)
                + (allowEmpty ? ", empty rounds kept" : "") + ")";
    }
}
