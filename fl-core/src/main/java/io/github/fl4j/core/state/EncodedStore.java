package io.github.fl4j.core.state;

import io.github.fl4j.core.api.StateCodec;

/**
 * A store that holds encoded bytes only and needs its codec only to encode and decode states, never to
 * {@link ClientStateStore#readFrom} or {@link ClientStateStore#writeTo}: {@link ServerTables} restores such a table
 * from a checkpoint straight into the store (streamed, whatever its size) before its codec is known, and binds the
 * codec on first use.
 */
interface EncodedStore {

    /** The codec a table is restored with before its first use: encoding or decoding with it fails. */
    StateCodec<Object> UNBOUND = new StateCodec<>() {
        @Override
        public void write(Object state, java.io.DataOutput out) {
            throw new IllegalStateException("a restored server table is used before its codec is known");
        }

        @Override
        public Object read(java.io.DataInput in) {
            throw new IllegalStateException("a restored server table is used before its codec is known");
        }

        @Override
        public String toString() {
            return "unbound codec";
        }
    };

    /**
     * This store's contents seen through {@code codec}: a store sharing the same bytes (and files), which replaces
     * this object (do not use this one afterwards).
     */
    <U> ClientStateStore<U> bind(StateCodec<U> codec);
}
