package io.github.fl4j.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.RunDescription;
import io.github.fl4j.core.sim.ClientRunner;
import io.github.fl4j.core.sim.ClientRunners;
import io.github.fl4j.core.sim.ClientSide;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a member keeps between tasks: the {@link Registry} it builds runs from, and per run (keyed by the bytes of its
 * description) the client runner, the client-state codec and the last decoded downlink message. Building a runner
 * generates or loads the run's data, so it happens once per run and member; the last {@value #MAX_RUNS} runs are
 * kept. Installed in the member's user context ({@link #install}).
 */
public final class MemberContext {
    /** The key of the context in a member's user context. */
    public static final String KEY = "fl4j.member";
    static final int MAX_RUNS = 4;

    private final Registry registry;
    static final int MAX_DOWNLINKS = 4;
    private final Map<ByteBuffer, MemberRun> runs = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, Message> downlinks = new LinkedHashMap<>();

    private MemberContext(Registry registry) {
        this.registry = registry;
    }

    /**
     * Installs a fresh context with {@code registry} on a member (replacing an earlier one and its cached runs).
     *
     * @throws IllegalArgumentException if an argument is null
     */
    public static void install(HazelcastInstance member, Registry registry) {
        if (member == null || registry == null) {
            throw new IllegalArgumentException("member and registry must not be null");
        }
        member.getUserContext().put(KEY, new MemberContext(registry));
    }

    static MemberContext of(HazelcastInstance member) {
        Object c = member.getUserContext().get(KEY);
        if (!(c instanceof MemberContext)) {
            throw new IllegalStateException("member " + member.getName() + " has no fl4j context: start it with "
                    + "HazelcastMember.start(options, registry)");
        }
        return (MemberContext) c;
    }

    /** Keeps the decoded downlink of a round under {@code key} (the last {@value #MAX_DOWNLINKS} are kept). */
    void putDownlink(String key, byte[] bytes) throws IOException {
        Message m = Message.fromBytes(bytes);
        synchronized (downlinks) {
            downlinks.put(key, m);
            while (downlinks.size() > MAX_DOWNLINKS) {
                downlinks.remove(downlinks.keySet().iterator().next());
            }
        }
    }

    /** The downlink kept under {@code key}, or null (this member did not receive it: it joined or took over late). */
    Message downlink(String key) {
        synchronized (downlinks) {
            return downlinks.get(key);
        }
    }

    /** The run of a description, built on first use. */
    MemberRun run(byte[] description) {
        ByteBuffer key = ByteBuffer.wrap(description);
        synchronized (runs) {
            MemberRun r = runs.get(key);
            if (r == null) {
                r = new MemberRun(ClientRunners.clientSide(RunDescription.fromBytes(description), registry));
                runs.put(key, r);
                if (runs.size() > MAX_RUNS) {
                    runs.remove(runs.keySet().iterator().next());
                }
            }
            return r;
        }
    }

    /** A run on this member. */
    static final class MemberRun {
        final ClientRunner<?> runner;
        final StateCodec<?> codec;
        /** The runner, the codec and the first-participation state (for tasks that read the state here). */
        final ClientSide<?> side;
        private byte[] lastDownBytes;
        private Message lastDown;

        MemberRun(ClientSide<?> side) {
            this.side = side;
            this.runner = side.runner();
            this.codec = side.codec();
        }

        /** The decoded downlink; concurrent tasks of one round share it read-only, as in the local engine. */
        synchronized Message downlink(byte[] bytes) throws IOException {
            if (lastDownBytes == null || !Arrays.equals(lastDownBytes, bytes)) {
                lastDown = Message.fromBytes(bytes);
                lastDownBytes = bytes;
            }
            return lastDown;
        }
    }
}
