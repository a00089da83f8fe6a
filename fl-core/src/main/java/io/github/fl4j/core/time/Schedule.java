package io.github.fl4j.core.time;

/**
 * When clients start sessions (the arrival model) and which uploads the server still accepts.
 *
 * <ul>
 *   <li><b>Rounds</b> ({@link #rounds()}), for synchronous algorithms: at the start of round r the participation
 *       model selects clients (or, with {@link #overSelection}, ceil(f m) clients uniformly among the idle ones);
 *       each starts its session when it is next online; the round closes when every selected session has ended,
 *       at the {@link #firstK K}-th arrival, or at the {@link #deadline}, whichever comes first. Uploads that arrive
 *       after their round closed are dropped as wasted (a synchronous server cannot use a stale update).</li>
 *   <li><b>Closed</b> ({@link #closed(int)}): C sessions always in flight: at time 0 a uniform set of C clients
 *       starts, in increasing id order; when a session ends, a client drawn uniformly among the idle clients that are
 *       online starts (when none is online, the idle client that comes online first, when it does). FedBuff's "concurrency", FedScale's
 *       {@code max_concurrency}.</li>
 *   <li><b>Open</b> ({@link #poisson(double)}, {@link #everyInterval(double)}): sessions start at the times of a
 *       Poisson process or at a constant interval, each with a client drawn uniformly among the idle clients that are
 *       online (none idle: the start is skipped and counted; none online: the first to come online starts then); the number in flight emerges as rate times mean duration.</li>
 * </ul>
 * {@link #maxStaleness} drops asynchronous uploads older than tau_max server versions (counted as wasted work and
 * bits). Immutable.
 */
public final class Schedule {
    /** The arrival model. */
    public enum Kind {
        /** Synchronous rounds. */
        ROUNDS,
        /** A fixed number of sessions in flight. */
        CLOSED,
        /** Session starts at Poisson times. */
        POISSON,
        /** Session starts at a constant interval. */
        INTERVAL,
        /** Session starts replayed from a trace: given times and clients. */
        REPLAY
    }

    private final Kind kind;
    private final int concurrency;
    private final double rate;
    private final int firstK;
    private final double deadline;
    private final double overSelection;
    private final long maxStaleness;
    private final double[] replayTimes;
    private final int[] replayClients;

    private Schedule(Kind kind, int concurrency, double rate, int firstK, double deadline, double overSelection,
                     long maxStaleness) {
        this(kind, concurrency, rate, firstK, deadline, overSelection, maxStaleness, null, null);
    }

    private Schedule(Kind kind, int concurrency, double rate, int firstK, double deadline, double overSelection,
                     long maxStaleness, double[] replayTimes, int[] replayClients) {
        this.replayTimes = replayTimes;
        this.replayClients = replayClients;
        this.kind = kind;
        this.concurrency = concurrency;
        this.rate = rate;
        this.firstK = firstK;
        this.deadline = deadline;
        this.overSelection = overSelection;
        this.maxStaleness = maxStaleness;
    }

    /** Synchronous rounds that wait for every selected client. */
    public static Schedule rounds() {
        return new Schedule(Kind.ROUNDS, 0, 0, 0, Double.POSITIVE_INFINITY, 1.0, 0);
    }

    /** C sessions always in flight (C &gt;= 1, at most the population). */
    public static Schedule closed(int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be >= 1, was " + concurrency);
        }
        return new Schedule(Kind.CLOSED, concurrency, 0, 0, Double.POSITIVE_INFINITY, 1.0, Long.MAX_VALUE);
    }

    /** Session starts at the times of a Poisson process of {@code ratePerSecond} (&gt; 0). */
    public static Schedule poisson(double ratePerSecond) {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("ratePerSecond must be finite and > 0, was " + ratePerSecond);
        }
        return new Schedule(Kind.POISSON, 0, ratePerSecond, 0, Double.POSITIVE_INFINITY, 1.0, Long.MAX_VALUE);
    }

    /** A session start every {@code seconds} (&gt; 0), the first at {@code seconds}. */
    public static Schedule everyInterval(double seconds) {
        if (!(seconds > 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("interval seconds must be finite and > 0, was " + seconds);
        }
        return new Schedule(Kind.INTERVAL, 0, 1.0 / seconds, 0, Double.POSITIVE_INFINITY, 1.0, Long.MAX_VALUE);
    }

    /**
     * Session starts replayed from a trace: client {@code clients[k]} starts a session at {@code times[k]} (times
     * non-decreasing, &gt;= 0); a start whose client is still in a session is skipped and counted. For reproducing
     * recorded arrivals and peers' event lists exactly.
     */
    public static Schedule replay(double[] times, int[] clients) {
        if (times == null || clients == null || times.length != clients.length || times.length == 0) {
            throw new IllegalArgumentException("replay needs equally long, non-empty times and clients, had "
                    + (times == null ? "null" : times.length) + " and " + (clients == null ? "null" : clients.length));
        }
        for (int k = 0; k < times.length; k++) {
            if (!(times[k] >= 0) || Double.isInfinite(times[k]) || (k > 0 && times[k] < times[k - 1])) {
                throw new IllegalArgumentException("replay times must be finite, >= 0 and non-decreasing; times["
                        + k + "] was " + times[k]);
            }
            if (clients[k] < 0) {
                throw new IllegalArgumentException("replay clients must be >= 0; clients[" + k + "] was "
                        + clients[k]);
            }
        }
        return new Schedule(Kind.REPLAY, 0, 0, 0, Double.POSITIVE_INFINITY, 1.0, Long.MAX_VALUE, times.clone(),
                clients.clone());
    }

    /** Replay only: the number of recorded starts. */
    public int replayLength() {
        return replayTimes == null ? 0 : replayTimes.length;
    }

    /** Replay only: the time of start {@code k}. */
    public double replayTime(int k) {
        return replayTimes[k];
    }

    /** Replay only: the client of start {@code k}. */
    public int replayClient(int k) {
        return replayClients[k];
    }

    /** Rounds only: the round closes at the K-th arrival (K &gt;= 1). */
    public Schedule firstK(int k) {
        requireRounds("firstK");
        if (k < 1) {
            throw new IllegalArgumentException("firstK must be >= 1, was " + k);
        }
        return new Schedule(kind, concurrency, rate, k, deadline, overSelection, maxStaleness, replayTimes,
                replayClients);
    }

    /** Rounds only: the round closes at most {@code seconds} after it started (&gt; 0). */
    public Schedule deadline(double seconds) {
        requireRounds("deadline");
        if (!(seconds > 0) || Double.isNaN(seconds)) {
            throw new IllegalArgumentException("deadline must be > 0 seconds, was " + seconds);
        }
        return new Schedule(kind, concurrency, rate, firstK, seconds, overSelection, maxStaleness, replayTimes,
                replayClients);
    }

    /**
     * Rounds only: select ceil(f m) clients uniformly among the idle ones (m = the configured clients per round) and
     * close the round at the m-th arrival (FedScale over-commits by 1.3). f &gt;= 1.
     */
    public Schedule overSelection(double factor) {
        requireRounds("overSelection");
        if (!(factor >= 1) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("overSelection factor must be finite and >= 1, was " + factor);
        }
        return new Schedule(kind, concurrency, rate, firstK, deadline, factor, maxStaleness, replayTimes,
                replayClients);
    }

    /** Asynchronous schedules only: drop uploads more than {@code tauMax} (&gt;= 0) server versions old. */
    public Schedule maxStaleness(long tauMax) {
        if (kind == Kind.ROUNDS) {
            throw new IllegalArgumentException("maxStaleness applies to asynchronous schedules; rounds accept only "
                    + "uploads of the current round (staleness 0)");
        }
        if (tauMax < 0) {
            throw new IllegalArgumentException("maxStaleness must be >= 0, was " + tauMax);
        }
        return new Schedule(kind, concurrency, rate, firstK, deadline, overSelection, tauMax, replayTimes,
                replayClients);
    }

    private void requireRounds(String what) {
        if (kind != Kind.ROUNDS) {
            throw new IllegalArgumentException(what + " applies to the rounds schedule, not to " + describe());
        }
    }

    /** The arrival model. */
    public Kind kind() {
        return kind;
    }

    /** Sessions in flight (closed), 0 otherwise. */
    public int concurrency() {
        return concurrency;
    }

    /** Starts per second (Poisson, interval), 0 otherwise. */
    public double rate() {
        return rate;
    }

    /** K of first-K rounds, 0 when the round waits for all. */
    public int firstK() {
        return firstK;
    }

    /** The round deadline in seconds, +infinity when none. */
    public double deadline() {
        return deadline;
    }

    /** The over-selection factor (1 = none). */
    public double overSelectionFactor() {
        return overSelection;
    }

    /** The largest accepted staleness (0 for rounds; {@code Long.MAX_VALUE} when unlimited). */
    public long maxStalenessValue() {
        return maxStaleness;
    }

    /** True for rounds that always include every selected client (no first-K, deadline or over-selection). */
    public boolean waitsForAll() {
        return kind == Kind.ROUNDS && firstK == 0 && Double.isInfinite(deadline) && overSelection == 1.0;
    }

    /** A one-line description with the parameters. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        switch (kind) {
            case ROUNDS -> {
                b.append("rounds(");
                String sep = "";
                if (firstK > 0) {
                    b.append("first ").append(firstK);
                    sep = ", ";
                }
                if (!Double.isInfinite(deadline)) {
                    b.append(sep).append("deadline ").append(deadline).append(" s");
                    sep = ", ";
                }
                if (overSelection != 1.0) {
                    b.append(sep).append("over-selection ").append(overSelection);
                    sep = ", ";
                }
                if (sep.isEmpty()) {
                    b.append("wait for all");
                }
                b.append(')');
            }
            case CLOSED -> b.append("closed(concurrency ").append(concurrency).append(')');
            case POISSON -> b.append("poisson(").append(rate).append(" per s)");
            case INTERVAL -> b.append("interval(").append(1.0 / rate).append(" s)");
            case REPLAY -> b.append("replay(").append(replayTimes.length).append(" starts, hash ")
                    .append(Integer.toHexString(java.util.Arrays.hashCode(replayTimes) * 31
                            + java.util.Arrays.hashCode(replayClients))).append(')');
            default -> throw new IllegalStateException();
        }
        if (kind != Kind.ROUNDS && maxStaleness != Long.MAX_VALUE) {
            b.append(", max staleness ").append(maxStaleness);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
