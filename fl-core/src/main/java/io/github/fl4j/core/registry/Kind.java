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
    PARTICIPATION,
    /**
     * An {@link io.github.fl4j.core.api.Aggregator} (weighted mean or a robust rule), built from its spec alone;
     * algorithms take one as a nested spec ({@code aggregator=krum(f=1)}).
     */
    AGGREGATOR,
    /**
     * A {@link io.github.fl4j.core.api.ServerOptimizer} (server SGD, momentum, Adagrad, Adam, Yogi), built from its
     * spec alone; algorithms take one as a nested spec ({@code server-optimizer=adam(lr=0.01)}).
     */
    SERVER_OPTIMIZER,
    /**
     * An asynchronous algorithm ({@link io.github.fl4j.core.time.AsyncAlgorithm}), built from its spec alone; runs
     * on the virtual clock of {@link io.github.fl4j.core.time.TimedSimulation} with a {@link #SCHEDULE} of session
     * starts.
     */
    ASYNC_ALGORITHM,
    /** A {@link io.github.fl4j.core.time.DeviceModel} (compute speed and bandwidths per client), from its spec. */
    DEVICES,
    /** An {@link io.github.fl4j.core.time.AvailabilityModel} (when each client is online), from its spec. */
    AVAILABILITY,
    /** A {@link io.github.fl4j.core.time.DropoutModel} (sessions that fail midway), from its spec. */
    DROPOUT,
    /**
     * A {@link io.github.fl4j.core.time.Schedule}: synchronous rounds (with a deadline, first K, over-selection) or
     * the arrival model of asynchronous sessions (closed, Poisson, fixed interval), from its spec.
     */
    SCHEDULE,
    /** A {@link io.github.fl4j.core.time.StalenessFunction} s(tau) of the asynchronous algorithms, from its spec. */
    STALENESS,
    /** An {@link io.github.fl4j.core.sim.ExecutionEngine} (where client tasks run), from its spec and the threads. */
    ENGINE;

    /** The kind as messages and help texts write it: {@code algorithm}, {@code model}, {@code server-optimizer}... */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
