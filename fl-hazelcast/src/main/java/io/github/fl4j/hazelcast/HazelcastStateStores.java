package io.github.fl4j.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.state.ClientStateStore;
import io.github.fl4j.core.state.StateStoreFactory;
import io.github.fl4j.core.state.StoreFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Client states in the cluster: a {@link StateStoreFactory} whose stores are partitioned maps
 * {@code IMap<Integer, byte[]>} (client id to the state in its codec's bytes) named
 * {@code fl4j-state.<run>.<store>}, with one synchronous backup on another member (set by
 * {@link ClusterOptions#toConfig()}), so the states of a million clients are spread over the members' heaps and
 * survive the loss of one member. The key is the same {@code Integer} client id the engine submits tasks with, so a
 * client's state and its task live on the same member. A value is a {@link StateEntry}: the state's bytes, the round
 * that wrote it and the state before that round (what makes a rerun of a task idempotent).
 *
 * <p>With a {@link HazelcastExecutionEngine} that {@link HazelcastExecutionEngine#ownStates owns the states}, each
 * task reads and writes its client's entry on the member that owns it, and a state crosses the network only as its
 * backup. Otherwise the simulation reads a round's states with one {@code getAll} and writes them with one
 * {@code putAll} from the driver, so a state crosses the network twice per participation (member to driver, driver
 * to member with the task) besides its backup, and once more in the task's outcome.
 */
public final class HazelcastStateStores {
    private HazelcastStateStores() {
    }

    /**
     * A factory whose stores live in {@code hz}'s cluster under the run name {@code run}; each {@code create} clears
     * its map (a new, empty store).
     *
     * @param run a name unique to the run among the cluster's runs (letters, digits, '-', '_')
     */
    public static StateStoreFactory factory(HazelcastInstance hz, String run) {
        if (hz == null) {
            throw new IllegalArgumentException("hz must not be null");
        }
        if (run == null || !run.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("run must be letters, digits, '-' or '_', was '" + run + "'");
        }
        return new StateStoreFactory() {
            @Override
            public <T> ClientStateStore<T> create(String name, StateCodec<T> codec) {
                Store<T> s = new Store<>(hz, hz.getMap(ClusterOptions.STATE_MAP_PREFIX + run + "." + name), name,
                        codec);
                s.map.clear();
                return s;
            }
        };
    }

    /** A store over one map; used from the engine's thread. */
    static final class Store<T> implements ClientStateStore<T> {
        private static final int BATCH = 1024;
        final HazelcastInstance hz;
        final IMap<Integer, byte[]> map;
        private final String name;
        private final StateCodec<T> codec;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
        private final DataOutputStream out = new DataOutputStream(buffer);

        Store(HazelcastInstance hz, IMap<Integer, byte[]> map, String name, StateCodec<T> codec) {
            if (codec == null) {
                throw new IllegalArgumentException("codec must not be null");
            }
            this.hz = hz;
            this.map = map;
            this.name = name;
            this.codec = codec;
        }

        @Override
        public List<T> getAll(int[] clientIds) {
            Set<Integer> keys = new HashSet<>();
            for (int id : clientIds) {
                checkId(id);
                keys.add(id);
            }
            Map<Integer, byte[]> found = map.getAll(keys);
            List<T> result = new ArrayList<>(clientIds.length);
            for (int id : clientIds) {
                byte[] b = found.get(id);
                result.add(b == null ? null : decode(id, StateEntry.current(b)));
            }
            return result;
        }

        private T decode(int id, byte[] b) {
            try {
                return codec.read(new DataInputStream(new ByteArrayInputStream(b)));
            } catch (IOException e) {
                throw new UncheckedIOException(name + ": the state of client " + id + " cannot be decoded: "
                        + e.getMessage(), e);
            }
        }

        @Override
        public void putAll(int[] clientIds, List<T> states) {
            if (clientIds.length != states.size()) {
                throw new IllegalArgumentException(name + ": " + clientIds.length + " client ids but "
                        + states.size() + " states");
            }
            Map<Integer, byte[]> batch = new HashMap<>();
            for (int i = 0; i < clientIds.length; i++) {
                int id = clientIds[i];
                checkId(id);
                T s = states.get(i);
                if (s == null) {
                    throw new IllegalArgumentException(name + ": the state of client " + id + " must not be null");
                }
                buffer.reset();
                try {
                    codec.write(s, out);
                    out.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(name + ": the state of client " + id + " cannot be encoded: "
                            + e.getMessage(), e);
                }
                batch.put(id, StateEntry.encode(0, buffer.toByteArray(), null));
            }
            map.putAll(batch);
        }

        @Override
        public boolean contains(int clientId) {
            return clientId >= 0 && map.containsKey(clientId);
        }

        @Override
        public int size() {
            return map.size();
        }

        /**
         * Sums the lengths of the current states (without the entries' rounds and kept previous states): reads every
         * entry over the network (for reports and tests, not per round).
         */
        @Override
        public long encodedBytes() {
            long total = 0;
            for (byte[] b : map.values()) {
                total += StateEntry.current(b).length;
            }
            return total;
        }

        /** Format: version byte 1, int count, then per client in increasing id order: int id, int length, bytes. */
        @Override
        public void writeTo(DataOutput o) throws IOException {
            int[] ids = map.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
            StoreFormat.writeHeader(o, ids.length);
            for (int from = 0; from < ids.length; from += BATCH) {
                int[] part = Arrays.copyOfRange(ids, from, Math.min(ids.length, from + BATCH));
                Set<Integer> keys = new HashSet<>();
                for (int id : part) {
                    keys.add(id);
                }
                Map<Integer, byte[]> values = map.getAll(keys);
                for (int id : part) {
                    byte[] b = values.get(id);
                    if (b == null) {
                        throw new IOException(name + ": the state of client " + id + " vanished during a checkpoint");
                    }
                    StoreFormat.writeEntry(o, id, StateEntry.current(b));
                }
            }
        }

        @Override
        public void readFrom(DataInput in) throws IOException {
            map.clear();
            Map<Integer, byte[]> batch = new HashMap<>();
            StoreFormat.read(in, name, (id, b) -> {
                batch.put(id, StateEntry.encode(0, b, null));
                if (batch.size() == BATCH) {
                    map.putAll(batch);
                    batch.clear();
                }
            });
            map.putAll(batch);
        }

        private void checkId(int id) {
            if (id < 0) {
                throw new IllegalArgumentException(name + ": client id must be >= 0, was " + id);
            }
        }

        /** Whether this store's map is in the cluster {@code member} belongs to. */
        boolean inClusterOf(HazelcastInstance member) {
            return hz == member || hz.getCluster().getMembers().contains(member.getCluster().getLocalMember());
        }

        @Override
        public String toString() {
            return "HazelcastStateStore[" + map.getName() + "]";
        }
    }
}
