package io.github.fl4j.core.data.io;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.tensor.Precision;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Reads numeric CSV files (gzipped or plain, detected from the magic bytes) into a dense {@link Dataset}.
 *
 * <h2>Format</h2>
 * One sample per line, fields separated by a configurable character (',' by default). Optionally, after
 * {@link Builder#skipLines skipped lines}, a header line names the columns. One column is the label; every other
 * column, in file order, is a feature. Blank lines are skipped; every other line must have as many fields as the
 * header (or, without a header, as the first data line). A field may be enclosed in double quotes (a quote inside is
 * written {@code ""}); surrounding spaces are trimmed. Every field must parse with {@link Double#parseDouble} to a
 * finite number; missing values are not supported.
 *
 * <h2>Options</h2>
 * Built with {@link #builder()}: separator, header (default none), label column by 0-based index (negative counts
 * from the end; default -1, the last column) or by header name, label mapping as in {@link LibSvmReader} (a label
 * outside the mapping is an error), lines to skip before the header or data, precision (default float32).
 *
 * <h2>Errors</h2>
 * {@link IOException} naming the file, the 1-based line number and, for a bad field, the 1-based column number, the
 * column's header name if any and the bad token (quoted). A label column name missing from the header, or a label
 * column index beyond the number of fields, is reported the same way.
 *
 * <p>An instance is immutable and thread-safe.
 */
public final class CsvReader {
    private final char separator;
    private final boolean header;
    private final int labelIndex;
    private final String labelName;
    private final int skipLines;
    private final Map<Double, Double> labelMapping;
    private final Precision precision;
    private final LibSvmReader.Storage storage;
    private final double densityThreshold;

    private CsvReader(Builder b) {
        this.separator = b.separator;
        this.header = b.header;
        this.labelIndex = b.labelIndex;
        this.labelName = b.labelName;
        this.skipLines = b.skipLines;
        this.labelMapping = b.labelMapping;
        this.precision = b.precision;
        this.storage = b.storage;
        this.densityThreshold = b.densityThreshold;
    }

    /** A builder: ',' separated, no header, label in the last column, labels as they are, float32. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads {@code file}: features [m, columns - 1], labels [m, 1].
     *
     * @throws IOException if the file cannot be read or is malformed (the message names file, line and column), or has
     *                     no data row (empty, or only the header) or no feature column
     */
    public Dataset read(Path file) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        return readRows(file).withSource(file.toString());
    }

    private Dataset readRows(Path file) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        int columns = -1;
        int label = -1;
        int shapeLine = 0;
        List<String> names = null;
        int rows = 0;
        double[] x = new double[4096];
        double[] y = new double[256];
        try (BufferedReader r = new BufferedReader(new InputStreamReader(DatasetDownloader.openUncompressed(file),
                StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            int lineNo = 0;
            while (true) {
                try {
                    line = r.readLine();
                } catch (IOException e) {
                    throw new IOException(file + ", line " + (lineNo + 1) + ": cannot read (" + e.getMessage() + ")",
                            e);
                }
                if (line == null) {
                    break;
                }
                lineNo++;
                if (lineNo <= skipLines || line.isBlank()) {
                    continue;
                }
                List<String> fields = split(line, file, lineNo);
                if (columns < 0) {
                    columns = fields.size();
                    shapeLine = lineNo;
                    if (header) {
                        names = new ArrayList<>(fields.size());
                        for (String f : fields) {
                            names.add(f.trim());
                        }
                    }
                    label = resolveLabel(columns, names, file, lineNo);
                    if (header) {
                        continue;
                    }
                }
                if (fields.size() != columns) {
                    throw new IOException(file + ", line " + lineNo + ": " + fields.size() + " columns, expected "
                            + columns + " (as on line " + shapeLine + ")");
                }
                int p = columns - 1;
                if ((long) (rows + 1) * p > Integer.MAX_VALUE - 16) {
                    throw new IOException(file + ", line " + lineNo + ": too many values for one dense array");
                }
                if ((long) (rows + 1) * p > x.length) {
                    x = Arrays.copyOf(x, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(2L * x.length,
                            (long) (rows + 1) * p)));
                }
                if (rows == y.length) {
                    y = Arrays.copyOf(y, rows * 2);
                }
                int base = rows * p;
                int col = 0;
                for (int c = 0; c < columns; c++) {
                    String token = fields.get(c);
                    double v = parse(token, file, lineNo, c, names);
                    if (c == label) {
                        y[rows] = LibSvmReader.mapLabel(labelMapping, v, token.trim(), file, "line " + lineNo
                                + ", column " + (c + 1) + columnName(names, c));
                    } else {
                        x[base + col++] = v;
                    }
                }
                rows++;
            }
        }
        if (rows == 0) {
            throw new IOException(file + ": no data rows (" + (columns < 0 ? "the file is empty or blank"
                    + (skipLines > 0 ? " after the " + skipLines + " skipped lines" : "")
                    : "only the header line " + shapeLine) + ")");
        }
        if (columns < 2) {
            throw new IOException(file + ", line " + shapeLine + ": one column, the label; a dataset needs at least "
                    + "one feature column");
        }
        int p = columns - 1;
        if (storage != LibSvmReader.Storage.DENSE) {
            long nnz = 0;
            long size = (long) rows * p;
            for (long k = 0; k < size; k++) {
                if (x[(int) k] != 0.0) {
                    nnz++;
                }
            }
            if (storage == LibSvmReader.Storage.SPARSE || nnz < densityThreshold * size) {
                return LibSvmReader.toSparseDataset(x, y, rows, p, (int) nnz, precision);
            }
        }
        return LibSvmReader.toDataset(x, y, rows, p, precision);
    }

    private int resolveLabel(int columns, List<String> names, Path file, int lineNo) throws IOException {
        if (labelName != null) {
            int k = names.indexOf(labelName);
            if (k < 0) {
                throw new IOException(file + ", line " + lineNo + " (header): no label column named '" + labelName
                        + "'; the columns are " + names);
            }
            return k;
        }
        int k = labelIndex < 0 ? columns + labelIndex : labelIndex;
        if (k < 0 || k >= columns) {
            throw new IOException(file + ", line " + lineNo + ": label column index " + labelIndex
                    + " does not exist: the line has " + columns + " columns");
        }
        return k;
    }

    private static String columnName(List<String> names, int c) {
        return names == null ? "" : " ('" + names.get(c) + "')";
    }

    private static double parse(String token, Path file, int lineNo, int c, List<String> names) throws IOException {
        String t = token.trim();
        if (t.isEmpty()) {
            throw new IOException(file + ", line " + lineNo + ", column " + (c + 1) + columnName(names, c)
                    + ": empty field (missing values are not supported)");
        }
        double v;
        try {
            v = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IOException(file + ", line " + lineNo + ", column " + (c + 1) + columnName(names, c)
                    + ": non-numeric token '" + t + "'");
        }
        if (!Double.isFinite(v)) {
            throw new IOException(file + ", line " + lineNo + ", column " + (c + 1) + columnName(names, c)
                    + ": non-finite token '" + t + "'");
        }
        return v;
    }

    /** Splits a line at the separator, honouring double quotes; quoted fields are returned without their quotes. */
    private List<String> split(String line, Path file, int lineNo) throws IOException {
        List<String> out = new ArrayList<>();
        if (line.indexOf('"') < 0) {
            int start = 0;
            while (true) {
                int k = line.indexOf(separator, start);
                if (k < 0) {
                    out.add(line.substring(start));
                    return out;
                }
                out.add(line.substring(start, k));
                start = k + 1;
            }
        }
        StringBuilder cur = new StringBuilder();
        boolean inQuotes = false;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (inQuotes) {
                if (ch == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        inQuotes = false;
                    }
                } else {
                    cur.append(ch);
                }
            } else if (ch == separator) {
                out.add(cur.toString());
                cur.setLength(0);
                quoted = false;
            } else if (ch == '"' && !quoted && cur.toString().isBlank()) {
                cur.setLength(0);
                inQuotes = true;
                quoted = true;
            } else {
                cur.append(ch);
            }
        }
        if (inQuotes) {
            throw new IOException(file + ", line " + lineNo + ", column " + (out.size() + 1)
                    + ": unterminated quoted field");
        }
        out.add(cur.toString());
        return out;
    }

    /** Builder of a {@link CsvReader}. */
    public static final class Builder {
        private char separator = ',';
        private boolean header;
        private int labelIndex = -1;
        private String labelName;
        private int skipLines;
        private Map<Double, Double> labelMapping = Collections.emptyMap();
        private Precision precision = Precision.FLOAT32;
        private LibSvmReader.Storage storage = LibSvmReader.Storage.DENSE;
        private double densityThreshold = LibSvmReader.DEFAULT_DENSITY_THRESHOLD;

        private Builder() {
        }

        /** The field separator (default ','); not '"', '\r' or '\n'. */
        public Builder separator(char separator) {
            if (separator == '"' || separator == '\n' || separator == '\r') {
                throw new IllegalArgumentException("separator must not be a quote or line break, was '"
                        + separator + "'");
            }
            this.separator = separator;
            return this;
        }

        /** Whether the first line (after skipped lines) is a header of column names (default false). */
        public Builder header(boolean header) {
            this.header = header;
            return this;
        }

        /** The label column by 0-based index; negative counts from the end (-1, the default, is the last column). */
        public Builder labelColumn(int index) {
            this.labelIndex = index;
            this.labelName = null;
            return this;
        }

        /** The label column by header name (requires {@link #header(boolean) header(true)}). */
        public Builder labelColumn(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("label column name must not be blank, was "
                        + (name == null ? "null" : "'" + name + "'"));
            }
            this.labelName = name.trim();
            return this;
        }

        /** Lines to skip at the start of the file, before the header or data (default 0). */
        public Builder skipLines(int lines) {
            if (lines < 0) {
                throw new IllegalArgumentException("skipLines must be >= 0, was " + lines);
            }
            this.skipLines = lines;
            return this;
        }

        /** Maps file labels to model labels, as {@link LibSvmReader.Builder#labelMapping}; empty keeps them. */
        public Builder labelMapping(Map<Double, Double> mapping) {
            this.labelMapping = LibSvmReader.checkMapping(mapping);
            return this;
        }

        /** The precision of the result (default float32). */
        public Builder precision(Precision precision) {
            if (precision == null) {
                throw new IllegalArgumentException("precision must not be null");
            }
            this.precision = precision;
            return this;
        }

        /**
         * Dense (the default: CSV files are usually dense), sparse, or by density ({@link LibSvmReader.Storage#AUTO}:
         * a sparse dataset of the non-zero values when they are fewer than {@link #densityThreshold} times m p). The
         * file is parsed into a dense heap array first either way.
         */
        public Builder storage(LibSvmReader.Storage storage) {
            if (storage == null) {
                throw new IllegalArgumentException("storage must not be null");
            }
            this.storage = storage;
            return this;
        }

        /** The density threshold of {@link LibSvmReader.Storage#AUTO}, in [0, 1], default 0.25. */
        public Builder densityThreshold(double threshold) {
            if (!(threshold >= 0.0 && threshold <= 1.0)) {
                throw new IllegalArgumentException("densityThreshold must be in [0, 1], was " + threshold);
            }
            this.densityThreshold = threshold;
            return this;
        }

        /**
         * The reader.
         *
         * @throws IllegalArgumentException if the label column is named but there is no header
         */
        public CsvReader build() {
            if (labelName != null && !header) {
                throw new IllegalArgumentException("labelColumn(\"" + labelName
                        + "\") needs a header: set header(true) or give the column index");
            }
            return new CsvReader(this);
        }
    }
}
