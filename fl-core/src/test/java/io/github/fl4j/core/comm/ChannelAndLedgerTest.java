package io.github.fl4j.core.comm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ChannelAndLedgerTest {

    @Test
    void identityCountsThirtyTwoOrSixtyFourBitsPerCoordinate() {
        // DESIGN.md section 7: a dense float32 vector of d coordinates is 32 d bits, float64 64 d.
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
}
