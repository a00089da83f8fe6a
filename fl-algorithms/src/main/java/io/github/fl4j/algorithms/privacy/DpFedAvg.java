package io.github.fl4j.algorithms.privacy;

import io.github.fl4j.algorithms.local.LocalSgd;
import io.github.fl4j.algorithms.local.LocalSgdBuilder;
import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.ClientResult;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.NoState;
import io.github.fl4j.core.api.RoundAccumulator;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.ServerOptimizer;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.api.StreamingAccumulator;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.optim.ServerOptimizers;
import io.github.fl4j.core.privacy.RdpAccountant;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DP-FedAvg (McMahan, Ramage, Talwar, Zhang, "Learning Differentially Private Recurrent Language Models", ICLR 2018):
 * FedAvg with user-level clipping and Gaussian noise on the aggregate, with optional adaptive clipping (Andrew,
 * Thakkar, McMahan, Ramaswamy, "Differentially Private Learning with Adaptive Clipping", NeurIPS 2021) and optional
 * local noise, and an RDP accountant ({@link RdpAccountant}) whose epsilon goes into every round report.
 *
 * <p>Round t, with participants P_t drawn by Poisson sampling at rate q from N clients, clip norm C (= S, or C^t
 * when adaptive) and noise multiplier z (see docs/algorithms/dp-fedavg.md):
 * \[
 * \begin{aligned}
 * &amp;\text{client } i \in P_t: &amp;&amp; y = x^t;\ K \text{ local SGD steps};\ \Delta_i = y - x^t \\
 * &amp;&amp;&amp; b_i = \mathbb{1}\{\lVert \Delta_i \rVert \le C\} \quad \text{(adaptive only)} \\
 * &amp;&amp;&amp; \Delta_i = \Delta_i \min(1, C / \lVert \Delta_i \rVert) \quad \text{(user-level clipping)} \\
 * &amp;&amp;&amp; \Delta_i = \Delta_i + \mathcal{N}(0, (z_{\mathrm{local}} C)^2 I) \quad \text{(local noise, optional)} \\
 * &amp;&amp;&amp; \text{upload } \Delta_i \ (1\ d\text{-vector}) \text{ and } b_i - \tfrac12 \ (1 \text{ value, adaptive only}) \\
 * &amp;\text{server:} &amp;&amp; \Delta = \bigl(\textstyle\sum_i \mathrm{clip}_C(\Delta_i) + \mathcal{N}(0, (z_\Delta C)^2 I)\bigr) / (qN) \\
 * &amp;&amp;&amp; x^{t+1} = \mathrm{ServerOpt}(x^t, \Delta) \quad (\text{server SGD with } \eta_g \text{ by default: } x + \eta_g \Delta) \\
 * &amp;\text{adaptive:} &amp;&amp; \bar b = \bigl(\textstyle\sum_i (b_i - \tfrac12) + \mathcal{N}(0, \sigma_b^2)\bigr) / (qN) + \tfrac12,\quad C^{t+1} = C^t \exp\bigl(-\eta_C (\bar b - \gamma)\bigr)
 * \end{aligned}
 * \]
 * Without adaptive clipping z_Delta = z; with it z_Delta = (z^-2 - (2 sigma_b)^-2)^-1/2, so that the update and the
 * clipped-count queries together have the privacy of one sampled Gaussian mechanism with noise multiplier z (the
 * centred bit b_i - 1/2 has sensitivity 1/2, i.e. noise multiplier 2 sigma_b). The server clips each decoded upload
 * to C again (a no-op on a lossless channel) and clamps each decoded bit to [-1/2, 1/2], so the sensitivity the
 * accountant assumes holds whatever uplink compressor is used. The noise is added in every round, also one without
 * participants: an unchanged model would reveal that nobody took part.
 *
 * <p><b>Accounting.</b> {@link #privacySpent} is the epsilon after T = the rounds so far, at the configured delta:
 * central DP (z &gt; 0, no local noise): T steps of the sampled Gaussian mechanism with rate q and multiplier z,
 * tight conversion ({@link RdpAccountant.Conversion#TIGHT}). It assumes what the simulation must then provide:
 * Poisson participation at rate q ({@code Participation.bernoulli} with every p_n = q, ideally
 * {@code allowingEmptyRounds()}), every round run. With local noise (z_local &gt; 0) the guarantee is per client and
 * without amplification by sampling or by the server's noise: each upload is a Gaussian mechanism with sensitivity
 * 2C (any two clipped updates differ by at most 2C) and standard deviation z_local C, so a client taking part in
 * every one of the T rounds has RDP T alpha 2 / z_local^2 ({@link #localRdpPerRound}); that is what is reported.
 * With z = 0 and no local noise nothing is private and the epsilon is +infinity.
 *
 * <p><b>Noise source.</b> By default the noise comes from the seed tree ({@link Purpose#DP_NOISE}, the server's
 * stream keyed by round, a client's by round and client): reproducible, for simulations. {@link
 * Builder#noiseSource}({@link NoiseSource#SECURE_RANDOM}) draws it from {@link SecureRandom} instead (not
 * reproducible; for deployments).
 *
 * <p>State: clients none ({@link NoState}); the server keeps x, the optimizer's state, the number of rounds applied
 * and the clip norm C (which changes only when adaptive), plus two scratch d-vectors (aggregate and noise).
 * Communication per participant and round: 1 d-vector down (x) and 1 up (Delta_i); with adaptive clipping also the
 * clip norm down and the bit up, one value each (32 bits each way with the identity encoding of FLOAT32). This object
 * is immutable and thread-safe.
 */
public final class DpFedAvg implements FederatedAlgorithm<DpFedAvg.ServerState, NoState> {
    private final LocalTraining training;
    private final double localLearningRate;
    private final ServerOptimizer optimizer;
    private final double clipNorm;
    private final double noiseMultiplier;
    private final double samplingRate;
    private final double delta;
    private final boolean adaptive;
    private final double targetQuantile;
    private final double clipLearningRate;
    private final double bitNoise;
    private final double localNoiseMultiplier;
    private final NoiseSource noiseSource;
    private final double updateNoiseMultiplier;
    private final double[] orders;
    private final double[] rdpPerRound;

    private DpFedAvg(Builder b) {
        this.training = b.requireTraining();
        this.localLearningRate = b.requireLocalLearningRate();
        this.optimizer = ServerOptimizers.resolve(b.serverOptimizer, b.serverLearningRate, null);
        this.clipNorm = positiveFinite("clipNorm", b.clipNorm);
        if (!(b.noiseMultiplier >= 0) || Double.isInfinite(b.noiseMultiplier)) {
            throw new IllegalArgumentException("noiseMultiplier must be >= 0 and finite, was " + b.noiseMultiplier);
        }
        this.noiseMultiplier = b.noiseMultiplier;
        if (!(b.samplingRate > 0 && b.samplingRate <= 1)) {
            throw new IllegalArgumentException("samplingRate must be in (0, 1], was " + b.samplingRate);
        }
        this.samplingRate = b.samplingRate;
        if (!(b.delta > 0 && b.delta < 1)) {
            throw new IllegalArgumentException("delta must be in (0, 1), was " + b.delta);
        }
        this.delta = b.delta;
        if (!(b.localNoiseMultiplier >= 0) || Double.isInfinite(b.localNoiseMultiplier)) {
            throw new IllegalArgumentException("localNoiseMultiplier must be >= 0 and finite, was "
                    + b.localNoiseMultiplier);
        }
        this.localNoiseMultiplier = b.localNoiseMultiplier;
        if (b.noiseSource == null) {
            throw new IllegalArgumentException("noiseSource must not be null");
        }
        this.noiseSource = b.noiseSource;
        this.adaptive = b.adaptive;
        this.targetQuantile = b.targetQuantile;
        this.clipLearningRate = b.clipLearningRate;
        this.bitNoise = b.bitNoise;
        if (adaptive) {
            if (!(targetQuantile >= 0 && targetQuantile <= 1)) {
                throw new IllegalArgumentException("targetQuantile must be in [0, 1], was " + targetQuantile);
            }
            positiveFinite("clipLearningRate", clipLearningRate);
            if (!(bitNoise >= 0) || Double.isInfinite(bitNoise)) {
                throw new IllegalArgumentException("bitNoise must be >= 0 and finite, was " + bitNoise);
            }
            if (noiseMultiplier > 0 && !(2 * bitNoise > noiseMultiplier)) {
                throw new IllegalArgumentException("bitNoise must be > noiseMultiplier / 2 = " + noiseMultiplier / 2
                        + " (the update noise z_Delta = (z^-2 - (2 sigma_b)^-2)^-1/2 must be real), was " + bitNoise);
            }
            if (localNoiseMultiplier > 0) {
                throw new IllegalArgumentException("localNoiseMultiplier " + localNoiseMultiplier + " cannot be "
                        + "combined with adaptive clipping: the clipped bit would leave the client without local "
                        + "noise");
            }
        }
        this.updateNoiseMultiplier = adaptive && noiseMultiplier > 0
                ? updateNoiseMultiplier(noiseMultiplier, bitNoise) : noiseMultiplier;
        this.orders = RdpAccountant.DEFAULT_ORDERS.clone();
        this.rdpPerRound = new double[orders.length];
        for (int k = 0; k < orders.length; k++) {
            rdpPerRound[k] = localNoiseMultiplier > 0 ? localRdpPerRound(localNoiseMultiplier, orders[k])
                    : RdpAccountant.sampledGaussianRdp(samplingRate, noiseMultiplier, orders[k]);
        }
    }

    private static double positiveFinite(String field, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(field + " must be > 0 and finite, was " + v);
        }
        return v;
    }

    /**
     * The noise multiplier of the update query with adaptive clipping, z_Delta = (z^-2 - (2 sigma_b)^-2)^-1/2
     * (Andrew et al. 2021, Section 3.1), so that the update and clipped-count queries together cost what one Gaussian
     * mechanism with multiplier z costs.
     *
     * @throws IllegalArgumentException unless 2 sigma_b &gt; z &gt; 0
     */
    public static double updateNoiseMultiplier(double noiseMultiplier, double bitNoise) {
        if (!(noiseMultiplier > 0) || !(2 * bitNoise > noiseMultiplier)) {
            throw new IllegalArgumentException("need 2 bitNoise > noiseMultiplier > 0, were bitNoise " + bitNoise
                    + " and noiseMultiplier " + noiseMultiplier);
        }
        return 1 / Math.sqrt(1 / (noiseMultiplier * noiseMultiplier) - 1 / (4 * bitNoise * bitNoise));
    }

    /**
     * The RDP at order alpha of one client's upload with local noise: the Gaussian mechanism with sensitivity 2C and
     * standard deviation z_local C, i.e. alpha (2C)^2 / (2 (z_local C)^2) = 2 alpha / z_local^2.
     */
    public static double localRdpPerRound(double localNoiseMultiplier, double order) {
        return RdpAccountant.gaussianRdp(localNoiseMultiplier / 2, order);
    }

    /** A builder; defaults: server SGD with learning rate 1, delta 1e-5, fixed clipping, no local noise, seed tree. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The server state: the model x, the server optimizer's state, the number of rounds applied (the accountant's
     * steps) and the clip norm C; plus scratch buffers that are not part of the state's value.
     */
    public static final class ServerState {
        private final INDArray x;
        private final ServerOptimizer.State optimizer;
        private int rounds;
        private double clipNorm;
        private final INDArray aggregate;
        private final INDArray noise;

        ServerState(INDArray x, ServerOptimizer.State optimizer, int rounds, double clipNorm) {
            this.x = x;
            this.optimizer = optimizer;
            this.rounds = rounds;
            this.clipNorm = clipNorm;
            this.aggregate = Tensors.zeros(Precision.of(x.dataType()), x.length());
            this.noise = Tensors.zeros(Precision.of(x.dataType()), x.length());
        }

        /** The global model x^t. */
        public INDArray model() {
            return x;
        }

        /** The server optimizer's state (its vectors are live). */
        public ServerOptimizer.State optimizerState() {
            return optimizer;
        }

        /** The number of rounds applied so far. */
        public int rounds() {
            return rounds;
        }

        /** The clip norm C of the next round (constant unless adaptive). */
        public double clipNorm() {
            return clipNorm;
        }
    }

    @Override
    public String name() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "DP-FedAvg(%s, lr=%s, S=%s, z=%s, q=%s, "
                + "delta=%s", training, localLearningRate, clipNorm, noiseMultiplier, samplingRate, delta));
        String label = ServerOptimizers.label(optimizer);
        if (!label.isEmpty()) {
            sb.append(", ").append(label);
        }
        if (adaptive) {
            sb.append(String.format(Locale.ROOT, ", adaptive gamma=%s eta_C=%s sigma_b=%s", targetQuantile,
                    clipLearningRate, bitNoise));
        }
        if (localNoiseMultiplier > 0) {
            sb.append(", local z=").append(localNoiseMultiplier);
        }
        if (noiseSource == NoiseSource.SECURE_RANDOM) {
            sb.append(", secure-random");
        }
        return sb.append(')').toString();
    }

    @Override
    public ServerState initServerState(INDArray initialParameters, AlgorithmSetup setup) {
        INDArray x = initialParameters.dup();
        return new ServerState(x, optimizer.init(Precision.of(x.dataType()), x.length()), 0, clipNorm);
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
                if (!adaptive) {
                    return Message.of(s.x);
                }
                INDArray c = Tensors.zeros(Precision.of(s.x.dataType()), 1);
                c.putScalar(0, s.clipNorm);
                return Message.of(s.x, c);
            }

            @Override
            public ServerState apply(ServerState s, List<Upload> uploads, ServerContext ctx) {
                applyRound(s, uploads, ctx);
                return s;
            }

            /**
             * Streaming: each upload is clipped and added to the aggregation buffer (scratch) as it arrives, in
             * increasing client-id order, and the clipped bits are summed in the same order; noise, scaling, the
             * optimizer step and the clip-norm update happen in finish, as in apply (same bits).
             */
            @Override
            public RoundAccumulator<ServerState> begin(ServerState s, ServerContext ctx) {
                Tensors.fillZero(s.aggregate);
                return new StreamingAccumulator<>(ctx) {
                    private double bitSum;

                    @Override
                    protected void fold(int k, Upload u) {
                        bitSum += foldUpload(s, u);
                    }

                    @Override
                    protected ServerState complete() {
                        finishRound(s, bitSum, ctx);
                        return s;
                    }
                };
            }

            @Override
            public INDArray model(ServerState s) {
                return s.x;
            }
        };
    }

    /** The server step (see the class comment). */
    void applyRound(ServerState s, List<Upload> uploads, ServerContext ctx) {
        Tensors.fillZero(s.aggregate);
        double bitSum = 0;
        for (Upload u : uploads) {
            bitSum += foldUpload(s, u);
        }
        finishRound(s, bitSum, ctx);
    }

    /**
     * Adds one clipped update to the aggregation buffer (scratch) and returns its clipped bit (0 when not adaptive):
     * the per-upload part of the server step, shared by apply and the streaming fold.
     */
    private double foldUpload(ServerState s, Upload u) {
        double c = s.clipNorm;
        INDArray v = u.vector(0);
        double factor = 1;
        if (localNoiseMultiplier == 0) {
            double norm = Tensors.norm2(v);
            factor = norm > c ? c / norm : 1;
        }
        Tensors.axpy(factor, v, s.aggregate);
        return adaptive ? Math.max(-0.5, Math.min(0.5, u.vector(1).getDouble(0))) : 0;
    }

    /** The rest of the server step after the uploads: noise, scaling, the optimizer step and the clip update. */
    private void finishRound(ServerState s, double bitSum, ServerContext ctx) {
        double c = s.clipNorm;
        Gaussian g = noiseSource == NoiseSource.SECURE_RANDOM ? new Gaussian(new SecureRandom())
                : new Gaussian(ctx.random(Purpose.DP_NOISE));
        if (updateNoiseMultiplier > 0) {
            g.fill(s.noise, updateNoiseMultiplier * c);
            Tensors.axpy(1, s.noise, s.aggregate);
        }
        double expected = samplingRate * ctx.population();
        Tensors.scale(1 / expected, s.aggregate);
        optimizer.step(s.x, s.aggregate, s.optimizer);
        if (adaptive) {
            double noisyBits = bitSum + (bitNoise > 0 ? bitNoise * g.next() : 0);
            double unclippedFraction = noisyBits / expected + 0.5;
            s.clipNorm = nextClipNorm(c, unclippedFraction, targetQuantile, clipLearningRate);
        }
        s.rounds++;
    }

    /**
     * The geometric clip-norm update of adaptive clipping, C exp(-eta_C (bbar - gamma)) (Andrew et al. 2021,
     * Algorithm 1): C shrinks when more than the target fraction gamma of the updates were within it.
     */
    public static double nextClipNorm(double clipNorm, double unclippedFraction, double targetQuantile,
                                      double clipLearningRate) {
        return clipNorm * Math.exp(-clipLearningRate * (unclippedFraction - targetQuantile));
    }

    /** Gaussian draws from the seed tree's stream or from a SecureRandom. */
    private static final class Gaussian {
        private final RandomStream stream;
        private final SecureRandom secure;

        Gaussian(RandomStream stream) {
            this.stream = stream;
            this.secure = null;
        }

        Gaussian(SecureRandom secure) {
            this.stream = null;
            this.secure = secure;
        }

        double next() {
            return stream != null ? stream.nextGaussian() : secure.nextGaussian();
        }

        /** Fills {@code out} with independent N(0, std^2) draws, in index order. */
        void fill(INDArray out, double std) {
            if (stream != null) {
                stream.fillGaussian(out, 0, std);
                return;
            }
            int n = (int) out.length();
            int off = (int) out.offset();
            if (out.dataType() == DataType.DOUBLE) {
                DoubleBuffer b = Tensors.doubleView(out);
                for (int i = 0; i < n; i++) {
                    b.put(off + i, std * secure.nextGaussian());
                }
            } else {
                FloatBuffer b = Tensors.floatView(out);
                for (int i = 0; i < n; i++) {
                    b.put(off + i, (float) (std * secure.nextGaussian()));
                }
            }
        }
    }

    @Override
    public Client<NoState> client() {
        return (down, state, ctx) -> {
            INDArray x = down.vector(0);
            double c = adaptive ? down.vector(1).getDouble(0) : clipNorm;
            INDArray y = ctx.workspace().vector("dpfedavg.iterate", ctx.precision(), x.length());
            INDArray delta = ctx.workspace().vector("dpfedavg.delta", ctx.precision(), x.length());
            Tensors.copy(x, y);
            double loss = LocalSgd.run(ctx.model(), ctx.data(), training, localLearningRate, y, delta, null,
                    ctx.random(Purpose.LOCAL_DATA_ORDER), ctx.workspace());
            Tensors.subtract(y, x, delta);
            double norm = clip(delta, c);
            if (localNoiseMultiplier > 0) {
                Gaussian g = noiseSource == NoiseSource.SECURE_RANDOM ? new Gaussian(new SecureRandom())
                        : new Gaussian(ctx.random(Purpose.DP_NOISE));
                g.fill(y, localNoiseMultiplier * c);
                Tensors.axpy(1, y, delta);
            }
            ctx.uplink().send(delta);
            if (adaptive) {
                INDArray bit = Tensors.zeros(ctx.precision(), 1);
                bit.putScalar(0, norm <= c ? 0.5 : -0.5);
                ctx.uplink().send(bit);
            }
            return new ClientResult<>(state, loss);
        };
    }

    /**
     * User-level clipping in place: {@code delta} becomes delta min(1, C / ||delta||).
     *
     * @return the norm before clipping
     */
    public static double clip(INDArray delta, double clipNorm) {
        double norm = Tensors.norm2(delta);
        if (norm > clipNorm) {
            Tensors.scale(clipNorm / norm, delta);
        }
        return norm;
    }

    @Override
    public double privacySpent(ServerState state) {
        if (state.rounds == 0) {
            return 0;
        }
        double[] rdp = new double[orders.length];
        for (int k = 0; k < orders.length; k++) {
            rdp[k] = state.rounds * rdpPerRound[k];
        }
        return RdpAccountant.epsilon(orders, rdp, delta, RdpAccountant.Conversion.TIGHT).epsilon();
    }

    @Override
    public StateCodec<ServerState> serverStateCodec() {
        return SERVER_CODEC;
    }

    /** The binary form of {@link ServerState}, version 1: x, the optimizer state, the rounds, the clip norm. */
    public static final StateCodec<ServerState> SERVER_CODEC = new StateCodec<>() {
        @Override
        public void write(ServerState s, DataOutput out) throws IOException {
            out.writeByte(1);
            Tensors.write(s.x, out);
            ServerOptimizer.State.CODEC.write(s.optimizer, out);
            out.writeInt(s.rounds);
            out.writeDouble(s.clipNorm);
        }

        @Override
        public ServerState read(DataInput in) throws IOException {
            StateCodec.checkVersion("DP-FedAvg server state", 1, in.readUnsignedByte());
            INDArray x = Tensors.read(in);
            ServerOptimizer.State opt = ServerOptimizer.State.CODEC.read(in);
            int rounds = in.readInt();
            return new ServerState(x, opt, rounds, in.readDouble());
        }
    };

    @Override
    public StateCodec<NoState> clientStateCodec() {
        return NoState.CODEC;
    }

    /**
     * With central noise (z &gt; 0, no local noise) the accountant assumes every client takes part independently with
     * probability q each round, so the pattern must deliver rate q to every client: Bernoulli with every p_n = q,
     * m of N with m / N = q (sampling without replacement, the usual approximation), or all clients with q = 1. Any
     * other pattern, or another rate, would make the reported epsilon wrong, and is refused naming both rates.
     */
    @Override
    public void checkParticipation(io.github.fl4j.core.participation.Participation participation, int clients) {
        if (!(noiseMultiplier > 0) || localNoiseMultiplier > 0) {
            return;
        }
        double rate;
        if (participation instanceof io.github.fl4j.core.participation.UniformParticipation u) {
            rate = (double) u.clientsPerRound() / clients;
        } else if (participation instanceof io.github.fl4j.core.participation.FullParticipation) {
            rate = 1;
        } else if (participation instanceof io.github.fl4j.core.participation.BernoulliParticipation b) {
            double[] p = b.probabilities();
            rate = p[0];
            for (int n = 1; n < p.length; n++) {
                if (p[n] != rate) {
                    throw new IllegalArgumentException(name() + ": the privacy accountant assumes every client is "
                            + "sampled at the rate samplingRate = " + samplingRate + ", but " + participation.describe()
                            + " gives client 0 the rate " + rate + " and client " + n + " the rate " + p[n]);
                }
            }
        } else {
            throw new IllegalArgumentException(name() + ": the privacy accountant assumes every client is sampled "
                    + "independently at the rate samplingRate = " + samplingRate + " each round, which "
                    + participation.describe() + " does not do; use Participation.bernoulli with every p_n = "
                    + samplingRate + " (or uniform(m) with m / N = " + samplingRate + ")");
        }
        if (Math.abs(rate - samplingRate) > 1e-9) {
            throw new IllegalArgumentException(name() + ": samplingRate is " + samplingRate + " but "
                    + participation.describe() + " samples each client at the rate " + rate + " on " + clients
                    + " clients, so the reported epsilon would be wrong; make them equal");
        }
    }

    @Override
    public int downlinkVectors() {
        return adaptive ? 2 : 1;
    }

    @Override
    public int uplinkVectors() {
        return adaptive ? 2 : 1;
    }

    /** The local work. */
    public LocalTraining training() {
        return training;
    }

    /** The clip norm S (the initial C when adaptive). */
    public double clipNorm() {
        return clipNorm;
    }

    /** z, the noise multiplier the accountant uses. */
    public double noiseMultiplier() {
        return noiseMultiplier;
    }

    /** z_Delta, the noise multiplier of the update query (z unless adaptive). */
    public double updateNoiseMultiplier() {
        return updateNoiseMultiplier;
    }

    /** q, the Poisson sampling rate the accountant assumes and the estimator divides by (times N). */
    public double samplingRate() {
        return samplingRate;
    }

    /** The delta at which {@link #privacySpent} is reported. */
    public double delta() {
        return delta;
    }

    /** Whether the clip norm adapts. */
    public boolean adaptiveClipping() {
        return adaptive;
    }

    /** z_local, the multiplier of the clients' local noise (0: none). */
    public double localNoiseMultiplier() {
        return localNoiseMultiplier;
    }

    /** Where the noise comes from. */
    public NoiseSource noiseSource() {
        return noiseSource;
    }

    /** The server optimizer. */
    public ServerOptimizer serverOptimizer() {
        return optimizer;
    }

    /** Builder of {@link DpFedAvg}; {@link #build()} validates and names any bad field. */
    public static final class Builder extends LocalSgdBuilder<Builder> {
        private Double serverLearningRate;
        private ServerOptimizer serverOptimizer;
        private double clipNorm = Double.NaN;
        private double noiseMultiplier = Double.NaN;
        private double samplingRate = Double.NaN;
        private double delta = 1e-5;
        private boolean adaptive;
        private double targetQuantile;
        private double clipLearningRate;
        private double bitNoise;
        private double localNoiseMultiplier;
        private NoiseSource noiseSource = NoiseSource.SEED_TREE;

        /** eta_g (default 1): shorthand for {@code serverOptimizer(sgd(eta_g))}. */
        public Builder serverLearningRate(double v) {
            serverLearningRate = v;
            return this;
        }

        /** The server step on the noisy average (default {@code sgd(1)}); see {@link ServerOptimizers}. */
        public Builder serverOptimizer(ServerOptimizer v) {
            if (v == null) {
                throw new IllegalArgumentException("serverOptimizer must not be null, was null (leave it unset for the default)");
            }
            serverOptimizer = v;
            return this;
        }

        /** S, the L2 norm each client's update is clipped to (required; the initial C when adaptive). */
        public Builder clipNorm(double v) {
            clipNorm = v;
            return this;
        }

        /** z &gt;= 0, the noise standard deviation over the clip norm (required; 0 means no central noise). */
        public Builder noiseMultiplier(double v) {
            noiseMultiplier = v;
            return this;
        }

        /**
         * q in (0, 1], the rate of the Poisson participation (required): the estimator divides the noisy sum by q N
         * and the accountant assumes each client takes part independently with probability q each round. Run the
         * simulation with the matching {@code Participation.bernoulli}.
         */
        public Builder samplingRate(double v) {
            samplingRate = v;
            return this;
        }

        /** The delta of the reported (epsilon, delta) guarantee, in (0, 1) (default 1e-5; choose it below 1/N). */
        public Builder delta(double v) {
            delta = v;
            return this;
        }

        /**
         * Adaptive clipping (Andrew et al. 2021): C tracks the gamma-quantile of the update norms with the geometric
         * rule C exp(-eta_C (bbar - gamma)), bbar estimated from the clients' bits with noise N(0, sigma_b^2); the
         * paper's defaults are gamma = 0.5, eta_C = 0.2, sigma_b = q N / 20. Requires 2 sigma_b &gt; z.
         *
         * @param targetQuantile   gamma in [0, 1]
         * @param clipLearningRate eta_C &gt; 0
         * @param bitNoise         sigma_b &gt;= 0, the standard deviation of the noise on the sum of centred bits
         */
        public Builder adaptiveClipping(double targetQuantile, double clipLearningRate, double bitNoise) {
            this.adaptive = true;
            this.targetQuantile = targetQuantile;
            this.clipLearningRate = clipLearningRate;
            this.bitNoise = bitNoise;
            return this;
        }

        /**
         * Local noise: each client adds N(0, (z_local C)^2 I) to its clipped update before sending it (default 0:
         * none). The reported epsilon is then the per-client local one (see the class comment).
         */
        public Builder localNoiseMultiplier(double v) {
            localNoiseMultiplier = v;
            return this;
        }

        /** Where the noise comes from (default {@link NoiseSource#SEED_TREE}, reproducible). */
        public Builder noiseSource(NoiseSource v) {
            noiseSource = v;
            return this;
        }

        /** Validates and builds. */
        public DpFedAvg build() {
            return new DpFedAvg(this);
        }
    }
}
