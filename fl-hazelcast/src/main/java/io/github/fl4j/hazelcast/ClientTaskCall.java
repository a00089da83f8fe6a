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
 * key is given), the name of the state map when the member reads and writes the client's state itself (empty when
 * the state comes with the request) and the request (with the client's state unless a state map is named), written and read by Hazelcast as an {@link IdentifiedDataSerializable} (no
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
    private String stateMap;
    private transient HazelcastInstance member;
    /**
     * Tests only: called with (client, round) after a task has written its state to the map and before it replies;
     * throwing there simulates a member lost between the write and the reply.
     */
    static volatile java.util.function.BiConsumer<Integer, Integer> afterStateWrite;
    /** Tests only: tasks run against a state map on this JVM's members (reruns included). */
    static final java.util.concurrent.atomic.AtomicLong OWNED_RUNS = new java.util.concurrent.atomic.AtomicLong();

    /** For Hazelcast's factory only. */
    public ClientTaskCall() {
    }

    ClientTaskCall(byte[] description, String downKey, byte[] downlink, byte[] request, String stateMap) {
        this.description = description;
        this.downKey = downKey;
        this.downlink = downlink;
        this.request = request;
        this.stateMap = stateMap;
    }

    /** This task with the downlink inline (for a member that lacks the broadcast). */
    ClientTaskCall inline(byte[] fullDownlink) {
        return new ClientTaskCall(description, "", fullDownlink, request, stateMap);
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
            return stateMap.isEmpty() ? serve(run.runner, run.codec, down) : serveOwned(run.side, down);
        } catch (RuntimeException e) {
            if (!stateMap.isEmpty() && HazelcastExecutionEngine.isMemberLoss(e)) {
                // The state map lost a member under this task (a read or write whose partition moved): not the
                // client's failure; the driver resubmits, and the rerun trains from the same state (StateEntry).
                throw e;
            }
            return WireCodec.failure(e);
        } catch (IOException | Error e) {
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

    /**
     * Runs the task against the state kept in the member's state map: reads the client's entry (a local read on the
     * key's owner, where the engine submitted the task), trains from {@link StateEntry#before} (the algorithm's
     * initial state when there is none), writes the new state back in place with {@link StateWrite} (which keeps the
     * state before the round, so that a rerun trains from it again) and replies without the state.
     */
    private <C> byte[] serveOwned(io.github.fl4j.core.sim.ClientSide<C> side, io.github.fl4j.core.api.Message down)
            throws IOException {
        StateCodec<C> none = WireCodec.noState();
        ClientTask<C> shell = WireCodec.readRequest(request, down, none);
        int id = shell.clientId();
        int round = shell.round();
        com.hazelcast.map.IMap<Integer, byte[]> map = member.getMap(stateMap);
        byte[] before = StateEntry.before(map.get(id), round, id);
        C state = before == null ? side.initialState().apply(id)
                : side.codec().read(new java.io.DataInputStream(new java.io.ByteArrayInputStream(before)));
        OWNED_RUNS.incrementAndGet();
        ClientOutcome<C> o = side.runner().run(new ClientTask<>(id, round, down, state, shell.assignedSteps()));
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            side.codec().write(o.state(), out);
        }
        map.executeOnKey(id, new StateWrite(round, bytes.toByteArray()));
        java.util.function.BiConsumer<Integer, Integer> hook = afterStateWrite;
        if (hook != null) {
            hook.accept(id, round);
        }
        return WireCodec.reply(new ClientOutcome<>(id, o.upload(), o.uplinkBits(), null, o.trainLoss(), o.work()),
                none);
    }

    /** Bytes this task puts on the wire (its fields, without Hazelcast's framing). */
    long payloadBytes() {
        return (long) description.length + downKey.length() + downlink.length + request.length + stateMap.length();
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeByteArray(description);
        out.writeString(downKey);
        out.writeByteArray(downlink);
        out.writeByteArray(request);
        out.writeString(stateMap);
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
        stateMap = in.readString();
        if (stateMap == null || stateMap.length() > 200
                || !(stateMap.isEmpty() || stateMap.startsWith(ClusterOptions.STATE_MAP_PREFIX))) {
            throw new IOException("client task field 'stateMap' must be empty or a state map name (starting with "
                    + ClusterOptions.STATE_MAP_PREFIX + ", up to 200 characters), was " + stateMap);
        }
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
