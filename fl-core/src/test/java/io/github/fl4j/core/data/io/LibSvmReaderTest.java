package io.github.fl4j.core.data.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.tensor.Precision;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class LibSvmReaderTest {

    @TempDir
    Path tmp;

    private static final String SAMPLE = ""
            + "1 1:0.5 3:-2\n"
            + "# a comment line\n"
            + "\n"
            + "2 2:1.25   4:3e-1 # trailing comment\n"
            + "2\tqid:7\t4:7\n"
            + "1\n";

    static Path write(Path file, String content, boolean gzip) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (gzip) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
                out.write(bytes);
            }
        } else {
            Files.write(file, bytes);
        }
        return file;
    }

    private static double[] values(INDArray a) {
        return a.dup('c').castTo(DataType.DOUBLE).data().asDouble();
    }

    @Test
    void roundTripPlainAndGzipInferredFeatureCount() throws IOException {
        for (boolean gzip : new boolean[] {false, true}) {
            Path f = write(tmp.resolve("sample" + gzip + ".txt"), SAMPLE, gzip);
            Dataset d = LibSvmReader.read(f, Precision.FLOAT64);
            // 4 data lines (comment and blank skipped), largest index 4 -> [4, 4]
            assertArrayEquals(new long[] {4, 4}, d.features().shape());
            assertArrayEquals(new double[] {
                0.5, 0, -2, 0,
                0, 1.25, 0, 0.3,
                0, 0, 0, 7,
                0, 0, 0, 0,
            }, values(d.features()), 0.0);
            assertArrayEquals(new double[] {1, 2, 2, 1}, values(d.labels()), 0.0);
        }
    }

    @Test
    void fixedFeatureCountMappingAndFloat32() throws IOException {
        Path f = write(tmp.resolve("s.txt"), SAMPLE, false);
        LibSvmReader reader = LibSvmReader.builder().featureCount(6).labelMapping(Map.of(1.0, -1.0, 2.0, 1.0))
                .precision(Precision.FLOAT32).build();
        Dataset d = reader.read(f);
        assertEquals(DataType.FLOAT, d.features().dataType());
        assertArrayEquals(new long[] {4, 6}, d.features().shape()); // fixed p = 6: columns 5, 6 stay 0
        double[] x = values(d.features());
        assertEquals((float) 0.3, x[6 + 3], 0.0); // row 1, feature 4: "4:3e-1" rounded to float
        assertEquals(0.0, x[6 + 5], 0.0);
        assertArrayEquals(new double[] {-1, 1, 1, -1}, values(d.labels()), 0.0); // {1 -> -1, 2 -> +1}
        assertEquals(6, reader.featureCount().getAsInt());
    }

    @Test
    void zeroLabelMappingAcceptsNegativeZero() throws IOException {
        Path f = write(tmp.resolve("z.txt"), "-0 1:1\n1 1:2\n", false);
        Dataset d = LibSvmReader.builder().labelMapping(Map.of(0.0, -1.0, 1.0, 1.0)).precision(Precision.FLOAT64)
                .build().read(f);
        assertArrayEquals(new double[] {-1, 1}, values(d.labels()), 0.0);
    }

    @Test
    void emptyFileIsAnErrorNamingTheFile() throws IOException {
        // an empty file used to give a 0 x p dataset (0 x 0 without featureCount), which trained on nothing
        fails("# only a comment\n\n", LibSvmReader.builder().featureCount(3).build(), "no data rows");
        fails("", LibSvmReader.builder().build(), "no data rows");
        fails("1\n-1\n", LibSvmReader.builder().build(), "no feature");
    }

    // ---- malformed ----

    private IOException fails(String content, LibSvmReader reader, String... parts) throws IOException {
        Path f = write(tmp.resolve("bad" + System.nanoTime() + ".txt"), content, false);
        IOException e = assertThrows(IOException.class, () -> reader.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message should contain '" + p + "': " + e.getMessage());
        }
        return e;
    }

    @Test
    void nonNumericValueQuoted() throws IOException {
        fails("1 1:0.5\n\n1 2:abc\n", LibSvmReader.builder().build(), "line 3", "non-numeric value", "'abc'");
        fails("x 2:1\n", LibSvmReader.builder().build(), "line 1", "non-numeric label 'x'");
        fails("1 a:1\n", LibSvmReader.builder().build(), "line 1", "non-numeric feature index 'a'");
        fails("1 1:NaN\n", LibSvmReader.builder().build(), "line 1", "non-finite", "'NaN'");
    }

    @Test
    void indexZeroIsOutOfRange() throws IOException {
        fails("1 1:1\n1 0:1 2:1\n", LibSvmReader.builder().build(), "line 2", "feature index 0 out of range",
                "1-based");
    }

    @Test
    void indexBeyondFixedFeatureCount() throws IOException {
        fails("1 1:1 5:1\n", LibSvmReader.builder().featureCount(4).build(), "line 1", "feature index 5",
                "fixed at 4");
    }

    @Test
    void nonIncreasingIndexAndMissingColon() throws IOException {
        fails("1 3:1 2:1\n", LibSvmReader.builder().build(), "line 1", "non-increasing feature index 2 after 3");
        fails("1 3:1 3:1\n", LibSvmReader.builder().build(), "line 1", "non-increasing feature index 3 after 3");
        fails("1 1:1\n-1 4\n", LibSvmReader.builder().build(), "line 2", "missing ':'", "'4'");
    }

    @Test
    void labelOutsideMapping() throws IOException {
        fails("1 1:1\n2 1:1\n3 1:1\n",
                LibSvmReader.builder().labelMapping(Map.of(1.0, -1.0, 2.0, 1.0)).build(),
                "line 3", "label '3'", "not in the label mapping", "[1.0, 2.0]");
    }

    @Test
    void badOptionsAreIllegalArguments() {
        assertThrows(IllegalArgumentException.class, () -> LibSvmReader.builder().featureCount(0));
        assertThrows(IllegalArgumentException.class, () -> LibSvmReader.builder().labelMapping(null));
        assertThrows(IllegalArgumentException.class,
                () -> LibSvmReader.builder().labelMapping(Map.of(0.0, 1.0, -0.0, 2.0)));
    }

    // ---- real data (skip when ../shared/data is absent) ----

    private static int count(double[] v, double x) {
        int n = 0;
        for (double d : v) {
            if (d == x) {
                n++;
            }
        }
        return n;
    }

    @Test
    void realMushrooms() throws IOException {
        Path f = SharedData.require("libsvm/mushrooms.txt.gz");
        Dataset d = LibSvmReader.builder().labelMapping(Map.of(1.0, -1.0, 2.0, 1.0)).build().read(f);
        // shared/data/README.md: 8124 x 112, labels 1 / 2
        assertArrayEquals(new long[] {8124, 112}, d.features().shape());
        double[] y = values(d.labels());
        // UCI Mushroom: 3916 poisonous + 4208 edible = 8124 (LIBSVM labels them 1 and 2; recounted with python3)
        assertEquals(3916, count(y, -1.0));
        assertEquals(4208, count(y, 1.0));
    }

    @Test
    void realA9a() throws IOException {
        Path f = SharedData.require("libsvm/a9a.txt.gz");
        Dataset d = LibSvmReader.builder().labelMapping(Map.of(-1.0, -1.0, 1.0, 1.0)).build().read(f);
        // README: 32561 x 123, labels +1 / -1
        assertArrayEquals(new long[] {32561, 123}, d.features().shape());
        // UCI Adult training split: 7841 records with income > 50K (+1), 24720 with <= 50K (-1)
        assertEquals(7841, count(values(d.labels()), 1.0));
        assertEquals(24720, count(values(d.labels()), -1.0));
    }

    @Test
    void realPhishing() throws IOException {
        Path f = SharedData.require("libsvm/phishing.txt.gz");
        Dataset d = LibSvmReader.builder().labelMapping(Map.of(0.0, -1.0, 1.0, 1.0)).build().read(f);
        // README: 11055 x 68, labels 0 / 1
        assertArrayEquals(new long[] {11055, 68}, d.features().shape());
        // UCI Phishing Websites: 4898 vs 6157 of 11055 (recounted with python3 over the shared file)
        assertEquals(4898, count(values(d.labels()), -1.0));
        assertEquals(6157, count(values(d.labels()), 1.0));
    }

    @Test
    void realW8a() throws IOException {
        Path f = SharedData.require("libsvm/w8a.txt.gz");
        Dataset d = LibSvmReader.builder().featureCount(300).labelMapping(Map.of(-1.0, -1.0, 1.0, 1.0)).build()
                .read(f);
        // README: 49749 x 300, labels +1 / -1
        assertArrayEquals(new long[] {49749, 300}, d.features().shape());
        double[] y = values(d.labels());
        // 1479 positives, counted with python3 over the shared file
        assertEquals(1479, count(y, 1.0));
        assertEquals(49749 - 1479, count(y, -1.0));
    }
}
