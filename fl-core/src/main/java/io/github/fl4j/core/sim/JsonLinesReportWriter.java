package io.github.fl4j.core.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes one JSON object per round per line (JSON Lines), flushed after each. Keys match the CSV columns of
 * {@link CsvReportWriter}; values not evaluated, and the epsilon of a run without privacy accountant, are written as
 * {@code null} (JSON has no NaN).
 */
public final class JsonLinesReportWriter implements RoundListener, AutoCloseable {
    private Writer out;
    private final Path path;

    /** Writes to {@code path} (created or truncated; parent folders created). */
    public JsonLinesReportWriter(Path path) {
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

    /** The JSON object of one report (one line, no newline). */
    public static String line(RoundReport r) {
        return String.format(Locale.ROOT, "{\"round\":%d,\"participants\":%d,\"train_loss\":%s,\"test_loss\":%s,"
                        + "\"test_accuracy\":%s,\"uplink_bits\":%d,\"downlink_bits\":%d,\"cumulative_uplink_bits\":%d,"
                        + "\"cumulative_downlink_bits\":%d,\"wall_ms\":%.3f,\"epsilon\":%s}", r.round(), r.participants(),
                num(r.trainLoss()), num(r.testLoss()), num(r.testAccuracy()), r.uplinkBits(), r.downlinkBits(),
                r.cumulativeUplink(), r.cumulativeDownlink(), r.wallNanos() / 1e6, num(r.epsilon()));
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
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
