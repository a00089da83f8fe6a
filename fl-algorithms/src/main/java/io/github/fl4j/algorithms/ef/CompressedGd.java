package io.github.fl4j.algorithms.ef;

import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.ClientResult;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.NoState;
import io.github.fl4j.core.api.RoundAccumulator;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Compressed gradient descent without error feedback (CGD / "naive compression"), the baseline of the error-feedback
 * experiments (docs/algorithms/ef14.md):
 * \[
 * \begin{aligned}
 * &amp;\text{client } i \in S_t: &amp;&amp; \text{upload } \mathcal{C}(\nabla f_i(x^t)) \quad (\text{full gradient, or a } \tau\text{-minibatch with minibatch}(\tau)) \\
 * &amp;\text{server:} &amp;&amp; x^{t+1} = x^t - \gamma \tfrac{1}{|S_t|} \textstyle\sum_{i \in S_t} \mathcal{C}(\nabla f_i(x^t))
 * \end{aligned}
 * \]
 * With an unbiased compressor this is (distributed) compressed SGD; with a biased one such as Top-K it does not
 * converge to the minimiser when the clients' optima differ (zeta &gt; 0): it stalls, which error feedback fixes. Any
 * compressor is accepted. With the identity compressor and full participation it is gradient descent bit for bit.
 *
 * <p>Map from symbols to code: gamma = {@code learningRate}, tau = {@code minibatch}.
 *
 * <p>State: clients none; the server keeps x and a reused aggregation buffer (2d). Scratch: the gradient (d per worker
 * thread). Communication per participant and round: 1 dense d-vector down, 1 compressed vector up. Immutable and
 * thread-safe.
 */
public final class CompressedGd implements FederatedAlgorithm<CompressedGd.ServerState, NoState> {
    private final double learningRate;
    private final int minibatch;

    private CompressedGd(Builder b) {
        EfCommon.checkPositive("learningRate", b.learningRate);
        EfCommon.checkBatch(b.minibatch);
        this.learningRate = b.learningRate;
        this.minibatch = b.minibatch;
    }

    /** A builder; default: full gradients. */
    public static Builder builder() {
        return new Builder();
    }

    /** The server state: x and an aggregation buffer. */
    public static final class ServerState {
        private final INDArray x;
        private final INDArray aggregate;

        ServerState(INDArray x) {
            this.x = x;
            this.aggregate = Tensors.zeros(Precision.of(x.dataType()), x.length());
        }

        /** The global model x. */
        public INDArray model() {
            return x;
        }
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "CGD(lr=%s%s)", learningRate, minibatch > 0 ? ", tau=" + minibatch : "");
    }

    @Override
    public ServerState initServerState(INDArray initialParameters, AlgorithmSetup setup) {
        return new ServerState(initialParameters.dup());
    }

    @Override
    public NoState initClientState(int clientId, AlgorithmSetup setup) {
        return NoState.INSTANCE;
    }

    @Override
    public Server<ServerState> server() {
        return new Server<>() {
            @Override
            public Message broadcast(ServerState s, ServerContext ctx) {
                return Message.of(s.x);
            }

            @Override
            public ServerState apply(ServerState s, List<Upload> uploads, ServerContext ctx) {
                if (uploads.isEmpty()) {
                    return s;
                }
                EfCommon.weightedSum(uploads, null, 1.0 / uploads.size(), s.aggregate);
                Tensors.axpy(-learningRate, s.aggregate, s.x);
                return s;
            }

            /** Streaming: the mean (1/|S|) sum_S u_n runs in the aggregation buffer (scratch); x changes in finish. */
            @Override
            public RoundAccumulator<ServerState> begin(ServerState s, ServerContext ctx) {
                return EfCommon.meanStep(this, s, ctx, s.aggregate, s.x, learningRate);
            }

            @Override
            public INDArray model(ServerState s) {
                return s.x;
            }
        };
    }

    @Override
    public Client<NoState> client() {
        return (down, state, ctx) -> {
            INDArray x = down.vector(0);
            INDArray grad = ctx.workspace().vector("cgd.gradient", ctx.precision(), x.length());
            double loss = EfCommon.gradient(ctx, x, grad, minibatch, false);
            ctx.uplink().send(grad);
            return new ClientResult<>(state, loss);
        };
    }

    @Override
    public StateCodec<ServerState> serverStateCodec() {
        return new StateCodec<>() {
            @Override
            public void write(ServerState s, DataOutput out) throws IOException {
                out.writeByte(1);
                Tensors.write(s.x, out);
            }

            @Override
            public ServerState read(DataInput in) throws IOException {
                StateCodec.checkVersion("CGD server state", 1, in.readUnsignedByte());
                return new ServerState(Tensors.read(in));
            }
        };
    }

    @Override
    public StateCodec<NoState> clientStateCodec() {
        return NoState.CODEC;
    }

    @Override
    public int downlinkVectors() {
        return 1;
    }

    @Override
    public int uplinkVectors() {
        return 1;
    }

    /** gamma. */
    public double learningRate() {
        return learningRate;
    }

    /** tau (0 = full local gradients). */
    public int minibatch() {
        return minibatch;
    }

    /** Builder of {@link CompressedGd}; {@link #build()} validates and names any bad field. */
    public static final class Builder {
        private double learningRate = Double.NaN;
        private int minibatch;

        /** gamma (required). */
        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        /** tau rows per round drawn without replacement (0 = full local gradient, the default). */
        public Builder minibatch(int tau) {
            minibatch = tau;
            return this;
        }

        /** Validates and builds. */
        public CompressedGd build() {
            return new CompressedGd(this);
        }
    }
}
