package io.github.fl4j.core.data;

import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.tensor.Precision;

/**
 * Synthetic(alpha, beta) as lazy {@link FederatedData}: the generative model of {@link SyntheticFedProx} with one
 * random stream per client, so that client k can be generated alone, in any order, from any thread.
 *
 * <h2>Draw order (part of the reproducibility contract)</h2>
 * Client k draws standard normals {@code z} from {@code seeds.stream(Purpose.DATA_GENERATION, 0, k)} in this order:
 * <ol>
 *   <li>unless {@code fixedSamples} is set: one draw, the size {@code n_k = min(maxSamples, floor(exp(sizeMu +
 *       sizeSigma * z)) + sizeOffset)};</li>
 *   <li>one draw {@code u_k = sqrt(alpha) z}, one draw {@code B_k = sqrt(beta) z};</li>
 *   <li>d draws {@code v_k[j] = B_k + z};</li>
 *   <li>c * d draws {@code W_k[i][j] = u_k + z} (class i outer), c draws {@code b_k[i] = u_k + z};</li>
 *   <li>{@code n_k * d} draws {@code x[s][j] = v_k[j] + sqrt(Sigma_jj) z}, sample s outer; label
 *       {@code argmax(W_k x + b_k)}.</li>
 * </ol>
 * This is {@link SyntheticFedProx#generate}'s order restricted to one client; the two forms follow the same
 * distribution but not the same values (one shared stream there, one stream per client here). The eager generator
 * keeps its own order unchanged.
 *
 * <p>Client k's first {@code trainCount(n_k)} rows are its local data ({@link #client}); the rest is its test part.
 * The test set ({@link #test}) is the union of the test parts of clients 0..T-1 in client order, T = {@link
 * #testClients()} (default {@code min(N, 1000)}): the clients' parameters are drawn independently and identically, so
 * the first T clients are a sample of the population like any other T.
 *
 * <h2>Cost</h2>
 * Construction draws the N sizes (one stream seed and at most one normal draw per client, N ints kept) and generates
 * the T test clients. {@link #client}(k) costs {@code O(n_k * d * c)} arithmetic and {@code n_k * d} draws, independent
 * of N, and builds a new {@link Dataset} each call (wrap in a {@link CachedFederatedData} to keep recent clients).
 * {@link #labelHistogram} generates the client's rows into scratch arrays without building a {@link Dataset}.
 *
 * <p>Immutable and thread-safe: client k is a pure function of (generator, seed tree, k).
 */
public final class LazySyntheticFedProx implements FederatedData {
    /** The default number of clients whose test parts form the test set. */
    public static final int DEFAULT_TEST_CLIENTS = 1000;

    private final SyntheticFedProx gen;
    private final SeedTree seeds;
    private final int[] totalSamples;
    private final int testClients;
    private final double[] sd;
    private final Dataset test;

    LazySyntheticFedProx(SyntheticFedProx gen, SeedTree seeds, int testClients) {
        if (seeds == null) {
            throw new IllegalArgumentException("seeds must not be null");
        }
        if (testClients < 0 || testClients > gen.clients()) {
            throw new IllegalArgumentException("testClients must be in [0, " + gen.clients() + "], was "
                    + testClients);
        }
        this.gen = gen;
        this.seeds = seeds;
        this.testClients = testClients;
        int d = gen.dimension();
        sd = new double[d];
        for (int j = 0; j < d; j++) {
            sd[j] = Math.sqrt(Math.pow(j + 1, -1.2));
        }
        int n = gen.clients();
        totalSamples = new int[n];
        for (int k = 0; k < n; k++) {
            totalSamples[k] = gen.fixedSamples() > 0 ? gen.fixedSamples() : drawSize(stream(k));
        }
        int rows = 0;
        for (int k = 0; k < testClients; k++) {
            rows = Math.addExact(rows, totalSamples[k] - gen.trainCount(totalSamples[k]));
        }
        double[] x = new double[Math.multiplyExact(rows, d)];
        double[] y = new double[rows];
        int at = 0;
        for (int k = 0; k < testClients; k++) {
            Generated g = generate(k, true);
            System.arraycopy(g.testX, 0, x, at * d, g.testY.length * d);
            System.arraycopy(g.testY, 0, y, at, g.testY.length);
            at += g.testY.length;
        }
        test = new Dataset(gen.matrix(x, rows, d), gen.matrix(y, rows, 1));
    }

    private RandomStream stream(int k) {
        return seeds.stream(Purpose.DATA_GENERATION, 0, k);
    }

    private int drawSize(RandomStream rng) {
        double z = rng.nextGaussian();
        double drawn = Math.floor(Math.exp(gen.sizeMu() + gen.sizeSigma() * z)) + gen.sizeOffset();
        return (int) Math.min(gen.maxSamples(), drawn);
    }

    private static final class Generated {
        final double[] trainX;
        final double[] trainY;
        final double[] testX;
        final double[] testY;

        Generated(double[] trainX, double[] trainY, double[] testX, double[] testY) {
            this.trainX = trainX;
            this.trainY = trainY;
            this.testX = testX;
            this.testY = testY;
        }
    }

    /** Client k's rows in double precision, in the documented draw order; the test part only when asked for. */
    private Generated generate(int k, boolean withTest) {
        final int d = gen.dimension();
        final int c = gen.classes();
        RandomStream rng = stream(k);
        int n = gen.fixedSamples() > 0 ? gen.fixedSamples() : drawSize(rng);
        double u = Math.sqrt(gen.alpha()) * rng.nextGaussian();
        double bigB = Math.sqrt(gen.beta()) * rng.nextGaussian();
        double[] v = new double[d];
        for (int j = 0; j < d; j++) {
            v[j] = bigB + rng.nextGaussian();
        }
        double[] w = new double[c * d];
        for (int i = 0; i < c * d; i++) {
            w[i] = u + rng.nextGaussian();
        }
        double[] b = new double[c];
        for (int i = 0; i < c; i++) {
            b[i] = u + rng.nextGaussian();
        }
        int train = gen.trainCount(n);
        int rows = withTest ? n : train;
        double[] trainX = new double[Math.multiplyExact(train, d)];
        double[] trainY = new double[train];
        double[] testX = new double[withTest ? Math.multiplyExact(n - train, d) : 0];
        double[] testY = new double[withTest ? n - train : 0];
        for (int s = 0; s < rows; s++) {
            double[] x = s < train ? trainX : testX;
            int r = s < train ? s : s - train;
            int off = r * d;
            for (int j = 0; j < d; j++) {
                x[off + j] = v[j] + sd[j] * rng.nextGaussian();
            }
            (s < train ? trainY : testY)[r] = SyntheticFedProx.argmaxLogit(w, b, x, off, d, c);
        }
        return new Generated(trainX, trainY, testX, testY);
    }

    /** The generator (its alpha, beta, sizes, d, c, precision). */
    public SyntheticFedProx generator() {
        return gen;
    }

    /** The number of clients whose test parts form the test set. */
    public int testClients() {
        return testClients;
    }

    /** The total number of samples (train + test) of client k, as drawn (no generation). */
    public int totalSamples(int k) {
        FederatedData.requireClient(k, totalSamples.length);
        return totalSamples[k];
    }

    @Override
    public int clientCount() {
        return totalSamples.length;
    }

    @Override
    public int clientSize(int client) {
        FederatedData.requireClient(client, totalSamples.length);
        return gen.trainCount(totalSamples[client]);
    }

    @Override
    public Dataset client(int client) {
        FederatedData.requireClient(client, totalSamples.length);
        Generated g = generate(client, false);
        int rows = g.trainY.length;
        return new Dataset(gen.matrix(g.trainX, rows, gen.dimension()), gen.matrix(g.trainY, rows, 1));
    }

    /** Generates the client's rows into scratch arrays and counts its train labels; no {@link Dataset} is built. */
    @Override
    public int[] labelHistogram(int client, int classes) {
        FederatedData.requireClient(client, totalSamples.length);
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, was " + classes);
        }
        Generated g = generate(client, false);
        int[] h = new int[classes];
        for (int r = 0; r < g.trainY.length; r++) {
            int label = (int) g.trainY[r];
            if (label >= classes) {
                throw new IllegalArgumentException("client " + client + ": label of row " + r + " must be in [0, "
                        + classes + "), was " + label);
            }
            h[label]++;
        }
        return h;
    }

    @Override
    public int knownClassCount() {
        return gen.classes();
    }

    @Override
    public Dataset test() {
        return test;
    }

    @Override
    public int featureCount() {
        return gen.dimension();
    }

    @Override
    public Precision precision() {
        return gen.precision();
    }

    @Override
    public String toString() {
        return "LazySyntheticFedProx[" + gen + ", " + seeds + ", " + totalSamples.length + " clients, test = "
                + testClients + " clients' test parts (" + test.size() + " samples)]";
    }
}
