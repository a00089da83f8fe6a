package io.github.fl4j.core.participation;

import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Cyclic participation (FedAU's {@code cyclic-C} pattern, Wang and Ji, ICLR 2024): client
 * n is inactive for b_n rounds, then active for a_n rounds, and so on, with
 *
 * <pre>
 *   a_n = max(1, round(C p_n)),   b_n = max(1, C - a_n),   long-run rate a_n / (a_n + b_n)  (= p_n when C p_n is whole)
 *   phase phi_n ~ uniform {0, ..., b_n - 1}:  at round 1 client n has been inactive for phi_n rounds, so
 *   client n is active in round t  iff  (phi_n + t - 1) mod (a_n + b_n) &gt;= b_n
 * </pre>
 *
 * {@code round} is Python's round-half-to-even ({@link Math#rint}), as in the reference code.
 *
 * <p><b>State.</b> The phases are drawn once per run in {@link #start}, from {@code seeds.stream(PARTICIPATION, 0,
 * GLOBAL)} (one {@link RandomStream#nextInt(int)} per client, in order); the returned process owns them. No draw is
 * made per round. The stateless {@link #select(int, int, RandomStream)} refuses to run.
 *
 * <p><b>Empty rounds.</b> By default a round in which every client is inactive is skipped: the process's clock moves
 * on (at most one period, since every client is active a_n &gt;= 1 rounds per period) to the next round with a
 * participant, and every later round is shifted by the skipped rounds. {@link #allowingEmptyRounds()} keeps the empty
 * round instead (the exact pattern above).
 *
 * <p>The process's {@link Participation.Process#writeState} form: the common header (kind {@code cyclic}, N, the
 * empty-rounds flag), C as an int (checked on reading), the last round selected as an int, the number of skipped
 * rounds as a long, then the N phases as ints. The phases are written whatever their origin ({@link #start} or
 * {@link #phases}), and on reading each must lie in {0, ..., b_n - 1} of the receiving process.
 */
public final class CyclicParticipation implements Participation {
    private final double[] p;
    private final int cycle;
    private final boolean allowEmpty;
    private final int[] active;
    private final int[] inactive;

    /**
     * @param p     the participation probability of every client, each in (0, 1] (copied)
     * @param cycle C, the nominal period in rounds, at least 1
     * @throws IllegalArgumentException naming the bad value
     */
    public CyclicParticipation(double[] p, int cycle) {
        this(ParticipationProbabilities.check(p), cycle, false);
    }

    private CyclicParticipation(double[] p, int cycle, boolean allowEmpty) {
        if (cycle < 1) {
            throw new IllegalArgumentException("cycle must be >= 1, was " + cycle);
        }
        this.p = p;
        this.cycle = cycle;
        this.allowEmpty = allowEmpty;
        this.active = new int[p.length];
        this.inactive = new int[p.length];
        for (int n = 0; n < p.length; n++) {
            active[n] = (int) Math.max(1, Math.rint(cycle * p[n]));
            inactive[n] = Math.max(1, cycle - active[n]);
        }
    }

    /** The same pattern, but a round in which every client is inactive stays empty instead of being skipped. */
    public CyclicParticipation allowingEmptyRounds() {
        return new CyclicParticipation(p, cycle, true);
    }

    /** a_n, the active rounds of client n per period. */
    public int activeRounds(int n) {
        return active[n];
    }

    /** b_n, the inactive rounds of client n per period. */
    public int inactiveRounds(int n) {
        return inactive[n];
    }

    /**
     * Whether client n with phase phi is active at clock time t (1-based), per the formula of the class comment.
     */
    public boolean isActive(int n, int phase, long t) {
        int period = active[n] + inactive[n];
        return (phase + t - 1) % period >= inactive[n];
    }

    /**
     * Not available: the pattern has memory (the phases). Use {@link #start}.
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
        int[] phase = new int[population];
        RandomStream init = seeds.stream(Purpose.PARTICIPATION, 0, SeedTree.GLOBAL);
        for (int n = 0; n < population; n++) {
            phase[n] = init.nextInt(inactive[n]);
        }
        return phases(phase);
    }

    /**
     * A process with the given phases (copied) instead of random ones, e.g. to replay a known pattern.
     *
     * @throws IllegalArgumentException if the length is not N or some phi_n is outside {0, ..., b_n - 1}
     */
    public Process phases(int[] phases) {
        ParticipationProbabilities.checkPopulation(p, phases.length);
        int[] phase = phases.clone();
        for (int n = 0; n < phase.length; n++) {
            if (phase[n] < 0 || phase[n] >= inactive[n]) {
                throw new IllegalArgumentException("phase of client " + n + " must be in [0, " + inactive[n]
                        + "), was " + phase[n]);
            }
        }
        return new Process() {
            private int last;
            private long shift;

            @Override
            public int[] select(int round, RandomStream rng) {
                if (round != last + 1) {
                    throw new IllegalStateException("rounds must be selected in order: expected round " + (last + 1)
                            + ", was " + round);
                }
                last = round;
                int[] buf = new int[phase.length];
                while (true) {
                    long t = round + shift;
                    int k = 0;
                    for (int n = 0; n < phase.length; n++) {
                        if (isActive(n, phase[n], t)) {
                            buf[k++] = n;
                        }
                    }
                    if (k > 0 || allowEmpty) {
                        return java.util.Arrays.copyOf(buf, k);
                    }
                    shift++;
                }
            }

            @Override
            public boolean allowsEmptyRounds() {
                return allowEmpty;
            }

            @Override
            public void writeState(DataOutput out) throws IOException {
                ProcessState.writeHeader(out, "cyclic", phase.length, allowEmpty);
                out.writeInt(cycle);
                out.writeInt(last);
                out.writeLong(shift);
                for (int value : phase) {
                    out.writeInt(value);
                }
            }

            @Override
            public void readState(DataInput in) throws IOException {
                ProcessState.readHeader(in, "cyclic", phase.length, allowEmpty);
                int foundCycle = in.readInt();
                if (foundCycle != cycle) {
                    throw new IOException("cyclic participation state cycle must be C=" + cycle
                            + " (the receiving process), was C=" + foundCycle);
                }
                int foundLast = ProcessState.readLastRound(in, "cyclic");
                long foundShift = in.readLong();
                if (foundShift < 0) {
                    throw new IOException("cyclic participation state skipped rounds must be >= 0, was " + foundShift);
                }
                int[] foundPhase = new int[phase.length];
                for (int n = 0; n < phase.length; n++) {
                    foundPhase[n] = in.readInt();
                    if (foundPhase[n] < 0 || foundPhase[n] >= inactive[n]) {
                        throw new IOException("cyclic participation state phase of client " + n + " must be in [0, "
                                + inactive[n] + "), was " + foundPhase[n]);
                    }
                }
                System.arraycopy(foundPhase, 0, phase, 0, phase.length);
                last = foundLast;
                shift = foundShift;
            }
        };
    }

    /** C. */
    public int cycle() {
        return cycle;
    }

    /** p_n (a copy). */
    public double[] probabilities() {
        return p.clone();
    }

    @Override
    public String describe() {
        return "cyclic(C=" + cycle + ", N=" + p.length + ", mean p=" + ParticipationProbabilities.mean(p)
                + (allowEmpty ? ", empty rounds kept" : "") + ")";
    }
}
