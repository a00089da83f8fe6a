package io.github.fl4j.core.time;

/**
 * When each client is online, as a function of virtual time. It answers "when is this client next available", never
 * a bare yes/no: an engine that re-asked a yes/no question at the same instant would stall the clock.
 *
 * <p>Made by {@link AvailabilityModel#start}; a pure function of the seed tree (implementations may cache what they
 * have drawn). Used by one engine thread.
 */
public interface Availability {

    /**
     * The earliest time {@code >= t} at which {@code client} is online: {@code t} itself when it is online at
     * {@code t}; {@link Double#POSITIVE_INFINITY} when it never comes back.
     */
    double nextAvailable(int client, double t);

    /**
     * For a client online at {@code t}: the first time {@code > t} at which it goes offline
     * ({@link Double#POSITIVE_INFINITY} when never). A session running past that time fails there. For a client
     * offline at {@code t} the library's models return {@code t}.
     */
    double availableUntil(int client, double t);
}
