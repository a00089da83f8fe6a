package io.github.fl4j.core.time;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The small CSV dialect of the trace files ({@link Devices#fromFile}, {@link AvailabilityModels#replayFile}): UTF-8,
 * a header line naming the columns exactly, then one record per line, fields separated by commas, spaces around a
 * field ignored. Blank lines and lines whose first non-blank character is {@code '#'} are skipped (also before the
 * header). No quoting. Errors name the file, the line (1-based), the column and the bad value.
 */
final class TraceCsv {
    private TraceCsv() {
    }

    /** One record: its 1-based line number and its trimmed fields. */
    record Row(Path file, int line, String[] columns, String[] fields) {

        /** The field of column {@code c} as a double (accepts {@code Infinity}); fails naming file, line, column. */
        double number(int c) {
            String v = fields[c];
            double x;
            try {
                x = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw error(c, "is not a number");
            }
            if (Double.isNaN(x)) {
                throw error(c, "is not a number");
            }
            return x;
        }

        /** The field of column {@code c} as a non-negative int client id. */
        int clientId(int c) {
            String v = fields[c];
            int x;
            try {
                x = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw error(c, "is not an integer client id");
            }
            if (x < 0) {
                throw error(c, "must be >= 0");
            }
            return x;
        }

        /** An error naming the file, this line, column {@code c} and its value, then {@code what}. */
        IllegalArgumentException error(int c, String what) {
            return new IllegalArgumentException(file + " line " + line + ": " + columns[c] + " '" + fields[c] + "' "
                    + what);
        }

        /** An error naming the file and this line, then {@code what}. */
        IllegalArgumentException error(String what) {
            return new IllegalArgumentException(file + " line " + line + ": " + what);
        }
    }

    /**
     * Reads {@code file}: checks the header against {@code columns} and returns the records, each with exactly that
     * many fields.
     *
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if the header is missing or different, or a line has the wrong field count
     */
    static List<Row> read(Path file, String... columns) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        String header = String.join(",", columns);
        List<Row> rows = new ArrayList<>();
        boolean headerSeen = false;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNumber = 0;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                String trimmed = line.strip();
                if (lineNumber == 1 && trimmed.startsWith("\uFEFF")) {
                    trimmed = trimmed.substring(1).strip();
                }
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                String[] fields = trimmed.split(",", -1);
                for (int i = 0; i < fields.length; i++) {
                    fields[i] = fields[i].strip();
                }
                if (!headerSeen) {
                    if (!String.join(",", fields).equals(header)) {
                        throw new IllegalArgumentException(file + " line " + lineNumber + ": the header must be '"
                                + header + "', was '" + trimmed + "'");
                    }
                    headerSeen = true;
                    continue;
                }
                if (fields.length != columns.length) {
                    throw new IllegalArgumentException(file + " line " + lineNumber + ": expected "
                            + columns.length + " comma-separated fields (" + header + "), found " + fields.length
                            + " in '" + trimmed + "'");
                }
                rows.add(new Row(file, lineNumber, columns, fields));
            }
        }
        if (!headerSeen) {
            throw new IllegalArgumentException(file + " is empty: expected the header '" + header + "'");
        }
        return rows;
    }
}
