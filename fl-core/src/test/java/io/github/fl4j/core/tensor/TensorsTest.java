package io.github.fl4j.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TensorsTest {

    @Test
    void blasKernelsMatchHandComputation() {
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray x = Nd4j.createFromArray(1.0, 2.0, 3.0).castTo(t);
            INDArray y = Nd4j.createFromArray(10.0, 20.0, 30.0).castTo(t);
            Tensors.axpy(0.5, x, y); // (10.5, 21, 31.5)
            assertArrayEquals(new double[] {10.5, 21, 31.5}, Tensors.toDoubleArray(y), 0);
            Tensors.scale(2, y); // (21, 42, 63)
            assertArrayEquals(new double[] {21, 42, 63}, Tensors.toDoubleArray(y), 0);
            assertEquals(1 * 21 + 2 * 42 + 3 * 63, Tensors.dot(x, y), 0); // 294
            assertEquals(Math.sqrt(14), Tensors.norm2(x), 1e-6);
            INDArray d = Tensors.zeros(Precision.of(t), 3);
            Tensors.subtract(y, x, d); // (20, 40, 60)
            assertArrayEquals(new double[] {20, 40, 60}, Tensors.toDoubleArray(d), 0);
            Tensors.copy(x, d);
            assertArrayEquals(new double[] {1, 2, 3}, Tensors.toDoubleArray(d), 0);
        }
    }

    @Test
    void finiteCheckFindsFirstBadCoordinate() {
        INDArray x = Nd4j.createFromArray(1f, 2f, Float.NaN, Float.POSITIVE_INFINITY);
        assertEquals(2, Tensors.firstNonFinite(x));
        assertTrue(Tensors.isFinite(Nd4j.createFromArray(1.0, -2.0)));
        assertEquals(1, Tensors.firstNonFinite(Nd4j.createFromArray(1.0, Double.NEGATIVE_INFINITY)));
        // A view with an offset is read from its own first element.
        INDArray base = Nd4j.createFromArray(Double.NaN, 1.0, 2.0);
        INDArray view = base.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 3));
        assertEquals(-1, Tensors.firstNonFinite(view));
        // Finite values whose absolute sum overflows float32 (3 x 3e38 > 3.4e38): the BLAS fast path sees Infinity,
        // the exact loop then finds every element finite.
        assertEquals(-1, Tensors.firstNonFinite(Nd4j.createFromArray(3e38f, -3e38f, 3e38f)));
        assertEquals(1, Tensors.firstNonFinite(Nd4j.createFromArray(0f, Float.NaN, 1f)));
    }

    @Test
    void directKernelsRespectViewOffsetsAndOverwriteNaN() {
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray base = Nd4j.createFromArray(1.0, 2.0, 3.0, 4.0, 5.0, 6.0).castTo(t);
            INDArray head = base.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 3));
            INDArray tail = base.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(3, 6));
            Tensors.axpy(2, head, tail); // (4 + 2, 5 + 4, 6 + 6)
            assertArrayEquals(new double[] {1, 2, 3, 6, 9, 12}, Tensors.toDoubleArray(base), 0);
            assertEquals(1 * 6 + 2 * 9 + 3 * 12, Tensors.dot(head, tail), 0); // 60
            Tensors.copy(head, tail);
            Tensors.scale(-1, head);
            assertArrayEquals(new double[] {-1, -2, -3, 1, 2, 3}, Tensors.toDoubleArray(base), 0);
            tail.putScalar(1, Double.NaN);
            Tensors.fillZero(tail);
            assertArrayEquals(new double[] {-1, -2, -3, 0, 0, 0}, Tensors.toDoubleArray(base), 0);
            assertEquals(Math.sqrt(14), Tensors.norm2(head), 1e-6);
        }
    }

    @Test
    void mismatchedLengthsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensors.axpy(1, Nd4j.zeros(DataType.FLOAT, 3), Nd4j.zeros(DataType.FLOAT, 4)));
        assertTrue(e.getMessage().contains("3 vs 4"), e.getMessage());
    }

    @Test
    void wireFormRoundTripsBitExactly() throws IOException {
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray x = Nd4j.createFromArray(Math.PI, -0.0, 1e-300, Double.MIN_VALUE, 7).castTo(t);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Tensors.write(x, new DataOutputStream(bytes));
            // 1 precision byte + 8 length bytes + 5 values of 4 or 8 bytes.
            assertEquals(1 + 8 + 5 * (t == DataType.FLOAT ? 4 : 8), bytes.size());
            INDArray y = Tensors.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertEquals(x.dataType(), y.dataType());
            double[] a = Tensors.toDoubleArray(x);
            double[] b = Tensors.toDoubleArray(y);
            for (int i = 0; i < a.length; i++) {
                assertEquals(Double.doubleToRawLongBits(a[i]), Double.doubleToRawLongBits(b[i]));
            }
        }
    }

    @Test
    void corruptWireFormNamesTheProblem() {
        byte[] bad = {16, 0, 0, 0, 0, 0, 0, 0, 1};
        IOException e = assertThrows(IOException.class,
                () -> Tensors.read(new DataInputStream(new ByteArrayInputStream(bad))));
        assertTrue(e.getMessage().contains("was 16"), e.getMessage());
    }

    @Test
    void nativeThreadsAreOnePerOp() {
        NativeThreads.useOneThreadPerOp();
        // (ND4J loop threads, OpenMP threads, OpenBLAS threads) all 1: the machine has 2 cores, so 2 is the default.
        assertArrayEquals(new int[] {1, 1, 1}, NativeThreads.current());
    }
}
