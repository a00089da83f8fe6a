package io.github.fl4j.core.comm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.random.RandomStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import io.github.fl4j.core.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ChannelAndLedgerTest {

    @Test
    void identityCountsThirtyTwoOrSixtyFourBitsPerCoordinate() {
        // Bit accounting (docs/design.md): a dense float32 vector of d coordinates is 32 d bits, float64 64 d.
        INDArray f = Nd4j.zeros(DataType.FLOAT, 1000);
        INDArray d = Nd4j.zeros(DataType.DOUBLE, 1000);
        assertEquals(32_000, IdentityCompressor.INSTANCE.compress(f, new RandomStream(1)).bits());
        assertEquals(64_000, IdentityCompressor.INSTANCE.compress(d, new RandomStream(1)).bits());
    }

    @Test
    void channelReturnsACopyAndRecordsEachVector() {
        Channel c = new Channel(Direction.UPLINK, 3, 7, IdentityCompressor.INSTANCE, new RandomStream(0));
        INDArray x = Nd4j.createFromArray(1f, 2f, 3f);
        INDArray got = c.send(x);
        x.putScalar(0, 99f); // the sender reuses its buffer; the receiver's copy must not change
        assertArrayEquals(new double[] {1, 2, 3}, Tensors.toDoubleArray(got), 0);
        assertNotSame(x, got);
        c.send(Nd4j.createFromArray(1.0, 2.0));
        assertEquals(2, c.message().size());
        assertArrayEquals(new long[] {96, 128}, c.bitsPerVector());
    }

    @Test
    void ledgerTotalsAreDerivedFromEntries() {
        CommunicationLedger l = new CommunicationLedger();
        for (int round = 1; round <= 100; round++) {
            for (int client = 0; client < 3; client++) {
                l.record(round, Direction.DOWNLINK, client, 0, 10);
                l.record(round, Direction.UPLINK, client, 0, 7);
                l.record(round, Direction.UPLINK, client, 1, 1);
            }
        }
        assertEquals(900, l.size());
        assertEquals(100 * 3 * 10, l.totalBits(Direction.DOWNLINK));
        assertEquals(100 * 3 * 8, l.totalBits(Direction.UPLINK));
        assertEquals(24, l.roundBits(57, Direction.UPLINK));
        assertEquals(30, l.roundBits(100, Direction.DOWNLINK));
        assertEquals(800, l.clientBits(2, Direction.UPLINK));
        assertEquals(new LedgerEntry(1, Direction.UPLINK, 0, 1, 1), l.entries().get(2));
        assertThrows(IllegalArgumentException.class, () -> l.record(1, Direction.UPLINK, 0, 0, -1));
    }

    private static byte[] encode(CommunicationLedger l) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        l.write(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static CommunicationLedger decode(byte[] bytes) throws IOException {
        return CommunicationLedger.read(new DataInputStream(new ByteArrayInputStream(bytes)));
    }

    /** A ledger of n entries with random rounds, clients, vectors, directions and bit counts. */
    private static CommunicationLedger randomLedger(int n) {
        CommunicationLedger l = new CommunicationLedger();
        RandomStream r = new RandomStream(n);
        for (int i = 0; i < n; i++) {
            long bits = r.nextInt(4) == 0 ? r.nextLong() >>> 1 >>> r.nextInt(63) : r.nextInt(1 << 20);
            l.record(i / 7 + 1, r.nextInt(2) == 0 ? Direction.UPLINK : Direction.DOWNLINK, r.nextInt(1000),
                    r.nextInt(Short.MAX_VALUE + 1), bits >>> 20); // < 2^43: the totals cannot overflow
        }
        return l;
    }

    @Test
    void ledgerRoundTripsBitExactly() throws IOException {
        for (int n : new int[] {0, 1, 1023, 1024, 1025, 5000}) {
            CommunicationLedger l = randomLedger(n);
            byte[] bytes = encode(l);
            int rounds = n == 0 ? 0 : (n - 1) / 7 + 2;
            int clients = 0;
            for (LedgerEntry e : l.entries()) {
                clients = Math.max(clients, e.client() + 1);
            }
            // header (version, limit, keeping, count, digest, two totals), round and client totals, entries
            assertEquals(1 + 8 + 1 + 8 * 4 + 4 + 16L * rounds + 4 + 16L * clients + 4 + 19L * n, bytes.length,
                    "n=" + n);
            CommunicationLedger back = decode(bytes);
            assertEquals(l.size(), back.size());
            assertEquals(l.entries(), back.entries(), "n=" + n);
            assertEquals(l.digest(), back.digest());
            assertTrue(l.sameAs(back));
            for (Direction d : Direction.values()) {
                assertEquals(l.totalBits(d), back.totalBits(d));
                assertEquals(l.roundBits(5, d), back.roundBits(5, d));
                assertEquals(l.clientBits(17, d), back.clientBits(17, d));
            }
            assertArrayEquals(bytes, encode(back));
            // The read ledger goes on recording like the original.
            l.record(n + 1, Direction.UPLINK, 3, 0, 12);
            back.record(n + 1, Direction.UPLINK, 3, 0, 12);
            assertArrayEquals(encode(l), encode(back));
        }
    }

    /** The version-1 form of earlier fl4j checkpoints: entries only, then the two totals. */
    private static byte[] encodeVersion1(List<LedgerEntry> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(1);
        out.writeInt(entries.size());
        long up = 0;
        long down = 0;
        for (LedgerEntry e : entries) {
            out.writeInt(e.round());
        }
        for (LedgerEntry e : entries) {
            out.writeInt(e.client());
        }
        for (LedgerEntry e : entries) {
            out.writeShort(e.vector());
        }
        for (LedgerEntry e : entries) {
            out.writeByte(e.direction() == Direction.UPLINK ? 1 : 0);
        }
        for (LedgerEntry e : entries) {
            out.writeLong(e.bits());
            if (e.direction() == Direction.UPLINK) {
                up += e.bits();
            } else {
                down += e.bits();
            }
        }
        out.writeLong(up);
        out.writeLong(down);
        return bytes.toByteArray();
    }

    @Test
    void version1LedgersOfEarlierCheckpointsAreRead() throws IOException {
        CommunicationLedger l = randomLedger(3000);
        byte[] v1 = encodeVersion1(l.entries());
        CommunicationLedger back = decode(v1);
        assertTrue(l.sameAs(back));
        assertEquals(l.entries(), back.entries());
        assertEquals(l.roundBits(200, Direction.UPLINK), back.roundBits(200, Direction.UPLINK));
        byte[] bad = v1.clone();
        ByteBuffer.wrap(bad).putLong(bad.length - 16, 1);
        assertMessage(bad, "communication ledger total uplink bits must be the sum of the entries");
    }

    @Test
    void corruptLedgerIsNamed() throws IOException {
        CommunicationLedger l = new CommunicationLedger();
        l.record(1, Direction.DOWNLINK, 0, 0, 10);
        l.record(1, Direction.UPLINK, 0, 1, 7);
        l.record(2, Direction.UPLINK, 1, 0, 5);
        byte[] good = encode(l);
        int n = 3;
        int totalsAt = 1 + 8 + 1 + 8 + 8;
        int sizeAt = totalsAt + 16 + 4 + 16 * 3 + 4 + 16 * 2;
        int vectorsAt = sizeAt + 4 + 8 * n;
        int directionsAt = vectorsAt + 2 * n;
        int bitsAt = directionsAt + n;
        assertEquals(bitsAt + 8 * n, good.length);

        byte[] version = good.clone();
        version[0] = 3;
        assertMessage(version, "communication ledger format version must be 2, was 3");

        byte[] size = good.clone();
        ByteBuffer.wrap(size).putInt(sizeAt, -5);
        assertMessage(size, "communication ledger size must be >= 0, was -5");

        byte[] bits = good.clone();
        ByteBuffer.wrap(bits).putLong(bitsAt + 8, -7);
        assertMessage(bits, "communication ledger entry 1: bits must be >= 0, was -7");

        byte[] vector = good.clone();
        ByteBuffer.wrap(vector).putShort(vectorsAt + 2 * 2, (short) -1);
        assertMessage(vector, "communication ledger entry 2: vector index must be >= 0, was -1");

        byte[] direction = good.clone();
        direction[directionsAt] = 9;
        assertMessage(direction, "communication ledger entry 0: direction byte must be 0 (downlink) or 1 (uplink), "
                + "was 9");

        byte[] total = good.clone();
        ByteBuffer.wrap(total).putLong(totalsAt, 13);
        assertMessage(total, "communication ledger per-round totals must add up to the totals 13 up and 10 down, "
                + "were 12 and 10");

        byte[] entryBits = good.clone();
        ByteBuffer.wrap(entryBits).putLong(bitsAt + 16, 6);
        assertMessage(entryBits, "communication ledger entries must match its totals");

        for (int cut = 0; cut < good.length; cut++) {
            byte[] part = java.util.Arrays.copyOf(good, cut);
            assertThrows(EOFException.class, () -> decode(part), "cut at " + cut);
        }
        // A huge size on a short input runs out of input, not out of memory.
        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).putInt(sizeAt, Integer.MAX_VALUE);
        assertThrows(EOFException.class, () -> decode(huge));
        byte[] hugeRounds = good.clone();
        ByteBuffer.wrap(hugeRounds).putInt(totalsAt + 16, Integer.MAX_VALUE);
        assertThrows(EOFException.class, () -> decode(hugeRounds));
    }

    private static void assertMessage(byte[] bytes, String expected) {
        IOException e = assertThrows(IOException.class, () -> decode(bytes));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
        assertFalse(e instanceof EOFException, "not an EOF: " + e);
    }
}
