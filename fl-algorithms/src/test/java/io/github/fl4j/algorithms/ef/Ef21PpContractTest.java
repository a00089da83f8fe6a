package io.github.fl4j.algorithms.ef;

import io.github.fl4j.core.api.AlgorithmContractTest;
import io.github.fl4j.core.api.FederatedAlgorithm;

/** EF21-PP (Fatkhullin et al. 2021) under the contract's default partial participation (4 of 10 clients per round). */
class Ef21PpContractTest extends AlgorithmContractTest {
    @Override
    protected FederatedAlgorithm<?, ?> algorithm() {
        return Ef21.builder().learningRate(0.1).partialParticipation(true).minibatch(8).build();
    }

    /** A contractive uplink (Top-30%), so that the error-feedback state is not trivially zero. */
    @Override
    protected io.github.fl4j.core.api.Compressor uplinkCompressor() {
        return io.github.fl4j.compression.Compressors.topK(0.3);
    }
}
