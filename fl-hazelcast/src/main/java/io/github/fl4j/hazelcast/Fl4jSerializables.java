package io.github.fl4j.hazelcast;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * The only fl4j objects Hazelcast (de)serializes: a factory id and a class id select a class of this package, which
 * reads its fields as byte arrays; no reflection and no Java serialization. Registered on every member and on the
 * driver by {@link ClusterOptions#toConfig()}.
 */
public final class Fl4jSerializables implements DataSerializableFactory {

    /** fl4j's factory id (any int unique in the cluster's configuration). */
    public static final int FACTORY_ID = 0x0F14;

    /** Class id of {@link ClientTaskCall}. */
    public static final int CLIENT_TASK = 1;

    /** Class id of {@link DownlinkCall}. */
    public static final int DOWNLINK = 2;

    /** Class id of {@link StateWrite}. */
    public static final int STATE_WRITE = 3;

    /** Class id of {@link StateCommit}. */
    public static final int STATE_COMMIT = 4;

    @Override
    public IdentifiedDataSerializable create(int typeId) {
        if (typeId == CLIENT_TASK) {
            return new ClientTaskCall();
        }
        if (typeId == DOWNLINK) {
            return new DownlinkCall();
        }
        if (typeId == STATE_WRITE) {
            return new StateWrite();
        }
        if (typeId == STATE_COMMIT) {
            return new StateCommit();
        }
        // Hazelcast reports an unknown class id as a deserialization failure; null is its protocol for "not mine".
        return null;
    }
}
