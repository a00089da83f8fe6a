package io.github.fl4j.core.api;

import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The server step of an averaging algorithm: how the aggregated client update moves the global model. This is
 * ServerOpt in the FedOpt framework of Reddi, Charles, Zaheer, Garrett, Rush, Konečný, Kumar, McMahan, "Adaptive
 * Federated Optimization", ICLR 2021 (Algorithm 1):
 * <pre>
 *   Delta^t   = sum_{n in S_t} w_n (y_n - x^t)       the aggregated update (the pseudo-gradient is -Delta^t)
 *   x^{t+1}   = ServerOpt(x^t, -Delta^t, eta, t)     for example SGD: x^{t+1} = x^t + eta Delta^t
 * </pre>
 * With SGD at eta = 1 this is McMahan's model averaging; the implementations of {@code io.github.fl4j.core.optim}
 * add heavy-ball momentum (FedAvgM) and the adaptive FedAdagrad, FedAdam and FedYogi.
 *
 * <p>An optimizer object is immutable and holds no per-run data: everything that changes from round to round
 * (momentum, moment estimates) lives in a {@link State} that {@link #init} creates, that the algorithm keeps in its
 * server state, and that {@link State#CODEC} writes into checkpoints. One optimizer can therefore serve any number of
 * runs and threads at once.
 */
public interface ServerOptimizer {

    /** A short name with the hyper-parameters, e.g. {@code adam(lr=0.01, beta1=0.9, beta2=0.99, tau=0.001)}. */
    String name();

    /** The server learning rate eta (eta_g). */
    double learningRate();

    /**
     * The state before the first step (v^0 = 0 for momentum; m_{-1} = 0, v_{-1} = tau^2 for the adaptive methods).
     *
     * @param precision the precision of the model
     * @param dimension the model dimension d
     */
    State init(Precision precision, long dimension);

    /**
     * One server step: moves {@code x} in place by the aggregated update {@code delta} and advances {@code state}.
     * Allocates nothing.
     *
     * @param x     the model x^t, overwritten with x^{t+1}
     * @param delta the aggregated client update Delta^t (not modified)
     * @param state this optimizer's state, from {@link #init} or {@link State#CODEC}, updated in place
     * @throws IllegalArgumentException when the state belongs to another kind of optimizer or the vectors differ in
     *                                  length or precision
     */
    void step(INDArray x, INDArray delta, State state);

    /**
     * The round-to-round memory of a {@link ServerOptimizer}: a kind tag (e.g. {@code "adam"}) and a fixed number of
     * d-vectors (none for SGD, v for momentum, m and v for the adaptive methods). The vectors are updated in place
     * by {@link ServerOptimizer#step}; the object itself is never replaced, so a server state may hold it in a final
     * field.
     */
    final class State {
        private final String kind;
        private final INDArray[] vectors;

        /**
         * A state of the given kind and vectors (taken, not copied).
         *
         * @throws IllegalArgumentException when the kind is empty or the vectors differ in length or precision
         */
        public State(String kind, INDArray... vectors) {
            if (kind == null || kind.isEmpty()) {
                throw new IllegalArgumentException("kind must be a non-empty string, was " + kind);
            }
            for (int i = 1; i < vectors.length; i++) {
                if (vectors[i].length() != vectors[0].length() || vectors[i].dataType() != vectors[0].dataType()) {
                    throw new IllegalArgumentException("state vectors must share length and precision, vector " + i
                            + " was " + vectors[i].dataType() + "[" + vectors[i].length() + "] against "
                            + vectors[0].dataType() + "[" + vectors[0].length() + "]");
                }
            }
            this.kind = kind;
            this.vectors = vectors.clone();
        }

        /** Which optimizer the state belongs to, e.g. {@code "sgd"}, {@code "momentum"}, {@code "adam"}. */
        public String kind() {
            return kind;
        }

        /** The number of d-vectors. */
        public int size() {
            return vectors.length;
        }

        /** The i-th vector (the live array: an optimizer updates it in place). */
        public INDArray vector(int i) {
            if (i < 0 || i >= vectors.length) {
                throw new IllegalArgumentException("state vector index must be in [0, " + vectors.length + "), was "
                        + i);
            }
            return vectors[i];
        }

        /**
         * Checks that this state is of {@code expectedKind} with {@code expectedSize} vectors matching {@code x} in
         * length and precision, naming what differs.
         *
         * @throws IllegalArgumentException when it is not
         */
        public void check(String expectedKind, int expectedSize, INDArray x) {
            if (!kind.equals(expectedKind) || vectors.length != expectedSize) {
                throw new IllegalArgumentException("optimizer state must be of kind " + expectedKind + " with "
                        + expectedSize + " vectors, was " + this);
            }
            for (INDArray v : vectors) {
                if (v.length() != x.length() || v.dataType() != x.dataType()) {
                    throw new IllegalArgumentException("optimizer state vectors must match the model "
                            + x.dataType() + "[" + x.length() + "], were " + v.dataType() + "[" + v.length() + "]");
                }
            }
        }

        @Override
        public String toString() {
            return vectors.length == 0 ? kind + "[]"
                    : kind + "[" + vectors.length + " x " + vectors[0].dataType() + "[" + vectors[0].length() + "]]";
        }

        /**
         * The binary form of every optimizer state, so a server state can be written without knowing its optimizer:
         * version byte 1, the kind as modified UTF-8, the number of vectors as an int, then each vector in the
         * {@link Tensors#write} form. Bit-exact.
         */
        public static final StateCodec<State> CODEC = new StateCodec<>() {
            @Override
            public void write(State s, DataOutput out) throws IOException {
                out.writeByte(1);
                out.writeUTF(s.kind);
                out.writeInt(s.vectors.length);
                for (INDArray v : s.vectors) {
                    Tensors.write(v, out);
                }
            }

            @Override
            public State read(DataInput in) throws IOException {
                StateCodec.checkVersion("server optimizer state", 1, in.readUnsignedByte());
                String kind = in.readUTF();
                int n = in.readInt();
                if (n < 0 || n > 64) {
                    throw new IOException("server optimizer state vector count must be in [0, 64], was " + n);
                }
                INDArray[] vectors = new INDArray[n];
                for (int i = 0; i < n; i++) {
                    vectors[i] = Tensors.read(in);
                }
                try {
                    return new State(kind, vectors);
                } catch (IllegalArgumentException e) {
                    throw new IOException("server optimizer state: " + e.getMessage(), e);
                }
            }
        };
    }
}
