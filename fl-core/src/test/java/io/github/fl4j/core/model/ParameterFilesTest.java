package io.github.fl4j.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link ParameterFiles}: text parameter vectors, bit-exact round trips and named errors. */
class ParameterFilesTest {
    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content.getBytes(StandardCharsets.UTF_8));
        return f;
    }

    private static void assertMessage(IllegalArgumentException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should contain '" + p + "'");
        }
    }

    @Test
    void float64RoundTripIsBitExact() throws IOException {
        // Source: Double.toString prints enough digits to identify the value uniquely (JLS / Double javadoc) and
        // Double.parseDouble is correctly rounded, so the round trip is the identity on finite doubles.
        double[] special = {0.0, -0.0, 0.1, 1.0 / 3, -2.5e-300, Double.MIN_VALUE, Double.MAX_VALUE,
                -Double.MAX_VALUE, Double.MIN_NORMAL, 123456789.123456789, Math.PI};
        RandomStream rng = new RandomStream(1);
        double[] values = new double[special.length + 1000];
        System.arraycopy(special, 0, values, 0, special.length);
        for (int i = special.length; i < values.length; i++) {
            values[i] = rng.nextGaussian() * Math.pow(10, rng.nextInt(40) - 20);
        }
        INDArray x = Nd4j.create(values);
        Path f = dir.resolve("w64.txt");
        ParameterFiles.write(f, x);
        INDArray y = ParameterFiles.read(f, values.length, Precision.FLOAT64);
        assertEquals(DataType.DOUBLE, y.dataType());
        double[] back = y.toDoubleVector();
        for (int i = 0; i < values.length; i++) {
            assertEquals(Double.doubleToRawLongBits(values[i]), Double.doubleToRawLongBits(back[i]), "index " + i);
        }
    }

    @Test
    void float32RoundTripIsBitExact() throws IOException {
        // Source: Float.toString / Float.parseFloat, as for doubles (parsing as double then narrowing could double-
        // round; Float.parseFloat cannot).
        float[] special = {0f, -0f, 0.1f, 1f / 3, Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE,
                Float.MIN_NORMAL, 16777217f, 3.4028233e38f};
        RandomStream rng = new RandomStream(2);
        float[] values = new float[special.length + 1000];
        System.arraycopy(special, 0, values, 0, special.length);
        for (int i = special.length; i < values.length; i++) {
            values[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(30) - 15));
        }
        INDArray x = Nd4j.create(values);
        Path f = dir.resolve("w32.txt");
        ParameterFiles.write(f, x);
        INDArray y = ParameterFiles.read(f, values.length, Precision.FLOAT32);
        assertEquals(DataType.FLOAT, y.dataType());
        float[] back = y.toFloatVector();
        for (int i = 0; i < values.length; i++) {
            assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(back[i]), "index " + i);
        }
    }

    @Test
    void commentsAndBlankLinesAreSkippedAndMatricesWrittenInCOrder() throws IOException {
        Path f = file("c.txt", "# init\n1\n\n  -0.5  # second\n.25\n6E-1\n");
        assertArrayEquals(new double[] {1, -0.5, 0.25, 0.6}, ParameterFiles.read(f, 4, Precision.FLOAT64)
                .toDoubleVector(), 0.0);
        INDArray m = Nd4j.create(new double[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3}, 'c');
        Path g = dir.resolve("m.txt");
        ParameterFiles.write(g, m.transpose()); // an f-ordered view: values in the view's c order
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, ParameterFiles.read(g, 6, Precision.FLOAT64)
                .toDoubleVector(), 0.0);
    }

    @Test
    void malformedTokensNameFileLineAndToken() throws IOException {
        Path f = file("bad.txt", "1.0\n# c\n2.5x\n");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> ParameterFiles.read(f, 2, Precision.FLOAT64)),
                "bad.txt", "line 3", "'2.5x'");
        for (String token : new String[] {"NaN", "Infinity", "-Infinity", "1f", "0x1p3", "1e"}) {
            Path g = file("t.txt", "0\n" + token + "\n");
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> ParameterFiles.read(g, 2, Precision.FLOAT64)), "t.txt", "line 2", "'" + token + "'");
        }
        Path two = file("two.txt", "1 2\n");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> ParameterFiles.read(two, 2, Precision.FLOAT64)), "two.txt", "line 1", "one value per line");
        Path huge = file("huge.txt", "1e39\n");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> ParameterFiles.read(huge, 1, Precision.FLOAT32)), "huge.txt", "line 1", "'1e39'", "float32");
        Path huger = file("huger.txt", "1e309\n");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> ParameterFiles.read(huger, 1, Precision.FLOAT64)), "huger.txt", "'1e309'", "float64");
    }

    @Test
    void countMismatchNamesExpectedAndFound() throws IOException {
        Path f = file("short.txt", "1\n2\n");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> ParameterFiles.read(f, 3, Precision.FLOAT32)),
                "short.txt", "expected 3", "found 2");
        Path g = file("long.txt", "1\n2\n3\n4\n");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> ParameterFiles.read(g, 3, Precision.FLOAT64)),
                "long.txt", "expected 3", "found 4");
    }

    @Test
    void badArgumentsAreNamed() throws IOException {
        Path f = file("one.txt", "1\n");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> ParameterFiles.read(f, 0, Precision.FLOAT64)),
                "expectedDimension", "0");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> ParameterFiles.write(dir.resolve("nan.txt"), Nd4j.create(new double[] {1, Double.NaN}))),
                "x[1]", "NaN");
        assertThrows(IOException.class, () -> ParameterFiles.read(dir.resolve("missing.txt"), 1, Precision.FLOAT64));
    }
}
