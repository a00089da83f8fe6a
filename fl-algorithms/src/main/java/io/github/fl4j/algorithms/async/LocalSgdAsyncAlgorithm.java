package io.github.fl4j.algorithms.async;

import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.NoState;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.time.AsyncAlgorithm;

/**
 * What the asynchronous algorithms of this package share: stateless clients that run local SGD from the model they
 * downloaded and upload one vector (a delta or a mean gradient), one vector down, and the exact samples of a session
 * as the engine's look-ahead bound. Subclasses give the server half and the client's upload.
 *
 * @param <S> the server state type
 */
public abstract class LocalSgdAsyncAlgorithm<S> implements AsyncAlgorithm<S, NoState> {
    private final LocalTraining training;
    private final double localLearningRate;

    /**
     * @param training          the local work of a session (a server may assign another number of steps)
     * @param localLearningRate the local SGD step size
     */
    protected LocalSgdAsyncAlgorithm(LocalTraining training, double localLearningRate) {
        this.training = training;
        this.localLearningRate = localLearningRate;
    }

    /** Clients keep no state. */
    @Override
    public NoState initClientState(int clientId, AlgorithmSetup setup) {
        return NoState.INSTANCE;
    }

    @Override
    public StateCodec<NoState> clientStateCodec() {
        return NoState.CODEC;
    }

    /** One vector down: the model. */
    @Override
    public int downlinkVectors() {
        return 1;
    }

    /** One vector up. */
    @Override
    public int uplinkVectors() {
        return 1;
    }

    /** The exact samples of a session: K steps of B (or E epochs), K replaced by an assigned step count. */
    @Override
    public long minimumWork(int clientSize, int assignedSteps) {
        return AsyncSupport.minimumWork(training, clientSize, assignedSteps);
    }

    /** The local work. */
    public LocalTraining training() {
        return training;
    }

    /** The local learning rate. */
    public double localLearningRate() {
        return localLearningRate;
    }
}
