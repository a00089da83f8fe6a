package io.github.fl4j.core.state;

import io.github.fl4j.core.api.StateCodec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The checkpoint form shared by every store that keeps encoded states (in memory, on disk, in a cluster map), so a
 * checkpoint written with one store resumes with any other: a version byte (1), the number of stored clients as an
 * int, then for each stored client in increasing id order its id (int), the length of its encoded state (int) and the
 * bytes.
 */
public final class StoreFormat {
    /** The version byte. */
    public static final int VERSION = 1;

    private StoreFormat() {
    }

    /** Receives the entries read by {@link #read}. */
    @FunctionalInterface
    public interface EntrySink {
        /** One stored client: its id and its encoded state. */
        void accept(int clientId, byte[] state) throws IOException;
    }

    /** Writes the version byte and the number of entries that will follow. */
    public static void writeHeader(DataOutput out, int count) throws IOException {
        out.writeByte(VERSION);
        out.writeInt(count);
    }

    /** Writes one entry; entries must come in increasing id order. */
    public static void writeEntry(DataOutput out, int clientId, byte[] state) throws IOException {
        out.writeInt(clientId);
        out.writeInt(state.length);
        out.write(state);
    }

    /**
     * Reads the form, handing each entry to {@code sink} as it is read (nothing else is held).
     *
     * @param name what the store holds, for the messages
     * @return the number of entries
     * @throws IOException naming the store when the version is not 1, the count or a length is negative, or the ids
     *                     do not increase; an {@link java.io.EOFException} when the input ends early
     */
    public static int read(DataInput in, String name, EntrySink sink) throws IOException {
        StateCodec.checkVersion(name + " store", VERSION, in.readUnsignedByte());
        int n = in.readInt();
        if (n < 0) {
            throw new IOException(name + " store: client count must be >= 0, was " + n);
        }
        int last = -1;
        for (int k = 0; k < n; k++) {
            int id = in.readInt();
            if (id <= last) {
                throw new IOException(name + " store: client ids must increase, read " + id + " after " + last);
            }
            int len = in.readInt();
            if (len < 0) {
                throw new IOException(name + " store: state length of client " + id + " must be >= 0, was " + len);
            }
            byte[] b = new byte[len];
            in.readFully(b);
            sink.accept(id, b);
            last = id;
        }
        return n;
    }
}
