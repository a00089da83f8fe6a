package io.github.fl4j.core.api;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The compact, versioned binary form of a state object (a server state S or a client state C), so that the engine can
 * checkpoint a run or ship a client's state to another machine without knowing the algorithm.
 *
 * <p>Contract: {@code read(write(s))} equals {@code s} bit for bit. Every encoding starts with a format version that
 * {@link #read} checks, naming the expected and the found version when they differ.
 *
 * @param <T> the state type
 */
public interface StateCodec<T> {

    /** Writes {@code state}, starting with its format version. */
    void write(T state, DataOutput out) throws IOException;

    /** Reads a state written by {@link #write}. */
    T read(DataInput in) throws IOException;

    /**
     * Reads a state written by {@link #write}, decoding into {@code reuse} (a state of this codec that its owner no
     * longer needs) when the codec can, to avoid allocating. The result must equal {@code read(in)} bit for bit; it
     * may be {@code reuse} or a new object. The default ignores {@code reuse}.
     */
    default T read(DataInput in, T reuse) throws IOException {
        return read(in);
    }

    /**
     * The codec of a state that is one vector (EF21's g_i, SCAFFOLD's c_i, ...): a version byte 1, then the vector in
     * the {@code Tensors.write} form.
     *
     * @param what   the state's name, for the version error
     * @param vector the state's vector
     * @param wrap   builds the state from a read vector
     */
    static <T> StateCodec<T> ofVector(String what, java.util.function.Function<T, org.nd4j.linalg.api.ndarray.INDArray>
            vector, java.util.function.Function<org.nd4j.linalg.api.ndarray.INDArray, T> wrap) {
        return new StateCodec<>() {
            @Override
            public void write(T state, DataOutput out) throws IOException {
                out.writeByte(1);
                io.github.fl4j.core.tensor.Tensors.write(vector.apply(state), out);
            }

            @Override
            public T read(DataInput in) throws IOException {
                checkVersion(what, 1, in.readUnsignedByte());
                return wrap.apply(io.github.fl4j.core.tensor.Tensors.read(in));
            }

            @Override
            public T read(DataInput in, T reuse) throws IOException {
                checkVersion(what, 1, in.readUnsignedByte());
                org.nd4j.linalg.api.ndarray.INDArray old = reuse == null ? null : vector.apply(reuse);
                org.nd4j.linalg.api.ndarray.INDArray v = io.github.fl4j.core.tensor.Tensors.readInto(in, old);
                return v == old ? reuse : wrap.apply(v);
            }

            @Override
            public String toString() {
                return what + " codec";
            }
        };
    }

    /** Checks a version byte, throwing an IOException that names both versions when they differ. */
    static void checkVersion(String what, int expected, int found) throws IOException {
        if (expected != found) {
            throw new IOException(what + " format version must be " + expected + ", was " + found);
        }
    }
}
