/**
 * Where the persistent state of a run lives between rounds, and how it reaches the disk.
 *
 * <ul>
 *   <li>{@link io.github.fl4j.core.state.ClientStateStore}: the only way client states (and the server's per-client
 *       tables, such as FedSpeed's duals or MIFA's last updates) are read and written. States move through their
 *       {@link io.github.fl4j.core.api.StateCodec}s, so the store never holds an object a client is mutating, and a
 *       disk-backed or distributed store can replace the in-memory one without any algorithm changing.</li>
 *   <li>{@link io.github.fl4j.core.state.InMemoryClientStateStore}: the default store, one encoded byte array per
 *       client.</li>
 *   <li>{@link io.github.fl4j.core.state.DiskClientStateStore}: states on disk with bounded memory (an append-only
 *       log per store, an index in memory, a byte-bounded cache in front), made by
 *       {@link io.github.fl4j.core.state.StateStoreFactory#onDisk}; the same bits as the in-memory store, atomic
 *       batches that survive a killed process.</li>
 *   <li>{@link io.github.fl4j.core.state.ServerTables}: the named per-client tables of the server half, reached
 *       through {@link io.github.fl4j.core.api.ServerContext#table}.</li>
 *   <li>{@link io.github.fl4j.core.state.CheckpointFile}: the versioned, checksummed checkpoint format, written
 *       atomically (temporary file, flush to disk, rename).</li>
 * </ul>
 */
package io.github.fl4j.core.state;
