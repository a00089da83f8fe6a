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

    /** The element-wise encoding that Tensors.write used before it wrote in bulk: the format reference. */
    private static byte[] elementWiseEncoding(INDArray x) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        Precision p = Precision.of(x.dataType());
        out.writeByte(p.bits());
        long n = x.length();
        out.writeLong(n);
        for (int i = 0; i < n; i++) {
            if (p == Precision.FLOAT64) {
                out.writeDouble(x.getDouble(i));
            } else {
                out.writeFloat(x.getFloat(i));
            }
        }
        out.flush();
        return bytes.toByteArray();
    }

    private static byte[] encode(INDArray x) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Tensors.write(x, new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static INDArray decode(byte[] bytes) throws IOException {
        return Tensors.read(new DataInputStream(new ByteArrayInputStream(bytes)));
    }

    /** Random values with the awkward ones sprinkled in: -0, subnormals, infinities, the canonical NaN. */
    private static INDArray awkwardVector(DataType t, int n, long seed) {
        INDArray x = Nd4j.createUninitialized(t, n);
        io.github.fl4j.core.random.RandomStream r = new io.github.fl4j.core.random.RandomStream(seed);
        double[] special = {-0.0, 0.0, Double.MIN_VALUE, -Double.MIN_NORMAL / 3, Float.MIN_VALUE, -Float.MIN_VALUE,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, Double.MAX_VALUE, 1e-40};
        for (int i = 0; i < n; i++) {
            double v = i % 97 < special.length ? special[i % 97] : r.nextGaussian() * Math.pow(10, r.nextInt(20) - 10);
            x.putScalar(i, v);
        }
        return x;
    }

    private static void assertBitsEqual(INDArray expected, INDArray actual) {
        assertEquals(expected.dataType(), actual.dataType());
        assertEquals(expected.length(), actual.length());
        for (int i = 0; i < expected.length(); i++) {
            if (expected.dataType() == DataType.DOUBLE) {
                assertEquals(Double.doubleToRawLongBits(expected.getDouble(i)),
                        Double.doubleToRawLongBits(actual.getDouble(i)), "at " + i);
            } else {
                assertEquals(Float.floatToRawIntBits(expected.getFloat(i)), Float.floatToRawIntBits(actual.getFloat(i)),
                        "at " + i);
            }
        }
    }

    @Test
    void bulkWireFormIsByteForByteTheElementWiseOne() throws IOException {
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (int n : new int[] {0, 1, 7, 8191, 8193, 100_003}) {
                INDArray x = awkwardVector(t, n, n);
                byte[] expected = elementWiseEncoding(x);
                byte[] actual = encode(x);
                assertEquals(1 + 8 + (long) n * (t == DataType.FLOAT ? 4 : 8), actual.length, t + " n=" + n);
                assertArrayEquals(expected, actual, t + " n=" + n);
                assertBitsEqual(x, decode(actual));
            }
        }
    }

    @Test
    void viewsAreWrittenFromTheirOwnElements() throws IOException {
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray base = awkwardVector(t, 8200, 3);
            // A contiguous view with an offset (the direct path).
            INDArray view = base.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(5, 8198));
            assertEquals(5, view.offset());
            byte[] bytes = encode(view);
            assertArrayEquals(elementWiseEncoding(view), bytes);
            assertArrayEquals(encode(view.dup()), bytes);
            assertBitsEqual(view, decode(bytes));
            // A strided view (every other element) and an 'f'-ordered matrix are written in index (c) order.
            INDArray strided = base.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 2, 8200));
            assertEquals(2, strided.stride(0));
            assertArrayEquals(elementWiseEncoding(strided), encode(strided));
            INDArray fOrder = Nd4j.createFromArray(new double[][] {{1, 2, 3}, {4, 5, 6}}).castTo(t).dup('f');
            assertArrayEquals(encode(fOrder.dup('c').reshape(6)), encode(fOrder));
        }
    }

    @Test
    void roundTripKeepsNaNPayloadsNegativeZeroAndSubnormals() throws IOException {
        long[] doubleBits = {0x7FF8000000000123L, 0xFFF8000000000001L, 0x7FFFFFFFFFFFFFFFL, 0x8000000000000000L,
            0x0000000000000001L, 0x800FFFFFFFFFFFFFL, 0x7FF0000000000000L, 0x3FF0000000000000L};
        int[] floatBits = {0x7FC12345, 0xFFC00001, 0x7FFFFFFF, 0x80000000, 0x00000001, 0x807FFFFF, 0xFF800000,
            0x3F800000};
        INDArray d = Nd4j.zeros(DataType.DOUBLE, doubleBits.length);
        INDArray f = Nd4j.zeros(DataType.FLOAT, floatBits.length);
        for (int i = 0; i < doubleBits.length; i++) {
            Tensors.doubleView(d).put(i, Double.longBitsToDouble(doubleBits[i]));
            Tensors.floatView(f).put(i, Float.intBitsToFloat(floatBits[i]));
        }
        INDArray d2 = decode(encode(d));
        INDArray f2 = decode(encode(f));
        for (int i = 0; i < doubleBits.length; i++) {
            assertEquals(doubleBits[i], Double.doubleToRawLongBits(Tensors.doubleView(d2).get(i)), "double " + i);
            assertEquals(floatBits[i], Float.floatToRawIntBits(Tensors.floatView(f2).get(i)), "float " + i);
        }
        // The payload is on the wire too (big-endian raw bits after the 9-byte header).
        byte[] bytes = encode(f);
        assertEquals(0x7F, bytes[9] & 0xFF);
        assertEquals(0xC1, bytes[10] & 0xFF);
        assertEquals(0x23, bytes[11] & 0xFF);
        assertEquals(0x45, bytes[12] & 0xFF);
    }

    @Test
    void truncatedWireFormFailsWithEof() throws IOException {
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            byte[] full = encode(awkwardVector(t, 8193, 1));
            for (int cut : new int[] {0, 1, 8, 9, 10, 9 + 8192, full.length - 1}) {
                byte[] part = java.util.Arrays.copyOf(full, cut);
                assertThrows(java.io.EOFException.class, () -> decode(part), t + " cut at " + cut);
            }
        }
    }

    @Test
    void badLengthIsNamed() {
        byte[] negative = {32, -1, -1, -1, -1, -1, -1, -1, -3};
        IOException e = assertThrows(IOException.class, () -> decode(negative));
        assertTrue(e.getMessage().contains("was -3"), e.getMessage());
    }

    @Test
    void nativeThreadsAreOnePerOp() {
        NativeThreads.useOneThreadPerOp();
        // (ND4J loop threads, OpenMP threads, OpenBLAS threads) all 1: the machine has 2 cores, so 2 is the default.
        assertArrayEquals(new int[] {1, 1, 1}, NativeThreads.current());
    }
}
