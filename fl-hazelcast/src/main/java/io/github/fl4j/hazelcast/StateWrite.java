package io.github.fl4j.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Map;

/**
 * Writes a client's new state, computed in round {@code round}, into its entry of a state map, keeping the state
 * before the round ({@link StateEntry#write}). Runs on the entry's owner (the member whose task computed the state,
 * so no state crosses the network) and, as its own backup processor, on the backup member: only these bytes go
 * there, and the backup derives the kept previous state from its own copy of the old entry, which equals the
 * owner's (backups are synchronous). Idempotent within a round: a second write of the same state leaves the same
 * entry.
 */
public final class StateWrite implements EntryProcessor<Integer, byte[], Boolean>, IdentifiedDataSerializable {
    private int round;
    private byte[] state;

    /** For Hazelcast's factory only. */
    public StateWrite() {
    }

    StateWrite(int round, byte[] state) {
        this.round = round;
        this.state = state;
    }

    @Override
    public Boolean process(Map.Entry<Integer, byte[]> entry) {
        entry.setValue(StateEntry.write(entry.getValue(), round, state, entry.getKey()));
        return Boolean.TRUE;
    }

    @Override
    public EntryProcessor<Integer, byte[], Boolean> getBackupProcessor() {
        return this;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeInt(round);
        out.writeByteArray(state);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        round = in.readInt();
        if (round < 1) {
            throw new IOException("state write field 'round' must be >= 1, was " + round);
        }
        state = in.readByteArray();
        if (state == null || state.length > ClientTaskCall.MAX_FIELD) {
            throw new IOException("state write field 'state' must be 0 to " + ClientTaskCall.MAX_FIELD + " bytes, was "
                    + (state == null ? "null" : state.length + " bytes"));
        }
    }

    @Override
    public int getFactoryId() {
        return Fl4jSerializables.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return Fl4jSerializables.STATE_WRITE;
    }
}
