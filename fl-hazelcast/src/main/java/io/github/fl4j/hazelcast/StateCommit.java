package io.github.fl4j.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Map;

/**
 * Commits a client's entry written in round {@code round} once that round is over (every outcome is in, so no task
 * of it can run again): the entry becomes a round-0 entry with its current state and without the state kept from
 * before the round ({@link StateEntry}), which halves its size. An entry written in another round is left alone, so a
 * commit sent twice, or late, changes nothing. Runs on the entry's owner and, as its own backup processor, on the
 * backup; only the round crosses the network.
 */
public final class StateCommit implements EntryProcessor<Integer, byte[], Boolean>, IdentifiedDataSerializable {
    private int round;

    /** For Hazelcast's factory only. */
    public StateCommit() {
    }

    StateCommit(int round) {
        this.round = round;
    }

    @Override
    public Boolean process(Map.Entry<Integer, byte[]> entry) {
        byte[] v = entry.getValue();
        if (v == null || StateEntry.round(v) != round) {
            return Boolean.FALSE;
        }
        entry.setValue(StateEntry.encode(0, StateEntry.current(v), null));
        return Boolean.TRUE;
    }

    @Override
    public EntryProcessor<Integer, byte[], Boolean> getBackupProcessor() {
        return this;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeInt(round);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        round = in.readInt();
        if (round < 1) {
            throw new IOException("state commit field 'round' must be >= 1, was " + round);
        }
    }

    @Override
    public int getFactoryId() {
        return Fl4jSerializables.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return Fl4jSerializables.STATE_COMMIT;
    }
}
