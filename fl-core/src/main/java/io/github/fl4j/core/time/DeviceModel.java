package io.github.fl4j.core.time;

import io.github.fl4j.core.random.SeedTree;

/**
 * Where the clients' devices come from: a persistent {@link Device} per client (drawn once, a pure function of the
 * seed tree and the client id, from the {@link io.github.fl4j.core.random.Purpose#DEVICE} streams), and an optional
 * per-session compute factor (jitter) keyed by (client, dispatch number).
 *
 * <p>Implementations are immutable and thread-safe; the same seed gives the same devices in any order of calls.
 */
public interface DeviceModel {

    /** The device of {@code client}: a pure function of ({@code seeds}, {@code client}). */
    Device device(int client, SeedTree seeds);

    /**
     * The compute-time factor of the client's {@code dispatch}-th session (1 = none; &gt; 0): a pure function of
     * ({@code seeds}, {@code client}, {@code dispatch}).
     */
    default double computeJitter(int client, long dispatch, SeedTree seeds) {
        return 1.0;
    }

    /** A one-line description with the parameters, for reports and checkpoint identities. */
    String describe();
}
