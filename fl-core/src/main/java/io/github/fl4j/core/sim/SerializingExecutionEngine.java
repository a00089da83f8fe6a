package io.github.fl4j.core.sim;

import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.RunDescription;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reference for engines that run clients outside this JVM: everything crosses as bytes, as it would over a
 * network. For each round it ships the run description (with every round here; a networked engine would send it once
 * per worker), the downlink message and every participant's
 * state (through the client-state codec); the "remote" side builds its own {@link ClientRunner} from the description
 * ({@link ClientRunners#build}, components from a {@link Registry}), runs the tasks on its own worker threads, and
 * ships back each outcome (the decoded upload vectors, their bits, the new state, the loss) as bytes.
 *
 * <p>It shares nothing with the simulation but bytes, so a run through it that equals the in-process run bit for bit
 * proves that the description, the codecs and the message encoding carry everything a remote worker needs. It
 * refuses a simulation without a description (build one with {@link ClientRunners#simulation}).
 */
public final class SerializingExecutionEngine implements ExecutionEngine {
    private final LocalExecutionEngine workers;
    private final Registry registry;
    private final ConcurrentHashMap<ByteBuffer, ClientRunner<?>> runners = new ConcurrentHashMap<>();
    private long bytesShipped;

    /**
     * @param threads  the "remote" side's worker threads, at least 1
     * @param registry where the remote side looks up the description's components
     */
    public SerializingExecutionEngine(int threads, Registry registry) {
        if (registry == null) {
            throw new IllegalArgumentException("registry must not be null");
        }
        this.workers = new LocalExecutionEngine(threads);
        this.registry = registry;
    }

    @Override
    public <C> List<ClientOutcome<C>> execute(RoundWork<C> work) {
        RemoteRun<C> remote = work.remote();
        if (remote == null) {
            throw new IllegalStateException("SerializingExecutionEngine runs clients from the run's description, and "
                    + "this simulation has none: build it with ClientRunners.simulation(description, registry)");
        }
        byte[] description = remote.description().toBytes();
        byte[] downlink = work.downlink().toBytes();
        StateCodec<C> codec = remote.stateCodec();
        List<byte[]> requests = new ArrayList<>(work.tasks().size());
        for (ClientTask<C> t : work.tasks()) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(b)) {
                t.write(out, codec);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot encode the state of client " + t.clientId(), e);
            }
            requests.add(b.toByteArray());
        }
        synchronized (this) {
            bytesShipped += description.length + downlink.length;
            for (byte[] r : requests) {
                bytesShipped += r.length;
            }
        }
        List<byte[]> replies = workers.run(requests, request -> serve(description, downlink, request, codec));
        List<ClientOutcome<C>> outcomes = new ArrayList<>(replies.size());
        for (byte[] reply : replies) {
            outcomes.add(decodeOutcome(reply, codec));
        }
        return outcomes;
    }

    /** The remote side: everything it knows arrives as bytes. */
    private <C> byte[] serve(byte[] description, byte[] downlink, byte[] request, StateCodec<C> codec) {
        @SuppressWarnings("unchecked")
        ClientRunner<C> runner = (ClientRunner<C>) runners.computeIfAbsent(ByteBuffer.wrap(description),
                k -> ClientRunners.build(RunDescription.fromBytes(description), registry));
        try {
            ClientTask<C> task = ClientTask.read(new DataInputStream(new ByteArrayInputStream(request)),
                    Message.fromBytes(downlink), codec);
            ClientOutcome<C> o = runner.run(task);
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(b)) {
                o.write(out, codec);
            }
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("remote client task failed to decode or encode: " + e.getMessage(), e);
        }
    }

    private static <C> ClientOutcome<C> decodeOutcome(byte[] reply, StateCodec<C> codec) {
        try {
            return ClientOutcome.read(new DataInputStream(new ByteArrayInputStream(reply)), codec);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode a client outcome: " + e.getMessage(), e);
        }
    }

    /** Bytes shipped to the remote side so far (description, downlinks, task states), for tests and reports. */
    public synchronized long bytesShipped() {
        return bytesShipped;
    }

    @Override
    public int parallelism() {
        return workers.parallelism();
    }

    @Override
    public void close() {
        workers.close();
    }
}
