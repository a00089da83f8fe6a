package io.github.fl4j.core.sim;

import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.FederatedData;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.RunDescription;
import io.github.fl4j.core.tensor.Precision;

/**
 * Builds client runners and simulations from a run's serializable description, so that the side that executes
 * clients (a worker in another JVM) constructs exactly the runner of the side that runs the rounds: the same
 * algorithm, model, data (generated or loaded and split from the description's seed, bit for bit), uplink compressor,
 * seed tree and precision.
 */
public final class ClientRunners {
    private ClientRunners() {
    }

    /**
     * The client runner of the run {@code description} describes, its components looked up in {@code registry}.
     * Decoded uploads are freshly allocated (no message pool is shared with a server).
     */
    public static ClientRunner<?> build(RunDescription description, Registry registry) {
        FederatedAlgorithm<?, ?> algorithm = registry.algorithm(description.algorithm());
        FederatedData data = registry.data(description.data(), description.config().seed(),
                description.config().precision()).as(description.config().precision());
        Model model = registry.model(description.model(), data);
        Compressor uplink = registry.compressor(description.uplink());
        return runner(algorithm, model, data, uplink, description);
    }

    /**
     * The client side of the run {@code description} describes: the runner of {@link #build}, the algorithm's
     * client-state codec, and its first-participation state with the same {@code AlgorithmSetup} as the simulation's
     * (model dimension, client sizes of the data in the run's precision, precision, uplink and downlink compressors),
     * so that a member that keeps the states initialises a client exactly as the round loop would.
     */
    public static ClientSide<?> clientSide(RunDescription description, Registry registry) {
        FederatedAlgorithm<?, ?> algorithm = registry.algorithm(description.algorithm());
        Precision precision = description.config().precision();
        FederatedData data = registry.data(description.data(), description.config().seed(), precision).as(precision);
        Model model = registry.model(description.model(), data);
        Compressor uplink = registry.compressor(description.uplink());
        AlgorithmSetup setup = new AlgorithmSetup(model.dimension(), data.clientSizes(), precision, uplink,
                registry.compressor(description.downlink()));
        return clientSide(algorithm, model, data, uplink, description, setup);
    }

    private static <C> ClientSide<C> clientSide(FederatedAlgorithm<?, C> algorithm, Model model, FederatedData data,
                                                Compressor uplink, RunDescription d, AlgorithmSetup setup) {
        return new ClientSide<>(runner(algorithm, model, data, uplink, d), algorithm.clientStateCodec(),
                id -> algorithm.initClientState(id, setup));
    }

    private static <C> ClientRunner<C> runner(FederatedAlgorithm<?, C> algorithm, Model model, FederatedData data,
                                              Compressor uplink, RunDescription d) {
        return new LocalClientRunner<>(algorithm, model, data, uplink, new SeedTree(d.config().seed()),
                d.config().precision(), null);
    }

    /**
     * A simulation builder with every component of {@code description} looked up in {@code registry} and the
     * description attached, so that any {@link ExecutionEngine}, including one that runs clients in other JVMs, can
     * run it. Listeners, checkpoints, state stores and an engine may still be added.
     */
    public static Simulation.Builder<?, ?> simulation(RunDescription description, Registry registry) {
        return simulation(registry.algorithm(description.algorithm()), description, registry);
    }

    private static <S, C> Simulation.Builder<S, C> simulation(FederatedAlgorithm<S, C> algorithm, RunDescription d,
                                                              Registry registry) {
        FederatedData data = registry.data(d.data(), d.config().seed(), d.config().precision());
        return Simulation.builder(algorithm).config(d.config()).data(data).model(registry.model(d.model(), data))
                .participation(registry.participation(d.participation(), data.clientCount()))
                .uplinkCompressor(registry.compressor(d.uplink()))
                .downlinkCompressor(registry.compressor(d.downlink())).description(d);
    }
}
