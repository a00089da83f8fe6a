package io.github.fl4j.core.state;

import io.github.fl4j.core.api.StateCodec;
import java.nio.file.Path;

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

    /**
     * Stores on disk in {@code directory} ({@link DiskClientStateStore}): one file per store, {@code clients.log} for
     * the client states and {@code <table>.log} per server table, each emptied when the run creates it, with a cache of
     * {@link DiskClientStateStore#DEFAULT_CACHE_BYTES} per store. Memory then stays bounded by the caches plus 12 bytes
     * per client, whatever the population; the bits of the run are those of {@link #inMemory()}.
     */
    static StateStoreFactory onDisk(Path directory) {
        return onDisk(directory, DiskClientStateStore.DEFAULT_CACHE_BYTES);
    }

    /**
     * Stores on disk in {@code directory} with a cache of {@code cacheBytes} encoded bytes per store (0: no cache); see
     * {@link #onDisk(Path)}.
     *
     * @throws IllegalArgumentException if the directory is null or the cache size negative
     */
    static StateStoreFactory onDisk(Path directory, long cacheBytes) {
        if (directory == null) {
            throw new IllegalArgumentException("store directory must not be null");
        }
        if (cacheBytes < 0) {
            throw new IllegalArgumentException("store cache bytes must be >= 0, was " + cacheBytes);
        }
        return new StateStoreFactory() {
            @Override
            public <T> ClientStateStore<T> create(String name, StateCodec<T> codec) {
                return DiskClientStateStore.create(directory, name, codec, cacheBytes);
            }

            @Override
            public String toString() {
                return "onDisk(" + directory + ", cache " + cacheBytes + " bytes)";
            }
        };
    }
}
