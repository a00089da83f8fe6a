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
 *   exact rates (default):  a_n = C p_n (must be a whole number),  b_n = C - a_n,  delivered rate a_n / C = p_n
 *   {@link #nearestRates()}:    a_n = max(1, round(C p_n)),  b_n = max(1, C - a_n),  delivered rate a_n / (a_n + b_n)
 *   phase phi_n ~ uniform {0, ..., a_n + b_n - 1} (exact rates: a uniformly random point of the cycle), or
 *   phi_n ~ uniform {0, ..., b_n - 1} ({@link #nearestRates()}, the reference code's: at round 1 client n has been
 *   inactive for phi_n rounds, so nobody is active in round 1);
 *   client n is active in round t  iff  (phi_n + t - 1) mod (a_n + b_n) &gt;= b_n
 * </pre>
 *
 * <p><b>Rates.</b> A period of C rounds can only deliver a multiple of 1/C. By default the pattern delivers exactly
 * the requested p_n, so C p_n must be a whole number in [1, C] (within 1e-9); otherwise the constructor fails naming
 * the client, p_n, C and the nearest deliverable rate (p = 0.01 with C = 10 would deliver 0.1, ten times the request).
 * {@link #nearestRates()} is the reference code's convention instead (FedAU's {@code cyclic}: {@code round} is
 * Python's round-half-to-even, {@link Math#rint}, and a_n, b_n are at least 1): its delivered rate
 * {@link #deliveredRate(int)} is within 1/(2C) of p_n when 1/2 &lt;= C p_n &lt;= C - 1/2, and may be far from it
 * otherwise.
 *
 * <p><b>State.</b> The phases are drawn once per run in {@link #start}, from {@code seeds.stream(PARTICIPATION, 0,
 * GLOBAL)} (one {@link RandomStream#nextInt(int)} per client, in order); the returned process owns them. No draw is
 * made per round. The stateless {@link #select(int, int, RandomStream)} refuses to run.
 *
 * <p><b>Empty rounds.</b> With the drawn phases, some round of every period may have no active client.
 * {@link #allowingEmptyRounds()} keeps such rounds (empty; the exact pattern above). Otherwise, with exact rates,
 * {@link #start} (and {@link #phases}) fails, naming the first such round and how many there are per period:
 * skipping them would raise every client's delivered rate by the factor L / (L - E) for E empty rounds in a period
 * of L. With {@link #nearestRates()} and without {@link #allowingEmptyRounds()}, such a round is skipped as before:
 * the process's clock moves on (at most one period) to the next round with a participant, every later round is
 * shifted by the skipped rounds, and the rates rise by that factor; {@link #redrawsEmptyRounds()} then says so, and
 * algorithms that need exact rates (FedAU) refuse the pattern.
 *
 * <p>The process's {@link Participation.Process#writeState} form: the common header (kind {@code cyclic}, N, the
 * empty-rounds flag), C as an int (checked on reading), the last round selected as an int, the number of skipped
 * rounds as a long (always 0 with exact rates, where empty rounds are refused at start), then the N phases as
 * ints. The phases are written whatever their origin ({@link #start} or {@link #phases}), and on reading each must lie
 * in the phase range above of the receiving process.
 */
public final class CyclicParticipation implements Participation {
    private final double[] p;
    private final int cycle;
    private final boolean allowEmpty;
    private final boolean nearest;
    private final int[] active;
    private final int[] inactive;

    /**
     * @param p     the participation probability of every client, each in (0, 1] (copied), with C p_n a whole
     *              number (see the class comment; {@link #nearestRates()} rounds instead)
     * @param cycle C, the period in rounds, at least 1
     * @throws IllegalArgumentException naming the bad value, or the client whose C p_n is not whole with the rate
     *                                  that would be delivered
     */
    public CyclicParticipation(double[] p, int cycle) {
        this(ParticipationProbabilities.check(p), cycle, false, false);
    }

    private CyclicParticipation(double[] p, int cycle, boolean allowEmpty, boolean nearest) {
        if (cycle < 1) {
            throw new IllegalArgumentException("cycle must be >= 1, was " + cycle);
        }
        this.p = p;
        this.cycle = cycle;
        this.allowEmpty = allowEmpty;
        this.nearest = nearest;
        this.active = new int[p.length];
        this.inactive = new int[p.length];
        for (int n = 0; n < p.length; n++) {
            double cp = cycle * p[n];
            if (nearest) {
                active[n] = (int) Math.max(1, Math.rint(cp));
                inactive[n] = Math.max(1, cycle - active[n]);
            } else {
                long whole = Math.round(cp);
                if (Math.abs(cp - whole) > 1e-9 * Math.max(1, cp) || whole < 1) {
                    long a = Math.max(1, Math.min(cycle, whole));
                    throw new IllegalArgumentException("cyclic participation: p[" + n + "] = " + p[n] + " with cycle C = "
                            + cycle + " gives C p = " + cp + " active rounds per period, not a whole number, so the "
                            + "rate p cannot be delivered (the nearest deliverable rate is " + a + "/" + cycle + " = "
                            + ((double) a / cycle) + "); choose C with C p whole (e.g. C = "
                            + suggestCycle(p[n]) + "), or use CyclicParticipation.withNearestRates(p, C) for the reference "
                            + "code's rounding");
                }
                active[n] = (int) whole;
                inactive[n] = cycle - active[n];
            }
        }
    }

    /**
     * The pattern with the reference code's rounding (see {@link #nearestRates()}), for rates p_n with C p_n not
     * whole (which the constructor refuses).
     *
     * @throws IllegalArgumentException naming the bad value
     */
    public static CyclicParticipation withNearestRates(double[] p, int cycle) {
        return new CyclicParticipation(ParticipationProbabilities.check(p), cycle, false, true);
    }

    private static String suggestCycle(double p) {
        for (int c = 1; c <= 1_000_000; c++) {
            double cp = c * p;
            if (Math.abs(cp - Math.rint(cp)) <= 1e-9 * Math.max(1, cp) && Math.rint(cp) >= 1) {
                return Integer.toString(c);
            }
        }
        return "a multiple of 1/p";
    }

    /** The same pattern, but a round in which every client is inactive stays empty (instead of failing at start). */
    public CyclicParticipation allowingEmptyRounds() {
        return new CyclicParticipation(p, cycle, true, nearest);
    }

    /**
     * The same pattern with the reference code's rounding: a_n = max(1, round(C p_n)), b_n = max(1, C - a_n), which
     * accepts any p_n but delivers {@link #deliveredRate(int)} = a_n / (a_n + b_n) rather than p_n (within 1/(2C)
     * when 1/2 &lt;= C p_n &lt;= C - 1/2). Use it to reproduce FedAU's cyclic experiments.
     */
    public CyclicParticipation nearestRates() {
        return new CyclicParticipation(p, cycle, allowEmpty, true);
    }

    /** The rate client n takes part at: a_n / (a_n + b_n) (= p_n unless {@link #nearestRates()}). */
    public double deliveredRate(int n) {
        return (double) active[n] / (active[n] + inactive[n]);
    }

    /** The number of possible phases of client n: a_n + b_n with exact rates, b_n with nearest rates. */
    public int phaseRange(int n) {
        return nearest ? Math.max(1, inactive[n]) : active[n] + inactive[n];
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
            phase[n] = init.nextInt(phaseRange(n));
        }
        return phases(phase);
    }

    /**
     * A process with the given phases (copied) instead of random ones, e.g. to replay a known pattern.
     *
     * @throws IllegalArgumentException if the length is not N or some phi_n is outside its range ({0, ..., a_n + b_n -
     *                                  1} with exact rates, {0, ..., b_n - 1} with nearest rates), or
     *                                  (unless empty rounds are allowed) some round of a period has no active client
     */
    public Process phases(int[] phases) {
        ParticipationProbabilities.checkPopulation(p, phases.length);
        int[] phase = phases.clone();
        for (int n = 0; n < phase.length; n++) {
            if (phase[n] < 0 || phase[n] >= phaseRange(n)) {
                throw new IllegalArgumentException("phase of client " + n + " must be in [0, "
                        + phaseRange(n) + "), was " + phase[n]);
            }
        }
        if (!allowEmpty && !nearest) {
            checkNoEmptyRound(phase);
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
                    if (foundPhase[n] < 0 || foundPhase[n] >= phaseRange(n)) {
                        throw new IOException("cyclic participation state phase of client " + n + " must be in [0, "
                                + phaseRange(n) + "), was " + foundPhase[n]);
                    }
                }
                System.arraycopy(foundPhase, 0, phase, 0, phase.length);
                last = foundLast;
                shift = foundShift;
            }
        };
    }

    /** Work bound of the empty-round check: the number of active intervals marked over one joint period. */
    private static final long MAX_CHECK_WORK = 200_000_000L;

    /**
     * Fails when some round of the joint period L = lcm(a_n + b_n) has no active client: skipping such rounds would
     * change every delivered rate by L / (L - E). Marks each client's active intervals in a difference array over L
     * (O(L + sum_n L / (a_n + b_n)) work, refused with a clear message above {@value #MAX_CHECK_WORK}).
     */
    private void checkNoEmptyRound(int[] phase) {
        long period = 1;
        for (int n = 0; n < phase.length; n++) {
            long q = active[n] + inactive[n];
            period = period / gcd(period, q) * q;
            if (period > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(describe() + ": the joint period of the clients' cycles exceeds "
                        + (Integer.MAX_VALUE - 8) + " rounds, so whether some round has no active client cannot be "
                        + "checked; call allowingEmptyRounds() to keep such rounds empty");
            }
        }
        long work = period;
        for (int n = 0; n < phase.length; n++) {
            work += period / (active[n] + inactive[n]);
        }
        if (work > MAX_CHECK_WORK) {
            throw new IllegalArgumentException(describe() + ": checking the joint period of " + period + " rounds for "
                    + "rounds without an active client would take " + work + " steps (limit " + MAX_CHECK_WORK
                    + "); call allowingEmptyRounds() to keep such rounds empty");
        }
        int len = (int) period;
        int[] diff = new int[len + 1];
        for (int n = 0; n < phase.length; n++) {
            int q = active[n] + inactive[n];
            // active at clock t (1-based) iff (phi + t - 1) mod q >= b, i.e. t - 1 = s - phi (mod q), s in [b, q)
            int start = Math.floorMod(inactive[n] - phase[n], q);
            for (int base = 0; base < len; base += q) {
                mark(diff, len, base + start, active[n]);
            }
        }
        int empty = 0;
        int first = -1;
        int cover = 0;
        for (int i = 0; i < len; i++) {
            cover += diff[i];
            if (cover == 0) {
                empty++;
                if (first < 0) {
                    first = i + 1;
                }
            }
        }
        if (empty > 0) {
            throw new IllegalArgumentException(describe() + " with the drawn phases leaves " + empty + " of every "
                    + len + " rounds without an active client (the first is round " + first + "); skipping them would "
                    + "raise every client's participation rate by the factor " + len + "/" + (len - empty)
                    + ", so the pattern is refused: call allowingEmptyRounds() to keep those rounds empty (exact "
                    + "rates), or use more clients or larger rates");
        }
    }

    /** Adds coverage of the {@code length} clock slots from {@code from} in [0, len), wrapping past len once. */
    private static void mark(int[] diff, int len, int from, int length) {
        int end = from + length;
        diff[from]++;
        if (end <= len) {
            diff[end]--;
        } else {
            diff[len]--;
            diff[0]++;
            diff[end - len]--;
        }
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** Whether the reference code's rounding is used ({@link #nearestRates()}). */
    public boolean roundsRates() {
        return nearest;
    }

    /** C. */
    public int cycle() {
        return cycle;
    }

    /** p_n (a copy). */
    public double[] probabilities() {
        return p.clone();
    }

    /**
     * True only for {@link #nearestRates()} without {@link #allowingEmptyRounds()}, which skips rounds without an
     * active client; with exact rates a pattern that would have such a round fails at {@link #start} instead.
     */
    @Override
    public boolean redrawsEmptyRounds() {
        return nearest && !allowEmpty;
    }

    @Override
    public String describe() {
        return "cyclic(C=" + cycle + ", N=" + p.length + ", mean p=" + ParticipationProbabilities.mean(p)
                + (nearest ? ", nearest rates" : "") + (allowEmpty ? ", empty rounds kept" : "") + ")";
    }
}
