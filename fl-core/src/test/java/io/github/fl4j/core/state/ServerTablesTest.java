package io.github.fl4j.core.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.state.ClientStateStoreContractTest.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server tables through a checkpoint with each kind of store: restored in place into the disk and the in-memory store
 * (bound to the codec on first use), or as bytes for a store that needs its codec to read; the written bytes are the
 * same before and after binding, and the format of version 1 (int lengths) is still read.
 */
class ServerTablesTest {
    @TempDir
    Path dir;

    private static byte[] written(ServerTables t) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        t.writeTo(new DataOutputStream(b));
        return b.toByteArray();
    }

    private static ServerTables filled(StateStoreFactory f) {
        ServerTables t = new ServerTables(f);
        t.table("b.duals", ClientStateStoreContractTest.PAIR).putAll(new int[] {3, 1},
                List.of(ClientStateStoreContractTest.pair(3, 3f, -3f), ClientStateStoreContractTest.pair(1, 1f)));
        t.table("a.last", ClientStateStoreContractTest.PAIR).put(0, ClientStateStoreContractTest.pair(7, 7f));
        return t;
    }

    @Test
    void tablesRoundTripThroughEveryKindOfStore() throws IOException {
        byte[] expected;
        try (ServerTables memory = filled(StateStoreFactory.inMemory())) {
            expected = written(memory);
        }
        List<StateStoreFactory> factories = List.of(StateStoreFactory.inMemory(),
                StateStoreFactory.onDisk(dir.resolve("one"), 0), ObjectStateStore.factory());
        for (StateStoreFactory f : factories) {
            try (ServerTables source = filled(StateStoreFactory.onDisk(dir.resolve("source"), 100))) {
                assertArrayEquals(expected, written(source), "a disk table writes the in-memory bytes");
            }
            try (ServerTables back = new ServerTables(f)) {
                back.table("stale", ClientStateStoreContractTest.PAIR).put(9, ClientStateStoreContractTest.pair(9));
                back.readFrom(new DataInputStream(new ByteArrayInputStream(expected)));
                assertEquals(Set.of("a.last", "b.duals"), back.names(), f.toString());
                assertArrayEquals(expected, written(back), "restored, not yet bound: " + f);
                Pair p = back.table("b.duals", ClientStateStoreContractTest.PAIR).get(3);
                assertArrayEquals(ClientStateStoreContractTest.encode(ClientStateStoreContractTest.pair(3, 3f, -3f)),
                        ClientStateStoreContractTest.encode(p));
                assertArrayEquals(expected, written(back), "one table bound: " + f);
                back.table("a.last", ClientStateStoreContractTest.PAIR).put(5, ClientStateStoreContractTest.pair(5));
                assertEquals(2, back.table("a.last", ClientStateStoreContractTest.PAIR).size());
            }
        }
    }

    @Test
    void versionOneIsStillReadAndBadInputIsNamed() throws IOException {
        byte[] v2;
        try (ServerTables memory = filled(StateStoreFactory.inMemory())) {
            v2 = written(memory);
        }
        // version 1: the same with int lengths
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(v2));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream v1 = new DataOutputStream(b);
        in.readUnsignedByte();
        int n = in.readInt();
        v1.writeByte(1);
        v1.writeInt(n);
        for (int i = 0; i < n; i++) {
            v1.writeUTF(in.readUTF());
            byte[] body = new byte[(int) in.readLong()];
            in.readFully(body);
            v1.writeInt(body.length);
            v1.write(body);
        }
        try (ServerTables back = new ServerTables(StateStoreFactory.onDisk(dir, 0))) {
            back.readFrom(new DataInputStream(new ByteArrayInputStream(b.toByteArray())));
            assertArrayEquals(v2, written(back));
        }
        byte[] bad = v2.clone();
        bad[0] = 7;
        IOException e = assertThrows(IOException.class, () -> new ServerTables().readFrom(
                new DataInputStream(new ByteArrayInputStream(bad))));
        assertTrue(e.getMessage().contains("version must be 1 or 2, was 7"), e.getMessage());
    }
}
