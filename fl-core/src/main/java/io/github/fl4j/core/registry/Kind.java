package io.github.fl4j.core.registry;

import java.util.Locale;

/** The kinds of component a {@link Registry} builds from a {@link Spec}. */
public enum Kind {
    /** A {@link io.github.fl4j.core.api.FederatedAlgorithm}, built from its spec alone. */
    ALGORITHM,
    /** A {@link io.github.fl4j.core.api.Model}, built from its spec and the data (which fixes its dimensions). */
    MODEL,
    /**
     * A {@link io.github.fl4j.core.data.FederatedData}, built from its spec, a seed and a precision; the same
     * inputs give bit-identical data in every JVM.
     */
    DATA,
    /** A {@link io.github.fl4j.core.api.Compressor}, built from its spec alone. */
    COMPRESSOR,
    /** A {@link io.github.fl4j.core.participation.Participation} pattern, built from its spec and the population. */
    PARTICIPATION;

    /** The kind as messages and help texts write it: {@code algorithm}, {@code model}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
