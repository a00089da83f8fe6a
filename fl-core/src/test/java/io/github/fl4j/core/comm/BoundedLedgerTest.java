package io.github.fl4j.core.comm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.random.RandomStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger's retention (totals only past a bound), its fingerprint, and its entry file. */
class BoundedLedgerTest {

    /** Records n entries of a run-like stream (rounds of 7 clients among 1,000, two vectors up) into each ledger. */
    private static void fill(int n, CommunicationLedger... ledgers) {
        RandomStream r = new RandomStream(42);
        for (int i = 0; i < n; i++) {
            int round = i / 21 + 1;
            int client = r.nextInt(1000);
            Direction d = i % 3 == 0 ? Direction.DOWNLINK : Direction.UPLINK;
            int vector = i % 3 == 2 ? 1 : 0;
            long bits = r.nextInt(1 << 20);
            for (CommunicationLedger l : ledgers) {
                l.record(round, d, client, vector, bits);
            }
        }
    }

    private static byte[] encode(CommunicationLedger l) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        l.write(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static CommunicationLedger decode(byte[] bytes) throws IOException {
        return CommunicationLedger.read(new DataInputStream(new ByteArrayInputStream(bytes)));
    }

    @Test
    void pastItsBoundTheLedgerKeepsTotalsThatEqualAFullLedgers() {
        CommunicationLedger all = new CommunicationLedger(LedgerOptions.keepAll());
        CommunicationLedger bounded = new CommunicationLedger(LedgerOptions.keepUpTo(100));
        CommunicationLedger totals = new CommunicationLedger(LedgerOptions.totalsOnly());
        fill(100, all, bounded, totals);
        assertTrue(bounded.keepsEntries(), "exactly at its bound it still keeps them");
        assertEquals(all.entries(), bounded.entries());
        assertFalse(totals.keepsEntries());
        fill(5000, all, bounded, totals);
        assertFalse(bounded.keepsEntries());
        IllegalStateException e = assertThrows(IllegalStateException.class, bounded::entries);
        assertTrue(e.getMessage().contains("keeps totals only") && e.getMessage().contains("5100")
                && e.getMessage().contains("LedgerOptions.keepAll()"), e.getMessage());
        for (CommunicationLedger l : List.of(bounded, totals)) {
            assertEquals(5100, l.size());
            assertTrue(all.sameAs(l) && l.sameAs(all));
            assertEquals(all.digest(), l.digest());
            for (Direction d : Direction.values()) {
                assertEquals(all.totalBits(d), l.totalBits(d));
                for (int round = 0; round <= 250; round++) {
                    assertEquals(all.roundBits(round, d), l.roundBits(round, d), "round " + round);
                }
                for (int c = 0; c < 1001; c++) {
                    assertEquals(all.clientBits(c, d), l.clientBits(c, d), "client " + c);
                }
            }
        }
        // the totals agree with a sum over the entries
        long up = 0;
        for (LedgerEntry x : all.entries()) {
            if (x.round() == 17 && x.direction() == Direction.UPLINK) {
                up += x.bits();
            }
        }
        assertEquals(up, totals.roundBits(17, Direction.UPLINK));
        assertEquals(0, totals.roundBits(100_000, Direction.UPLINK));
        assertEquals(0, totals.clientBits(5_000, Direction.DOWNLINK));
    }

    @Test
    void theFingerprintSeesOrderAndEveryField() {
        CommunicationLedger a = new CommunicationLedger(LedgerOptions.totalsOnly());
        CommunicationLedger b = new CommunicationLedger(LedgerOptions.totalsOnly());
        a.record(1, Direction.UPLINK, 3, 0, 10);
        a.record(1, Direction.UPLINK, 4, 0, 10);
        b.record(1, Direction.UPLINK, 4, 0, 10);
        b.record(1, Direction.UPLINK, 3, 0, 10);
        assertTrue(a.totalBits(Direction.UPLINK) == b.totalBits(Direction.UPLINK));
        assertFalse(a.sameAs(b), "same totals, other order");
        long base = fingerprint(1, Direction.UPLINK, 3, 0, 10);
        assertFalse(base == fingerprint(2, Direction.UPLINK, 3, 0, 10));
        assertFalse(base == fingerprint(1, Direction.DOWNLINK, 3, 0, 10));
        assertFalse(base == fingerprint(1, Direction.UPLINK, 4, 0, 10));
        assertFalse(base == fingerprint(1, Direction.UPLINK, 3, 1, 10));
        assertFalse(base == fingerprint(1, Direction.UPLINK, 3, 0, 11));
        assertEquals(base, fingerprint(1, Direction.UPLINK, 3, 0, 10));
    }

    private static long fingerprint(int round, Direction d, int client, int vector, long bits) {
        CommunicationLedger l = new CommunicationLedger(LedgerOptions.totalsOnly());
        l.record(round, d, client, vector, bits);
        return l.digest();
    }

    @Test
    void aMillionEntriesOfTotalsCostTheTotalsOnly() {
        CommunicationLedger l = new CommunicationLedger(LedgerOptions.totalsOnly());
        fill(1_000_000, l);
        // 47,620 rounds and 1,000 clients of two longs each, grown by doubling: under 2 MB, not 21 MB of entries
        assertTrue(l.heapBytes() < 2_000_000, "heap bytes " + l.heapBytes());
        CommunicationLedger kept = new CommunicationLedger(LedgerOptions.keepAll());
        fill(1_000_000, kept);
        assertTrue(kept.heapBytes() > 20_000_000, "heap bytes " + kept.heapBytes());
        assertTrue(kept.sameAs(l));
    }

    @Test
    void aTotalsOnlyLedgerRoundTripsAndGoesOnRecordingLikeTheOriginal() throws IOException {
        CommunicationLedger a = new CommunicationLedger(LedgerOptions.keepUpTo(50));
        fill(3000, a);
        byte[] bytes = encode(a);
        CommunicationLedger b = decode(bytes);
        assertFalse(b.keepsEntries());
        assertTrue(a.sameAs(b));
        assertArrayEquals(bytes, encode(b));
        a.record(500, Direction.UPLINK, 2_000, 0, 9);
        b.record(500, Direction.UPLINK, 2_000, 0, 9);
        assertArrayEquals(encode(a), encode(b));
        // a kept ledger that crosses its bound after a resume drops its entries like the original
        CommunicationLedger c = new CommunicationLedger(LedgerOptions.keepUpTo(3000));
        fill(2999, c);
        CommunicationLedger d = decode(encode(c));
        assertTrue(d.keepsEntries());
        for (CommunicationLedger l : List.of(c, d)) {
            l.record(1, Direction.UPLINK, 1, 0, 1);
            l.record(1, Direction.UPLINK, 1, 0, 1);
        }
        assertFalse(c.keepsEntries());
        assertFalse(d.keepsEntries());
        assertArrayEquals(encode(c), encode(d));
    }

    @Test
    void theEntryFileHoldsEveryEntryInOrder(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("runs/ledger.bin");
        CommunicationLedger all = new CommunicationLedger(LedgerOptions.keepAll());
        CommunicationLedger onDisk = new CommunicationLedger(LedgerOptions.totalsOnly());
        onDisk.attach(LedgerOptions.totalsOnly().writingEntriesTo(file));
        assertEquals(file, onDisk.entryFile());
        fill(20_000, all, onDisk);
        onDisk.close();
        onDisk.close();
        assertEquals(LedgerFile.HEADER_BYTES + 20_000L * LedgerFile.RECORD_BYTES, Files.size(file));
        assertEquals(20_000, LedgerFile.count(file));
        CommunicationLedger back = LedgerFile.read(file);
        assertEquals(all.entries(), back.entries());
        assertTrue(back.sameAs(onDisk));
        StringBuilder csv = new StringBuilder();
        LedgerFile.writeCsv(file, csv);
        String[] lines = csv.toString().split("\n");
        assertEquals(20_001, lines.length);
        assertEquals("round,direction,client,vector,bits", lines[0]);
        LedgerEntry first = all.entries().get(0);
        assertEquals(first.round() + ",downlink," + first.client() + ",0," + first.bits(), lines[1]);
    }

    @Test
    void aResumedLedgerCutsItsFileBackToTheCheckpointAndContinuesByteForByte(@TempDir Path dir) throws IOException {
        Path whole = dir.resolve("whole.bin");
        CommunicationLedger uninterrupted = new CommunicationLedger(LedgerOptions.totalsOnly());
        uninterrupted.attach(LedgerOptions.totalsOnly().writingEntriesTo(whole));
        fill(5000, uninterrupted);
        uninterrupted.close();

        Path crashed = dir.resolve("crashed.bin");
        CommunicationLedger first = new CommunicationLedger(LedgerOptions.totalsOnly());
        first.attach(LedgerOptions.totalsOnly().writingEntriesTo(crashed));
        List<LedgerEntry> entries = new ArrayList<>();
        LedgerFile.forEach(whole, entries::add);
        for (int i = 0; i < 3000; i++) {
            first.record(entries.get(i));
        }
        first.flush();
        byte[] checkpoint = encode(first); // the checkpoint at entry 3,000
        for (int i = 3000; i < 4100; i++) {
            first.record(entries.get(i));
        }
        first.close();
        // the crash leaves entries after the checkpoint and half an entry
        Files.write(crashed, new byte[] {1, 2, 3, 4, 5, 6, 7}, java.nio.file.StandardOpenOption.APPEND);
        IOException partial = assertThrows(IOException.class, () -> LedgerFile.forEach(crashed, x -> { }));
        assertTrue(partial.getMessage().contains(crashed.toString()) && partial.getMessage().contains(
                "partial entry at byte offset " + (LedgerFile.HEADER_BYTES + 4100L * LedgerFile.RECORD_BYTES)),
                partial.getMessage());

        CommunicationLedger resumed = decode(checkpoint);
        resumed.attach(LedgerOptions.totalsOnly().writingEntriesTo(crashed));
        for (int i = 3000; i < 5000; i++) {
            resumed.record(entries.get(i));
        }
        resumed.close();
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(crashed));
        assertTrue(resumed.sameAs(uninterrupted));
    }

    @Test
    void aMissingShortOrForeignEntryFileIsNamed(@TempDir Path dir) throws IOException {
        CommunicationLedger l = new CommunicationLedger(LedgerOptions.totalsOnly());
        fill(10, l);
        Path missing = dir.resolve("missing.bin");
        IOException e = assertThrows(IOException.class,
                () -> l.attach(LedgerOptions.totalsOnly().writingEntriesTo(missing)));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("must exist"),
                e.getMessage());

        Path shortFile = dir.resolve("short.bin");
        CommunicationLedger five = new CommunicationLedger(LedgerOptions.totalsOnly());
        five.attach(LedgerOptions.totalsOnly().writingEntriesTo(shortFile));
        fill(5, five);
        five.close();
        IOException s = assertThrows(IOException.class,
                () -> l.attach(LedgerOptions.totalsOnly().writingEntriesTo(shortFile)));
        assertTrue(s.getMessage().contains(shortFile.toString()) && s.getMessage().contains("holds 5 entries")
                && s.getMessage().contains("recorded 10"), s.getMessage());

        Path foreign = dir.resolve("foreign.bin");
        Files.writeString(foreign, "round,direction\n1,up\n");
        IOException f = assertThrows(IOException.class, () -> LedgerFile.count(foreign));
        assertTrue(f.getMessage().contains(foreign.toString()) && f.getMessage().contains("FL4JLEDG"),
                f.getMessage());
        byte[] bad = Files.readAllBytes(shortFile);
        bad[LedgerFile.HEADER_BYTES + LedgerFile.RECORD_BYTES + 4] = 7;
        Path badDir = dir.resolve("baddir.bin");
        Files.write(badDir, bad);
        IOException d = assertThrows(IOException.class, () -> LedgerFile.forEach(badDir, x -> { }));
        assertTrue(d.getMessage().contains("entry 1 at byte offset " + (LedgerFile.HEADER_BYTES
                + LedgerFile.RECORD_BYTES)) && d.getMessage().contains("direction byte 7"), d.getMessage());
    }

    @Test
    void badOptionsAndEntriesAreNamed() {
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class, () -> LedgerOptions.keepUpTo(-1));
        assertTrue(k.getMessage().contains("keptEntries") && k.getMessage().contains("-1"), k.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LedgerOptions.defaults().writingEntriesTo(null));
        CommunicationLedger l = new CommunicationLedger();
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class,
                () -> l.record(-1, Direction.UPLINK, 0, 0, 1));
        assertTrue(r.getMessage().contains("round must be >= 0, was -1"), r.getMessage());
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
                () -> l.record(1, Direction.UPLINK, -2, 0, 1));
        assertTrue(c.getMessage().contains("client id must be >= 0, was -2"), c.getMessage());
        assertNull(l.entryFile());
        assertEquals(0, l.size());
        assertTrue(l.keepsEntries());
    }
}
