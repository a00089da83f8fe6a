package io.github.fl4j.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Partitions read from and written to text files ({@link Partitioners#fromIndexFile}, {@code writeIndexFile}). */
class IndexFileTest {
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
    void writeThenReadIsTheSamePartition() throws IOException {
        int[] labels = PartitionersSkewTest.balancedLabels(500, 5);
        int[][] parts = Partitioners.dirichletIndices(labels, 5, 12, 0.3,
                new SeedTree(1).stream(Purpose.PARTITION));
        Path f = dir.resolve("split.txt");
        Partitioners.writeIndexFile(f, parts);
        int[][] back = Partitioners.fromIndexFile(f, 500);
        assertTrue(Arrays.deepEquals(parts, back));
        Partitioners.requireAllUsed(back, 500);
        assertEquals(0, Partitioners.unusedIndices(back, 500).length);
    }

    @Test
    void commentsBlankLinesCommasAndWhitespaceAreAccepted() throws IOException {
        Path f = file("p.txt", "# header\n\n0, 1 ,2\n   # indented comment\n5\t4 # trailing comment\n\n 3,,6 \n");
        int[][] parts = Partitioners.fromIndexFile(f, 8);
        assertTrue(Arrays.deepEquals(new int[][] {{0, 1, 2}, {5, 4}, {3, 6}}, parts), Arrays.deepToString(parts));
        // Sample 7 is unused: allowed when reading, reported by the check methods.
        assertArrayEquals(new int[] {7}, Partitioners.unusedIndices(parts, 8));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Partitioners.requireAllUsed(parts, 8)),
                "1 of 8", "[7]");
    }

    @Test
    void malformedTokensAreNamedWithFileAndLine() throws IOException {
        Path f = file("bad.txt", "0 1\n# comment\n2 x3 4\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Partitioners.fromIndexFile(f, 10));
        assertMessage(e, "bad.txt", "line 3", "'x3'", "integer");
        Path g = file("frac.txt", "0 1.5\n");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Partitioners.fromIndexFile(g, 10)),
                "frac.txt", "line 1", "'1.5'");
    }

    @Test
    void outOfRangeIndicesAreNamed() throws IOException {
        Path f = file("range.txt", "0 1\n2 10\n");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Partitioners.fromIndexFile(f, 10)),
                "range.txt", "line 2", "'10'", "[0, 10)");
        Path g = file("neg.txt", "\n-1\n");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Partitioners.fromIndexFile(g, 10)),
                "neg.txt", "line 2", "'-1'");
    }

    @Test
    void duplicatesNameBothLines() throws IOException {
        Path f = file("dup.txt", "0 1 2\n# c\n3 4\n5 1\n");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Partitioners.fromIndexFile(f, 10)),
                "dup.txt", "line 4", "'1'", "line 1");
        Path g = file("dup2.txt", "0 3 3\n");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Partitioners.fromIndexFile(g, 10)),
                "dup2.txt", "line 1", "'3'", "same line");
    }

    @Test
    void emptyFilesAndBadArgumentsAreRejected() throws IOException {
        Path f = file("empty.txt", "# nothing\n\n");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Partitioners.fromIndexFile(f, 10)),
                "empty.txt", "no client");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Partitioners.fromIndexFile(f, 0)),
                "samples", "0");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Partitioners.writeIndexFile(dir.resolve("w.txt"), new int[][] {{1}, {}})), "client 1");
        assertThrows(IOException.class, () -> Partitioners.fromIndexFile(dir.resolve("missing.txt"), 10));
    }
}
