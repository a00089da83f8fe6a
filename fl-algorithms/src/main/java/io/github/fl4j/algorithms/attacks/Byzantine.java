package io.github.fl4j.algorithms.attacks;

import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.ClientContext;
import io.github.fl4j.core.api.ClientResult;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.ForwardingAlgorithm;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.comm.Channel;
import io.github.fl4j.core.comm.Direction;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import io.github.fl4j.core.tensor.Workspace;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Wraps any {@link FederatedAlgorithm} into one whose chosen clients are Byzantine and carry out an {@link Attack};
 * the other clients, the server's rule and the whole run stay those of the wrapped algorithm. The server states,
 * client states, codecs and declared vector counts are the inner algorithm's, so a Byzantine run checkpoints and
 * resumes like any other.
 *
 * <p>Who is Byzantine: a fixed set of client ids ({@link #wrap(FederatedAlgorithm, Attack, int...)}), or a fraction
 * of the population chosen once, from its own seed, as floor(fraction N) ids drawn without replacement from
 * {@code new SeedTree(seed).stream(Purpose.ATTACK)} ({@link #wrapFraction}). Either way the set is fixed when the
 * wrapper is built and is part of its {@link #name()}.
 *
 * <p>What they do:
 * <ul>
 *   <li>Client-side attacks ({@link Attack#labelFlipping}, {@link Attack#signFlipping}, {@link Attack#scaled},
 *       {@link Attack#gaussianNoise}). Label flipping runs the inner client on a copy of its dataset with labels
 *       C - 1 - y (built once per dataset and reused: a memo of a pure function, weakly keyed by the dataset object,
 *       so it never changes a result). The upload attacks run the inner client honestly against a private,
 *       uncounted, lossless channel, transform each vector it sent (-u, lambda u, or N(0, sigma^2) noise from the
 *       client's {@code Purpose.ATTACK} stream of the round) and send the result through the real uplink, which
 *       encodes and counts it: the bits are those of what the Byzantine client actually sent. The inner client's
 *       state sees its honest vector back uncompressed (an attacker's own memory is its business).</li>
 *   <li>Server-side attacks ({@link Attack#littleIsEnough}, {@link Attack#innerProductManipulation}) need the honest
 *       uploads of the round. The Byzantine clients compute and send their updates honestly (so the ledger counts
 *       what they sent); the wrapped server's {@code apply} then replaces each Byzantine upload, vector by vector, by
 *       the attack vector computed from the honest uploads of the same round (unweighted coordinate-wise mean mu and
 *       standard deviation sigma, with the h - 1 divisor for h honest uploads, sigma = 0 when h = 1), and calls the
 *       inner server's {@code apply}. This simulates the omniscient attacker the papers assume (one who sees every
 *       honest update before sending). A round with no Byzantine upload, or no honest one, goes to the inner server
 *       unchanged. These attacks are meant for synchronous rounds; an asynchronous server that applies one upload at
 *       a time sees no honest upload next to a Byzantine one.</li>
 * </ul>
 *
 * <p>Determinism: uploads arrive sorted by client id and the attack vectors are computed with plain loops in that
 * order, so a run gives the same bits for any thread count. The attack vectors live in per-thread scratch arrays of
 * this object, valid during the inner server's {@code apply} (servers copy what they keep). Immutable and
 * thread-safe apart from that scratch and the label cache, which are both invisible in results.
 *
 * @param <S> the inner server state type
 * @param <C> the inner client state type
 */
public final class Byzantine<S, C> extends ForwardingAlgorithm<S, C> {
    private final FederatedAlgorithm<S, C> inner;
    private final Attack attack;
    private final int[] ids;
    private final String selection;
    private final Map<Dataset, Dataset> flipped = Collections.synchronizedMap(new WeakHashMap<>());
    private final ThreadLocal<Workspace> scratch = ThreadLocal.withInitial(Workspace::new);

    private Byzantine(FederatedAlgorithm<S, C> inner, Attack attack, int[] ids, String selection) {
        super(inner);
        if (attack == null) {
            throw new IllegalArgumentException("attack must not be null");
        }
        this.inner = inner;
        this.attack = attack;
        this.ids = ids;
        this.selection = selection;
    }

    /**
     * The algorithm whose clients {@code byzantineIds} carry out {@code attack}.
     *
     * @throws IllegalArgumentException naming a negative or repeated id
     */
    public static <S, C> Byzantine<S, C> wrap(FederatedAlgorithm<S, C> inner, Attack attack, int... byzantineIds) {
        int[] ids = byzantineIds.clone();
        Arrays.sort(ids);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0) {
                throw new IllegalArgumentException("Byzantine client ids must be >= 0, was " + ids[i]);
            }
            if (i > 0 && ids[i] == ids[i - 1]) {
                throw new IllegalArgumentException("Byzantine client ids must be distinct, " + ids[i]
                        + " was given twice");
            }
        }
        return new Byzantine<>(inner, attack, ids, ids.length + " clients " + Arrays.toString(ids));
    }

    /**
     * The algorithm whose floor(fraction N) clients, drawn once without replacement from
     * {@code new SeedTree(seed).stream(Purpose.ATTACK)}, carry out {@code attack}.
     *
     * @param fraction   the Byzantine fraction, in [0, 1]
     * @param population the number of clients N of the runs it will be used in
     * @param seed       the seed of the choice
     * @throws IllegalArgumentException naming the field and its value
     */
    public static <S, C> Byzantine<S, C> wrapFraction(FederatedAlgorithm<S, C> inner, Attack attack, double fraction,
                                                      int population, long seed) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in [0, 1], was " + fraction);
        }
        if (population < 1) {
            throw new IllegalArgumentException("population must be >= 1, was " + population);
        }
        int count = (int) Math.floor(fraction * population + 1e-9);
        int[] ids = new SeedTree(seed).stream(Purpose.ATTACK).sampleWithoutReplacement(population, count);
        return new Byzantine<>(inner, attack, ids, count + " of " + population + " clients (seed " + seed + ") "
                + Arrays.toString(ids));
    }

    /** The wrapped algorithm. */
    public FederatedAlgorithm<S, C> inner() {
        return inner;
    }

    /** The attack. */
    public Attack attack() {
        return attack;
    }

    /** The Byzantine client ids, increasing (a copy). */
    public int[] byzantineIds() {
        return ids.clone();
    }

    /** Whether a client is Byzantine. */
    public boolean isByzantine(int clientId) {
        return Arrays.binarySearch(ids, clientId) >= 0;
    }

    /** The inner name, the attack and the Byzantine clients, e.g. {@code Byzantine(FedAvg(...), sign-flipping, 2
     * clients [3, 7])}. */
    @Override
    public String name() {
        return "Byzantine(" + inner.name() + ", " + attack + ", " + selection + ")";
    }

    private void checkPopulation(AlgorithmSetup setup) {
        if (ids.length > 0 && ids[ids.length - 1] >= setup.population()) {
            throw new IllegalArgumentException("Byzantine client id " + ids[ids.length - 1]
                    + " is outside the population of N = " + setup.population() + " clients");
        }
    }

    @Override
    public S initServerState(INDArray initialParameters, AlgorithmSetup setup) {
        checkPopulation(setup);
        return inner.initServerState(initialParameters, setup);
    }

    @Override
    public C initClientState(int clientId, AlgorithmSetup setup) {
        checkPopulation(setup);
        return inner.initClientState(clientId, setup);
    }

    @Override
    public Server<S> server() {
        Server<S> s = inner.server();
        if (!attack.onServer() || ids.length == 0) {
            return s;
        }
        return new Server<>() {
            @Override
            public Message broadcast(S state, ServerContext ctx) {
                return s.broadcast(state, ctx);
            }

            @Override
            public S apply(S state, List<Upload> uploads, ServerContext ctx) {
                return s.apply(state, replaced(uploads), ctx);
            }

            @Override
            public INDArray model(S state) {
                return s.model(state);
            }
        };
    }

    /** The round's uploads with every Byzantine upload replaced by the server-side attack vectors. */
    List<Upload> replaced(List<Upload> uploads) {
        List<Upload> honest = new ArrayList<>();
        int f = 0;
        for (Upload u : uploads) {
            if (isByzantine(u.clientId())) {
                f++;
            } else {
                honest.add(u);
            }
        }
        if (f == 0 || honest.isEmpty()) {
            return uploads;
        }
        double z = attack.kind() == Attack.Kind.LITTLE_IS_ENOUGH
                ? (Double.isNaN(attack.parameter()) ? Attack.alieZ(uploads.size(), f) : attack.parameter()) : 0;
        int vectors = honest.get(0).message().size();
        INDArray[] forged = new INDArray[vectors];
        Workspace w = scratch.get();
        for (int slot = 0; slot < vectors; slot++) {
            INDArray first = honest.get(0).vector(slot);
            INDArray out = w.vector("byzantine.forged." + slot, Precision.of(first.dataType()), first.length());
            forge(honest, slot, z, out);
            forged[slot] = out;
        }
        Message forgedMessage = Message.of(forged);
        List<Upload> out = new ArrayList<>(uploads.size());
        for (Upload u : uploads) {
            out.add(isByzantine(u.clientId()) ? new Upload(u.clientId(), u.numSamples(), forgedMessage) : u);
        }
        return out;
    }

    /** Writes mu - z sigma (ALIE) or -epsilon mu (IPM) of the honest uploads' vectors {@code slot} into out. */
    private void forge(List<Upload> honest, int slot, double z, INDArray out) {
        int d = (int) out.length();
        int h = honest.size();
        double[] mean = new double[d];
        for (Upload u : honest) {
            add(u.vector(slot), mean, null);
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= h;
        }
        double[] result = new double[d];
        if (attack.kind() == Attack.Kind.INNER_PRODUCT_MANIPULATION) {
            for (int j = 0; j < d; j++) {
                result[j] = -attack.parameter() * mean[j];
            }
        } else {
            double[] squares = new double[d];
            if (h > 1) {
                for (Upload u : honest) {
                    add(u.vector(slot), squares, mean);
                }
            }
            for (int j = 0; j < d; j++) {
                double sigma = h > 1 ? Math.sqrt(squares[j] / (h - 1)) : 0.0;
                result[j] = mean[j] - z * sigma;
            }
        }
        write(result, out);
    }

    /** acc[j] += x[j] when {@code center} is null, else acc[j] += (x[j] - center[j])^2; plain loops. */
    private static void add(INDArray x, double[] acc, double[] center) {
        int off = (int) x.offset();
        int d = acc.length;
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer b = Tensors.floatView(x);
            for (int j = 0; j < d; j++) {
                double v = b.get(off + j);
                acc[j] += center == null ? v : (v - center[j]) * (v - center[j]);
            }
        } else {
            DoubleBuffer b = Tensors.doubleView(x);
            for (int j = 0; j < d; j++) {
                double v = b.get(off + j);
                acc[j] += center == null ? v : (v - center[j]) * (v - center[j]);
            }
        }
    }

    private static void write(double[] v, INDArray out) {
        int off = (int) out.offset();
        if (out.dataType() == DataType.FLOAT) {
            FloatBuffer b = Tensors.floatView(out);
            for (int j = 0; j < v.length; j++) {
                b.put(off + j, (float) v[j]);
            }
        } else {
            DoubleBuffer b = Tensors.doubleView(out);
            for (int j = 0; j < v.length; j++) {
                b.put(off + j, v[j]);
            }
        }
    }

    @Override
    public Client<C> client() {
        Client<C> c = inner.client();
        if (attack.onServer() || ids.length == 0) {
            return c;
        }
        return (down, state, ctx) -> {
            if (!isByzantine(ctx.clientId())) {
                return c.train(down, state, ctx);
            }
            if (attack.kind() == Attack.Kind.LABEL_FLIPPING) {
                Dataset poisoned = flipped.computeIfAbsent(ctx.data(), d -> flipLabels(d, attack.classes(),
                        ctx.clientId()));
                return c.train(down, state, withData(ctx, poisoned, ctx.uplink()));
            }
            Channel capture = new Channel(Direction.UPLINK, ctx.round(), ctx.clientId(), IdentityCompressor.INSTANCE,
                    new RandomStream(0));
            ClientResult<C> result = c.train(down, state, withData(ctx, ctx.data(), capture));
            RandomStream noise = attack.kind() == Attack.Kind.GAUSSIAN_NOISE ? ctx.random(Purpose.ATTACK) : null;
            for (INDArray v : capture.message().vectors()) {
                if (noise != null) {
                    noise.fillGaussian(v, 0, attack.parameter());
                } else {
                    Tensors.scale(attack.parameter(), v);
                }
                ctx.uplink().send(v);
            }
            return result;
        };
    }

    /** The client's context with other data or another uplink. */
    private static ClientContext withData(ClientContext ctx, Dataset data, Channel uplink) {
        return new ClientContext(ctx.clientId(), ctx.round(), data, ctx.model(), new SeedTree(ctx.rootSeed()), uplink,
                ctx.precision(), ctx.workspace(), ctx.assignedSteps());
    }

    /**
     * A copy of {@code d} with every label y (a class index in 0..C-1) replaced by C - 1 - y; the features are shared.
     *
     * @throws IllegalArgumentException naming the client, the sample and the label when a label is not a class index
     */
    static Dataset flipLabels(Dataset d, int classes, int clientId) {
        double[] y = Tensors.toDoubleArray(d.labels());
        for (int i = 0; i < y.length; i++) {
            double v = y[i];
            if (v != Math.rint(v) || v < 0 || v >= classes) {
                throw new IllegalArgumentException("label flipping needs class indices in [0, " + classes
                        + "): client " + clientId + ", sample " + i + " has label " + v);
            }
            y[i] = classes - 1 - v;
        }
        INDArray labels = Nd4j.createFromArray(y).castTo(d.labels().dataType()).reshape(y.length, 1);
        return d.withLabels(labels);
    }

}
