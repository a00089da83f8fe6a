package io.github.fl4j.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.sim.ClientOutcome;
import io.github.fl4j.core.sim.ClientRunner;
import io.github.fl4j.core.sim.ClientTask;
import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * One client task as it crosses the network: the run description, the key under which the member keeps the round's
 * downlink ({@link DownlinkCall}; empty when the downlink comes inline), the downlink message inline (empty when a
 * key is given) and the request with the client's state, written and read by Hazelcast as an {@link IdentifiedDataSerializable} (no
 * reflection, no Java serialization). On the member it builds or reuses the run's client runner and returns the
 * outcome as bytes; a task that throws returns a failure reply with the exception's class and message, so no
 * exception object crosses the network either.
 */
public final class ClientTaskCall implements Callable<byte[]>, IdentifiedDataSerializable, HazelcastInstanceAware {
    /** Upper bound of a field's length read from the network (1 GiB): a corrupt length fails fast. */
    static final int MAX_FIELD = 1 << 30;

    private byte[] description;
    private String downKey;
    private byte[] downlink;
    private byte[] request;
    private transient HazelcastInstance member;

    /** For Hazelcast's factory only. */
    public ClientTaskCall() {
    }

    ClientTaskCall(byte[] description, String downKey, byte[] downlink, byte[] request) {
        this.description = description;
        this.downKey = downKey;
        this.downlink = downlink;
        this.request = request;
    }

    /** This task with the downlink inline (for a member that lacks the broadcast). */
    ClientTaskCall inline(byte[] fullDownlink) {
        return new ClientTaskCall(description, "", fullDownlink, request);
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public byte[] call() {
        try {
            MemberContext context = MemberContext.of(member);
            MemberContext.MemberRun run = context.run(description);
            io.github.fl4j.core.api.Message down;
            if (downKey.isEmpty()) {
                down = run.downlink(downlink);
            } else {
                down = context.downlink(downKey);
                if (down == null) {
                    return WireCodec.needDownlink();
                }
            }
            return serve(run.runner, run.codec, down);
        } catch (RuntimeException | IOException | Error e) {
            return WireCodec.failure(e);
        }
    }

    @SuppressWarnings("unchecked")
    private <C> byte[] serve(ClientRunner<?> runner, StateCodec<?> codec, io.github.fl4j.core.api.Message down)
            throws IOException {
        StateCodec<C> c = (StateCodec<C>) codec;
        ClientTask<C> task = WireCodec.readRequest(request, down, c);
        ClientOutcome<C> o = ((ClientRunner<C>) runner).run(task);
        return WireCodec.reply(o, c);
    }

    /** Bytes this task puts on the wire (its three fields, without Hazelcast's framing). */
    long payloadBytes() {
        return (long) description.length + downKey.length() + downlink.length + request.length;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeByteArray(description);
        out.writeString(downKey);
        out.writeByteArray(downlink);
        out.writeByteArray(request);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        description = field(in, "description");
        downKey = in.readString();
        if (downKey == null || downKey.length() > 200) {
            throw new IOException("client task field 'downKey' must be 0 to 200 characters, was " + downKey);
        }
        downlink = field(in, "downlink");
        request = field(in, "request");
    }

    private static byte[] field(ObjectDataInput in, String name) throws IOException {
        byte[] b = in.readByteArray();
        if (b == null) {
            throw new IOException("client task field '" + name + "' must not be null");
        }
        if (b.length > MAX_FIELD) {
            throw new IOException("client task field '" + name + "' is " + b.length + " bytes, above " + MAX_FIELD);
        }
        return b;
    }

    @Override
    public int getFactoryId() {
        return Fl4jSerializables.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return Fl4jSerializables.CLIENT_TASK;
    }
}
