package io.github.fl4j.core.participation;

import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Markovian participation (FedAU's {@code markov-q} pattern, Wang and Ji, ICLR 2024): every
 * client is a two-state chain, independent of the others,
 *
 * <pre>
 *   P(off -&gt; on) = q,   P(on -&gt; off) = q (1/p_n - 1)
 *   if q (1/p_n - 1) &gt; 1, both are divided by q (1/p_n - 1), so P(on -&gt; off) = 1
 *   stationary P(on) = P(off -&gt; on) / (P(off -&gt; on) + P(on -&gt; off)) = p_n;   initial state ~ Bernoulli(p_n)
 * </pre>
 *
 * Small q makes long on and off spells (the mean off spell is 1/q rounds), while the long-run rate stays p_n.
 *
 * <p><b>State.</b> The on/off states are memory across rounds, kept in the {@link Participation.Process} returned by
 * {@link #start} (N booleans), which the engine owns; this object is immutable and the stateless
 * {@link #select(int, int, RandomStream)} refuses to run. Draws: the initial states come from
 * {@code seeds.stream(PARTICIPATION, 0, GLOBAL)} (one double per client), round 1 is the initial state, and every
 * later round makes one transition per client (one double each, in client order) from the round's stream.
 *
 * <p>The process's {@link Participation.Process#writeState} form: the common header (kind {@code markov}, N, the
 * empty-rounds flag), q as a double (checked on reading), the last round selected as an int, then the N on/off states
 * as one byte each (1 = on).
 *
 * <p><b>Empty rounds.</b> By default, if every chain is off after a round's transition, the chains make further
 * transitions with the same stream until one is on: rounds in which nobody is available are skipped, as if the server
 * only counted rounds with at least one participant. This shortens the off spells slightly; the rates become
 * p_n / (1 - P(all off)), a negligible change unless the population is tiny. {@link #allowingEmptyRounds()} keeps
 * the empty round instead.
 */
public final class MarkovParticipation implements Participation {
    private final double[] p;
    private final double q;
    private final boolean allowEmpty;
    private final double[] up;
    private final double[] down;

    /**
     * @param p the stationary participation probability of every client, each in (0, 1] (copied)
     * @param q the probability of turning on, in (0, 1]
     * @throws IllegalArgumentException naming the bad value
     */
    public MarkovParticipation(double[] p, double q) {
        this(ParticipationProbabilities.check(p), q, false);
    }

    private MarkovParticipation(double[] p, double q, boolean allowEmpty) {
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("q must be in (0, 1], was " + q);
        }
        this.p = p;
        this.q = q;
        this.allowEmpty = allowEmpty;
        this.up = new double[p.length];
        this.down = new double[p.length];
        for (int n = 0; n < p.length; n++) {
            double off = q * (1 / p[n] - 1);
            double on = q;
            if (off > 1) {
                on = q / off;
                off = 1;
            }
            up[n] = on;
            down[n] = off;
        }
    }

    /** The same pattern, but a round in which every chain is off stays empty instead of being skipped. */
    public MarkovParticipation allowingEmptyRounds() {
        return new MarkovParticipation(p, q, true);
    }

    /** P(off -&gt; on) of client n after the rescaling. */
    public double turnOnProbability(int n) {
        return up[n];
    }

    /** P(on -&gt; off) of client n after the rescaling. */
    public double turnOffProbability(int n) {
        return down[n];
    }

    /**
     * Not available: the pattern has memory across rounds. Use {@link #start}.
     *
     * @throws IllegalStateException always
     */
    @Override
    public int[] select(int round, int population, RandomStream rng) {
        throw new IllegalStateException(describe() + " has memory across rounds: call start(population, seeds) "
                + "and select from the returned process");
    }

    @Override
    public Process start(int population, SeedTree seeds) {
        ParticipationProbabilities.checkPopulation(p, population);
        boolean[] on = new boolean[population];
        RandomStream init = seeds.stream(Purpose.PARTICIPATION, 0, SeedTree.GLOBAL);
        for (int n = 0; n < population; n++) {
            on[n] = init.nextDouble() < p[n];
        }
        return new Process() {
            private int last;

            @Override
            public int[] select(int round, RandomStream rng) {
                if (round != last + 1) {
                    throw new IllegalStateException("rounds must be selected in order: expected round " + (last + 1)
                            + ", was " + round);
                }
                last = round;
                int k = round == 1 ? count(on) : step(on, rng);
                while (k == 0 && !allowEmpty) {
                    k = step(on, rng);
                }
                int[] out = new int[k];
                int j = 0;
                for (int n = 0; n < on.length; n++) {
                    if (on[n]) {
                        out[j++] = n;
                    }
                }
                return out;
            }

            @Override
            public boolean allowsEmptyRounds() {
                return allowEmpty;
            }

            @Override
            public void writeState(DataOutput out) throws IOException {
                ProcessState.writeHeader(out, "markov", population, allowEmpty);
                out.writeDouble(q);
                out.writeInt(last);
                byte[] states = new byte[population];
                for (int n = 0; n < population; n++) {
                    states[n] = on[n] ? (byte) 1 : (byte) 0;
                }
                out.write(states);
            }

            @Override
            public void readState(DataInput in) throws IOException {
                ProcessState.readHeader(in, "markov", population, allowEmpty);
                double foundQ = in.readDouble();
                if (Double.doubleToLongBits(foundQ) != Double.doubleToLongBits(q)) {
                    throw new IOException("markov participation state q must be " + q + " (the receiving process), was "
                            + foundQ);
                }
                int foundLast = ProcessState.readLastRound(in, "markov");
                byte[] states = new byte[population];
                in.readFully(states);
                for (int n = 0; n < population; n++) {
                    if (states[n] != 0 && states[n] != 1) {
                        throw new IOException("markov participation state of client " + n
                                + " must be 0 (off) or 1 (on), was " + (states[n] & 0xFF));
                    }
                }
                for (int n = 0; n < population; n++) {
                    on[n] = states[n] == 1;
                }
                last = foundLast;
            }
        };
    }

    private int step(boolean[] on, RandomStream rng) {
        int k = 0;
        for (int n = 0; n < on.length; n++) {
            double u = rng.nextDouble();
            on[n] = on[n] ? u >= down[n] : u < up[n];
            if (on[n]) {
                k++;
            }
        }
        return k;
    }

    private static int count(boolean[] on) {
        int k = 0;
        for (boolean b : on) {
            if (b) {
                k++;
            }
        }
        return k;
    }

    /** p_n (a copy). */
    public double[] probabilities() {
        return p.clone();
    }

    /** q. */
    public double q() {
        return q;
    }

    /** True unless {@code allowingEmptyRounds()} was called: an empty round is redrawn or skipped. */
    @Override
    public boolean redrawsEmptyRounds() {
        return !allowEmpty;
    }

    @Override
    public String describe() {
        return "markov(q=" + q + ", N=" + p.length + ", mean p=" + ParticipationProbabilities.mean(p)
                + (allowEmpty ? ", empty rounds kept" : "") + ")";
    }
}
