package io.github.fl4j.core.data.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.fl4j.core.data.io.MnistDatasets.Variant;
import io.github.fl4j.core.tensor.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Fashion-MNIST files from the Debian package {@code dataset-fashion-mnist} (installed into
 * {@code /usr/share/datasets/fashion-mnist}); skipped when the package is not installed. Local files only.
 */
class MnistDatasetsIT {
    @TempDir
    Path cache;

    /**
     * The Fashion-MNIST SHA-256 constants against the files of the Debian package dataset-fashion-mnist (where they
     * were computed from); skipped when the package is not installed. Reads local files only.
     */
    @Test
    void fashionMnistConstantsMatchTheDebianPackage() throws IOException {
        Path dir = Path.of("/usr/share/datasets/fashion-mnist");
        Assumptions.assumeTrue(Files.isDirectory(dir), "Debian package dataset-fashion-mnist not installed: skipping");
        for (DatasetDownloader.DatasetFile f : DatasetDownloader.FASHION_MNIST) {
            assertEquals(f.sha256(), DatasetDownloader.sha256(dir.resolve(f.name())), f.name());
        }
        Path unused = cache.resolve("cache");
        MnistDatasets.Split s = new MnistDatasets(new DatasetDownloader(unused)).load(Variant.FASHION_MNIST, dir,
                Precision.FLOAT32);
        assertEquals(60_000, s.train().size());
        assertEquals(10_000, s.test().size());
        assertEquals(784, s.train().features().columns());
        // Fashion-MNIST's README: 10 classes of 6,000 training and 1,000 test images each
        int[] train = new int[10];
        int[] test = new int[10];
        for (double l : s.train().labels().dup().data().asDouble()) {
            train[(int) l]++;
        }
        for (double l : s.test().labels().dup().data().asDouble()) {
            test[(int) l]++;
        }
        for (int c = 0; c < 10; c++) {
            assertEquals(6_000, train[c], "training images of class " + c);
            assertEquals(1_000, test[c], "test images of class " + c);
        }
        assertFalse(Files.exists(unused)); // a given folder never touches the cache
    }

    /**
     * Without a folder, property or environment variable, Fashion-MNIST resolves to the Debian package's folder (no
     * download, the cache untouched); skipped when the package is not installed or a setting would take precedence.
     */
    @Test
    void fashionMnistIsFoundInTheDebianFolderWithoutSettings() throws IOException {
        Path dir = Path.of(MnistDatasets.DEBIAN_FASHION_MNIST);
        Assumptions.assumeTrue(Files.isDirectory(dir), "Debian package dataset-fashion-mnist not installed: skipping");
        Assumptions.assumeTrue(System.getProperty(Variant.FASHION_MNIST.property()) == null
                && System.getenv(Variant.FASHION_MNIST.environment()) == null, "a Fashion-MNIST setting is present");
        Path unused = cache.resolve("cache");
        assertEquals(dir, new MnistDatasets(new DatasetDownloader(unused)).folder(Variant.FASHION_MNIST, null));
        assertFalse(Files.exists(unused));
    }
}
