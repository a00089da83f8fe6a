package io.github.fl4j.core.api;

import io.github.fl4j.core.random.RandomStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A compressor stand-in for build-time checks: it has a name and declares a class, and fails if asked to compress.
 * Shared by the algorithm tests that check which compressor classes an algorithm accepts.
 */
public final class DeclaredCompressor implements Compressor {
    private final String name;
    private final CompressionClass compressionClass;

    public DeclaredCompressor(String name, CompressionClass compressionClass) {
        this.name = name;
        this.compressionClass = compressionClass;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompressionClass compressionClass(long dimension) {
        return compressionClass;
    }

    @Override
    public long compress(INDArray x, INDArray out, RandomStream rng) {
        throw new UnsupportedOperationException(name + " only declares its class; it does not compress");
    }
}
