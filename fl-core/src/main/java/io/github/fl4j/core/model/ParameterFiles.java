package io.github.fl4j.core.model;

import io.github.fl4j.core.tensor.Precision;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Flat parameter vectors as text files, one value per line: to start every method from the same saved point (as the
 * EF21 experiments share one {@code w_init}), or to export a trained model for other tools.
 *
 * <p><b>Format</b> (UTF-8). One decimal number per line, in index order. {@code '#'} starts a comment that runs to
 * the end of the line; lines that are blank after removing the comment are skipped. A number is an optional sign,
 * digits with an optional fraction (or a fraction alone) and an optional exponent ({@code 1}, {@code -0.5},
 * {@code .25}, {@code 1e-3}, {@code 6.02E23}); Java-only forms such as {@code 1f}, {@code 0x1p3} and the words
 * {@code NaN} and {@code Infinity} are rejected, as is a value outside the range of the precision read into.
 *
 * <p><b>Exactness.</b> {@link #write} prints float64 values with {@link Double#toString(double)} and float32 values
 * with {@link Float#toString(float)} (the shortest decimals that identify the value), and {@link #read} parses with
 * {@link Double#parseDouble} or {@link Float#parseFloat} (correctly rounded), so write-then-read is bit-exact in both
 * precisions (negative zero included).
 *
 * <p>Stateless and thread-safe.
 */
public final class ParameterFiles {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private ParameterFiles() {
    }

    /**
     * Reads a parameter vector.
     *
     * @param file              the file
     * @param expectedDimension d, the number of values the file must hold, in [1, Integer.MAX_VALUE]
     * @param precision         the precision of the returned vector
     * @return a new contiguous vector of length d
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if a line is malformed, not finite or out of range (naming the file, the line
     *                                  and the token), or the count differs from d (naming both)
     */
    public static INDArray read(Path file, long expectedDimension, Precision precision) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        if (expectedDimension < 1 || expectedDimension > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("expectedDimension must be in [1, " + Integer.MAX_VALUE + "], was "
                    + expectedDimension);
        }
        if (precision == null) {
            throw new IllegalArgumentException("precision must not be null");
        }
        int d = (int) expectedDimension;
        boolean isDouble = precision == Precision.FLOAT64;
        double[] doubles = isDouble ? new double[d] : null;
        float[] floats = isDouble ? null : new float[d];
        long found = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNumber = 0;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                int hash = line.indexOf('#');
                String content = (hash >= 0 ? line.substring(0, hash) : line).trim();
                if (content.isEmpty()) {
                    continue;
                }
                String[] tokens = content.split("\\s+");
                if (tokens.length != 1) {
                    throw new IllegalArgumentException(file + " line " + lineNumber + ": expected one value per line, "
                            + "found " + tokens.length + " tokens '" + content + "'");
                }
                String token = tokens[0];
                if (!DECIMAL.matcher(token).matches()) {
                    throw new IllegalArgumentException(file + " line " + lineNumber + ": '" + token
                            + "' is not a finite decimal number");
                }
                if (isDouble) {
                    double v = Double.parseDouble(token);
                    if (!Double.isFinite(v)) {
                        throw new IllegalArgumentException(file + " line " + lineNumber + ": '" + token
                                + "' is outside the float64 range");
                    }
                    if (found < d) {
                        doubles[(int) found] = v;
                    }
                } else {
                    float v = Float.parseFloat(token);
                    if (!Float.isFinite(v)) {
                        throw new IllegalArgumentException(file + " line " + lineNumber + ": '" + token
                                + "' is outside the float32 range");
                    }
                    if (found < d) {
                        floats[(int) found] = v;
                    }
                }
                found++;
            }
        }
        if (found != d) {
            throw new IllegalArgumentException(file + ": expected " + d + " values (the model dimension), found "
                    + found);
        }
        if (isDouble) {
            INDArray x = Nd4j.createUninitialized(DataType.DOUBLE, d);
            DoubleBuffer b = x.data().asNioDouble();
            int off = (int) x.offset();
            for (int i = 0; i < d; i++) {
                b.put(off + i, doubles[i]);
            }
            return x;
        }
        INDArray x = Nd4j.createUninitialized(DataType.FLOAT, d);
        FloatBuffer b = x.data().asNioFloat();
        int off = (int) x.offset();
        for (int i = 0; i < d; i++) {
            b.put(off + i, floats[i]);
        }
        return x;
    }

    /**
     * Writes the values of {@code x} (float32 or float64, any shape, in c order) in the format {@link #read} reads: a
     * {@code '#'} header comment naming the length and precision, then one value per line. Creates or overwrites the
     * file.
     *
     * @throws IllegalArgumentException if {@code x} is null, empty, not float32/float64, or holds a NaN or infinite
     *                                  value (naming its index: such a file could not be read back)
     * @throws IOException              if the file cannot be written
     */
    public static void write(Path file, INDArray x) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        if (x == null) {
            throw new IllegalArgumentException("x must not be null");
        }
        Precision precision = Precision.of(x.dataType());
        long n = x.length();
        if (n < 1) {
            throw new IllegalArgumentException("x must have at least one value, had 0");
        }
        INDArray c = x.dup('c');
        String[] text = new String[(int) n];
        if (precision == Precision.FLOAT64) {
            double[] v = c.data().asDouble();
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(v[i])) {
                    throw new IllegalArgumentException("x[" + i + "] must be finite to be written, was " + v[i]);
                }
                text[i] = Double.toString(v[i]);
            }
        } else {
            float[] v = c.data().asFloat();
            for (int i = 0; i < n; i++) {
                if (!Float.isFinite(v[i])) {
                    throw new IllegalArgumentException("x[" + i + "] must be finite to be written, was " + v[i]);
                }
                text[i] = Float.toString(v[i]);
            }
        }
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("# fl4j parameters: " + n + " values, " + precision.name().toLowerCase(java.util.Locale.ROOT)
                    + ", one per line");
            out.write('\n');
            for (String s : text) {
                out.write(s);
                out.write('\n');
            }
        }
    }
}
