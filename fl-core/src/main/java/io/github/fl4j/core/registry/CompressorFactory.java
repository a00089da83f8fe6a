package io.github.fl4j.core.registry;

import io.github.fl4j.core.api.Compressor;

/** Builds a {@link Compressor} from the parameters of its spec ({@link Kind#COMPRESSOR}). */
@FunctionalInterface
public interface CompressorFactory {
    /**
     * Builds the compressor; nested compressor specs can be built with {@code params.registry().compressor(...)}.
     *
     * @param params the spec's parameters
     * @throws IllegalArgumentException on a bad or missing parameter
     */
    Compressor create(Params params);
}
