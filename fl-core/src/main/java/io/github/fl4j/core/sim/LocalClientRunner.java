package io.github.fl4j.core.sim;

import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.ClientContext;
import io.github.fl4j.core.api.ClientResult;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.comm.Channel;
import io.github.fl4j.core.comm.Direction;
import io.github.fl4j.core.data.FederatedData;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.tensor.BufferPool;
import io.github.fl4j.core.tensor.PerThread;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import io.github.fl4j.core.tensor.Workspace;

/**
 * The client runner of a run, made from its parts: the algorithm's client half, the model, the federated data (in the
 * run's precision), the uplink compressor and the seed tree. {@link Simulation} builds one over its own objects, so
 * the in-process engine runs clients with zero copies (the data, the model and the round's message pool are shared);
 * a remote worker builds the same class from the run's description.
 *
 * <p>Per task: an uplink channel keyed UPLINK_COMPRESSION (round, client), a context with the executing thread's
 * workspace, then checks that the training loss and every uploaded value are finite and that the client sent the
 * declared number of vectors; any failure is a {@link SimulationException} naming round, client and seed.
 *
 * <p>Thread-safe.
 *
 * @param <C> the client state type
 */
public final class LocalClientRunner<C> implements ClientRunner<C> {
    private final String name;
    private final Client<C> client;
    private final int uplinkVectors;
    private final Model model;
    private final FederatedData data;
    private final Compressor uplink;
    private final SeedTree seeds;
    private final Precision precision;
    private final BufferPool pool;
    private String hint = "lower the learning rate";
    private final PerThread<Workspace> workspaces = new PerThread<>(Workspace::new);

    /**
     * @param algorithm the algorithm (its client half and declared uplink vectors)
     * @param model     the model
     * @param data      the federated data, already in {@code precision}
     * @param uplink    the uplink compressor
     * @param seeds     the run's seed tree
     * @param precision the run's precision
     * @param pool      the round-scoped pool of decoded message vectors, or null to allocate them
     */
    public LocalClientRunner(FederatedAlgorithm<?, C> algorithm, Model model, FederatedData data,
                             Compressor uplink, SeedTree seeds, Precision precision, BufferPool pool) {
        this(requireAlgorithm(algorithm).name(), algorithm.client(), algorithm.uplinkVectors(), model, data, uplink,
                seeds, precision, pool);
        this.hint = algorithm.divergenceHint();
    }

    /**
     * A runner of a client half alone (e.g. an asynchronous algorithm's).
     *
     * @param name          the algorithm's name, for messages
     * @param client        the client half
     * @param uplinkVectors the number of vectors a client must upload per task
     */
    public LocalClientRunner(String name, Client<C> client, int uplinkVectors, Model model, FederatedData data,
                             Compressor uplink, SeedTree seeds, Precision precision, BufferPool pool) {
        if (name == null || client == null || model == null || data == null || uplink == null || seeds == null
                || precision == null) {
            throw new IllegalArgumentException("name, client, model, data, uplink, seeds and precision must not be "
                    + "null");
        }
        this.name = name;
        this.client = client;
        this.uplinkVectors = uplinkVectors;
        this.model = model;
        this.data = data;
        this.uplink = uplink;
        this.seeds = seeds;
        this.precision = precision;
        this.pool = pool;
    }

    private static FederatedAlgorithm<?, ?> requireAlgorithm(FederatedAlgorithm<?, ?> algorithm) {
        if (algorithm == null) {
            throw new IllegalArgumentException("algorithm must not be null");
        }
        return algorithm;
    }

    @Override
    public ClientOutcome<C> run(ClientTask<C> task) {
        return run(task, pool);
    }

    /**
     * Runs a task whose decoded upload vectors come from {@code buffers} (null: allocate), e.g. a pool that lives as
     * long as one session of a simulation with time.
     */
    public ClientOutcome<C> run(ClientTask<C> task, BufferPool buffers) {
        int id = task.clientId();
        int t = task.round();
        long seed = seeds.root();
        if (id < 0 || id >= data.clientCount()) {
            throw new SimulationException(t, id, seed, "client id must be in [0, " + data.clientCount() + "), was "
                    + id, null);
        }
        Channel up = new Channel(Direction.UPLINK, t, id, uplink, seeds.stream(Purpose.UPLINK_COMPRESSION, t, id),
                buffers);
        WorkCountingModel counting = new WorkCountingModel(model);
        ClientContext ctx = new ClientContext(id, t, data.client(id), counting, seeds, up, precision,
                workspaces.get(), task.assignedSteps());
        ClientResult<C> r;
        try {
            r = client.train(task.downlink(), task.state(), ctx);
        } catch (SimulationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SimulationException(t, id, seed, "the client failed: " + e, e);
        } catch (OutOfMemoryError e) {
            throw SimulationException.outOfMemory(t, id, seed, e);
        }
        if (r == null) {
            throw new SimulationException(t, id, seed, name + " client returned null", null);
        }
        if (r.state() == null) {
            throw new SimulationException(t, id, seed, name + " client returned a null state", null);
        }
        if (!Double.isFinite(r.trainLoss())) {
            throw new SimulationException(t, id, seed, "the training loss diverged to " + r.trainLoss()
                    + "; " + hint, null);
        }
        Message upload = up.message();
        if (upload.size() != uplinkVectors) {
            throw new SimulationException(t, id, seed, name + " declares " + uplinkVectors
                    + " uplink vectors but the client sent " + upload.size(), null);
        }
        for (int j = 0; j < upload.size(); j++) {
            long bad = Tensors.firstNonFinite(upload.vector(j));
            if (bad >= 0) {
                throw new SimulationException(t, id, seed, "uploaded vector " + j + " is not finite (coordinate "
                        + bad + " is " + upload.vector(j).getDouble(bad) + "); " + hint, null);
            }
        }
        return new ClientOutcome<>(id, upload, up.bitsPerVector(), r.state(), r.trainLoss(), counting.samples());
    }

    /**
     * Frees the native memory of every worker thread's workspace now and drops the calling thread's (with one worker
     * thread the tasks run on the caller's thread, whose workspace would otherwise outlive the run). Called when a run
     * ends, when no task is running; the runner stays usable.
     *
     * @return the number of native bytes freed
     */
    public long release() {
        long[] bytes = new long[1];
        workspaces.forEach(w -> bytes[0] += w.release());
        workspaces.removeCurrent();
        return bytes[0];
    }
}
