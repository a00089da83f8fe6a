package io.github.fl4j.core.time;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a simulation with time as CSV, one line per server version ({@value #HEADER}) and, optionally, one line per
 * finished session ({@value #SESSION_HEADER}), flushing after every version so a long run's progress is on disk as it
 * goes. The files are (re)created when a run starts, so one writer can serve several runs in turn. Numbers use '.' and
 * full double precision; NaN marks "not evaluated"; the staleness counts are {@code tau:count} pairs joined by ';'.
 */
public final class TimeCsvWriter implements TimeListener, AutoCloseable {
    /** The header of the versions file. */
    public static final String HEADER = "version,time_s,arrivals,train_loss,staleness_mean,staleness_max,"
            + "staleness_counts,in_flight,test_loss,test_accuracy,uplink_bits,downlink_bits,cumulative_uplink_bits,"
            + "cumulative_downlink_bits,wasted_updates,wasted_bits,wall_ms";
    /** The header of the sessions file. */
    public static final String SESSION_HEADER = "client,session,start_s,start_version,latency_s,download_s,"
            + "compute_s,upload_s,end_s,staleness,outcome,in_flight,samples";

    private final Path path;
    private final Path sessionsPath;
    private Writer out;
    private Writer sessions;

    /** Writes the version reports to {@code path} (parent folders created). */
    public TimeCsvWriter(Path path) {
        this(path, null);
    }

    /** Writes the version reports to {@code path} and every session to {@code sessionsPath} (if not null). */
    public TimeCsvWriter(Path path, Path sessionsPath) {
        if (path == null) {
            throw new IllegalArgumentException("path must not be null");
        }
        this.path = path;
        this.sessionsPath = sessionsPath;
    }

    /** The CSV line of one report (no newline). */
    public static String line(TimeReport r) {
        StringBuilder counts = new StringBuilder();
        long[] c = r.stalenessCounts();
        for (int tau = 0; tau < c.length; tau++) {
            if (c[tau] != 0) {
                if (counts.length() > 0) {
                    counts.append(';');
                }
                counts.append(tau).append(':').append(c[tau]);
            }
        }
        return String.format(Locale.ROOT, "%d,%s,%d,%s,%s,%d,%s,%d,%s,%s,%d,%d,%d,%d,%d,%d,%.3f", r.version(),
                num(r.time()), r.arrivals(), num(r.trainLoss()), num(r.stalenessMean()), r.stalenessMax(), counts,
                r.inFlight(), num(r.testLoss()), num(r.testAccuracy()), r.uplinkBits(), r.downlinkBits(),
                r.cumulativeUplink(), r.cumulativeDownlink(), r.wastedUpdates(), r.wastedBits(), r.wallNanos() / 1e6);
    }

    /** The CSV line of one session (no newline). */
    public static String line(SessionRecord s) {
        return String.format(Locale.ROOT, "%d,%d,%s,%d,%s,%s,%s,%s,%s,%d,%s,%d,%d", s.client(), s.session(),
                num(s.startTime()), s.startVersion(), num(s.latency()), num(s.downloadSeconds()),
                num(s.computeSeconds()), num(s.uploadSeconds()), num(s.endTime()), s.staleness(), s.outcome(),
                s.inFlight(), s.samples());
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "NaN" : Double.toString(v);
    }

    private static Writer open(Path p, String header) {
        try {
            if (p.getParent() != null) {
                Files.createDirectories(p.getParent());
            }
            Writer w = Files.newBufferedWriter(p, StandardCharsets.UTF_8);
            w.write(header);
            w.write('\n');
            w.flush();
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report file " + p + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void onStart(TimedSimulation<?, ?> simulation) {
        close();
        out = open(path, HEADER);
        if (sessionsPath != null) {
            sessions = open(sessionsPath, SESSION_HEADER);
        }
    }

    @Override
    public void onSession(SessionRecord record) {
        if (sessions == null) {
            return;
        }
        try {
            sessions.write(line(record));
            sessions.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report file " + sessionsPath + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void onVersion(TimeReport report) {
        if (out == null) {
            throw new IllegalStateException("the writer of " + path + " was not started by a simulation");
        }
        try {
            out.write(line(report));
            out.write('\n');
            out.flush();
            if (sessions != null) {
                sessions.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report file " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void onFinish(TimedResult<?> result) {
        close();
    }

    /** A failed run's lines are on disk; the files are closed. */
    @Override
    public void onFailure(RuntimeException failure, TimedResult<?> partial) {
        close();
    }

    @Override
    public void close() {
        try {
            if (out != null) {
                out.close();
            }
            if (sessions != null) {
                sessions.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close report file " + path + ": " + e.getMessage(), e);
        } finally {
            out = null;
            sessions = null;
        }
    }
}
