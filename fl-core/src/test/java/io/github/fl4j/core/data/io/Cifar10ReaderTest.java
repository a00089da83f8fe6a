package io.github.fl4j.core.data.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.image.ImageShape;
import io.github.fl4j.core.data.image.PixelScaling;
import io.github.fl4j.core.tensor.Precision;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

class Cifar10ReaderTest {
    @TempDir
    Path tmp;

    /** Record r: label labels[r]; pixel k of it is (r * 7 + k) mod 256, so R, G and B planes differ. */
    static byte[] records(int... labels) {
        byte[] b = new byte[labels.length * Cifar10Reader.RECORD_BYTES];
        for (int r = 0; r < labels.length; r++) {
            int at = r * Cifar10Reader.RECORD_BYTES;
            b[at] = (byte) labels[r];
            for (int k = 0; k < 3072; k++) {
                b[at + 1 + k] = (byte) ((r * 7 + k) % 256);
            }
        }
        return b;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path f = tmp.resolve(name);
        Files.createDirectories(f.getParent());
        Files.write(f, bytes);
        return f;
    }

    @Test
    void rawRecordsAreTheStoredBytesInChwOrder() throws IOException {
        Path f = write("data_batch_1.bin", records(3, 9));
        Dataset d = Cifar10Reader.read(f, Precision.FLOAT64, PixelScaling.raw());
        assertEquals(2, d.size());
        assertEquals(3072, d.featureCount());
        assertArrayEquals(new double[] {3, 9}, d.labels().toDoubleVector(), 0.0);
        double[][] x = d.features().toDoubleMatrix();
        // record 1, green plane (c = 1), row 2, column 5: feature 1*1024 + 2*32 + 5 = 1093, byte (7 + 1093) mod 256
        assertEquals((7 + 1093) % 256, x[1][1093], 0.0);
        assertEquals(0, x[0][0], 0.0);
        assertEquals(255, x[0][255], 0.0);
        assertTrue(d.source().endsWith("data_batch_1.bin"));
    }

    @Test
    void cifarScalingIsPerChannel() throws IOException {
        Path f = write("b.bin", records(0));
        for (Precision precision : Precision.values()) {
            double[] x = Cifar10Reader.read(f, precision, PixelScaling.CIFAR10).features().castTo(DataType.DOUBLE)
                    .toDoubleVector();
            for (int c = 0; c < 3; c++) {
                int k = c * 1024 + 100; // byte 100 in every channel
                double expected = (100 / 255.0 - PixelScaling.CIFAR10_MEAN[c]) / PixelScaling.CIFAR10_STD[c];
                assertEquals(precision == Precision.FLOAT32 ? (float) expected : expected, x[k], 0.0,
                        precision + " channel " + c);
            }
        }
    }

    @Test
    void gzippedFilesAreRead() throws IOException {
        Path f = tmp.resolve("test_batch.bin");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write(records(1, 2, 3));
        }
        Cifar10Reader.Records r = Cifar10Reader.readRecords(f);
        assertArrayEquals(new int[] {1, 2, 3}, r.labels());
        assertEquals((byte) ((2 * 7 + 10) % 256), r.pixels()[2 * 3072 + 10]);
    }

    @Test
    void badSizeNamesTheFileTheRecordAndTheOffset() throws IOException {
        byte[] whole = records(1, 2);
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 100);
        Path f = write("data_batch_2.bin", cut);
        String m = assertThrows(IOException.class, () -> Cifar10Reader.readRecords(f)).getMessage();
        assertTrue(m.contains("data_batch_2.bin") && m.contains("bad size 6046 bytes") && m.contains("record 1")
                && m.contains("byte offset 3073") && m.contains("2973 of 3073 bytes"), m);
    }

    @Test
    void badLabelNamesTheRecord() throws IOException {
        Path f = write("x.bin", records(4, 10));
        String m = assertThrows(IOException.class, () -> Cifar10Reader.readRecords(f)).getMessage();
        assertTrue(m.contains("x.bin: record 1 has label 10 at byte offset 3073"), m);
    }

    @Test
    void loadReadsTheArchiveFolderInOrder() throws IOException {
        Path dir = tmp.resolve("cifar");
        for (int i = 1; i <= 5; i++) {
            write("cifar/cifar-10-batches-bin/data_batch_" + i + ".bin", records(i - 1, i));
        }
        write("cifar/cifar-10-batches-bin/test_batch.bin", records(9));
        Cifar10Reader.Split s = Cifar10Reader.load(dir, Precision.FLOAT32, PixelScaling.unit());
        assertArrayEquals(new double[] {0, 1, 1, 2, 2, 3, 3, 4, 4, 5}, s.train().labels().toDoubleVector(), 0.0);
        assertEquals(1, s.test().size());
        // record 0 of data_batch_3 is row 4: pixel k = k mod 256, over 255
        assertEquals((float) (17 / 255.0), s.train().features().getFloat(4, 17), 0.0f);
    }

    @Test
    void missingFilesAreListed() throws IOException {
        write("part/data_batch_1.bin", records(0));
        write("part/test_batch.bin.gz", gzip(records(0)));
        String m = assertThrows(IOException.class, () -> Cifar10Reader.folder(tmp.resolve("part"))).getMessage();
        assertTrue(m.contains("incomplete: missing data_batch_2.bin[.gz], data_batch_3.bin[.gz], "
                + "data_batch_4.bin[.gz], data_batch_5.bin[.gz]"), m);
        String none = assertThrows(IOException.class, () -> Cifar10Reader.folder(null, k -> null, k -> null))
                .getMessage();
        assertTrue(none.contains("-Dfl4j.cifar10") && none.contains("FL4J_CIFAR10"), none);
        Map<String, String> env = Map.of("FL4J_CIFAR10", tmp.resolve("nowhere").toString());
        String fromEnv = assertThrows(IOException.class, () -> Cifar10Reader.folder(null, k -> null, env::get))
                .getMessage();
        assertTrue(fromEnv.contains("nowhere (from the environment variable FL4J_CIFAR10) does not exist"), fromEnv);
    }

    private static byte[] gzip(byte[] b) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(b);
        }
        return bytes.toByteArray();
    }

    @Test
    void trainingStatisticsAreExact() {
        // one 2-channel 1x2 image per row: channel 0 holds 0 and 255 (mean 1/2, std 1/2), channel 1 holds 51 twice
        // and then 102 twice over two images (mean 0.3, std 0.1)
        ImageShape shape = new ImageShape(2, 1, 2);
        byte[] px = {0, (byte) 255, 51, 51, 0, (byte) 255, 102, 102};
        PixelScaling s = PixelScaling.trainingStatistics(px, shape);
        assertArrayEquals(new double[] {0.5, 0.3}, s.mean(), 1e-15);
        assertArrayEquals(new double[] {0.5, 0.1}, s.std(), 1e-15);
        assertEquals(1.0, s.table(0)[255], 1e-15);
        assertEquals(-1.0, s.table(0)[0], 1e-15);
        assertArrayEquals(new double[] {-1.0, -3.0}, s.black(), 1e-14);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PixelScaling.trainingStatistics(
                new byte[] {5, 5, 1, 2}, shape)).getMessage().contains("channel 0 of the images is constant"));
    }
}
