package io.github.fl4j.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * A round's downlink message, sent once to every data member before the round's tasks: the member decodes it and
 * keeps it under a key the tasks name, so the message crosses the network once per member instead of once per task.
 * A task on a member that lacks the key (it joined or took the client's partition over after the broadcast) asks the
 * driver for a copy inline. Returns true, or false when the bytes cannot be decoded.
 */
public final class DownlinkCall implements Callable<Boolean>, IdentifiedDataSerializable, HazelcastInstanceAware {
    private String key;
    private byte[] downlink;
    private transient HazelcastInstance member;

    /** For Hazelcast's factory only. */
    public DownlinkCall() {
    }

    DownlinkCall(String key, byte[] downlink) {
        this.key = key;
        this.downlink = downlink;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public Boolean call() {
        try {
            MemberContext.of(member).putDownlink(key, downlink);
            return Boolean.TRUE;
        } catch (IOException | RuntimeException e) {
            return Boolean.FALSE;
        }
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(key);
        out.writeByteArray(downlink);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        key = in.readString();
        if (key == null || key.length() > 200) {
            throw new IOException("downlink key must be 1 to 200 characters, was " + key);
        }
        downlink = in.readByteArray();
        if (downlink == null) {
            throw new IOException("downlink bytes must not be null");
        }
    }

    /** Payload bytes (key and message, without Hazelcast's framing). */
    long payloadBytes() {
        return key.length() + (long) downlink.length;
    }

    @Override
    public int getFactoryId() {
        return Fl4jSerializables.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return Fl4jSerializables.DOWNLINK;
    }
}
