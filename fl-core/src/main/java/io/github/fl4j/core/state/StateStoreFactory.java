package io.github.fl4j.core.state;

import io.github.fl4j.core.api.StateCodec;

/**
 * Makes the stores of a run: one for the client states and one per server-side table. The default,
 * {@link #inMemory()}, keeps encoded states on the heap; a disk-backed or distributed factory plugs in here.
 */
@FunctionalInterface
public interface StateStoreFactory {

    /**
     * A new, empty store.
     *
     * @param name  what the store holds, e.g. {@code "clients"} or a server table's name (for file names and errors)
     * @param codec the codec of the stored states
     */
    <T> ClientStateStore<T> create(String name, StateCodec<T> codec);

    /** The in-memory factory ({@link InMemoryClientStateStore}). */
    static StateStoreFactory inMemory() {
        return InMemoryClientStateStore::new;
    }
}
