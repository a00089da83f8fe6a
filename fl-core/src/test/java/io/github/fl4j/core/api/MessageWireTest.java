package io.github.fl4j.core.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.tensor.Tensors;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** The wire form of a message: vectors of either precision round-trip bit for bit; a corrupt form is named. */
class MessageWireTest {

    @Test
    void vectorsRoundTripBitForBit() throws IOException {
        Message m = Message.of(Nd4j.createFromArray(1.5f, -0.0f, Float.MIN_VALUE),
                Nd4j.createFromArray(Math.PI, Double.MAX_VALUE), Nd4j.create(DataType.FLOAT, 0));
        Message back = Message.fromBytes(m.toBytes());
        assertEquals(3, back.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(m.vector(i).dataType(), back.vector(i).dataType());
            assertArrayEquals(Tensors.toDoubleArray(m.vector(i)), Tensors.toDoubleArray(back.vector(i)), 0.0);
        }
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(back.vector(0).getFloat(1)));
        assertEquals(0, Message.fromBytes(Message.of().toBytes()).size());
    }

    @Test
    void aCorruptFormIsNamed() {
        byte[] good = Message.of(Nd4j.createFromArray(1.0, 2.0)).toBytes();
        byte[] negative = good.clone();
        ByteBuffer.wrap(negative).putInt(0, -3);
        IOException e = assertThrows(IOException.class, () -> Message.fromBytes(negative));
        assertTrue(e.getMessage().contains("message vector count must be >= 0, was -3"), e.getMessage());
        for (int cut = 0; cut < good.length; cut++) {
            byte[] part = Arrays.copyOf(good, cut);
            assertThrows(EOFException.class, () -> Message.fromBytes(part), "cut at " + cut);
        }
    }
}
