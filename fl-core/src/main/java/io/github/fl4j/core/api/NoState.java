package io.github.fl4j.core.api;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The client state of stateless clients (FedAvg's, for example): a single immutable instance, encoded as one version
 * byte.
 */
public enum NoState {
    /** The only instance. */
    INSTANCE;

    /** Its codec. */
    public static final StateCodec<NoState> CODEC = new StateCodec<>() {
        @Override
        public void write(NoState state, DataOutput out) throws IOException {
            out.writeByte(1);
        }

        @Override
        public NoState read(DataInput in) throws IOException {
            StateCodec.checkVersion("NoState", 1, in.readUnsignedByte());
            return INSTANCE;
        }
    };
}
