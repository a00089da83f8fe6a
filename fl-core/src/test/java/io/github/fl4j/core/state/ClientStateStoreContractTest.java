package io.github.fl4j.core.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.tensor.Tensors;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The contract of {@link ClientStateStore}, which every store implementation extends with a subclass that says how to
 * make a store: batched get/put in the order of the ids, no aliasing in either direction, bit-exact codec round trips
 * (including NaN payloads and negative zeros), release and reuse, contains/size/encodedBytes, a checkpoint round trip
 * through writeTo/readFrom in the in-memory store's format (so checkpoints move between stores), and atomic puts: a
 * codec that fails half-way through a batch leaves the last committed state. A store that persists across processes
 * adds a kill-and-reopen test in its own subclass.
 */
public abstract class ClientStateStoreContractTest {

    /** A state with two fields: a float vector and a counter, so that a codec that drops a field is caught. */
    public static final class Pair {
        final INDArray v;
        long n;

        Pair(INDArray v, long n) {
            this.v = v;
            this.n = n;
        }
    }

    /** The codec of {@link Pair}: version 1, the counter, the vector; decodes into a released pair of the same size. */
    public static final StateCodec<Pair> PAIR = new StateCodec<>() {
        @Override
        public void write(Pair s, DataOutput out) throws IOException {
            out.writeByte(1);
            out.writeLong(s.n);
            Tensors.write(s.v, out);
        }

        @Override
        public Pair read(DataInput in) throws IOException {
            StateCodec.checkVersion("pair", 1, in.readUnsignedByte());
            long n = in.readLong();
            return new Pair(Tensors.read(in), n);
        }

        @Override
        public Pair read(DataInput in, Pair reuse) throws IOException {
            StateCodec.checkVersion("pair", 1, in.readUnsignedByte());
            long n = in.readLong();
            INDArray v = Tensors.readInto(in, reuse == null ? null : reuse.v);
            if (reuse != null && v == reuse.v) {
                reuse.n = n;
                return reuse;
            }
            return new Pair(v, n);
        }
    };

    @TempDir
    protected Path directory;
    private final List<ClientStateStore<?>> opened = new ArrayList<>();

    /** A new, empty store of the implementation under test; {@code directory} is a fresh folder it may use. */
    protected abstract <T> ClientStateStore<T> newStore(String name, StateCodec<T> codec);

    private <T> ClientStateStore<T> store(String name, StateCodec<T> codec) {
        ClientStateStore<T> s = newStore(name, codec);
        opened.add(s);
        return s;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(ClientStateStore::close);
    }

    protected static Pair pair(long n, float... x) {
        return new Pair(Nd4j.createFromArray(x), n);
    }

    protected static byte[] encode(Pair p) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PAIR.write(p, new DataOutputStream(b));
        return b.toByteArray();
    }

    protected static byte[] contents(ClientStateStore<?> s) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        s.writeTo(new DataOutputStream(b));
        return b.toByteArray();
    }

    @Test
    void getReturnsWhatWasPutInTheOrderOfTheIdsAndNullForTheAbsent() throws IOException {
        ClientStateStore<Pair> s = store("clients", PAIR);
        s.putAll(new int[] {7, 2, 40}, List.of(pair(7, 7f), pair(2, 2f, 2.5f), pair(40, 40f)));
        List<Pair> got = s.getAll(new int[] {40, 3, 7, 2, 0});
        assertEquals(40, got.get(0).n);
        assertNull(got.get(1));
        assertEquals(7f, got.get(2).v.getFloat(0));
        assertArrayEquals(encode(pair(2, 2f, 2.5f)), encode(got.get(3)));
        assertNull(got.get(4));
        s.put(2, pair(-2, -2f));
        assertEquals(-2, s.get(2).n);
        assertEquals(3, s.size());
        assertNull(s.get(1_000_000), "an id far past every stored one");
    }

    @Test
    void mutatingAPutOrAGotObjectDoesNotChangeTheStore() throws IOException {
        ClientStateStore<Pair> s = store("clients", PAIR);
        Pair a = pair(1, 1f, 2f, 3f);
        s.put(4, a);
        a.v.putScalar(0, 99f); // the caller mutates what it put
        a.n = 99;
        Pair got = s.get(4);
        assertArrayEquals(encode(pair(1, 1f, 2f, 3f)), encode(got));
        got.v.putScalar(1, -5f); // the caller mutates what it got
        got.n = -5;
        assertArrayEquals(encode(pair(1, 1f, 2f, 3f)), encode(s.get(4)));
        assertNotSame(s.get(4), s.get(4), "every get returns an object of the caller's");
    }

    @Test
    void theCodecRoundTripIsBitExact() throws IOException {
        ClientStateStore<Pair> s = store("clients", PAIR);
        float nanWithPayload = Float.intBitsToFloat(0x7fc0_1234);
        Pair p = pair(Long.MIN_VALUE, -0f, nanWithPayload, Float.MIN_VALUE, Float.MAX_VALUE, 1e-30f);
        s.put(0, p);
        Pair got = s.get(0);
        assertArrayEquals(encode(p), encode(got));
        assertEquals(0x7fc0_1234, Float.floatToRawIntBits(got.v.getFloat(1)), "NaN payload");
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(got.v.getFloat(0)), "negative zero");
        INDArray d = Nd4j.createFromArray(1.0 / 3, -0.0, Double.MIN_VALUE);
        ClientStateStore<INDArray> doubles = store("doubles", StateCodec.ofVector("v", v -> v, v -> v));
        doubles.put(3, d);
        INDArray back = doubles.get(3);
        assertEquals(DataType.DOUBLE, back.dataType());
        for (int i = 0; i < 3; i++) {
            assertEquals(Double.doubleToRawLongBits(d.getDouble(i)), Double.doubleToRawLongBits(back.getDouble(i)));
        }
    }

    @Test
    void releasedObjectsAreReusedWithoutChangingWhatOthersHold() throws IOException {
        ClientStateStore<Pair> s = store("clients", PAIR);
        s.putAll(new int[] {0, 1, 2}, List.of(pair(0, 0f, 0f), pair(1, 1f, 1f), pair(2, 2f, 2f)));
        Pair kept = s.get(0);
        Pair released = s.get(1);
        s.release(released);
        Pair next = s.get(2);
        assertArrayEquals(encode(pair(2, 2f, 2f)), encode(next), "decoded into a released object, or a new one");
        assertArrayEquals(encode(pair(0, 0f, 0f)), encode(kept), "an object not released is never decoded into");
        s.put(2, next);
        s.release(next);
        assertArrayEquals(encode(pair(1, 1f, 1f)), encode(s.get(1)));
        assertArrayEquals(encode(pair(2, 2f, 2f)), encode(s.get(2)));
        s.release(null); // ignored
    }

    @Test
    void containsSizeAndEncodedBytesCountTheStoredStates() throws IOException {
        ClientStateStore<Pair> s = store("clients", PAIR);
        assertEquals(0, s.size());
        assertEquals(0, s.encodedBytes());
        assertFalse(s.contains(0));
        assertFalse(s.contains(-1));
        s.putAll(new int[] {5, 9}, List.of(pair(5, 1f), pair(9, 1f, 2f, 3f)));
        assertTrue(s.contains(5));
        assertTrue(s.contains(9));
        assertFalse(s.contains(6));
        assertEquals(2, s.size());
        assertEquals(encode(pair(5, 1f)).length + encode(pair(9, 1f, 2f, 3f)).length, s.encodedBytes());
        s.put(9, pair(9, 1f));
        assertEquals(2, s.size());
        assertEquals(2L * encode(pair(5, 1f)).length, s.encodedBytes(), "an overwritten state counts once");
    }

    @Test
    void writeToAndReadFromRoundTripInTheInMemoryFormat() throws IOException {
        ClientStateStore<Pair> s = store("clients", PAIR);
        for (int id = 30; id >= 0; id -= 3) {
            s.put(id, pair(id, id, -id, id * 0.5f));
        }
        byte[] written = contents(s);
        InMemoryClientStateStore<Pair> memory = new InMemoryClientStateStore<>("clients", PAIR);
        memory.readFrom(new DataInputStream(new ByteArrayInputStream(written)));
        assertArrayEquals(contents(memory), written, "the in-memory store's format, ids in increasing order");

        ClientStateStore<Pair> back = store("restored", PAIR);
        back.put(100, pair(100, 100f)); // replaced by readFrom
        back.readFrom(new DataInputStream(new ByteArrayInputStream(written)));
        assertArrayEquals(written, contents(back));
        assertFalse(back.contains(100));
        assertEquals(s.size(), back.size());
        assertEquals(s.encodedBytes(), back.encodedBytes());
        assertArrayEquals(encode(pair(12, 12f, -12f, 6f)), encode(back.get(12)));

        byte[] bad = written.clone();
        bad[0] = 9;
        IOException e = assertThrows(IOException.class,
                () -> back.readFrom(new DataInputStream(new ByteArrayInputStream(bad))));
        assertTrue(e.getMessage().contains("version must be 1, was 9"), e.getMessage());
    }

    @Test
    void aCodecThatFailsHalfWayLeavesTheLastCommittedState() throws IOException {
        StateCodec<Pair> failing = new StateCodec<>() {
            @Override
            public void write(Pair s, DataOutput out) throws IOException {
                if (s.n == 13) {
                    out.writeByte(1);
                    throw new IOException("unlucky state");
                }
                PAIR.write(s, out);
            }

            @Override
            public Pair read(DataInput in) throws IOException {
                return PAIR.read(in);
            }
        };
        ClientStateStore<Pair> s = store("clients", failing);
        s.putAll(new int[] {1, 2}, List.of(pair(1, 1f), pair(2, 2f)));
        byte[] before = contents(s);
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> s.putAll(new int[] {1, 3, 2}, List.of(pair(10, 10f), pair(13, 13f), pair(20, 20f))));
        assertTrue(e.getMessage().contains("client 3"), e.getMessage());
        assertArrayEquals(before, contents(s), "no state of the failed batch is stored");
        assertThrows(IllegalArgumentException.class, () -> s.putAll(new int[] {1, -4}, List.of(pair(0), pair(0))));
        assertThrows(IllegalArgumentException.class, () -> s.putAll(new int[] {1, 2}, List.of(pair(0))));
        List<Pair> withNull = new ArrayList<>();
        withNull.add(pair(5, 5f));
        withNull.add(null);
        assertThrows(IllegalArgumentException.class, () -> s.putAll(new int[] {1, 2}, withNull));
        assertArrayEquals(before, contents(s), "bad arguments store nothing");
        assertThrows(IllegalArgumentException.class, () -> s.get(-1));
        s.put(3, pair(3, 3f));
        assertEquals(3, s.size());
    }
}
