package io.github.fl4j.core.data.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader's density switch (dense, sparse, by threshold), its sparse form and its errors. */
class LibSvmSparseTest {

    @TempDir
    Path tmp;

    /** 4 rows x 10 columns, 5 stored entries (one of them an explicit 0): density 5/40 = 0.125. */
    private static final String SPARSE = ""
            + "1 1:0.5 10:-2\n"
            + "-1\n"
            + "1 3:1.25 7:0\n"
            + "-1 2:4\n";

    private static final double[] DENSE_VALUES = {
        0.5, 0, 0, 0, 0, 0, 0, 0, 0, -2,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 1.25, 0, 0, 0, 0, 0, 0, 0,
        0, 4, 0, 0, 0, 0, 0, 0, 0, 0};

    private Path sample() throws IOException {
        return LibSvmReaderTest.write(tmp.resolve("s.txt"), SPARSE, false);
    }

    @Test
    void theDefaultThresholdReadsALowDensityFileSparse() throws IOException {
        for (Precision precision : Precision.values()) {
            Dataset d = LibSvmReader.read(sample(), precision);
            assertTrue(d.isSparse(), "density 0.125 < 0.25");
            assertEquals(precision, d.precision());
            assertEquals(4, d.size());
            assertEquals(10, d.featureCount());
            assertEquals(5, d.sparseFeatures().nonZeros(), "the explicit 0 is stored");
            assertArrayEquals(new int[] {0, 2, 2, 4, 5}, d.sparseFeatures().rowPointers());
            assertArrayEquals(new int[] {0, 9, 2, 6, 1}, d.sparseFeatures().columns());
            assertArrayEquals(DENSE_VALUES, Tensors.toDoubleArray(d.features()), 0.0);
            assertArrayEquals(new double[] {1, -1, 1, -1}, Tensors.toDoubleArray(d.labels()), 0.0);
            assertTrue(d.source().endsWith("s.txt"));
        }
    }

    @Test
    void theThresholdAndTheForcedStoragesDecide() throws IOException {
        Path f = sample();
        LibSvmReader.Builder b = LibSvmReader.builder().precision(Precision.FLOAT64);
        // density 0.125: sparse below a threshold above it, dense at or under it
        assertTrue(b.densityThreshold(0.13).build().read(f).isSparse());
        assertFalse(b.densityThreshold(0.125).build().read(f).isSparse(), "0.125 is not < 0.125");
        assertFalse(b.densityThreshold(0.0).build().read(f).isSparse());
        assertTrue(b.densityThreshold(0.0).storage(LibSvmReader.Storage.SPARSE).build().read(f).isSparse());
        Dataset dense = b.densityThreshold(1.0).storage(LibSvmReader.Storage.DENSE).build().read(f);
        assertFalse(dense.isSparse());
        assertArrayEquals(DENSE_VALUES, Tensors.toDoubleArray(dense.features()), 0.0);
        assertEquals(LibSvmReader.Storage.AUTO, LibSvmReader.builder().build().storage());
        assertEquals(0.25, LibSvmReader.builder().build().densityThreshold(), 0.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LibSvmReader.builder().densityThreshold(1.5));
        assertTrue(e.getMessage().contains("densityThreshold") && e.getMessage().contains("1.5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LibSvmReader.builder().densityThreshold(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> LibSvmReader.builder().storage(null));
    }

    @Test
    void aFixedFeatureCountAndALabelMappingApplyToSparseReads() throws IOException {
        Dataset d = LibSvmReader.builder().featureCount(20).labelMapping(Map.of(1.0, 1.0, -1.0, 0.0))
                .storage(LibSvmReader.Storage.SPARSE).build().read(sample());
        assertEquals(20, d.featureCount());
        assertArrayEquals(new double[] {1, 0, 1, 0}, Tensors.toDoubleArray(d.labels()), 0.0);
    }

    @Test
    void aDuplicateIndexIsRejectedNamingFileLineAndIndex() throws IOException {
        Path f = LibSvmReaderTest.write(tmp.resolve("dup.txt"), "1 1:1 2:3\n-1 4:1 4:2\n", false);
        for (LibSvmReader.Storage storage : LibSvmReader.Storage.values()) {
            IOException e = assertThrows(IOException.class,
                    () -> LibSvmReader.builder().storage(storage).build().read(f));
            assertTrue(e.getMessage().contains("dup.txt") && e.getMessage().contains("line 2")
                    && e.getMessage().contains("duplicate feature index 4"), e.getMessage());
        }
    }

    @Test
    void sparseReadsKeepTheOtherErrors() throws IOException {
        Path f = LibSvmReaderTest.write(tmp.resolve("bad.txt"), "1 1:1\n-1 3:x\n", false);
        IOException e = assertThrows(IOException.class,
                () -> LibSvmReader.builder().storage(LibSvmReader.Storage.SPARSE).build().read(f));
        assertTrue(e.getMessage().contains("bad.txt, line 2") && e.getMessage().contains("'x'"), e.getMessage());
        Path g = LibSvmReaderTest.write(tmp.resolve("dec.txt"), "1 3:1 2:1\n", false);
        e = assertThrows(IOException.class,
                () -> LibSvmReader.builder().storage(LibSvmReader.Storage.SPARSE).build().read(g));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("non-increasing"), e.getMessage());
    }

    /** CsvReader: dense by default; sparse when forced or (AUTO) under the threshold; the same values. */
    @Test
    void csvReadsSparseWhenAsked() throws IOException {
        // 3 rows x 4 features (label last): 3 non-zeros of 12, density 0.25
        Path f = LibSvmReaderTest.write(tmp.resolve("s.csv"), "0,0,1.5,0,1\n0,0,0,0,0\n-2,0,0,4,1\n", false);
        Dataset dense = CsvReader.builder().precision(Precision.FLOAT64).build().read(f);
        assertFalse(dense.isSparse());
        Dataset sparse = CsvReader.builder().precision(Precision.FLOAT64).storage(LibSvmReader.Storage.SPARSE).build()
                .read(f);
        assertTrue(sparse.isSparse());
        assertEquals(3, sparse.sparseFeatures().nonZeros());
        assertArrayEquals(Tensors.toDoubleArray(dense.features()), Tensors.toDoubleArray(sparse.features()), 0.0);
        assertArrayEquals(Tensors.toDoubleArray(dense.labels()), Tensors.toDoubleArray(sparse.labels()), 0.0);
        CsvReader.Builder auto = CsvReader.builder().storage(LibSvmReader.Storage.AUTO);
        assertFalse(auto.densityThreshold(0.25).build().read(f).isSparse(), "0.25 is not < 0.25");
        assertTrue(auto.densityThreshold(0.26).build().read(f).isSparse());
        assertEquals(Precision.FLOAT32, auto.build().read(f).precision());
        assertThrows(IllegalArgumentException.class, () -> CsvReader.builder().densityThreshold(-0.1));
        assertThrows(IllegalArgumentException.class, () -> CsvReader.builder().storage(null));
    }

    /** The shared LIBSVM files (skipped when absent): densities and the default storage. */
    @Test
    void sharedFilesAreReadSparseByDefault() throws IOException {
        Path dir = null;
        for (Path c = Path.of("").toAbsolutePath(); c != null && dir == null; c = c.getParent()) {
            Path d = c.resolve("shared/data/libsvm");
            if (Files.isDirectory(d)) {
                dir = d;
            }
        }
        Assumptions.assumeTrue(dir != null && Files.exists(dir.resolve("a9a.txt.gz")),
                "shared/data/libsvm not found beside the project; skipping");
        Dataset a9a = LibSvmReader.read(dir.resolve("a9a.txt.gz"), Precision.FLOAT64);
        assertTrue(a9a.isSparse());
        assertEquals(32561, a9a.size());
        assertEquals(123, a9a.featureCount());
        double density = a9a.sparseFeatures().density();
        assertTrue(density > 0.10 && density < 0.12, "a9a density " + density);
        Dataset dense = LibSvmReader.builder().precision(Precision.FLOAT64).storage(LibSvmReader.Storage.DENSE)
                .build().read(dir.resolve("a9a.txt.gz"));
        assertArrayEquals(Tensors.toDoubleArray(dense.features().getRow(12345)),
                Tensors.toDoubleArray(a9a.rowRange(12345, 12346).features()), 0.0);
    }
}
