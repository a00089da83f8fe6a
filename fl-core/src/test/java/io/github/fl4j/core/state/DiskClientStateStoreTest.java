package io.github.fl4j.core.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.StateCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The store contract for {@link DiskClientStateStore} (with a cache smaller than one state, so that every get reads
 * the file), and what only a store on disk has: reopening after a crash at any byte of a put, a process killed by
 * SIGKILL in the middle of its puts, compaction, the file lock, and the same bits for any cache size.
 */
class DiskClientStateStoreTest extends ClientStateStoreContractTest {

    @Override
    protected <T> ClientStateStore<T> newStore(String name, StateCodec<T> codec) {
        return DiskClientStateStore.create(directory, name, codec, 16);
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    /**
     * The file after batch 1 (ids 0..2 = 1) and batch 2 (ids 0, 1 = 2, id 5 = 2) is cut at every byte inside batch 2
     * (as a crash while writing it would leave it), and also has one byte of batch 2 flipped: every reopen gives
     * exactly batch 1, and the file is cut back to it, so that new puts follow batch 1.
     */
    @Test
    void reopeningAfterACrashAnywhereInAPutGivesTheLastCommittedBatch() throws IOException {
        Path dir = directory.resolve("cut");
        byte[] afterOne;
        long oneEnd;
        long twoEnd;
        try (DiskClientStateStore<byte[]> s = DiskClientStateStore.create(dir, "clients", StoreCrashChild.BYTES, 0)) {
            s.putAll(new int[] {0, 1, 2}, List.of(filled(10, 1), filled(10, 1), filled(10, 1)));
            afterOne = contents(s);
            oneEnd = s.fileBytes();
            s.putAll(new int[] {0, 1, 5}, List.of(filled(10, 2), filled(7, 2), filled(10, 2)));
            twoEnd = s.fileBytes();
        }
        Path file = dir.resolve("clients.log");
        byte[] full = Files.readAllBytes(file);
        assertEquals(twoEnd, full.length);
        for (long cut = oneEnd; cut < twoEnd; cut++) {
            Files.write(file, java.util.Arrays.copyOf(full, (int) cut));
            try (DiskClientStateStore<byte[]> s = DiskClientStateStore.open(dir, "clients", StoreCrashChild.BYTES, 0,
                    false, false)) {
                assertArrayEquals(afterOne, contents(s), "file cut at byte " + cut);
                assertEquals(oneEnd, s.fileBytes(), "the torn batch is cut off");
                s.put(7, filled(3, 7));
            }
            try (DiskClientStateStore<byte[]> s = DiskClientStateStore.open(dir, "clients", StoreCrashChild.BYTES, 0,
                    false, false)) {
                assertEquals(4, s.size(), "a put after the recovery is kept");
                assertArrayEquals(filled(3, 7), s.get(7));
            }
        }
        for (long at = oneEnd; at < twoEnd; at += 5) {
            byte[] bad = full.clone();
            bad[(int) at] ^= 0x10;
            Files.write(file, bad);
            try (DiskClientStateStore<byte[]> s = DiskClientStateStore.open(dir, "clients", StoreCrashChild.BYTES, 0,
                    false, false)) {
                assertArrayEquals(afterOne, contents(s), "byte " + at + " flipped");
            }
        }
        Files.write(file, full);
        try (DiskClientStateStore<byte[]> s = DiskClientStateStore.open(dir, "clients", StoreCrashChild.BYTES, 0,
                false, false)) {
            assertEquals(4, s.size());
            assertArrayEquals(filled(7, 2), s.get(1));
        }
    }

    /**
     * A process putting batches of 16 states of 256 KiB (every batch sets every state to the batch's number) is killed
     * with SIGKILL after at least 40 batches (so after several compactions, and most likely in the middle of a put):
     * the reopened store holds one whole batch, the last one the process reported or a later one (it goes on putting
     * until the kill lands).
     */
    @Test
    void aProcessKilledInTheMiddleOfItsPutsReopensToOneWholeBatch() throws Exception {
        Path dir = directory.resolve("killed");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                StoreCrashChild.class.getName(), dir.toString(), "16", String.valueOf(256 << 10))
                .redirectErrorStream(true).start();
        int last = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.matches("\\d+")) {
                    continue; // a JVM warning
                }
                last = Integer.parseInt(line);
                if (last >= 40) {
                    p.destroyForcibly(); // SIGKILL on Linux
                    break;
                }
            }
        } finally {
            p.destroyForcibly();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child process ends");
        }
        assertTrue(last >= 40, "the child reported " + last + " batches (exit " + p.exitValue() + ")");
        try (DiskClientStateStore<byte[]> s = DiskClientStateStore.open(dir, "clients", StoreCrashChild.BYTES, 0,
                false, false)) {
            assertEquals(16, s.size());
            byte[] first = s.get(0);
            assertNotNull(first);
            // the child goes on putting while its report travels through the pipe and the kill takes effect, so
            // any batch from the last reported one on may be the last committed; what matters is that it is whole
            int batch = first[0] & 0xff;
            int ahead = (batch - (last & 0xff)) & 0xff;
            assertTrue(ahead < 64, "batch " + batch + " after the child reported " + last
                    + ": not older than the last reported batch");
            for (int id = 0; id < 16; id++) {
                assertArrayEquals(filled(256 << 10, batch), s.get(id), "state " + id + " is of batch " + batch);
            }
        }
    }

    @Test
    void compactionKeepsTheStatesAndShrinksTheFile() throws IOException {
        DiskClientStateStore<Pair> s = DiskClientStateStore.create(directory, "clients", PAIR, 1 << 20);
        for (int b = 0; b < 5; b++) {
            for (int id = 0; id < 50; id += 1 + b) {
                s.put(id, pair(b * 100 + id, b, id, -b));
            }
        }
        byte[] before = contents(s);
        long size = s.fileBytes();
        s.compact();
        assertArrayEquals(before, contents(s));
        assertTrue(s.fileBytes() < size, s.fileBytes() + " < " + size);
        assertEquals(s.fileBytes(), Files.size(s.file()));
        s.put(3, pair(3, 3f));
        s.close();
        try (DiskClientStateStore<Pair> again = DiskClientStateStore.open(directory, "clients", PAIR, 0, false,
                false)) {
            assertEquals(50, again.size());
            assertEquals(3, again.get(3).n);
            assertEquals(102, again.get(2).n);
            assertEquals(1, again.get(1).n);
        }
    }

    @Test
    void theCacheSizeNeverChangesTheBits() throws IOException {
        List<byte[]> seen = new ArrayList<>();
        for (long cache : new long[] {0, 100, 1 << 20}) {
            try (DiskClientStateStore<Pair> s = DiskClientStateStore.create(directory.resolve("c" + cache), "clients",
                    PAIR, cache)) {
                for (int b = 0; b < 4; b++) {
                    int[] ids = {b, b + 3, 2 * b};
                    List<Pair> got = s.getAll(ids);
                    List<Pair> put = new ArrayList<>();
                    for (int k = 0; k < ids.length; k++) {
                        Pair p = got.get(k) == null ? pair(0, 0f, 0f) : got.get(k);
                        p.n += ids[k];
                        p.v.addi(1.5f * b);
                        put.add(p);
                    }
                    s.putAll(ids, put);
                    put.forEach(s::release);
                    assertTrue(s.cachedBytes() <= cache);
                }
                seen.add(contents(s));
            }
        }
        assertArrayEquals(seen.get(0), seen.get(1));
        assertArrayEquals(seen.get(0), seen.get(2));
    }

    @Test
    void aFileIsHeldByOneOpenStoreAndAClosedStoreRefusesUse() throws IOException {
        DiskClientStateStore<Pair> s = DiskClientStateStore.create(directory, "clients", PAIR, 0);
        s.put(1, pair(1, 1f));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DiskClientStateStore.create(directory, "clients", PAIR, 0));
        assertTrue(e.getMessage().contains("in use"), e.getMessage());
        s.close();
        s.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> s.get(1));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        try (DiskClientStateStore<Pair> fresh = DiskClientStateStore.create(directory, "clients", PAIR, 0)) {
            assertEquals(0, fresh.size(), "create empties the file");
        }
    }

    @Test
    void badArgumentsAndFilesAreNamed() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> DiskClientStateStore.create(directory, "a/b", PAIR, 0));
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class,
                () -> DiskClientStateStore.create(directory, "x", PAIR, -1));
        assertTrue(neg.getMessage().contains("-1"), neg.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StateStoreFactory.onDisk(directory, -5));
        Path junk = directory.resolve("junk.log");
        Files.writeString(junk, "not a store file at all");
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> DiskClientStateStore.open(directory, "junk", PAIR, 0, false, false));
        assertTrue(e.getMessage().contains("junk.log") && e.getMessage().contains("magic"), e.getMessage());
        try (FileChannel c = FileChannel.open(junk, StandardOpenOption.WRITE)) {
            c.truncate(0);
        }
        try (DiskClientStateStore<Pair> empty = DiskClientStateStore.open(directory, "junk", PAIR, 0, false, false)) {
            assertEquals(0, empty.size(), "an empty file is an empty store");
        }
    }

    @Test
    void theFactoryMakesOneFilePerStoreName() throws IOException {
        StateStoreFactory f = StateStoreFactory.onDisk(directory.resolve("run"));
        try (ClientStateStore<Pair> clients = f.create("clients", PAIR);
             ClientStateStore<Pair> table = f.create("fedspeed.duals", PAIR)) {
            clients.put(0, pair(1, 1f));
            table.put(0, pair(2, 2f));
            assertEquals(1, clients.get(0).n);
            assertEquals(2, table.get(0).n);
        }
        assertTrue(Files.exists(directory.resolve("run/clients.log")));
        assertTrue(Files.exists(directory.resolve("run/fedspeed.duals.log")));
    }
}
