package io.github.fl4j.core.data;

import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.tensor.Precision;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Synthetic(alpha, beta) federated dataset of FedProx: Li, Sahu, Zaheer, Sanjabi, Talwalkar, Smith, "Federated
 * Optimization in Heterogeneous Networks", MLSys 2020, section 5.1 and appendix C.1. Each client holds
 * softmax-regression data drawn from its own model (model skew, controlled by alpha) and its own feature distribution
 * (feature skew, controlled by beta).
 *
 * <h2>The generative model (paper symbol -> code)</h2>
 * For client k (0-based here), with d = {@link #dimension()} (paper: 60) and c = {@link #classes()} (paper: 10):
 * <ul>
 *   <li>{@code u_k ~ N(0, alpha)} and {@code B_k ~ N(0, beta)}; alpha and beta are <em>variances</em>, as in the
 *       paper (the FedProx script passes them to {@code np.random.normal} as standard deviations; the two agree for
 *       the published settings 0, 1 and differ for 0.5);</li>
 *   <li>{@code W_k} [c x d] and {@code b_k} [c]: independent entries {@code ~ N(u_k, 1)};</li>
 *   <li>{@code v_k} [d]: independent entries {@code ~ N(B_k, 1)};</li>
 *   <li>features {@code x ~ N(v_k, Sigma)}, Sigma diagonal with {@code Sigma_jj = j^(-1.2)} for j = 1..d;</li>
 *   <li>label {@code y = argmax(softmax(W_k x + b_k)) = argmax(W_k x + b_k)}, a class index 0..c-1 stored as a
 *       floating-point value (ties, which have probability zero, go to the smallest index);</li>
 *   <li>number of samples {@code n_k = min(maxSamples, floor(exp(sizeMu + sizeSigma * z)) + sizeOffset)}, z standard
 *       normal, i.e. {@code floor(lognormal(4, 2)) + 50} as in the FedProx script, capped (our addition, default
 *       2000) so that the heavy tail does not dominate; or {@code n_k = fixedSamples} for every client when that is
 *       set.</li>
 * </ul>
 * Note that u_k is added to every entry of W_k and b_k, so it moves all c logits of a sample by the same amount
 * {@code u_k (1 + sum_j x_j)} and never changes a label: as specified (and as in the FedProx script), alpha has no
 * effect on the generated data beyond floating-point rounding of near-ties; the heterogeneity comes from the
 * per-client draws of W_k, b_k (which differ for every client whatever alpha is) and from beta.
 *
 * <p>Each client's {@code n_k} rows are split into a train part, its first {@code max(1, floor(n_k * trainPercent /
 * 100))} rows, and a test part, the rest (the paper's 80%/20% split by default; the FedProx scripts use 90/10, set
 * {@code trainPercent(90)} to match them). The returned {@link FederatedDataset} has the clients' train parts as its
 * client datasets and the union of all test parts, in client order, as its test set. All values are computed in
 * double precision and rounded once to the chosen {@link Precision}, so a float32 dataset is exactly the float64 one
 * rounded to float.
 *
 * <h2>Draw order (part of the reproducibility contract)</h2>
 * Every random number is a standard normal {@code z = rng.nextGaussian()}, taken from the stream in this order
 * (N = {@link #clients()}):
 * <ol>
 *   <li>unless {@code fixedSamples} is set: N draws, the sizes {@code n_0 .. n_{N-1}} (see {@link #sampleCounts});</li>
 *   <li>N draws, {@code u_k = sqrt(alpha) * z}, k = 0..N-1;</li>
 *   <li>N draws, {@code B_k = sqrt(beta) * z}, k = 0..N-1;</li>
 *   <li>N * d draws, {@code v_k[j] = B_k + z}, client by client, j = 0..d-1 within a client;</li>
 *   <li>then client by client: c * d draws {@code W_k[i][j] = u_k + z} (row-major, class i outer), c draws
 *       {@code b_k[i] = u_k + z}, then {@code n_k * d} draws {@code x[s][j] = v_k[j] + sqrt(Sigma_jj) * z}
 *       (sample s outer, feature j inner).</li>
 * </ol>
 * The number of draws does not depend on alpha or beta (a zero variance still consumes its draws). Callers pass
 * {@code seedTree.stream(Purpose.DATA_GENERATION)}.
 *
 * <h2>Cost</h2>
 * About {@code sum_k n_k * (d + c * d)} floating-point operations and {@code sum_k n_k * d} normal draws; values are
 * written into Java arrays and turned into two ND4J arrays per client (and two for the test set), never by per-element
 * ND4J calls. Immutable and thread-safe; {@link #generate} uses only the stream passed in.
 */
public final class SyntheticFedProx {
    /** The FedProx feature dimension. */
    public static final int DEFAULT_DIMENSION = 60;
    /** The FedProx number of classes. */
    public static final int DEFAULT_CLASSES = 10;
    /** The FedProx number of devices. */
    public static final int DEFAULT_CLIENTS = 30;
    /** mu of the FedProx lognormal size distribution. */
    public static final double DEFAULT_SIZE_MU = 4.0;
    /** sigma of the FedProx lognormal size distribution. */
    public static final double DEFAULT_SIZE_SIGMA = 2.0;
    /** The FedProx minimum number of samples per device (added to the lognormal draw). */
    public static final int DEFAULT_SIZE_OFFSET = 50;
    /** fl4j's default cap on the samples of one client. */
    public static final int DEFAULT_MAX_SAMPLES = 2000;
    /** The paper's train share in percent. */
    public static final int DEFAULT_TRAIN_PERCENT = 80;

    private final double alpha;
    private final double beta;
    private final int clients;
    private final int dimension;
    private final int classes;
    private final double sizeMu;
    private final double sizeSigma;
    private final int sizeOffset;
    private final int maxSamples;
    private final int fixedSamples;
    private final int trainPercent;
    private final Precision precision;

    private SyntheticFedProx(Builder b) {
        requireNonNegativeFinite("alpha", b.alpha);
        requireNonNegativeFinite("beta", b.beta);
        requireAtLeast("clients", b.clients, 1);
        requireAtLeast("dimension", b.dimension, 1);
        requireAtLeast("classes", b.classes, 2);
        if (!Double.isFinite(b.sizeMu)) {
            throw new IllegalArgumentException("sizeMu must be finite, was " + b.sizeMu);
        }
        requireNonNegativeFinite("sizeSigma", b.sizeSigma);
        requireAtLeast("sizeOffset", b.sizeOffset, 1);
        requireAtLeast("maxSamples", b.maxSamples, 1);
        if (b.fixedSamplesSet) {
            requireAtLeast("fixedSamples", b.fixedSamples, 1);
        }
        if (b.trainPercent < 1 || b.trainPercent > 100) {
            throw new IllegalArgumentException("trainPercent must be in [1, 100], was " + b.trainPercent);
        }
        if (b.precision == null) {
            throw new IllegalArgumentException("precision must not be null");
        }
        this.alpha = b.alpha;
        this.beta = b.beta;
        this.clients = b.clients;
        this.dimension = b.dimension;
        this.classes = b.classes;
        this.sizeMu = b.sizeMu;
        this.sizeSigma = b.sizeSigma;
        this.sizeOffset = b.sizeOffset;
        this.maxSamples = b.maxSamples;
        this.fixedSamples = b.fixedSamplesSet ? b.fixedSamples : 0;
        this.trainPercent = b.trainPercent;
        this.precision = b.precision;
    }

    /** A builder with the FedProx defaults (alpha = beta = 1, 30 clients, d = 60, c = 10) and float32. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The total number of samples (train + test) of each client, as {@link #generate} draws them: with
     * {@code fixedSamples} set, that number for every client and no draws; otherwise one normal draw per client,
     * {@code n_k = min(maxSamples, floor(exp(sizeMu + sizeSigma * z)) + sizeOffset)}. These are the first draws
     * {@link #generate} takes, so a stream in the same state gives the same counts.
     */
    public int[] sampleCounts(RandomStream rng) {
        requireRng(rng);
        int[] n = new int[clients];
        for (int k = 0; k < clients; k++) {
            if (fixedSamples > 0) {
                n[k] = fixedSamples;
            } else {
                double z = rng.nextGaussian();
                double drawn = Math.floor(Math.exp(sizeMu + sizeSigma * z)) + sizeOffset;
                n[k] = (int) Math.min(maxSamples, drawn);
            }
        }
        return n;
    }

    /** The number of train rows of a client with {@code samples} rows: {@code max(1, floor(samples * trainPercent / 100))}. */
    public int trainCount(int samples) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, was " + samples);
        }
        return (int) Math.max(1L, (long) samples * trainPercent / 100L);
    }

    /**
     * Generates the federated dataset, drawing from {@code rng} in the order documented on the class.
     *
     * @param rng the source of all draws (callers pass {@code seedTree.stream(Purpose.DATA_GENERATION)})
     * @return N clients holding their train parts; the test set is the union of the test parts in client order
     */
    public FederatedDataset generate(RandomStream rng) {
        requireRng(rng);
        final int d = dimension;
        final int c = classes;
        int[] n = sampleCounts(rng);
        double[] u = new double[clients];
        double sdAlpha = Math.sqrt(alpha);
        for (int k = 0; k < clients; k++) {
            u[k] = sdAlpha * rng.nextGaussian();
        }
        double[] bigB = new double[clients];
        double sdBeta = Math.sqrt(beta);
        for (int k = 0; k < clients; k++) {
            bigB[k] = sdBeta * rng.nextGaussian();
        }
        double[][] v = new double[clients][d];
        for (int k = 0; k < clients; k++) {
            for (int j = 0; j < d; j++) {
                v[k][j] = bigB[k] + rng.nextGaussian();
            }
        }
        double[] sd = new double[d];
        for (int j = 0; j < d; j++) {
            sd[j] = Math.sqrt(Math.pow(j + 1, -1.2));
        }

        int totalTest = 0;
        for (int k = 0; k < clients; k++) {
            totalTest += n[k] - trainCount(n[k]);
        }
        double[] testX = new double[Math.multiplyExact(totalTest, d)];
        double[] testY = new double[totalTest];
        int testRow = 0;

        List<Dataset> parts = new ArrayList<>(clients);
        double[] w = new double[c * d];
        double[] b = new double[c];
        for (int k = 0; k < clients; k++) {
            for (int i = 0; i < c * d; i++) {
                w[i] = u[k] + rng.nextGaussian();
            }
            for (int i = 0; i < c; i++) {
                b[i] = u[k] + rng.nextGaussian();
            }
            int train = trainCount(n[k]);
            double[] trainX = new double[Math.multiplyExact(train, d)];
            double[] trainY = new double[train];
            double[] vk = v[k];
            for (int s = 0; s < n[k]; s++) {
                double[] x;
                int off;
                double[] y;
                int yi;
                if (s < train) {
                    x = trainX;
                    off = s * d;
                    y = trainY;
                    yi = s;
                } else {
                    x = testX;
                    off = testRow * d;
                    y = testY;
                    yi = testRow;
                    testRow++;
                }
                for (int j = 0; j < d; j++) {
                    x[off + j] = vk[j] + sd[j] * rng.nextGaussian();
                }
                y[yi] = argmaxLogit(w, b, x, off, d, c);
            }
            parts.add(new Dataset(matrix(trainX, train, d), matrix(trainY, train, 1)));
        }
        Dataset test = new Dataset(matrix(testX, totalTest, d), matrix(testY, totalTest, 1));
        return new FederatedDataset(parts, test);
    }

    /** argmax_i (b[i] + sum_j w[i][j] * x[off + j]), the smallest index on ties. */
    static int argmaxLogit(double[] w, double[] b, double[] x, int off, int d, int c) {
        int best = 0;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < c; i++) {
            double s = b[i];
            int row = i * d;
            for (int j = 0; j < d; j++) {
                s += w[row + j] * x[off + j];
            }
            if (s > bestValue) {
                bestValue = s;
                best = i;
            }
        }
        return best;
    }

    INDArray matrix(double[] data, int rows, int cols) {
        if (rows == 0) {
            return Nd4j.create(precision.dataType(), 0, cols);
        }
        long[] shape = {rows, cols};
        if (precision == Precision.FLOAT64) {
            return Nd4j.create(data, shape, 'c');
        }
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
        }
        return Nd4j.create(f, shape, 'c');
    }

    /**
     * The same population as lazy {@link FederatedData}: client k is generated from its own keyed stream
     * {@code seeds.stream(Purpose.DATA_GENERATION, 0, k)} when it is asked for, so that N clients cost N sizes (one
     * {@code int} each, drawn at construction) until they are loaded. The test set is the union of the test parts of
     * the first {@code min(N, DEFAULT_LAZY_TEST_CLIENTS)} clients. See {@link LazySyntheticFedProx} for the draw
     * order. The values differ from {@link #generate}'s (different streams) but follow the same generative model.
     *
     * @param seeds the data seed tree
     */
    public LazySyntheticFedProx lazy(SeedTree seeds) {
        return new LazySyntheticFedProx(this, seeds, Math.min(clients, LazySyntheticFedProx.DEFAULT_TEST_CLIENTS));
    }

    /**
     * Lazy data whose test set is the union of the test parts of clients 0..testClients-1, in client order.
     *
     * @param seeds       the data seed tree
     * @param testClients in [0, N]; 0 gives an empty test set
     */
    public LazySyntheticFedProx lazy(SeedTree seeds, int testClients) {
        return new LazySyntheticFedProx(this, seeds, testClients);
    }

    /** The variance of the per-client model mean u_k. */
    public double alpha() {
        return alpha;
    }

    /** The variance of the per-client feature mean B_k. */
    public double beta() {
        return beta;
    }

    /** The number of clients N. */
    public int clients() {
        return clients;
    }

    /** The feature dimension d. */
    public int dimension() {
        return dimension;
    }

    /** The number of classes c. */
    public int classes() {
        return classes;
    }

    /** mu of the lognormal size distribution. */
    public double sizeMu() {
        return sizeMu;
    }

    /** sigma of the lognormal size distribution. */
    public double sizeSigma() {
        return sizeSigma;
    }

    /** The number added to the floored lognormal draw. */
    public int sizeOffset() {
        return sizeOffset;
    }

    /** The cap on a client's drawn number of samples. */
    public int maxSamples() {
        return maxSamples;
    }

    /** The fixed number of samples of every client, or 0 when sizes are drawn. */
    public int fixedSamples() {
        return fixedSamples;
    }

    /** The share of each client's rows in its train part, in percent. */
    public int trainPercent() {
        return trainPercent;
    }

    /** The precision of the generated arrays. */
    public Precision precision() {
        return precision;
    }

    @Override
    public String toString() {
        return "SyntheticFedProx[alpha=" + alpha + ", beta=" + beta + ", clients=" + clients + ", dimension="
                + dimension + ", classes=" + classes + ", sizes="
                + (fixedSamples > 0 ? "fixed " + fixedSamples
                        : "min(" + maxSamples + ", floor(lognormal(" + sizeMu + ", " + sizeSigma + ")) + "
                                + sizeOffset + ")")
                + ", trainPercent=" + trainPercent + ", " + precision + "]";
    }

    private static void requireRng(RandomStream rng) {
        if (rng == null) {
            throw new IllegalArgumentException("rng must not be null");
        }
    }

    private static void requireNonNegativeFinite(String name, double value) {
        if (!(value >= 0)) {
            throw new IllegalArgumentException(name + " must be >= 0, was " + value);
        }
        if (Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite, was " + value);
        }
    }

    private static void requireAtLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", was " + value);
        }
    }

    /** Configuration of a {@link SyntheticFedProx} generator; {@link #build} validates every field. Not thread-safe. */
    public static final class Builder {
        private double alpha = 1.0;
        private double beta = 1.0;
        private int clients = DEFAULT_CLIENTS;
        private int dimension = DEFAULT_DIMENSION;
        private int classes = DEFAULT_CLASSES;
        private double sizeMu = DEFAULT_SIZE_MU;
        private double sizeSigma = DEFAULT_SIZE_SIGMA;
        private int sizeOffset = DEFAULT_SIZE_OFFSET;
        private int maxSamples = DEFAULT_MAX_SAMPLES;
        private int fixedSamples;
        private boolean fixedSamplesSet;
        private int trainPercent = DEFAULT_TRAIN_PERCENT;
        private Precision precision = Precision.FLOAT32;

        private Builder() {
        }

        /** Variance of the model mean u_k (model skew), >= 0; default 1. */
        public Builder alpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        /** Variance of the feature mean B_k (feature skew), >= 0; default 1. */
        public Builder beta(double beta) {
            this.beta = beta;
            return this;
        }

        /** Number of clients N, >= 1; default 30. */
        public Builder clients(int clients) {
            this.clients = clients;
            return this;
        }

        /** Feature dimension d, >= 1; default 60. */
        public Builder dimension(int dimension) {
            this.dimension = dimension;
            return this;
        }

        /** Number of classes c, >= 2; default 10. */
        public Builder classes(int classes) {
            this.classes = classes;
            return this;
        }

        /** mu of the lognormal size distribution, finite; default 4. */
        public Builder sizeMu(double sizeMu) {
            this.sizeMu = sizeMu;
            return this;
        }

        /** sigma of the lognormal size distribution, >= 0; default 2. */
        public Builder sizeSigma(double sizeSigma) {
            this.sizeSigma = sizeSigma;
            return this;
        }

        /** Number added to the floored lognormal draw, >= 1; default 50. */
        public Builder sizeOffset(int sizeOffset) {
            this.sizeOffset = sizeOffset;
            return this;
        }

        /** Cap on a client's drawn number of samples (train + test), >= 1; default 2000. */
        public Builder maxSamples(int maxSamples) {
            this.maxSamples = maxSamples;
            return this;
        }

        /**
         * Gives every client exactly this many samples (train + test), >= 1, instead of drawing sizes; the size draws
         * are then skipped. Overrides the size distribution and the cap.
         */
        public Builder fixedSamples(int fixedSamples) {
            this.fixedSamples = fixedSamples;
            this.fixedSamplesSet = true;
            return this;
        }

        /** Share of each client's rows in its train part, in percent, in [1, 100]; default 80 (the paper's split). */
        public Builder trainPercent(int trainPercent) {
            this.trainPercent = trainPercent;
            return this;
        }

        /** Precision of the generated arrays; default float32. */
        public Builder precision(Precision precision) {
            this.precision = precision;
            return this;
        }

        /**
         * The generator.
         *
         * @throws IllegalArgumentException naming the field and its value when a field is out of range
         */
        public SyntheticFedProx build() {
            return new SyntheticFedProx(this);
        }
    }
}
