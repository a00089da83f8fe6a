package io.github.fl4j.core.data.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.tensor.Precision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two reader cases from a bad-input battery: an IDX reader given a folder said only "Is a directory"; a LIBSVM file
 * starting with a UTF-8 byte-order mark failed as "non-numeric label '1'".
 */
class ReaderReliabilityTest {

    @Test
    void anIdxReaderGivenAFolderNamesIt(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> IdxReader.readLabels(dir));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("is a directory"),
                e.getMessage());
        IOException missing = assertThrows(IOException.class, () -> IdxReader.readImages(dir.resolve("nope")));
        assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
    }

    @Test
    void aLibsvmFileWithAByteOrderMarkReads(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bom.libsvm");
        Files.writeString(f, "\uFEFF1 1:0.5 3:2\n-1 2:1\n", StandardCharsets.UTF_8);
        Dataset d = LibSvmReader.read(f, Precision.FLOAT64);
        assertEquals(2, d.size());
        assertEquals(1.0, d.labels().getDouble(0), 0.0);
        assertEquals(2.0, d.features().getDouble(0, 2), 0.0);
    }
}
