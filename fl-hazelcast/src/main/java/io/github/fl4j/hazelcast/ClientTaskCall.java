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
 * One client task as it crosses the network: three byte arrays (the run description, the downlink message, the
 * request with the client's state), written and read by Hazelcast as an {@link IdentifiedDataSerializable} (no
 * reflection, no Java serialization). On the member it builds or reuses the run's client runner and returns the
 * outcome as bytes; a task that throws returns a failure reply with the exception's class and message, so no
 * exception object crosses the network either.
 */
public final class ClientTaskCall implements Callable<byte[]>, IdentifiedDataSerializable, HazelcastInstanceAware {
    /** Upper bound of a field's length read from the network (1 GiB): a corrupt length fails fast. */
    static final int MAX_FIELD = 1 << 30;

    private byte[] description;
    private byte[] downlink;
    private byte[] request;
    private transient HazelcastInstance member;

    /** For Hazelcast's factory only. */
    public ClientTaskCall() {
    }

    ClientTaskCall(byte[] description, byte[] downlink, byte[] request) {
        this.description = description;
        this.downlink = downlink;
        this.request = request;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public byte[] call() {
        try {
            MemberContext.MemberRun run = MemberContext.of(member).run(description);
            return serve(run.runner, run.codec, run);
        } catch (RuntimeException | IOException | Error e) {
            return WireCodec.failure(e);
        }
    }

    @SuppressWarnings("unchecked")
    private <C> byte[] serve(ClientRunner<?> runner, StateCodec<?> codec, MemberContext.MemberRun run)
            throws IOException {
        StateCodec<C> c = (StateCodec<C>) codec;
        ClientTask<C> task = WireCodec.readRequest(request, run.downlink(downlink), c);
        ClientOutcome<C> o = ((ClientRunner<C>) runner).run(task);
        return WireCodec.reply(o, c);
    }

    /** Bytes this task puts on the wire (its three fields, without Hazelcast's framing). */
    long payloadBytes() {
        return (long) description.length + downlink.length + request.length;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeByteArray(description);
        out.writeByteArray(downlink);
        out.writeByteArray(request);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        description = field(in, "description");
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
