package io.github.fl4j.benchmarks.grid;

import io.github.fl4j.core.sim.CsvReportWriter;
import io.github.fl4j.core.sim.RoundReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** Reads and atomically writes the per-run files {@code runs/<cell>-seed<k>.csv} (CsvReportWriter's columns). */
final class RunFiles {
    private RunFiles() {
    }

    /** Writes the run to a temporary file next to {@code file} and moves it into place atomically. */
    static void write(Path file, List<RoundReport> reports) {
        try {
            Files.createDirectories(file.getParent());
            StringBuilder sb = new StringBuilder(CsvReportWriter.HEADER).append('\n');
            for (RoundReport r : reports) {
                sb.append(CsvReportWriter.line(r)).append('\n');
            }
            Path tmp = Files.createTempFile(file.getParent(), ".tmp-", ".csv");
            Files.writeString(tmp, sb, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write run file " + file, e);
        }
    }

    /** Reads a run file; fails naming the file and line on malformed content. */
    static List<RoundReport> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read run file " + file, e);
        }
        if (lines.isEmpty() || !lines.get(0).equals(CsvReportWriter.HEADER)) {
            throw new IllegalStateException(file + ": line 1 must be the header '" + CsvReportWriter.HEADER + "'");
        }
        List<RoundReport> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", -1);
            try {
                if (f.length != 10) {
                    throw new IllegalArgumentException("expected 10 columns, found " + f.length);
                }
                out.add(new RoundReport(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Double.parseDouble(f[2]),
                        Double.parseDouble(f[3]), Double.parseDouble(f[4]), Long.parseLong(f[5]),
                        Long.parseLong(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8]),
                        Math.round(Double.parseDouble(f[9]) * 1e6), 0));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(file + ": line " + (i + 1) + " is malformed (" + e.getMessage()
                        + "): '" + line + "'", e);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException(file + ": no rounds");
        }
        return out;
    }
}
