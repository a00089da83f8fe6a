package io.github.fl4j.experiments.grid;

import io.github.fl4j.core.sim.CsvReportWriter;
import io.github.fl4j.core.sim.RoundReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads and atomically writes the per-run files {@code runs/<cell>-seed<k>.csv}: CsvReportWriter's columns and,
 * for a timed run, {@value #TIMED_COLUMNS} after them (the staleness counts as {@code staleness:count} pairs joined
 * by ';', e.g. {@code 0:3;1:5}, zero counts left out). Files without the timed columns (untimed runs, and files
 * written before the system axis existed) are read as untimed. The privacy loss after each round is
 * CsvReportWriter's {@code epsilon} column (NaN for a non-private run).
 */
final class RunFiles {
    /** The columns a timed run adds after CsvReportWriter's. */
    static final String TIMED_COLUMNS = "virtual_time,staleness_counts,wasted_updates";
    /** The header of a timed run file. */
    static final String TIMED_HEADER = CsvReportWriter.HEADER + "," + TIMED_COLUMNS;

    /** The header of a run file of the run {@code key}. */
    static String header(RunKey key) {
        return key.timed() ? TIMED_HEADER : CsvReportWriter.HEADER;
    }

    private RunFiles() {
    }

    /** Writes the run to a temporary file next to {@code file} and moves it into place atomically. */
    static void write(Path file, RunResult run) {
        try {
            Files.createDirectories(file.getParent());
            StringBuilder sb = new StringBuilder(header(run.key())).append('\n');
            for (int i = 0; i < run.reports().size(); i++) {
                sb.append(CsvReportWriter.line(run.reports().get(i)));
                if (run.timed()) {
                    sb.append(',').append(timedColumns(run.timings().get(i)));
                }
                sb.append('\n');
            }
            AtomicFiles.write(file, sb);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write run file " + file, e);
        }
    }

    /** The timed columns of one report: virtual time, staleness counts, wasted updates (no leading comma). */
    static String timedColumns(RunResult.Timing t) {
        return t.time() + "," + staleness(t.stalenessCounts()) + "," + t.wastedUpdates();
    }

    /** Counts as {@code s:count} pairs joined by ';', zero counts left out; "" when all are zero. */
    static String staleness(long[] counts) {
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < counts.length; s++) {
            if (counts[s] != 0) {
                if (sb.length() > 0) {
                    sb.append(';');
                }
                sb.append(s).append(':').append(counts[s]);
            }
        }
        return sb.toString();
    }

    /** Parses {@link #staleness(long[])}'s form: increasing staleness values, positive counts. */
    static long[] parseStaleness(String v) {
        if (v.isEmpty()) {
            return new long[0];
        }
        String[] pairs = v.split(";", -1);
        long[] out = new long[0];
        int prev = -1;
        for (String p : pairs) {
            int c = p.indexOf(':');
            if (c < 0) {
                throw new IllegalArgumentException("staleness_counts entry '" + p + "' is not staleness:count");
            }
            int s = Integer.parseInt(p.substring(0, c));
            long n = Long.parseLong(p.substring(c + 1));
            if (s <= prev || n <= 0) {
                throw new IllegalArgumentException("staleness_counts entry '" + p
                        + "' must have a staleness above the previous one and a positive count");
            }
            out = Arrays.copyOf(out, s + 1);
            out[s] = n;
            prev = s;
        }
        return out;
    }

    /** Reads a finished run's file; fails naming the file and line on malformed content. */
    static RunResult read(RunKey key, Path file) {
        return read(key, file, null);
    }

    /**
     * Reads a run file; fails naming the file and line on malformed content. A diverged run ({@code diverged} its
     * reason, else null) may have no rounds (it failed in its first).
     */
    static RunResult read(RunKey key, Path file, String diverged) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read run file " + file, e);
        }
        boolean privacy = key.privacyAxis();
        String first = lines.isEmpty() ? "" : lines.get(0);
        boolean timed = first.equals(TIMED_HEADER);
        if (lines.isEmpty() || !(timed || first.equals(CsvReportWriter.HEADER))) {
            throw new IllegalStateException(file + ": line 1 must be the header '" + CsvReportWriter.HEADER
                    + "' (or, for a timed run, '" + TIMED_HEADER + "')");
        }
        if (timed != key.timed()) {
            throw new IllegalStateException(file + ": the run " + key + " is " + (key.timed() ? "" : "not ")
                    + "timed, but the file " + (timed ? "has" : "does not have") + " the columns " + TIMED_COLUMNS);
        }
        int base = CsvReportWriter.HEADER.split(",").length;
        int columns = timed ? base + 3 : base;
        List<RoundReport> out = new ArrayList<>();
        List<RunResult.Timing> timings = new ArrayList<>();
        List<Double> epsilons = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", -1);
            try {
                if (f.length != columns) {
                    throw new IllegalArgumentException("expected " + columns + " columns, found " + f.length);
                }
                out.add(new RoundReport(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Double.parseDouble(f[2]),
                        Double.parseDouble(f[3]), Double.parseDouble(f[4]), Long.parseLong(f[5]),
                        Long.parseLong(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8]),
                        Math.round(Double.parseDouble(f[9]) * 1e6), 0, Double.parseDouble(f[10])));
                if (timed) {
                    timings.add(new RunResult.Timing(Double.parseDouble(f[base]), parseStaleness(f[base + 1]),
                            Long.parseLong(f[base + 2])));
                }
                if (privacy) {
                    epsilons.add(out.get(out.size() - 1).epsilon());
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(file + ": line " + (i + 1) + " is malformed (" + e.getMessage()
                        + "): '" + line + "'", e);
            }
        }
        if (out.isEmpty() && diverged == null) {
            throw new IllegalStateException(file + ": no rounds");
        }
        return new RunResult(key, out, timings, epsilons, true, diverged);
    }
}
