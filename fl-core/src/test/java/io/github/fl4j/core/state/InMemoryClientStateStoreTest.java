package io.github.fl4j.core.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.tensor.Tensors;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class InMemoryClientStateStoreTest {
    private static final StateCodec<INDArray> VECTOR = StateCodec.ofVector("vector", v -> v, v -> v);

    private static INDArray v(double... x) {
        return Nd4j.createFromArray(x);
    }

    @Test
    void storesCopiesSoThatMutationsDoNotLeakInEitherDirection() {
        InMemoryClientStateStore<INDArray> store = new InMemoryClientStateStore<>("test", VECTOR);
        INDArray a = v(1, 2, 3);
        store.put(4, a);
        a.putScalar(0, 99); // the caller mutates what it put
        INDArray got = store.get(4);
        assertArrayEquals(new double[] {1, 2, 3}, Tensors.toDoubleArray(got), 0);
        got.putScalar(1, -5); // the caller mutates what it got
        assertArrayEquals(new double[] {1, 2, 3}, Tensors.toDoubleArray(store.get(4)), 0);
        assertNull(store.get(3));
        assertTrue(store.contains(4));
        assertFalse(store.contains(3));
        assertFalse(store.contains(1000));
        assertEquals(1, store.size());
    }

    @Test
    void batchesKeepTheOrderOfTheIds() {
        InMemoryClientStateStore<INDArray> store = new InMemoryClientStateStore<>("test", VECTOR);
        store.putAll(new int[] {7, 2, 40}, List.of(v(7), v(2), v(40)));
        List<INDArray> got = store.getAll(new int[] {40, 3, 7, 2});
        assertEquals(40, got.get(0).getDouble(0));
        assertNull(got.get(1));
        assertEquals(7, got.get(2).getDouble(0));
        assertEquals(2, got.get(3).getDouble(0));
        assertEquals(3, store.size());
        store.put(2, v(-2));
        assertEquals(3, store.size());
        assertEquals(-2, store.get(2).getDouble(0));
    }

    @Test
    void releasedObjectsAreDecodedIntoInsteadOfAllocating() {
        InMemoryClientStateStore<INDArray> store = new InMemoryClientStateStore<>("test", VECTOR);
        store.put(0, v(1, 2));
        store.put(1, v(3, 4));
        INDArray first = store.get(0);
        store.release(first);
        INDArray second = store.get(1);
        assertSame(first, second);
        assertArrayEquals(new double[] {3, 4}, Tensors.toDoubleArray(second), 0);
    }

    @Test
    void writeToAndReadFromAreBitExact() throws IOException {
        InMemoryClientStateStore<INDArray> store = new InMemoryClientStateStore<>("test", VECTOR);
        store.putAll(new int[] {0, 5, 9}, List.of(v(0.1, -0.0), v(Double.MIN_VALUE, 1e300), v(Double.NaN, 3)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        store.writeTo(new DataOutputStream(bytes));
        InMemoryClientStateStore<INDArray> back = new InMemoryClientStateStore<>("test", VECTOR);
        back.put(3, v(1)); // replaced by readFrom
        back.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(3, back.size());
        assertFalse(back.contains(3));
        assertEquals(store.encodedBytes(), back.encodedBytes());
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        back.writeTo(new DataOutputStream(again));
        assertArrayEquals(bytes.toByteArray(), again.toByteArray());
    }

    @Test
    void corruptInputIsNamed() {
        byte[] decreasing = {1, 0, 0, 0, 2, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0};
        InMemoryClientStateStore<INDArray> store = new InMemoryClientStateStore<>("clients", VECTOR);
        IOException e = assertThrows(IOException.class,
                () -> store.readFrom(new DataInputStream(new ByteArrayInputStream(decreasing))));
        assertEquals("clients store: client ids must increase, read 3 after 5", e.getMessage());
        IOException v = assertThrows(IOException.class, () -> store.readFrom(
                new DataInputStream(new ByteArrayInputStream(new byte[] {2, 0, 0, 0, 0}))));
        assertEquals("clients store format version must be 1, was 2", v.getMessage());
    }

    @Test
    void badArgumentsAreNamed() {
        InMemoryClientStateStore<INDArray> store = new InMemoryClientStateStore<>("clients", VECTOR);
        assertEquals("clients: client id must be >= 0, was -1",
                assertThrows(IllegalArgumentException.class, () -> store.get(-1)).getMessage());
        assertEquals("clients: the state of client 2 must not be null",
                assertThrows(IllegalArgumentException.class, () -> store.putAll(new int[] {2},
                        Arrays.asList((INDArray) null))).getMessage());
        assertEquals("clients: 2 client ids but 1 states",
                assertThrows(IllegalArgumentException.class, () -> store.putAll(new int[] {1, 2},
                        List.of(v(1)))).getMessage());
    }

    @Test
    void serverTablesAreNamedCheckpointedAndBoundToOneCodec() throws IOException {
        ServerTables tables = new ServerTables();
        tables.table("a", VECTOR).put(3, v(1, 2));
        tables.table("b", VECTOR).put(0, v(5));
        StateCodec<INDArray> other = StateCodec.ofVector("other", x -> x, x -> x);
        assertThrows(IllegalArgumentException.class, () -> tables.table("a", other));
        assertThrows(IllegalArgumentException.class, () -> tables.table(" ", VECTOR));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        tables.writeTo(new DataOutputStream(bytes));
        ServerTables back = new ServerTables();
        back.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(java.util.Set.of("a", "b"), back.names());
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        back.writeTo(new DataOutputStream(again));
        assertArrayEquals(bytes.toByteArray(), again.toByteArray(), "unused restored tables are written as read");
        assertArrayEquals(new double[] {1, 2}, Tensors.toDoubleArray(back.table("a", VECTOR).get(3)), 0);
        assertEquals(5, back.table("b", VECTOR).get(0).getDouble(0));
    }
}
