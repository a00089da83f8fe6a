package io.github.fl4j.core.registry;

import io.github.fl4j.core.data.FederatedData;
import io.github.fl4j.core.tensor.Precision;
import java.io.IOException;

/**
 * Builds a {@link FederatedData} ({@link Kind#DATA}). The result must be a function of the parameters, the seed
 * and the precision alone: every random draw comes from {@code new SeedTree(seed)} streams (by convention
 * {@link io.github.fl4j.core.random.Purpose#DATA_GENERATION} for generated values and
 * {@link io.github.fl4j.core.random.Purpose#PARTITION} for splits), so that two JVMs build bit-identical data.
 */
@FunctionalInterface
public interface DataFactory {
    /**
     * Builds the data.
     *
     * @param params    the spec's parameters
     * @param seed      the seed of the run (a spec may override it with its own parameter)
     * @param precision the precision of the arrays
     * @throws IOException              if a file cannot be read
     * @throws IllegalArgumentException on a bad or missing parameter
     */
    FederatedData create(Params params, long seed, Precision precision) throws IOException;
}
