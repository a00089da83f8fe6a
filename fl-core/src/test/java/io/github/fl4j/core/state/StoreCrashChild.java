package io.github.fl4j.core.state;

import io.github.fl4j.core.api.StateCodec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The process that {@link DiskClientStateStoreTest} kills with SIGKILL: opens a disk store and puts batch after batch,
 * batch b setting every id 0..ids-1 to {@code bytes} bytes of value b, and prints b after each put returns.
 */
public final class StoreCrashChild {
    /** A byte-string state: version 1, length, bytes. */
    static final StateCodec<byte[]> BYTES = new StateCodec<>() {
        @Override
        public void write(byte[] s, DataOutput out) throws IOException {
            out.writeByte(1);
            out.writeInt(s.length);
            out.write(s);
        }

        @Override
        public byte[] read(DataInput in) throws IOException {
            StateCodec.checkVersion("bytes", 1, in.readUnsignedByte());
            byte[] b = new byte[in.readInt()];
            in.readFully(b);
            return b;
        }
    };

    private StoreCrashChild() {
    }

    /** Arguments: directory, ids per batch, bytes per state. Runs until killed (or 10,000 batches). */
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        int ids = Integer.parseInt(args[1]);
        int bytes = Integer.parseInt(args[2]);
        DiskClientStateStore<byte[]> store = DiskClientStateStore.open(dir, "clients", BYTES, 0, true, false);
        int[] all = new int[ids];
        Arrays.setAll(all, i -> i);
        for (int b = 1; b <= 10_000; b++) {
            byte[] v = new byte[bytes];
            Arrays.fill(v, (byte) b);
            List<byte[]> states = new ArrayList<>();
            for (int i = 0; i < ids; i++) {
                states.add(v);
            }
            store.putAll(all, states);
            System.out.println(b);
            System.out.flush();
        }
        store.close();
    }
}
