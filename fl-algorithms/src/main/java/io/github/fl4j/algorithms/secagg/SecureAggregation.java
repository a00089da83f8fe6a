package io.github.fl4j.algorithms.secagg;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.ClientContext;
import io.github.fl4j.core.api.ClientResult;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.comm.Channel;
import io.github.fl4j.core.comm.Direction;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.comm.ProtocolMessage;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.tensor.Tensors;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An averaging algorithm whose uploads are summed by simulated secure aggregation (Bonawitz et al., CCS 2017): the
 * server learns only the sum of the surviving clients' fixed-point inputs, and every message of the protocol is in
 * the ledger at its real size (docs/secagg.md).
 *
 * <p>Why a wrapper: the protocol changes only how the one uploaded delta reaches the server's mean, so it composes
 * with any algorithm of the averaging family (FedAvg with any server optimizer, FedProx) without touching them: the
 * wrapped client trains as before into a private channel, and the wrapped server hands the inner server a single
 * upload, the unmasked mean, which the inner {@link WeightedMean} passes through unchanged (weight 1, or 1/N for
 * {@link WeightedMean.Weighting#POPULATION}, for which the upload is the unmasked sum).
 *
 * <p>Round t with participants U2 = P_t (n of them), as simulated (the protocol's rounds 0-2 and 4; the consistency
 * check of the active-adversary version is not simulated):
 * <pre>
 *   server broadcast:  the inner broadcast; the key list (the participants' ids, n (I + 2K) bits); the shares
 *                      addressed to each client ((n-1) E bits)
 *   client u:          trains the inner client: Delta_u;  x_u = encode(w_u Delta_u) in Z_{2^b}^d, plus the clip count
 *                      sends its keys (2K), its encrypted shares ((n-1) E);
 *                      survivor: y_u = x_u + PRG(b_u) + sum_v p_{u,v};  sends y_u ((d+1) b) and, after the server's
 *                      list of survivors (s I bits down), one share per participant (n (I + F))
 *                      dropped (probability p, stream SECAGG_DROPOUT (t, u)): sends neither (0 bits)
 *   server:            s = |U3| &lt; t = threshold(n): the round fails (IllegalStateException naming round and counts)
 *                      z = sum_{U3} y_u - self masks of U3 - pairwise masks of U3 with U2 \ U3 (= sum_{U3} x_u)
 *                      mean = decode(z) / sum_{U3} w_u;  inner server applies it
 * </pre>
 * with w_u = 1 for uniform and population weighting and w_u = m_u (sample count) for sample-count weighting: the
 * client then encodes m_u Delta_u, so R must cover it. Dropped clients' inputs are not in the sum (as in the paper).
 *
 * <p>Ledger layout per participant and round: downlink vectors 0..m-1 the inner broadcast, m the key list, m+1 the
 * shares, m+2 the survivor list (survivors only, recorded by the server after the uploads); uplink vectors 0 keys,
 * 1 shares, 2 masked input, 3 unmasking shares (the last two 0 bits for a dropped client).
 *
 * <p>Requirements: the inner algorithm uploads one vector and averages it with a {@link WeightedMean}; the uplink
 * compressor is the identity (the masked encoding replaces it); the round engine ({@code Simulation}), since the
 * server records the survivor lists in the ledger. The server state adds the total of clipped coordinates and of
 * dropped clients to the inner state. Immutable and thread-safe.
 *
 * @param <S> the inner server state
 * @param <C> the inner client state
 */
public final class SecureAggregation<S, C> implements FederatedAlgorithm<SecureAggregation.State<S>, C> {
    private final FederatedAlgorithm<S, C> inner;
    private final WeightedMean.Weighting weighting;
    private final SecAggParams params;
    private final ModularEncoding maskedEncoding;

    private SecureAggregation(FederatedAlgorithm<S, C> inner, WeightedMean.Weighting weighting, SecAggParams params) {
        if (inner == null || weighting == null || params == null) {
            throw new IllegalArgumentException("inner, weighting and params must not be null");
        }
        if (inner.uplinkVectors() != 1) {
            throw new IllegalArgumentException("secure aggregation wraps algorithms that upload one vector; "
                    + inner.name() + " uploads " + inner.uplinkVectors());
        }
        this.inner = inner;
        this.weighting = weighting;
        this.params = params;
        this.maskedEncoding = new ModularEncoding(params.modulusBits());
    }

    /**
     * FedAvg (any server optimizer) with secure aggregation.
     *
     * @throws IllegalArgumentException if FedAvg's aggregator is not a {@link WeightedMean}
     */
    public static SecureAggregation<FedAvg.ServerState, io.github.fl4j.core.api.NoState> wrap(FedAvg fedAvg,
                                                                                              SecAggParams params) {
        if (fedAvg.weighting() == null) {
            throw new IllegalArgumentException("secure aggregation computes sums, so it needs a WeightedMean "
                    + "aggregator, not " + fedAvg.aggregator());
        }
        return new SecureAggregation<>(fedAvg, fedAvg.weighting(), params);
    }

    /**
     * Any algorithm of the averaging family with secure aggregation: {@code inner} uploads one vector and its server
     * aggregates the uploads with {@code WeightedMean.of(weighting)} (the caller vouches for it) and then steps.
     */
    public static <S, C> SecureAggregation<S, C> wrapAveraging(FederatedAlgorithm<S, C> inner,
                                                               WeightedMean.Weighting weighting,
                                                               SecAggParams params) {
        return new SecureAggregation<>(inner, weighting, params);
    }

    /** The wrapped algorithm. */
    public FederatedAlgorithm<S, C> inner() {
        return inner;
    }

    /** The parameters. */
    public SecAggParams params() {
        return params;
    }

    /**
     * The server state: the inner state and the run's totals of clipped coordinates (summed securely: only the
     * total of each round is revealed) and of dropped clients.
     *
     * @param inner          the inner algorithm's server state
     * @param clipped        coordinates clipped to [-R, R] so far, over all surviving clients
     * @param dropped        participants that dropped after masking so far
     * @param <S>            the inner server state
     */
    public record State<S>(S inner, long clipped, long dropped) {
    }

    @Override
    public String name() {
        return "SecAgg(" + inner.name() + ", " + params + ")";
    }

    @Override
    public State<S> initServerState(INDArray initialParameters, AlgorithmSetup setup) {
        return new State<>(inner.initServerState(initialParameters, setup), 0, 0);
    }

    @Override
    public C initClientState(int clientId, AlgorithmSetup setup) {
        return inner.initClientState(clientId, setup);
    }

    @Override
    public void checkCompressors(Compressor uplink, Compressor downlink) {
        if (uplink != IdentityCompressor.INSTANCE) {
            throw new IllegalArgumentException(name() + " sends its masked input in Z_{2^b}; the uplink compressor "
                    + "must be the identity, was " + uplink);
        }
        inner.checkCompressors(uplink, downlink);
    }

    @Override
    public int downlinkVectors() {
        return inner.downlinkVectors() + 2;
    }

    @Override
    public int uplinkVectors() {
        return 4;
    }

    @Override
    public Server<State<S>> server() {
        Server<S> in = inner.server();
        int m = inner.downlinkVectors();
        return new Server<>() {
            @Override
            public Message broadcast(State<S> st, ServerContext ctx) {
                Message msg = in.broadcast(st.inner(), ctx);
                int[] p = ctx.participants();
                params.fixedPoint().checkSumFits(p.length, in.model(st.inner()).length());
                double[] ids = new double[p.length + 1];
                ids[0] = p.length;
                for (int i = 0; i < p.length; i++) {
                    ids[i + 1] = p[i];
                }
                List<INDArray> vs = new ArrayList<>(msg.vectors());
                List<Compressor> enc = new ArrayList<>();
                for (int j = 0; j < msg.size(); j++) {
                    enc.add(msg.encoding(j));
                }
                vs.add(Nd4j.createFromArray(ids));
                enc.add(ProtocolMessage.of("secagg-key-list", params.keyListBits(p.length)));
                vs.add(Nd4j.zeros(ctx.precision().dataType(), 1));
                enc.add(ProtocolMessage.of("secagg-shares", params.sharesBits(p.length)));
                return Message.withEncodings(vs, enc);
            }

            @Override
            public State<S> apply(State<S> st, List<Upload> uploads, ServerContext ctx) {
                if (uploads.isEmpty()) {
                    return new State<>(in.apply(st.inner(), uploads, ctx), st.clipped(), st.dropped());
                }
                int n = uploads.size();
                int[] ids = new int[n];
                boolean[] drop = new boolean[n];
                int dropped = 0;
                for (int i = 0; i < n; i++) {
                    ids[i] = uploads.get(i).clientId();
                    drop[i] = Masking.drops(ids[i], params.dropoutProbability(), ctx::random);
                    dropped += drop[i] ? 1 : 0;
                }
                int s = n - dropped;
                int t = params.threshold(n);
                if (s < t) {
                    throw new IllegalStateException("secure aggregation in round " + ctx.round() + ": " + s + " of "
                            + n + " participants survived to the unmasking step (" + dropped + " dropped), fewer "
                            + "than the threshold t = " + t + "; the masks cannot be removed and the round fails");
                }
                int[] survivors = new int[s];
                int[] gone = new int[dropped];
                INDArray x = in.model(st.inner());
                long[] sum = new long[Math.toIntExact(x.length() + 1)];
                long mask = params.fixedPoint().mask();
                double weightSum = 0;
                for (int i = 0, a = 0, g = 0; i < n; i++) {
                    if (drop[i]) {
                        gone[g++] = ids[i];
                        continue;
                    }
                    survivors[a++] = ids[i];
                    double[] y = Tensors.toDoubleArray(uploads.get(i).vector(2));
                    if (y.length != sum.length) {
                        throw new IllegalStateException("the masked input of client " + ids[i] + " has "
                                + y.length + " coordinates, expected " + sum.length);
                    }
                    for (int j = 0; j < sum.length; j++) {
                        sum[j] = (sum[j] + (long) y[j]) & mask;
                    }
                    weightSum += weighting == WeightedMean.Weighting.SAMPLE_COUNT ? uploads.get(i).numSamples() : 1;
                }
                Masking.unmask(sum, survivors, gone, ctx::random, params.modulusBits());
                double divisor = weighting == WeightedMean.Weighting.POPULATION ? 1 : weightSum;
                double[] mean = new double[sum.length - 1];
                for (int j = 0; j < mean.length; j++) {
                    mean[j] = params.fixedPoint().decode(sum[j]) / divisor;
                }
                long clipped = params.fixedPoint().signed(sum[sum.length - 1]);
                INDArray upload = Nd4j.createFromArray(mean).castTo(x.dataType());
                S next = in.apply(st.inner(), List.of(new Upload(survivors[0], 1, Message.of(upload))), ctx);
                for (int u : survivors) {
                    ctx.recordProtocolMessage(Direction.DOWNLINK, u, m + 2, params.survivorListBits(s));
                }
                return new State<>(next, st.clipped() + clipped, st.dropped() + dropped);
            }

            @Override
            public INDArray model(State<S> st) {
                return in.model(st.inner());
            }
        };
    }

    @Override
    public Client<C> client() {
        Client<C> in = inner.client();
        int m = inner.downlinkVectors();
        FixedPoint fp = params.fixedPoint();
        return (down, state, ctx) -> {
            Message innerDown = new Message(down.vectors().subList(0, m));
            double[] list = Tensors.toDoubleArray(down.vector(m));
            int n = (int) list[0];
            int[] participants = new int[n];
            for (int i = 0; i < n; i++) {
                participants[i] = (int) list[i + 1];
            }
            int id = ctx.clientId();
            Channel capture = new Channel(Direction.UPLINK, ctx.round(), id, IdentityCompressor.INSTANCE,
                    ctx.random(Purpose.UPLINK_COMPRESSION));
            ClientContext innerCtx = new ClientContext(id, ctx.round(), ctx.data(), ctx.model(),
                    new SeedTree(ctx.rootSeed()), capture, ctx.precision(), ctx.workspace(), ctx.assignedSteps());
            ClientResult<C> r = in.train(innerDown, state, innerCtx);
            Message sent = capture.message();
            if (sent.size() != 1) {
                throw new IllegalStateException(inner.name() + " client sent " + sent.size()
                        + " vectors; secure aggregation wraps one");
            }
            INDArray placeholder = Nd4j.zeros(ctx.precision().dataType(), 1);
            Channel up = ctx.uplink();
            up.send(placeholder, ProtocolMessage.of("secagg-keys", params.advertiseBits()));
            up.send(placeholder, ProtocolMessage.of("secagg-shares", params.sharesBits(n)));
            if (Masking.drops(id, params.dropoutProbability(), ctx::random)) {
                up.send(placeholder, ProtocolMessage.NOT_SENT);
                up.send(placeholder, ProtocolMessage.NOT_SENT);
                return r;
            }
            double w = weighting == WeightedMean.Weighting.SAMPLE_COUNT ? ctx.data().size() : 1;
            double[] delta = Tensors.toDoubleArray(sent.vector(0));
            long[] y = new long[delta.length + 1];
            long clipped = 0;
            for (int j = 0; j < delta.length; j++) {
                double v = w * delta[j];
                clipped += fp.clips(v) ? 1 : 0;
                y[j] = fp.encode(v);
            }
            y[delta.length] = clipped;
            Masking.mask(y, id, participants, ctx::random, fp.modulusBits());
            double[] masked = new double[y.length];
            for (int j = 0; j < y.length; j++) {
                masked[j] = y[j];
            }
            up.send(Nd4j.createFromArray(masked), maskedEncoding);
            up.send(placeholder, ProtocolMessage.of("secagg-unmasking", params.unmaskingBits(n)));
            return r;
        };
    }

    @Override
    public StateCodec<State<S>> serverStateCodec() {
        StateCodec<S> in = inner.serverStateCodec();
        return new StateCodec<>() {
            @Override
            public void write(State<S> s, DataOutput out) throws IOException {
                out.writeByte(1);
                in.write(s.inner(), out);
                out.writeLong(s.clipped());
                out.writeLong(s.dropped());
            }

            @Override
            public State<S> read(DataInput din) throws IOException {
                StateCodec.checkVersion("secure aggregation server state", 1, din.readUnsignedByte());
                S s = in.read(din);
                return new State<>(s, din.readLong(), din.readLong());
            }
        };
    }

    @Override
    public StateCodec<C> clientStateCodec() {
        return inner.clientStateCodec();
    }
}
