package io.github.fl4j.hazelcast;

import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.sim.ClientOutcome;
import io.github.fl4j.core.sim.ClientTask;
import io.github.fl4j.core.tensor.Tensors;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The bytes of a client task and of its outcome, the same layout as the core's serializing engine: a request is
 * {@code int id, int round, int steps, state (client-state codec)}; a reply starts with a status byte, 0 then
 * {@code int id, double loss, long work, int n, n x long uplink bits, message, state}, or 1 then
 * {@code UTF exception class, UTF message} for a task that threw, or 2 alone when the member lacked the round's
 * downlink. A message is {@code int count} then each vector in
 * the tensor format of {@link Tensors#write}.
 */
final class WireCodec {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int NEED_DOWNLINK = 2;
    /** What {@link #readReply} returns for a task whose member lacked the round's downlink. */
    static final Object RESEND_INLINE = new Object();
    private static final int MAX_UTF = 16_000;

    private WireCodec() {
    }

    /**
     * The codec of a state that does not travel: writes nothing and reads null. Requests and replies of tasks that
     * read and write the state on their member ({@link HazelcastExecutionEngine#ownStates}) use it, so they are the
     * request and outcome layouts above without the state.
     */
    @SuppressWarnings("unchecked")
    static <C> StateCodec<C> noState() {
        return (StateCodec<C>) NO_STATE;
    }

    private static final StateCodec<Object> NO_STATE = new StateCodec<>() {
        @Override
        public void write(Object state, java.io.DataOutput out) {
        }

        @Override
        public Object read(java.io.DataInput in) {
            return null;
        }

        @Override
        public String toString() {
            return "no state (kept on the member)";
        }
    };

    static <C> byte[] request(ClientTask<C> t, StateCodec<C> codec) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            t.write(out, codec);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the state of client " + t.clientId(), e);
        }
        return b.toByteArray();
    }

    static <C> ClientTask<C> readRequest(byte[] request, Message downlink, StateCodec<C> codec) throws IOException {
        return ClientTask.read(new DataInputStream(new ByteArrayInputStream(request)), downlink, codec);
    }

    static <C> byte[] reply(ClientOutcome<C> o, StateCodec<C> codec) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            out.writeByte(OK);
            o.write(out, codec);
        }
        return b.toByteArray();
    }

    static byte[] needDownlink() {
        return new byte[] {NEED_DOWNLINK};
    }

    static byte[] failure(Throwable t) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            out.writeByte(FAILED);
            out.writeUTF(clip(t.getClass().getName()));
            out.writeUTF(clip(String.valueOf(t.getMessage())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    private static String clip(String s) {
        return s.length() > MAX_UTF ? s.substring(0, MAX_UTF) + "..." : s;
    }

    /** The outcome of a reply, or a {@link RemoteTaskException} (not thrown) for a failure reply. */
    static <C> Object readReply(byte[] reply, StateCodec<C> codec, int expectedClient) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(reply));
            int status = in.readUnsignedByte();
            if (status == NEED_DOWNLINK) {
                return RESEND_INLINE;
            }
            if (status == FAILED) {
                return new RemoteTaskException(expectedClient, in.readUTF(), in.readUTF());
            }
            if (status != OK) {
                throw new IOException("reply status must be 0, 1 or 2, was " + status);
            }
            return ClientOutcome.read(in, codec);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode the outcome of client " + expectedClient + ": "
                    + e.getMessage(), e);
        }
    }
}
