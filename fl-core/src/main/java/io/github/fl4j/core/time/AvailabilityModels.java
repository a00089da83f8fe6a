package io.github.fl4j.core.time;

import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The availability models: when each client is online.
 *
 * <ul>
 *   <li>{@link #always()}: every client is always online.</li>
 *   <li>{@link #bernoulli}: time is cut into periods; a client is online during a whole period with probability p,
 *       independently per period and client.</li>
 *   <li>{@link #markov}: each client alternates between online and offline intervals of exponential lengths (a
 *       two-state continuous-time Markov chain started from its stationary law).</li>
 *   <li>{@link #diurnal}: like {@link #bernoulli}, with a probability that follows a daily sine wave of a random
 *       phase per client (time zones).</li>
 *   <li>{@link #replay} and {@link #replayFile}: given online intervals (a trace).</li>
 * </ul>
 *
 * <p>Conventions of every {@link Availability} made here: online intervals are half-open, {@code [from, until)}; a
 * query names a client in {@code [0, population)} and a time {@code t >= 0} (+infinity is accepted and answered by
 * +infinity), in any order (times need not increase); {@link Availability#availableUntil} of a client that is offline
 * at {@code t} returns {@code t} (it is online on no interval starting at {@code t}). A bad query fails with an
 * {@link IllegalArgumentException} naming the value.
 *
 * <p>Randomness: every draw of client {@code i} comes from {@code seeds.stream(AVAILABILITY, key, i)}, the key being
 * the period index, the interval index or {@link SeedTree#GLOBAL} as each model documents. Answers are a pure
 * function of (seed, client, t): models may cache what they have drawn, but the answer never depends on the order of
 * the queries. The models are immutable and shareable; an {@link Availability} is used by one thread.
 */
public final class AvailabilityModels {
    /**
     * The most periods {@link #bernoulli} and {@link #diurnal} examine in one query before failing (a client online
     * with a tiny probability would otherwise make a query run for ever).
     */
    public static final long MAX_SCAN_PERIODS = 10_000_000L;

    /** The header of an availability trace file ({@link #replayFile}). */
    public static final String FILE_HEADER = "client,online_from,online_until";

    /** Largest period index a query may reach (period boundaries k * period stay exact and increasing below it). */
    private static final double MAX_PERIOD_INDEX = 0x1.0p52;

    private AvailabilityModels() {
    }

    // ------------------------------------------------------------------------------------------------------------
    // Factories
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Every client is always online: {@code nextAvailable(c, t) = t}, {@code availableUntil(c, t) = +infinity}, and
     * {@link AvailabilityModel#alwaysOnline()} is true. No draws.
     */
    public static AvailabilityModel always() {
        return ALWAYS;
    }

    /**
     * Online per period with probability {@code p}: time is cut into periods {@code [k period, (k+1) period)},
     * k = 0, 1, ...; client {@code i} is online during all of period k when the first
     * {@link io.github.fl4j.core.random.RandomStream#nextDouble()} of {@code seeds.stream(AVAILABILITY, k, i)} is
     * below {@code p}. A query scans forward period by period; p = 0 answers +infinity at once, and a scan longer than
     * {@link #MAX_SCAN_PERIODS} periods fails naming the client (p too close to 0, or to 1 for
     * {@code availableUntil}).
     *
     * @param period the length of a period in seconds, finite and &gt; 0
     * @param p      the probability of being online in a period, in [0, 1]
     * @throws IllegalArgumentException naming the parameter and its value
     */
    public static AvailabilityModel bernoulli(double period, double p) {
        requireFinitePositive("period", period);
        requireProbability("p", p);
        String d = "bernoulli(period=" + period + ", p=" + p + ")";
        return new Model(d) {
            @Override
            public Availability start(int population, SeedTree seeds) {
                requireStart(population, seeds);
                return new Periodic(population, seeds, period, d, p == 0, p == 1) {
                    @Override
                    double probability(int client, long k) {
                        return p;
                    }
                };
            }
        };
    }

    /**
     * Markov on/off: client {@code i} alternates between online intervals of mean length {@code meanOnline} and
     * offline intervals of mean length {@code meanOffline}, both exponential (a two-state continuous-time Markov
     * chain). It starts from the stationary law: online at time 0 when the first
     * {@link io.github.fl4j.core.random.RandomStream#nextDouble()} of
     * {@code seeds.stream(AVAILABILITY, GLOBAL, i)} is below {@code meanOnline / (meanOnline + meanOffline)}; its
     * j-th interval (j = 0, 1, ..., interval 0 starting at time 0 in the initial state, the states alternating) lasts
     * {@code -mean * log(1 - U)} with U the first {@code nextDouble()} of {@code seeds.stream(AVAILABILITY, j, i)} and
     * {@code mean} that of the interval's state (by memorylessness, the interval under way at time 0 also has that
     * law). Interval boundaries are running sums from time 0, always added in the same order.
     *
     * <p>Cost: a query walks the client's intervals from a cached position (the last interval it found, or one of
     * the boundaries it remembers every 1024 intervals), so queries at increasing times cost O(1) amortised, and a
     * query before the cached position restarts from the nearest remembered boundary, never changing the answer.
     *
     * @param meanOnline  mean length of an online interval in seconds, finite and &gt; 0
     * @param meanOffline mean length of an offline interval in seconds, finite and &gt; 0
     * @throws IllegalArgumentException naming the parameter and its value
     */
    public static AvailabilityModel markov(double meanOnline, double meanOffline) {
        requireFinitePositive("meanOnline", meanOnline);
        requireFinitePositive("meanOffline", meanOffline);
        String d = "markov(meanOnline=" + meanOnline + ", meanOffline=" + meanOffline + ")";
        return new Model(d) {
            @Override
            public Availability start(int population, SeedTree seeds) {
                requireStart(population, seeds);
                return new Markov(population, seeds, meanOnline, meanOffline);
            }
        };
    }

    /**
     * Diurnal: as {@link #bernoulli} (same periods, same streams, same scan limit), but client {@code i} is online in
     * period k with probability {@code clamp(mean + amplitude * sin(2 pi (k period / day) + phase_i), 0, 1)}, where
     * {@code phase_i = 2 pi U}, U the first {@code nextDouble()} of {@code seeds.stream(AVAILABILITY, GLOBAL, i)}: a
     * daily cycle whose peak falls at a different hour for each client. Averaged over whole days the probability is
     * {@code mean} when {@code amplitude <= min(mean, 1 - mean)} (no clipping). With {@code amplitude = 0} it is
     * {@code bernoulli(period, mean)}, draw for draw.
     *
     * @param period    the length of a period in seconds, finite and &gt; 0
     * @param day       the length of the cycle in seconds (86400 for a day), finite and &gt; 0
     * @param mean      the mean probability of being online, in [0, 1]
     * @param amplitude the amplitude of the daily wave, finite and &gt;= 0
     * @throws IllegalArgumentException naming the parameter and its value
     */
    public static AvailabilityModel diurnal(double period, double day, double mean, double amplitude) {
        requireFinitePositive("period", period);
        requireFinitePositive("day", day);
        requireProbability("mean", mean);
        if (!(amplitude >= 0) || Double.isInfinite(amplitude)) {
            throw new IllegalArgumentException("amplitude must be finite and >= 0, was " + amplitude);
        }
        String d = "diurnal(period=" + period + ", day=" + day + ", mean=" + mean + ", amplitude=" + amplitude + ")";
        boolean never = mean + amplitude <= 0;
        boolean always = mean - amplitude >= 1;
        return new Model(d) {
            @Override
            public Availability start(int population, SeedTree seeds) {
                requireStart(population, seeds);
                double[] phase = new double[population];
                for (int i = 0; i < population; i++) {
                    phase[i] = 2 * Math.PI * seeds.stream(Purpose.AVAILABILITY, SeedTree.GLOBAL, i).nextDouble();
                }
                return new Periodic(population, seeds, period, d, never, always) {
                    @Override
                    double probability(int client, long k) {
                        double cycles = k * period / day;
                        cycles -= Math.floor(cycles);
                        double q = mean + amplitude * StrictMath.sin(2 * Math.PI * cycles + phase[client]);
                        return Math.max(0.0, Math.min(1.0, q));
                    }
                };
            }
        };
    }

    /**
     * Replayed intervals: client {@code c} is online exactly on the intervals {@code intervals.get(c)} gives, as a
     * flat array {@code from0, until0, from1, until1, ...}; clients absent from the map are never online, and
     * entries for clients {@code >= population} are ignored. The intervals of a client must be sorted and disjoint:
     * each {@code from} finite and &gt;= 0, each {@code until > from} (the last may be +infinity), each {@code from}
     * &gt;= the previous {@code until}; touching intervals ({@code from} equal to the previous {@code until}) are
     * merged. The arrays are copied. No draws.
     *
     * @param intervals per client, its online intervals
     * @throws IllegalArgumentException naming the client, the array index and the value
     */
    public static AvailabilityModel replay(Map<Integer, double[]> intervals) {
        if (intervals == null) {
            throw new IllegalArgumentException("intervals must not be null");
        }
        TreeMap<Integer, double[][]> table = new TreeMap<>();
        int count = 0;
        for (Map.Entry<Integer, double[]> e : intervals.entrySet()) {
            Integer client = e.getKey();
            if (client == null || client < 0) {
                throw new IllegalArgumentException("replay: a client id must be >= 0, was " + client);
            }
            double[] a = e.getValue();
            String who = "replay: intervals of client " + client;
            if (a == null) {
                throw new IllegalArgumentException(who + " must not be null");
            }
            if (a.length % 2 != 0) {
                throw new IllegalArgumentException(who + " must be pairs from, until (an even length), length was "
                        + a.length);
            }
            for (int j = 0; j < a.length; j += 2) {
                double from = a[j];
                double until = a[j + 1];
                if (!(from >= 0) || Double.isInfinite(from)) {
                    throw new IllegalArgumentException(who + ": [" + j + "] (online_from) must be finite and >= 0, "
                            + "was " + from);
                }
                if (!(until > from)) {
                    throw new IllegalArgumentException(who + ": [" + (j + 1) + "] (online_until) must be > "
                            + "online_from " + from + ", was " + until);
                }
                if (Double.isInfinite(until) && j + 2 < a.length) {
                    throw new IllegalArgumentException(who + ": [" + (j + 1) + "] (online_until) is +infinity, so "
                            + "the interval must be the last, but " + (a.length - j - 2) / 2 + " follow");
                }
                if (j > 0 && from < a[j - 1]) {
                    throw new IllegalArgumentException(who + ": [" + j + "] (online_from) must be >= the previous "
                            + "online_until " + a[j - 1] + " (sorted, non-overlapping), was " + from);
                }
            }
            double[][] merged = merge(a);
            if (merged[0].length > 0) {
                table.put(client, merged);
                count += merged[0].length;
            }
        }
        return new ReplayModel(table, "replay(" + table.size() + " clients, " + count + " intervals)");
    }

    /**
     * Replayed intervals read from a CSV trace (UTF-8).
     *
     * <p>Format: the header line {@code client,online_from,online_until}, then one line per online interval
     * {@code [online_from, online_until)} in seconds: a client id &gt;= 0, a finite {@code online_from} &gt;= 0 and an
     * {@code online_until} greater than it ({@code Infinity}: online until the end). Lines may come in any order and
     * a client may have any number of lines; a client's intervals must not overlap (touching ones are merged).
     * Clients without a line are never online. Fields are separated by commas, spaces around a field are ignored,
     * there is no quoting; blank lines and lines starting with {@code #} are ignored. Example:
     * <pre>
     * client,online_from,online_until
     * 0,0,3600
     * 0,7200,Infinity
     * 1,1800,5400
     * </pre>
     * Then as {@link #replay}.
     *
     * @param file the trace
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if the content is malformed: the message names the file, the line (1-based),
     *                                  the column and the value (an overlap names both lines), or says the file holds
     *                                  no interval
     */
    public static AvailabilityModel replayFile(Path file) throws IOException {
        List<TraceCsv.Row> rows = TraceCsv.read(file, FILE_HEADER.split(","));
        record Interval(double from, double until, int line) {
        }
        TreeMap<Integer, List<Interval>> byClient = new TreeMap<>();
        for (TraceCsv.Row row : rows) {
            int client = row.clientId(0);
            double from = row.number(1);
            if (!(from >= 0) || Double.isInfinite(from)) {
                throw row.error(1, "must be finite and >= 0");
            }
            double until = row.number(2);
            if (!(until > from)) {
                throw row.error(2, "must be > online_from (" + row.fields()[1] + ")");
            }
            byClient.computeIfAbsent(client, c -> new ArrayList<>()).add(new Interval(from, until, row.line()));
        }
        if (byClient.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no interval lines after the header");
        }
        TreeMap<Integer, double[][]> table = new TreeMap<>();
        int count = 0;
        for (Map.Entry<Integer, List<Interval>> e : byClient.entrySet()) {
            List<Interval> list = e.getValue();
            list.sort(Comparator.comparingDouble(Interval::from));
            double[] flat = new double[2 * list.size()];
            for (int j = 0; j < list.size(); j++) {
                Interval cur = list.get(j);
                if (j > 0) {
                    Interval prev = list.get(j - 1);
                    if (cur.from() < prev.until()) {
                        throw new IllegalArgumentException(file + " line " + cur.line() + ": client " + e.getKey()
                                + " interval [" + cur.from() + ", " + cur.until() + ") overlaps its interval ["
                                + prev.from() + ", " + prev.until() + ") of line " + prev.line());
                    }
                }
                flat[2 * j] = cur.from();
                flat[2 * j + 1] = cur.until();
            }
            double[][] merged = merge(flat);
            table.put(e.getKey(), merged);
            count += merged[0].length;
        }
        return new ReplayModel(table, "replayFile(" + file + ": " + table.size() + " clients, " + count
                + " intervals)");
    }

    // ------------------------------------------------------------------------------------------------------------
    // Implementations
    // ------------------------------------------------------------------------------------------------------------

    private static final AvailabilityModel ALWAYS = new Model("always") {
        @Override
        public Availability start(int population, SeedTree seeds) {
            requireStart(population, seeds);
            return new Availability() {
                @Override
                public double nextAvailable(int client, double t) {
                    requireQuery(client, t, population);
                    return t;
                }

                @Override
                public double availableUntil(int client, double t) {
                    requireQuery(client, t, population);
                    return Double.POSITIVE_INFINITY;
                }
            };
        }

        @Override
        public boolean alwaysOnline() {
            return true;
        }
    };

    private abstract static class Model implements AvailabilityModel {
        private final String description;

        Model(String description) {
            this.description = description;
        }

        @Override
        public String describe() {
            return description;
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /** Online or offline for whole periods [k period, (k+1) period), with a probability per client and period. */
    private abstract static class Periodic implements Availability {
        private final int population;
        private final SeedTree seeds;
        private final double period;
        private final String model;
        private final boolean never;
        private final boolean always;

        Periodic(int population, SeedTree seeds, double period, String model, boolean never, boolean always) {
            this.population = population;
            this.seeds = seeds;
            this.period = period;
            this.model = model;
            this.never = never;
            this.always = always;
        }

        /** The probability that {@code client} is online in period {@code k}. */
        abstract double probability(int client, long k);

        private boolean online(int client, long k) {
            double p = probability(client, k);
            if (p <= 0) {
                return false;
            }
            if (p >= 1) {
                return true;
            }
            return seeds.stream(Purpose.AVAILABILITY, k, client).nextDouble() < p;
        }

        /** The k with k period &lt;= t &lt; (k+1) period, with the boundaries computed as products. */
        private long periodIndex(double t) {
            double q = t / period;
            if (q >= MAX_PERIOD_INDEX) {
                throw new IllegalArgumentException("t is too far for " + model + ": t / period must be < 2^52, t was "
                        + t);
            }
            long k = (long) Math.floor(q);
            while (k > 0 && k * period > t) {
                k--;
            }
            while ((k + 1) * period <= t) {
                k++;
            }
            return k;
        }

        @Override
        public double nextAvailable(int client, double t) {
            requireQuery(client, t, population);
            if (never || t == Double.POSITIVE_INFINITY) {
                return Double.POSITIVE_INFINITY;
            }
            if (always) {
                return t;
            }
            long k = periodIndex(t);
            if (online(client, k)) {
                return t;
            }
            for (long j = k + 1; j <= k + MAX_SCAN_PERIODS; j++) {
                if (online(client, j)) {
                    return j * period;
                }
            }
            throw new IllegalStateException(model + ": client " + client + " was offline in all of the "
                    + MAX_SCAN_PERIODS + " periods after t=" + t + " (its probability of being online is too close "
                    + "to 0, or 0 in every period)");
        }

        @Override
        public double availableUntil(int client, double t) {
            requireQuery(client, t, population);
            if (always || t == Double.POSITIVE_INFINITY) {
                return Double.POSITIVE_INFINITY;
            }
            if (never) {
                return t;
            }
            long k = periodIndex(t);
            if (!online(client, k)) {
                return t;
            }
            for (long j = k + 1; j <= k + MAX_SCAN_PERIODS; j++) {
                if (!online(client, j)) {
                    return j * period;
                }
            }
            throw new IllegalStateException(model + ": client " + client + " was online in all of the "
                    + MAX_SCAN_PERIODS + " periods after t=" + t + " (its probability of being online is too close "
                    + "to 1, or 1 in every period)");
        }
    }

    /** Alternating exponential intervals; per client a cursor and a boundary every {@link #STRIDE} intervals. */
    private static final class Markov implements Availability {
        /** A boundary is remembered every STRIDE intervals. */
        static final int STRIDE = 1024;
        private static final byte UNKNOWN = 0;
        private static final byte ONLINE = 1;
        private static final byte OFFLINE = 2;

        private final int population;
        private final SeedTree seeds;
        private final double meanOnline;
        private final double meanOffline;
        private final byte[] initial;
        /** The cursor: the interval index (-1: none yet) and its bounds [start, end). */
        private final long[] index;
        private final double[] start;
        private final double[] end;
        /** checkpoints[c][m] = start of interval m * STRIDE; counts[c] of them known. */
        private final double[][] checkpoints;
        private final int[] counts;

        Markov(int population, SeedTree seeds, double meanOnline, double meanOffline) {
            this.population = population;
            this.seeds = seeds;
            this.meanOnline = meanOnline;
            this.meanOffline = meanOffline;
            this.initial = new byte[population];
            this.index = new long[population];
            Arrays.fill(index, -1);
            this.start = new double[population];
            this.end = new double[population];
            this.checkpoints = new double[population][];
            this.counts = new int[population];
        }

        private boolean initiallyOnline(int c) {
            if (initial[c] == UNKNOWN) {
                double u = seeds.stream(Purpose.AVAILABILITY, SeedTree.GLOBAL, c).nextDouble();
                initial[c] = u < meanOnline / (meanOnline + meanOffline) ? ONLINE : OFFLINE;
            }
            return initial[c] == ONLINE;
        }

        private boolean online(int c, long j) {
            return ((j & 1) == 0) == initiallyOnline(c);
        }

        private double length(int c, long j) {
            double u = seeds.stream(Purpose.AVAILABILITY, j, c).nextDouble();
            return -(online(c, j) ? meanOnline : meanOffline) * StrictMath.log(1.0 - u);
        }

        /** Moves the cursor of {@code c} to the interval containing {@code t} (start &lt;= t &lt; end). */
        private void locate(int c, double t) {
            if (index[c] < 0 || t < start[c]) {
                if (checkpoints[c] == null) {
                    checkpoints[c] = new double[] {0.0};
                    counts[c] = 1;
                }
                double[] cp = checkpoints[c];
                int lo = 0;
                int hi = counts[c] - 1;
                while (lo < hi) {
                    int mid = (lo + hi + 1) >>> 1;
                    if (cp[mid] <= t) {
                        lo = mid;
                    } else {
                        hi = mid - 1;
                    }
                }
                long j = (long) lo * STRIDE;
                index[c] = j;
                start[c] = cp[lo];
                end[c] = cp[lo] + length(c, j);
            }
            while (t >= end[c]) {
                long j = index[c] + 1;
                double s = end[c];
                if (j % STRIDE == 0 && j / STRIDE == counts[c]) {
                    if (counts[c] == checkpoints[c].length) {
                        checkpoints[c] = Arrays.copyOf(checkpoints[c], 2 * counts[c]);
                    }
                    checkpoints[c][counts[c]++] = s;
                }
                index[c] = j;
                start[c] = s;
                end[c] = s + length(c, j);
            }
        }

        @Override
        public double nextAvailable(int client, double t) {
            requireQuery(client, t, population);
            if (t == Double.POSITIVE_INFINITY) {
                return t;
            }
            while (true) {
                locate(client, t);
                if (online(client, index[client])) {
                    return t;
                }
                t = end[client];
            }
        }

        @Override
        public double availableUntil(int client, double t) {
            requireQuery(client, t, population);
            if (t == Double.POSITIVE_INFINITY) {
                return t;
            }
            locate(client, t);
            if (!online(client, index[client])) {
                return t;
            }
            double until = end[client];
            while (true) {
                // An offline interval of length 0 (a boundary sum that did not move) is no time offline.
                locate(client, until);
                if (!online(client, index[client])) {
                    return until;
                }
                until = end[client];
            }
        }
    }

    private static final class ReplayModel extends Model {
        /** Per client {starts, ends}, merged. */
        private final TreeMap<Integer, double[][]> table;

        ReplayModel(TreeMap<Integer, double[][]> table, String description) {
            super(description);
            this.table = table;
        }

        @Override
        public Availability start(int population, SeedTree seeds) {
            requireStart(population, seeds);
            double[][][] byClient = new double[population][][];
            for (Map.Entry<Integer, double[][]> e : table.headMap(population).entrySet()) {
                byClient[e.getKey()] = e.getValue();
            }
            return new Availability() {
                @Override
                public double nextAvailable(int client, double t) {
                    requireQuery(client, t, population);
                    double[][] iv = byClient[client];
                    if (iv == null || t == Double.POSITIVE_INFINITY) {
                        return Double.POSITIVE_INFINITY;
                    }
                    int j = lastStartAtOrBefore(iv[0], t);
                    if (j >= 0 && t < iv[1][j]) {
                        return t;
                    }
                    return j + 1 < iv[0].length ? iv[0][j + 1] : Double.POSITIVE_INFINITY;
                }

                @Override
                public double availableUntil(int client, double t) {
                    requireQuery(client, t, population);
                    double[][] iv = byClient[client];
                    if (t == Double.POSITIVE_INFINITY) {
                        return t;
                    }
                    if (iv == null) {
                        return t;
                    }
                    int j = lastStartAtOrBefore(iv[0], t);
                    return j >= 0 && t < iv[1][j] ? iv[1][j] : t;
                }
            };
        }
    }

    /** The largest j with starts[j] &lt;= t, or -1. */
    private static int lastStartAtOrBefore(double[] starts, double t) {
        int lo = 0;
        int hi = starts.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] <= t) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Sorted, disjoint flat intervals to {starts, ends} with touching intervals merged. */
    private static double[][] merge(double[] flat) {
        double[] starts = new double[flat.length / 2];
        double[] ends = new double[flat.length / 2];
        int n = 0;
        for (int j = 0; j < flat.length; j += 2) {
            if (n > 0 && flat[j] == ends[n - 1]) {
                ends[n - 1] = flat[j + 1];
            } else {
                starts[n] = flat[j];
                ends[n] = flat[j + 1];
                n++;
            }
        }
        return new double[][] {Arrays.copyOf(starts, n), Arrays.copyOf(ends, n)};
    }

    // ------------------------------------------------------------------------------------------------------------
    // Validation
    // ------------------------------------------------------------------------------------------------------------

    private static void requireStart(int population, SeedTree seeds) {
        if (population < 1) {
            throw new IllegalArgumentException("population must be >= 1, was " + population);
        }
        if (seeds == null) {
            throw new IllegalArgumentException("seeds must not be null");
        }
    }

    private static void requireQuery(int client, double t, int population) {
        if (client < 0 || client >= population) {
            throw new IllegalArgumentException("client must be in [0, " + population + "), was " + client);
        }
        if (!(t >= 0)) {
            throw new IllegalArgumentException("t must be >= 0, was " + t);
        }
    }

    private static void requireFinitePositive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, was " + v);
        }
    }

    private static void requireProbability(String name, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], was " + v);
        }
    }
}
