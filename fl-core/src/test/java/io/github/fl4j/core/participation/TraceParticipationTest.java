package io.github.fl4j.core.participation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TraceParticipation}: participants replayed from a file or an array. */
class TraceParticipationTest {
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
    void roundsAreDataLinesAndIdsComeBackSorted() throws IOException {
        Path f = file("trace.txt", "# availability log\n3 1, 2\n  # annotation, not a round\n0\n7,5 # late\n");
        TraceParticipation t = TraceParticipation.read(f);
        assertEquals(3, t.roundCount());
        assertArrayEquals(new int[] {1, 2, 3}, t.select(1, 8, null));
        assertArrayEquals(new int[] {0}, t.select(2, 8, null));
        assertArrayEquals(new int[] {5, 7}, t.select(3, 8, null));
        assertEquals(7, t.maxClientId());
        assertTrue(t.describe().contains("3 rounds"), t.describe());
    }

    @Test
    void writeThenReadReplaysTheRun() throws IOException {
        // Export the participants of 30 uniform rounds (the engine's per-round PARTICIPATION streams) and replay.
        SeedTree seeds = new SeedTree(9);
        Participation uniform = Participation.uniform(4);
        int[][] rounds = new int[30][];
        for (int r = 1; r <= 30; r++) {
            rounds[r - 1] = uniform.select(r, 20, seeds.stream(Purpose.PARTICIPATION, r, SeedTree.GLOBAL));
        }
        Path f = dir.resolve("exported.txt");
        TraceParticipation.of(rounds).write(f);
        TraceParticipation back = TraceParticipation.read(f);
        assertEquals(30, back.roundCount());
        for (int r = 1; r <= 30; r++) {
            assertArrayEquals(rounds[r - 1], back.select(r, 20, null), "round " + r);
        }
    }

    @Test
    void drawsNothingFromTheStream() {
        TraceParticipation t = TraceParticipation.of(new int[][] {{2, 0}});
        RandomStream used = new RandomStream(4);
        assertArrayEquals(new int[] {0, 2}, t.select(1, 3, used));
        assertEquals(new RandomStream(4).nextLong(), used.nextLong());
    }

    @Test
    void outOfRangeIdIsNamedAtSelectTime() throws IOException {
        Path f = file("big.txt", "0 1\n# c\n2 12\n");
        TraceParticipation t = TraceParticipation.read(f);
        assertArrayEquals(new int[] {0, 1}, t.select(1, 10, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.select(2, 10, null));
        assertMessage(e, "big.txt", "line 3", "round 2", "client id 12", "10 clients");
        // With a large enough population the same round is fine.
        assertArrayEquals(new int[] {2, 12}, t.select(2, 13, null));
    }

    @Test
    void duplicateIdsBlankLinesAndBadTokensAreLoadErrors() throws IOException {
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> TraceParticipation.read(file("dup.txt", "0 1\n4, 2 4\n"))), "dup.txt", "line 2", "duplicate",
                "4");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> TraceParticipation.read(file("blank.txt", "0 1\n\n2\n"))), "blank.txt", "line 2", "round 2",
                "blank");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> TraceParticipation.read(file("commented.txt", "0\n , # 1 2\n"))), "commented.txt", "line 2",
                "no client id");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> TraceParticipation.read(file("word.txt", "0 one\n"))), "word.txt", "line 1", "'one'");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> TraceParticipation.read(file("neg.txt", "# h\n0 -3\n"))), "neg.txt", "line 2", "'-3'");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> TraceParticipation.read(file("none.txt", "# only a header\n"))), "none.txt", "no round");
        assertThrows(IOException.class, () -> TraceParticipation.read(dir.resolve("missing.txt")));
    }

    @Test
    void roundsBeyondTheTraceAreErrorsUnlessCyclic() throws IOException {
        Path f = file("short.txt", "0\n1\n2\n");
        TraceParticipation t = TraceParticipation.read(f);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> t.select(4, 5, null)), "short.txt",
                "3 rounds", "round 4");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> t.select(0, 5, null)), "round", "0");
        TraceParticipation cyclic = TraceParticipation.read(f, true);
        assertTrue(cyclic.cyclic());
        // Round t replays trace round ((t - 1) mod 3) + 1: 4 -> 1, 5 -> 2, 9 -> 3.
        assertArrayEquals(new int[] {0}, cyclic.select(4, 5, null));
        assertArrayEquals(new int[] {1}, cyclic.select(5, 5, null));
        assertArrayEquals(new int[] {2}, cyclic.select(9, 5, null));
    }

    @Test
    void arrayTracesAreValidatedAndCopied() {
        int[][] rounds = {{3, 1}, {0}};
        TraceParticipation t = TraceParticipation.of(rounds);
        rounds[0][0] = 9;
        assertArrayEquals(new int[] {1, 3}, t.select(1, 4, null));
        int[] got = t.select(2, 4, null);
        got[0] = 7;
        assertArrayEquals(new int[] {0}, t.select(2, 4, null));
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> TraceParticipation.of(new int[][] {{0}, {}})), "round 2");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> TraceParticipation.of(new int[][] {{1, 1}})), "round 1", "duplicate", "1");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> TraceParticipation.of(new int[][] {{-2}})), "round 1", "-2");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> TraceParticipation.of(new int[0][])),
                "rounds");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> t.select(1, 3, null)), "<in-memory trace>",
                "line 1", "client id 3", "3 clients");
    }
}
