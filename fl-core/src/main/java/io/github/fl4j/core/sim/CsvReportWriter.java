package io.github.fl4j.core.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes one CSV line per round (header first) and flushes after each, so a long run's progress is on disk as it
 * goes. Columns: {@value #HEADER}. Numbers use '.' as decimal separator and full double precision; NaN marks "not
 * evaluated" (and, in the last column, "no privacy accountant").
 */
public final class CsvReportWriter implements RoundListener, AutoCloseable {
    /** The header line. */
    public static final String HEADER = "round,participants,train_loss,test_loss,test_accuracy,uplink_bits,"
            + "downlink_bits,cumulative_uplink_bits,cumulative_downlink_bits,wall_ms,epsilon";

    private Writer out;
    private final Path path;

    /** Writes to {@code path} (created or truncated; parent folders created). */
    public CsvReportWriter(Path path) {
        if (path == null) {
            throw new IllegalArgumentException("path must not be null");
        }
        this.path = path;
        this.out = open(path);
    }

    private static Writer open(Path path) {
        try {
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            Writer w = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
            w.write(HEADER);
            w.write('\n');
            w.flush();
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report file " + path + ": " + e.getMessage(), e);
        }
    }

    /** A writer that finished a run starts the file again for the next one (so one writer can serve several runs). */
    @Override
    public void onStart(Simulation<?, ?> simulation) {
        if (out == null) {
            out = open(path);
        }
    }

    /** The CSV line of one report (no newline). */
    public static String line(RoundReport r) {
        return String.format(Locale.ROOT, "%d,%d,%s,%s,%s,%d,%d,%d,%d,%.3f,%s", r.round(), r.participants(),
                num(r.trainLoss()), num(r.testLoss()), num(r.testAccuracy()), r.uplinkBits(), r.downlinkBits(),
                r.cumulativeUplink(), r.cumulativeDownlink(), r.wallNanos() / 1e6, num(r.epsilon()));
    }

    static String num(double v) {
        return Double.isNaN(v) ? "NaN" : Double.toString(v);
    }

    @Override
    public void onRound(RoundReport report) {
        if (out == null) {
            throw new IllegalStateException("the report writer of " + path + " is closed");
        }
        try {
            out.write(line(report));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report file " + path, e);
        }
    }

    @Override
    public void onFinish(SimulationResult<?> result) {
        close();
    }

    /** A failed run's lines are on disk (each was flushed); the file is closed. */
    @Override
    public void onFailure(RuntimeException failure, SimulationResult<?> partial) {
        close();
    }

    @Override
    public void close() {
        if (out == null) {
            return;
        }
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close report file " + path, e);
        } finally {
            out = null;
        }
    }
}
