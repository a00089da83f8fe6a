package io.github.fl4j.core.registry;

import io.github.fl4j.core.participation.Participation;
import java.io.IOException;

/** Builds a {@link Participation} pattern for a population of clients ({@link Kind#PARTICIPATION}). */
@FunctionalInterface
public interface ParticipationFactory {
    /**
     * Builds the pattern.
     *
     * @param params     the spec's parameters
     * @param population the number of clients N
     * @throws IOException              if a file (e.g. a trace) cannot be read
     * @throws IllegalArgumentException on a bad or missing parameter, or one that does not fit the population
     */
    Participation create(Params params, int population) throws IOException;
}
