package io.github.fl4j.core.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The states of a population of clients, keyed by client id: the only way the engine reads and writes client states
 * C, and the only way a server keeps a per-client table (see {@link ServerTables}).
 *
 * <p><b>No aliasing.</b> A store holds its own copy of every state: {@link #putAll} encodes (or otherwise copies) the
 * objects it is given, and {@link #getAll} returns objects the caller owns. So a client that mutates its state in
 * place, or fails half-way through a round, never changes what the store holds; and what the store holds can be
 * written to a checkpoint, spilled to disk or shipped to another machine at any time.
 *
 * <p><b>Batched access.</b> The engine reads the states of a round's participants with one {@link #getAll} and writes
 * them back with one {@link #putAll}, so a disk-backed or remote store can serve a round with one batch each way.
 *
 * <p><b>Reuse.</b> An object obtained from {@link #getAll} that the caller no longer needs (after putting it back, or
 * after dropping it) may be handed back with {@link #release}; the store may then decode a later state into it instead
 * of allocating (ND4J allocation is slow). A released object must not be used by the caller again.
 *
 * <p>Implementations are not required to be thread-safe: the engine calls a store from its own thread only.
 *
 * @param <T> the state type
 */
public interface ClientStateStore<T> extends AutoCloseable {

    /**
     * The states of the given clients, in the order of {@code clientIds}; an entry is null when that client has no
     * stored state (it never participated). Every returned object is owned by the caller.
     *
     * @throws IllegalArgumentException if an id is negative
     */
    List<T> getAll(int[] clientIds);

    /** The state of one client, or null if none is stored (see {@link #getAll}). */
    default T get(int clientId) {
        return getAll(new int[] {clientId}).get(0);
    }

    /**
     * Stores the given states (a copy of each: the caller may go on using or mutating the objects). {@code states}
     * has one non-null entry per id. Atomic: if it throws (a bad argument, a codec that fails on one state, an I/O
     * error), the store holds what it held before the call.
     *
     * @throws IllegalArgumentException if the lengths differ, an id is negative or a state is null
     */
    void putAll(int[] clientIds, List<T> states);

    /** Stores the state of one client (see {@link #putAll}). */
    default void put(int clientId, T state) {
        List<T> one = new ArrayList<>(1);
        one.add(state);
        putAll(new int[] {clientId}, one);
    }

    /** Hands back an object obtained from {@link #getAll} for reuse; the default ignores it. */
    default void release(T state) {
    }

    /** Whether a state is stored for {@code clientId}. */
    boolean contains(int clientId);

    /** Number of clients with a stored state. */
    int size();

    /** Total size of the stored states in bytes, in their encoded form. */
    long encodedBytes();

    /**
     * Writes every stored state for a checkpoint (the store's own format, starting with a version byte). What
     * {@link #readFrom} reads back is bit-identical.
     */
    void writeTo(DataOutput out) throws IOException;

    /** Replaces the contents of this store with what {@link #writeTo} wrote. */
    void readFrom(DataInput in) throws IOException;

    /** Releases resources (files, connections); the default does nothing. */
    @Override
    default void close() {
    }
}
