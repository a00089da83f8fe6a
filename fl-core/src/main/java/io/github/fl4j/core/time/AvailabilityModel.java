package io.github.fl4j.core.time;

import io.github.fl4j.core.random.SeedTree;

/**
 * A configuration of client availability (always online, Bernoulli per period, Markov on/off, diurnal, replayed
 * intervals): immutable, shareable between simulations; {@link #start} binds it to a population and a seed tree.
 */
public interface AvailabilityModel {

    /** The availability of a population of {@code population} clients, drawing from {@code seeds} (AVAILABILITY). */
    Availability start(int population, SeedTree seeds);

    /** A one-line description with the parameters. */
    String describe();

    /** True for the model in which every client is always online (lets engines skip the queries). */
    default boolean alwaysOnline() {
        return false;
    }
}
