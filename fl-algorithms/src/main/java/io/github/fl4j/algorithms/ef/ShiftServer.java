package io.github.fl4j.algorithms.ef;

import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.RoundAccumulator;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.api.StreamingAccumulator;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The server half shared by EF21 and EControl: it keeps the model x and the aggregate of the clients' shifts
 * (EF21's g = sum_i w_i g_i, EControl's h = (1/n) sum_i h_i), adds the round's compressed messages to the aggregate
 * (g += sum_{i in S} w_i c_i, with w_i = 1/n unless EF21-W weights are given), and then steps
 * x &lt;- x - gamma * aggregate from round R on (R = the warm-up rounds that deliver the first gradients exactly).
 * In the lossless fast path (identity uplink, full participation) the clients send their shifts themselves and the
 * aggregate is their weighted sum, so that the algorithms are gradient descent bit for bit.
 */
public final class ShiftServer {
    private ShiftServer() {
    }

    /** The server state: x, the aggregate shift, the warm-up rounds R and whether the lossless fast path is on. */
    public static final class State {
        final INDArray x;
        final INDArray shift;
        final int warmupRounds;
        final boolean exact;
        /** The running aggregate of a streaming round (scratch, made on first use; not part of the state). */
        INDArray running;

        State(INDArray x, INDArray shift, int warmupRounds, boolean exact) {
            this.x = x;
            this.shift = shift;
            this.warmupRounds = warmupRounds;
            this.exact = exact;
        }

        /** The global model x. */
        public INDArray model() {
            return x;
        }

        /** The aggregate shift: EF21's gradient estimate g, EControl's h. */
        public INDArray shift() {
            return shift;
        }

        /** R: the server steps x from round R on. */
        public int warmupRounds() {
            return warmupRounds;
        }
    }

    /** The binary form of {@link State} (version 1: x, shift, R, fast-path flag). */
    public static final StateCodec<State> CODEC = new StateCodec<>() {
        @Override
        public void write(State s, DataOutput out) throws IOException {
            out.writeByte(1);
            Tensors.write(s.x, out);
            Tensors.write(s.shift, out);
            out.writeInt(s.warmupRounds);
            out.writeBoolean(s.exact);
        }

        @Override
        public State read(DataInput in) throws IOException {
            StateCodec.checkVersion("EF21/EControl server state", 1, in.readUnsignedByte());
            INDArray x = Tensors.read(in);
            INDArray shift = Tensors.read(in);
            return new State(x, shift, in.readInt(), in.readBoolean());
        }
    };

    /**
     * The server.
     *
     * @param algorithm            the algorithm's name, for the full-participation error
     * @param learningRate         gamma
     * @param partialParticipation false: every round must have every client (EF21, EControl); true: EF21-PP
     * @param weights              EF21-W weights w_i, or null for 1/n
     * @param hint                 what to do when participation is partial but not allowed
     */
    static Server<State> create(String algorithm, double learningRate, boolean partialParticipation,
                                double[] weights, String hint) {
        return new Server<>() {
            @Override
            public Message broadcast(State s, ServerContext ctx) {
                return Message.of(s.x);
            }

            @Override
            public State apply(State s, List<Upload> uploads, ServerContext ctx) {
                if (!partialParticipation) {
                    EfCommon.requireFullParticipation(algorithm, ctx, hint);
                }
                double uniform = 1.0 / ctx.population();
                if (s.exact) {
                    EfCommon.weightedSum(uploads, weights, uniform, s.shift);
                } else {
                    EfCommon.accumulate(uploads, weights, uniform, s.shift);
                }
                if (ctx.round() >= s.warmupRounds) {
                    Tensors.axpy(-learningRate, s.shift, s.x);
                }
                return s;
            }

            /**
             * Streaming: the aggregate runs in a scratch copy (zero in the lossless fast path, else a copy of the
             * shift), with the same additions in increasing client-id order as apply, and is copied into the shift
             * in finish, so the state changes only there (same bits: a copy is exact).
             */
            @Override
            public RoundAccumulator<State> begin(State s, ServerContext ctx) {
                if (!partialParticipation) {
                    EfCommon.requireFullParticipation(algorithm, ctx, hint);
                }
                if (s.running == null) {
                    s.running = Tensors.zeros(Precision.of(s.x.dataType()), s.x.length());
                }
                INDArray running = s.running;
                if (s.exact) {
                    Tensors.fillZero(running);
                } else {
                    Tensors.copy(s.shift, running);
                }
                double uniform = 1.0 / ctx.population();
                return new StreamingAccumulator<>(ctx) {
                    @Override
                    protected void fold(int k, Upload u) {
                        Tensors.axpy(weights == null ? uniform : weights[u.clientId()], u.vector(0), running);
                    }

                    @Override
                    protected State complete() {
                        Tensors.copy(running, s.shift);
                        if (ctx.round() >= s.warmupRounds) {
                            Tensors.axpy(-learningRate, s.shift, s.x);
                        }
                        return s;
                    }
                };
            }

            @Override
            public INDArray model(State s) {
                return s.x;
            }
        };
    }
}
