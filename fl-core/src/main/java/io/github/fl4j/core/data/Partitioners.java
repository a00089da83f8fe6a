package io.github.fl4j.core.data;

import io.github.fl4j.core.random.RandomStream;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ways of splitting one centralised dataset among clients: IID ({@link #iidIndices}), label skew by Dirichlet
 * proportions ({@link #dirichletIndices}, or as the FedAU code does it, {@link #fedAuDirichletIndices}), McMahan et
 * al.'s pathological shards ({@link #shardIndices}), quantity skew ({@link #quantitySkewIndices}), EF21's contiguous
 * chunks ({@link #contiguousIndices}) and partitions read from a text file ({@link #fromIndexFile}, written by
 * {@link #writeIndexFile}). The {@code *Indices} methods return the sample indices of each client;
 * {@link #toFederated} copies the rows into a {@link FederatedDataset}, and {@link PartitionReport} summarises sizes
 * and label histograms.
 *
 * <p>Randomness: every method draws only from the {@link RandomStream} passed in (callers pass
 * {@code seedTree.stream(Purpose.PARTITION)}), and documents its exact draws, so a partition is a stable function of
 * the seed. Stateless and thread-safe (a stream itself is not).
 */
public final class Partitioners {
    private Partitioners() {
    }

    /**
     * The IID split: a uniformly random permutation of the {@code samples} row indices, cut into {@code clients}
     * contiguous parts whose sizes differ by at most one. With {@code m = samples}, {@code N = clients}, part {@code i}
     * has {@code floor(m / N) + 1} indices for {@code i < m mod N} and {@code floor(m / N)} otherwise, and the parts
     * follow one another in the permutation (part 0 is its first indices).
     *
     * <p>Draws: exactly {@code rng.permutation(samples)}.
     *
     * @param samples the number of rows m
     * @param clients the number of parts N, {@code 1 <= N <= m}
     * @param rng     the stream the permutation is drawn from
     * @return the row indices of each part, in permutation order; every index in [0, m) occurs in exactly one part
     * @throws IllegalArgumentException if {@code clients < 1} or {@code clients > samples}
     */
    public static int[][] iidIndices(int samples, int clients, RandomStream rng) {
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be >= 1, was " + clients);
        }
        if (clients > samples) {
            throw new IllegalArgumentException("clients must be <= the number of samples (" + samples + "), was "
                    + clients);
        }
        if (rng == null) {
            throw new IllegalArgumentException("rng must not be null");
        }
        int[] perm = rng.permutation(samples);
        int base = samples / clients;
        int extra = samples % clients;
        int[][] parts = new int[clients][];
        int start = 0;
        for (int i = 0; i < clients; i++) {
            int size = base + (i < extra ? 1 : 0);
            parts[i] = Arrays.copyOfRange(perm, start, start + size);
            start += size;
        }
        return parts;
    }

    /**
     * Splits {@code train} IID among {@code clients} clients: client {@code i} gets a copy of the rows
     * {@code iidIndices(train.size(), clients, rng)[i]}, in that order. The test set is passed through unchanged.
     *
     * <p>Draws: exactly {@code rng.permutation(train.size())}.
     *
     * @param train   the centralised training data
     * @param test    the held-out test set (may have zero rows)
     * @param clients the number of clients N, {@code 1 <= N <= train.size()}
     * @param rng     the stream the permutation is drawn from
     * @return the federated dataset; client sizes differ by at most one and sum to {@code train.size()}
     * @throws IllegalArgumentException if {@code clients < 1} or {@code clients > train.size()}, or an argument is
     *                                  null
     */
    public static FederatedDataset iid(Dataset train, Dataset test, int clients, RandomStream rng) {
        if (train == null) {
            throw new IllegalArgumentException("train must not be null");
        }
        if (test == null) {
            throw new IllegalArgumentException("test must not be null");
        }
        int[][] parts = iidIndices(train.size(), clients, rng);
        List<Dataset> datasets = new ArrayList<>(clients);
        for (int[] part : parts) {
            datasets.add(train.rows(part));
        }
        return new FederatedDataset(datasets, test);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Label skew: Dirichlet split
    // ------------------------------------------------------------------------------------------------------------

    /** The default {@code minSize} of {@link #dirichletIndices(int[], int, int, double, RandomStream)}: 1. */
    public static final int DEFAULT_DIRICHLET_MIN_SIZE = 1;

    /** The most attempts {@link #dirichletIndices} makes to find a split with no client below minSize samples. */
    public static final int MAX_DIRICHLET_ATTEMPTS = 1000;

    /**
     * The Dirichlet label-skew split with {@code minSize = 1} ({@link #DEFAULT_DIRICHLET_MIN_SIZE}): every client
     * gets at least one sample, so the result can always be turned into a {@link FederatedDataset}. See
     * {@link #dirichletIndices(int[], int, int, double, int, RandomStream)}.
     */
    public static int[][] dirichletIndices(int[] labels, int classes, int clients, double alpha, RandomStream rng) {
        return dirichletIndices(labels, classes, clients, alpha, DEFAULT_DIRICHLET_MIN_SIZE, rng);
    }

    /**
     * The Dirichlet label-skew split common to FedLab and NIID-Bench (Hsu, Qi and Brown 2019; Li et al. 2022): each
     * class's samples are divided among the clients in proportions drawn from a symmetric Dirichlet distribution over
     * the clients. Small {@code alpha} (0.1) gives clients dominated by one or two classes; as
     * {@code alpha -> infinity} every client's label distribution approaches the global one. The FedAU code draws its
     * Dirichlet vectors per client (over the classes) instead: see {@link #fedAuDirichletIndices}.
     *
     * <p>One attempt, with N = {@code clients}, k = {@code classes}, for c = 0, 1, ..., k-1 in order:
     * <ol>
     *   <li>draw q ~ Dirichlet(alpha 1_N): N independent Gamma(alpha, 1) draws g_0..g_{N-1} in client order (see
     *       {@link #gamma}), normalised q_j = g_j / sum g (computed in log space, so tiny draws never underflow to an
     *       all-zero vector);</li>
     *   <li>take the n_c indices of the samples of class c in increasing order and shuffle them
     *       ({@code rng.shuffle}, Fisher-Yates from the last position down);</li>
     *   <li>cut the shuffled list contiguously: with cumulative proportions S_j = q_0 + ... + q_j, the boundaries are
     *       b_j = floor(n_c S_j) for j &lt; N-1 and b_{N-1} = n_c (as numpy's
     *       {@code (cumsum(q) * n_c).astype(int)}), and client j gets positions [b_{j-1}, b_j) (b_{-1} = 0). The
     *       counts sum to n_c exactly.</li>
     * </ol>
     * Client j's index list is its piece of class 0, then of class 1, and so on (not shuffled further; the minibatch
     * sampler shuffles). A class with no samples still consumes its N Gamma draws. If some client ends with fewer than
     * {@code minSize} samples, the whole attempt is discarded and a new one is drawn from the same stream (the
     * rejection loop of FedLab's {@code hetero_dir_partition}), up to {@link #MAX_DIRICHLET_ATTEMPTS} attempts. Unlike
     * NIID-Bench, no proportion is zeroed for clients that already hold more than m/N samples.
     *
     * @param labels  the class index of every sample (length m), each in [0, classes)
     * @param classes k, {@code >= 1}
     * @param clients N, {@code >= 1}
     * @param alpha   the Dirichlet concentration, finite and {@code > 0}
     * @param minSize the smallest acceptable client size, {@code 0 <= minSize} and {@code clients * minSize <= m}
     * @param rng     the stream every draw comes from
     * @return the sample indices of each client; every index in [0, m) occurs in exactly one client
     * @throws IllegalArgumentException on a bad argument (naming it and its value), or when no attempt satisfied
     *                                  {@code minSize} within the bound (naming alpha, clients and minSize)
     */
    public static int[][] dirichletIndices(int[] labels, int classes, int clients, double alpha, int minSize,
            RandomStream rng) {
        requireLabels(labels);
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, was " + classes);
        }
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be >= 1, was " + clients);
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("alpha must be > 0 and finite, was " + alpha);
        }
        if (minSize < 0) {
            throw new IllegalArgumentException("minSize must be >= 0, was " + minSize);
        }
        requireRng(rng);
        int m = labels.length;
        if ((long) clients * minSize > m) {
            throw new IllegalArgumentException("clients * minSize must be <= the number of samples (" + m
                    + "), was " + clients + " * " + minSize + " = " + ((long) clients * minSize));
        }
        int[][] byClass = indicesByClass(labels, classes);
        double[] logG = new double[clients];
        int[] sizes = new int[clients];
        int[][] pieces = new int[clients * classes + 1][];
        for (int attempt = 1; attempt <= MAX_DIRICHLET_ATTEMPTS; attempt++) {
            Arrays.fill(sizes, 0);
            for (int c = 0; c < classes; c++) {
                for (int j = 0; j < clients; j++) {
                    logG[j] = logGammaVariate(alpha, rng);
                }
                double[] q = normaliseLog(logG);
                int[] idx = byClass[c].clone();
                rng.shuffle(idx);
                int n = idx.length;
                double cumulative = 0;
                int from = 0;
                for (int j = 0; j < clients; j++) {
                    int to;
                    if (j == clients - 1) {
                        to = n;
                    } else {
                        cumulative += q[j];
                        to = (int) Math.min(n, Math.floor(n * cumulative));
                        to = Math.max(to, from);
                    }
                    pieces[j * classes + c] = Arrays.copyOfRange(idx, from, to);
                    sizes[j] += to - from;
                    from = to;
                }
            }
            int smallest = Integer.MAX_VALUE;
            for (int s : sizes) {
                smallest = Math.min(smallest, s);
            }
            if (smallest >= minSize) {
                int[][] parts = new int[clients][];
                for (int j = 0; j < clients; j++) {
                    int[] part = new int[sizes[j]];
                    int pos = 0;
                    for (int c = 0; c < classes; c++) {
                        int[] piece = pieces[j * classes + c];
                        System.arraycopy(piece, 0, part, pos, piece.length);
                        pos += piece.length;
                    }
                    parts[j] = part;
                }
                return parts;
            }
        }
        throw new IllegalArgumentException("Dirichlet split found no partition in which every client has at least "
                + "minSize samples after " + MAX_DIRICHLET_ATTEMPTS + " attempts (alpha=" + alpha + ", clients="
                + clients + ", minSize=" + minSize + ", samples=" + m + ", classes=" + classes
                + "); raise alpha, or lower clients or minSize");
    }

    /**
     * The Dirichlet split exactly as structured in the FedAU code (IBM/fedau {@code util/util.py}, {@code partition};
     * Wang and Ji, ICLR 2024), which differs from {@link #dirichletIndices} in three ways: the Dirichlet vectors are
     * drawn per client over the classes, the class lists are not shuffled, and there is no minimum size.
     *
     * <ol>
     *   <li>For each client n = 0..N-1 in order, draw its label distribution w_n ~ Dirichlet(alpha 1_k)
     *       ({@link #dirichlet}: k Gamma draws, normalised).</li>
     *   <li>For each class c, with the n_c indices of class c in increasing order and S_c = sum_n w_n[c], client n
     *       gets positions [e_{n-1}, e_n) where e_n = rint(n_c (w_0[c] + ... + w_n[c]) / S_c) (round half to even,
     *       as numpy's {@code np.round}), e_{-1} = 0 and e_{N-1} = n_c.</li>
     *   <li>Client n's list is its piece of class 0, then class 1, and so on.</li>
     * </ol>
     * The numbers differ from the Python code's (numpy's generators are not reproduced), the structure does not. A
     * client can end up with no sample (likely for small alpha and many clients); {@link #toFederated} rejects such
     * a partition, so check sizes or use {@link #dirichletIndices} with a {@code minSize}.
     *
     * <p>Draws: exactly N {@link #dirichlet}{@code (alpha, classes, rng)} draws, nothing else.
     *
     * @param labels  the class index of every sample (length m), each in [0, classes)
     * @param classes k, {@code >= 1}
     * @param clients N, {@code >= 1}
     * @param alpha   the Dirichlet concentration, finite and {@code > 0} (0.1 in the FedAU experiments)
     * @param rng     the stream every draw comes from
     * @return the sample indices of each client (possibly empty); every index in [0, m) occurs in exactly one client
     * @throws IllegalArgumentException on a bad argument, naming it and its value
     */
    public static int[][] fedAuDirichletIndices(int[] labels, int classes, int clients, double alpha,
            RandomStream rng) {
        requireLabels(labels);
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, was " + classes);
        }
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be >= 1, was " + clients);
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("alpha must be > 0 and finite, was " + alpha);
        }
        requireRng(rng);
        int[][] byClass = indicesByClass(labels, classes);
        double[][] w = new double[clients][];
        for (int n = 0; n < clients; n++) {
            w[n] = dirichlet(alpha, classes, rng);
        }
        int[][] ends = new int[clients][classes];
        int[] sizes = new int[clients];
        for (int c = 0; c < classes; c++) {
            double total = 0;
            for (int n = 0; n < clients; n++) {
                total += w[n][c];
            }
            int count = byClass[c].length;
            double cumulative = 0;
            int from = 0;
            for (int n = 0; n < clients; n++) {
                int to;
                if (n == clients - 1) {
                    to = count;
                } else {
                    cumulative += w[n][c];
                    to = (int) Math.min(count, Math.rint(count * cumulative / total));
                    to = Math.max(to, from);
                }
                ends[n][c] = to;
                sizes[n] += to - from;
                from = to;
            }
        }
        int[][] parts = new int[clients][];
        for (int n = 0; n < clients; n++) {
            int[] part = new int[sizes[n]];
            int pos = 0;
            for (int c = 0; c < classes; c++) {
                int from = n == 0 ? 0 : ends[n - 1][c];
                int len = ends[n][c] - from;
                System.arraycopy(byClass[c], from, part, pos, len);
                pos += len;
            }
            parts[n] = part;
        }
        return parts;
    }

    /**
     * The Dirichlet split of {@code train} (labels read by {@link Labels#classIndices}) with {@code minSize = 1}, as a
     * federated dataset: {@code toFederated(train, test, dirichletIndices(labels, classes, clients, alpha, rng))}.
     */
    public static FederatedDataset dirichlet(Dataset train, Dataset test, int classes, int clients, double alpha,
            RandomStream rng) {
        requireData(train, test);
        return toFederated(train, test, dirichletIndices(Labels.classIndices(train), classes, clients, alpha, rng));
    }

    /**
     * A Gamma(shape, 1) draw by Marsaglia and Tsang's method ("A simple method for generating gamma variables", ACM
     * TOMS 2000), with their boost for shape &lt; 1: {@code Gamma(a) = Gamma(a + 1) * U^(1/a)}.
     *
     * <p>Draws: with a' = shape + 1 when shape &lt; 1 and a' = shape otherwise,
     * d = a' - 1/3 and c = 1/sqrt(9d), repeat { repeat { x = nextGaussian(); v = 1 + c x } until v &gt; 0; v = v^3;
     * u = nextDouble(); accept d v if u &lt; 1 - 0.0331 x^4 or log u &lt; x^2/2 + d (1 - v + log v) }; then, when
     * shape &lt; 1, one more {@code 1 - nextDouble()} (in (0, 1]) as U. The result has mean and variance {@code shape}.
     * For very small shapes the result can underflow to 0; {@link #dirichletIndices} works in log space instead.
     *
     * @param shape a, finite and {@code > 0}
     * @param rng   the stream the draws come from
     * @throws IllegalArgumentException if the shape is not finite and positive
     */
    public static double gamma(double shape, RandomStream rng) {
        if (!(shape > 0) || Double.isInfinite(shape)) {
            throw new IllegalArgumentException("shape must be > 0 and finite, was " + shape);
        }
        requireRng(rng);
        return Math.exp(logGammaVariate(shape, rng));
    }

    /**
     * A Dirichlet(alpha 1_k) draw: k Gamma(alpha, 1) draws ({@link #gamma}'s draws, in order) normalised to sum to 1,
     * computed in log space.
     *
     * @throws IllegalArgumentException if {@code k < 1} or alpha is not finite and positive
     */
    public static double[] dirichlet(double alpha, int k, RandomStream rng) {
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("alpha must be > 0 and finite, was " + alpha);
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, was " + k);
        }
        requireRng(rng);
        double[] logG = new double[k];
        for (int j = 0; j < k; j++) {
            logG[j] = logGammaVariate(alpha, rng);
        }
        return normaliseLog(logG);
    }

    /** log of a Gamma(shape, 1) draw (Marsaglia-Tsang; see {@link #gamma}). */
    private static double logGammaVariate(double shape, RandomStream rng) {
        double a = shape < 1 ? shape + 1 : shape;
        double d = a - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9.0 * d);
        double logDraw;
        while (true) {
            double x;
            double v;
            do {
                x = rng.nextGaussian();
                v = 1.0 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = rng.nextDouble();
            double x2 = x * x;
            if (u < 1.0 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1.0 - v + Math.log(v))) {
                logDraw = Math.log(d) + Math.log(v);
                break;
            }
        }
        if (shape < 1) {
            double u = 1.0 - rng.nextDouble();
            logDraw += Math.log(u) / shape;
        }
        return logDraw;
    }

    /** exp(l_j - max l) / sum_i exp(l_i - max l); an entry of -infinity gives 0. */
    private static double[] normaliseLog(double[] logs) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logs) {
            max = Math.max(max, l);
        }
        double[] q = new double[logs.length];
        double sum = 0;
        for (int j = 0; j < logs.length; j++) {
            q[j] = Math.exp(logs[j] - max);
            sum += q[j];
        }
        for (int j = 0; j < q.length; j++) {
            q[j] /= sum;
        }
        return q;
    }

    private static int[][] indicesByClass(int[] labels, int classes) {
        int[] counts = new int[classes];
        for (int i = 0; i < labels.length; i++) {
            int c = labels[i];
            if (c < 0 || c >= classes) {
                throw new IllegalArgumentException("labels[" + i + "] must be in [0, classes=" + classes + "), was "
                        + c);
            }
            counts[c]++;
        }
        int[][] byClass = new int[classes][];
        for (int c = 0; c < classes; c++) {
            byClass[c] = new int[counts[c]];
        }
        int[] fill = new int[classes];
        for (int i = 0; i < labels.length; i++) {
            byClass[labels[i]][fill[labels[i]]++] = i;
        }
        return byClass;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Pathological non-IID: shards
    // ------------------------------------------------------------------------------------------------------------

    /**
     * The pathological non-IID split of McMahan et al. (AISTATS 2017: MNIST sorted by
     * label, 200 shards of 300, two per client).
     *
     * <ol>
     *   <li>Sort the m sample indices by label, stably (ties in increasing index order).</li>
     *   <li>Cut the sorted list into S = {@code clients * shardsPerClient} shards of s = floor(m / S) consecutive
     *       entries; shard r covers sorted positions [r s, (r + 1) s), except the last shard, which also takes the
     *       m mod S remainder samples: [(S - 1) s, m).</li>
     *   <li>Draw a permutation pi = {@code rng.permutation(S)} (the only draws) and give client i the shards
     *       pi[i P], ..., pi[i P + P - 1] (P = {@code shardsPerClient}), its indices being those shards' entries in
     *       that order.</li>
     * </ol>
     * When every class has a multiple of s samples, every shard holds one label and every client at most P labels;
     * otherwise a shard can straddle a class boundary (at most k - 1 shards do, for k non-empty classes).
     *
     * @param labels          the label of every sample (length m), each {@code >= 0}
     * @param clients         N, {@code >= 1}
     * @param shardsPerClient P, {@code >= 1}, with {@code N P <= m}
     * @param rng             the stream the shard permutation is drawn from
     * @return the sample indices of each client; every index in [0, m) occurs in exactly one client
     * @throws IllegalArgumentException on a bad argument, naming it and its value
     */
    public static int[][] shardIndices(int[] labels, int clients, int shardsPerClient, RandomStream rng) {
        requireLabels(labels);
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be >= 1, was " + clients);
        }
        if (shardsPerClient < 1) {
            throw new IllegalArgumentException("shardsPerClient must be >= 1, was " + shardsPerClient);
        }
        requireRng(rng);
        int m = labels.length;
        long shardCount = (long) clients * shardsPerClient;
        if (shardCount > m) {
            throw new IllegalArgumentException("clients * shardsPerClient must be <= the number of samples (" + m
                    + "), was " + clients + " * " + shardsPerClient + " = " + shardCount);
        }
        long[] keys = new long[m];
        for (int i = 0; i < m; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("labels[" + i + "] must be >= 0, was " + labels[i]);
            }
            keys[i] = ((long) labels[i] << 32) | i;
        }
        Arrays.sort(keys);
        int[] sorted = new int[m];
        for (int i = 0; i < m; i++) {
            sorted[i] = (int) keys[i];
        }
        int shards = (int) shardCount;
        int shardSize = m / shards;
        int[] perm = rng.permutation(shards);
        int[][] parts = new int[clients][];
        for (int i = 0; i < clients; i++) {
            int total = 0;
            for (int k = 0; k < shardsPerClient; k++) {
                int r = perm[i * shardsPerClient + k];
                total += shardEnd(r, shards, shardSize, m) - r * shardSize;
            }
            int[] part = new int[total];
            int pos = 0;
            for (int k = 0; k < shardsPerClient; k++) {
                int r = perm[i * shardsPerClient + k];
                int from = r * shardSize;
                int to = shardEnd(r, shards, shardSize, m);
                System.arraycopy(sorted, from, part, pos, to - from);
                pos += to - from;
            }
            parts[i] = part;
        }
        return parts;
    }

    private static int shardEnd(int r, int shards, int shardSize, int m) {
        return r == shards - 1 ? m : (r + 1) * shardSize;
    }

    /**
     * The shard split of {@code train} (labels read by {@link Labels#classIndices}) as a federated dataset:
     * {@code toFederated(train, test, shardIndices(labels, clients, shardsPerClient, rng))}.
     */
    public static FederatedDataset shards(Dataset train, Dataset test, int clients, int shardsPerClient,
            RandomStream rng) {
        requireData(train, test);
        return toFederated(train, test, shardIndices(Labels.classIndices(train), clients, shardsPerClient, rng));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Quantity skew
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Quantity skew: client sizes proportional to log-normal draws, labels IID.
     *
     * <p>Draws: first z_0..z_{N-1} = N calls of {@code rng.nextGaussian()} in client order, giving weights
     * w_j = exp(sigma z_j) (log-normal(0, sigma)); then {@code rng.permutation(m)}. Sizes: each client gets 1 sample
     * plus its share of the other R = m - N: with cumulative weights W_j = w_0 + ... + w_j, boundaries
     * b_j = floor(R W_j / W_{N-1}) for j &lt; N-1 and b_{N-1} = R, and n_j = 1 + b_j - b_{j-1}, so sizes sum to m
     * exactly and each is at least 1. The permutation is cut into consecutive parts of sizes n_0, n_1, ... .
     * {@code sigma = 0} gives (nearly) equal sizes.
     *
     * @param samples m, {@code >= 1}
     * @param clients N, {@code 1 <= N <= m}
     * @param sigma   the log-normal shape, finite and {@code >= 0}
     * @param rng     the stream every draw comes from
     * @return the sample indices of each client; every index in [0, m) occurs in exactly one client
     * @throws IllegalArgumentException on a bad argument, naming it and its value
     */
    public static int[][] quantitySkewIndices(int samples, int clients, double sigma, RandomStream rng) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, was " + samples);
        }
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be >= 1, was " + clients);
        }
        if (clients > samples) {
            throw new IllegalArgumentException("clients must be <= the number of samples (" + samples + "), was "
                    + clients);
        }
        if (!(sigma >= 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("sigma must be >= 0 and finite, was " + sigma);
        }
        requireRng(rng);
        double[] logW = new double[clients];
        for (int j = 0; j < clients; j++) {
            logW[j] = sigma * rng.nextGaussian();
        }
        double[] q = normaliseLog(logW);
        int rest = samples - clients;
        int[] perm = rng.permutation(samples);
        int[][] parts = new int[clients][];
        double cumulative = 0;
        int previous = 0;
        int start = 0;
        for (int j = 0; j < clients; j++) {
            int boundary;
            if (j == clients - 1) {
                boundary = rest;
            } else {
                cumulative += q[j];
                boundary = (int) Math.min(rest, Math.floor(rest * cumulative));
                boundary = Math.max(boundary, previous);
            }
            int size = 1 + boundary - previous;
            parts[j] = Arrays.copyOfRange(perm, start, start + size);
            start += size;
            previous = boundary;
        }
        return parts;
    }

    /**
     * The quantity-skew split of {@code train} as a federated dataset:
     * {@code toFederated(train, test, quantitySkewIndices(train.size(), clients, sigma, rng))}.
     */
    public static FederatedDataset quantitySkew(Dataset train, Dataset test, int clients, double sigma,
            RandomStream rng) {
        requireData(train, test);
        return toFederated(train, test, quantitySkewIndices(train.size(), clients, sigma, rng));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Contiguous (EF21)
    // ------------------------------------------------------------------------------------------------------------

    /**
     * The split of the EF21 experiments (Richtarik et al., NeurIPS 2021): contiguous chunks in file order, no
     * shuffling. Clients 0..N-2 get floor(m / N) samples each and the last client gets the rest,
     * m - (N - 1) floor(m / N) (e.g. mushrooms, m = 8124, N = 20: 406 each and 410 for the last). Client i's indices
     * are [i floor(m / N), ...) in increasing order. No randomness.
     *
     * @param samples m, {@code >= 1}
     * @param clients N, {@code 1 <= N <= m}
     * @throws IllegalArgumentException on a bad argument, naming it and its value
     */
    public static int[][] contiguousIndices(int samples, int clients) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, was " + samples);
        }
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be >= 1, was " + clients);
        }
        if (clients > samples) {
            throw new IllegalArgumentException("clients must be <= the number of samples (" + samples + "), was "
                    + clients);
        }
        int chunk = samples / clients;
        int[][] parts = new int[clients][];
        for (int i = 0; i < clients; i++) {
            int from = i * chunk;
            int to = i == clients - 1 ? samples : from + chunk;
            int[] part = new int[to - from];
            for (int k = 0; k < part.length; k++) {
                part[k] = from + k;
            }
            parts[i] = part;
        }
        return parts;
    }

    /**
     * The contiguous split of {@code train} as a federated dataset:
     * {@code toFederated(train, test, contiguousIndices(train.size(), clients))}.
     */
    public static FederatedDataset contiguous(Dataset train, Dataset test, int clients) {
        requireData(train, test);
        return toFederated(train, test, contiguousIndices(train.size(), clients));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Index files
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Reads a partition from a text file (UTF-8), so that a split made elsewhere (or exported by
     * {@link #writeIndexFile}) can be replayed.
     *
     * <p>Format: one line per client, in client order; a line holds that client's 0-based sample indices separated by
     * whitespace and/or commas. A {@code '#'} starts a comment that runs to the end of the line. Lines that are blank
     * after removing the comment are skipped and do not count as clients (so a client cannot be empty). Indices must
     * be integers in [0, samples) and may occur at most once in the whole file. Samples that occur on no line are
     * allowed (a subset of the data can be distributed); use {@link #unusedIndices} or {@link #requireAllUsed} to
     * check coverage.
     *
     * @param file    the file to read
     * @param samples m, the number of rows of the dataset the indices refer to, {@code >= 1}
     * @return the indices of each client, in file order
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if the content is malformed: the message names the file, the line (1-based)
     *                                  and the bad token; a duplicate names both lines; an empty file says so
     */
    public static int[][] fromIndexFile(Path file, int samples) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, was " + samples);
        }
        int[] ownerLine = new int[samples];
        List<int[]> parts = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNumber = 0;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                String[] tokens = tokens(line);
                if (tokens.length == 0) {
                    continue;
                }
                int[] part = new int[tokens.length];
                for (int k = 0; k < tokens.length; k++) {
                    String token = tokens[k];
                    int index;
                    try {
                        index = Integer.parseInt(token);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(file + " line " + lineNumber + ": '" + token
                                + "' is not an integer sample index");
                    }
                    if (index < 0 || index >= samples) {
                        throw new IllegalArgumentException(file + " line " + lineNumber + ": sample index '" + token
                                + "' must be in [0, " + samples + ")");
                    }
                    if (ownerLine[index] != 0) {
                        String where = ownerLine[index] == lineNumber ? "earlier on the same line"
                                : "already on line " + ownerLine[index];
                        throw new IllegalArgumentException(file + " line " + lineNumber + ": duplicate sample index '"
                                + token + "', " + where);
                    }
                    ownerLine[index] = lineNumber;
                    part[k] = index;
                }
                parts.add(part);
            }
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no client lines (only blank lines or comments)");
        }
        return parts.toArray(new int[0][]);
    }

    /**
     * Writes a partition in the format {@link #fromIndexFile} reads: a {@code '#'} header comment, then one line per
     * client (client i on the (i+1)-th non-comment line) with its indices separated by single spaces, in order. The
     * file is created or overwritten.
     *
     * @throws IllegalArgumentException if {@code indices} is null or empty, or a client is null or empty (an empty
     *                                  line would be skipped when read back, shifting the clients), naming it
     * @throws IOException              if the file cannot be written
     */
    public static void writeIndexFile(Path file, int[][] indices) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        if (indices == null || indices.length == 0) {
            throw new IllegalArgumentException("indices must hold at least one client, was "
                    + (indices == null ? "null" : "empty"));
        }
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] == null || indices[i].length == 0) {
                throw new IllegalArgumentException("client " + i + " has no samples; an index file cannot hold an "
                        + "empty client");
            }
        }
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("# fl4j partition: " + indices.length + " clients, one line per client (0-based sample indices)");
            out.write('\n');
            StringBuilder sb = new StringBuilder();
            for (int[] part : indices) {
                sb.setLength(0);
                for (int k = 0; k < part.length; k++) {
                    if (k > 0) {
                        sb.append(' ');
                    }
                    sb.append(part[k]);
                }
                sb.append('\n');
                out.write(sb.toString());
            }
        }
    }

    /**
     * The sample indices in [0, samples) that occur in no client, in increasing order.
     *
     * @throws IllegalArgumentException if an index is outside [0, samples) (naming the client and value)
     */
    public static int[] unusedIndices(int[][] indices, int samples) {
        boolean[] used = markUsed(indices, samples, false);
        int count = 0;
        for (boolean u : used) {
            if (!u) {
                count++;
            }
        }
        int[] out = new int[count];
        int k = 0;
        for (int i = 0; i < samples; i++) {
            if (!used[i]) {
                out[k++] = i;
            }
        }
        return out;
    }

    /**
     * Checks that {@code indices} is a partition of [0, samples): every index in range, none twice, none unused.
     *
     * @throws IllegalArgumentException naming the first offending client and index, or the number of unused samples
     *                                  and the first few of them
     */
    public static void requireAllUsed(int[][] indices, int samples) {
        markUsed(indices, samples, true);
        int[] unused = unusedIndices(indices, samples);
        if (unused.length > 0) {
            int show = Math.min(unused.length, 10);
            throw new IllegalArgumentException(unused.length + " of " + samples + " samples are in no client, e.g. "
                    + Arrays.toString(Arrays.copyOf(unused, show)));
        }
    }

    /** The tokens of one index-file line: comment removed, split on whitespace and commas, empty tokens dropped. */
    static String[] tokens(String line) {
        int hash = line.indexOf('#');
        String content = hash >= 0 ? line.substring(0, hash) : line;
        content = content.trim();
        if (content.isEmpty()) {
            return new String[0];
        }
        String[] raw = content.split("[\\s,]+");
        int n = 0;
        for (String t : raw) {
            if (!t.isEmpty()) {
                raw[n++] = t;
            }
        }
        return Arrays.copyOf(raw, n);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Building the federated dataset
    // ------------------------------------------------------------------------------------------------------------

    /**
     * The federated dataset whose client i holds a copy of the rows {@code indices[i]} of {@code train}, in that
     * order; the test set is passed through. The parts must be disjoint (an index in two clients is an error) but
     * need not cover every row.
     *
     * @param train   the centralised training data
     * @param test    the held-out test set (may have zero rows)
     * @param indices the row indices of each client, at least one client
     * @throws IllegalArgumentException if an argument is null, a client has no samples (naming it), an index is out of
     *                                  range or in two clients (naming the clients and the index)
     */
    public static FederatedDataset toFederated(Dataset train, Dataset test, int[][] indices) {
        requireData(train, test);
        if (indices == null || indices.length == 0) {
            throw new IllegalArgumentException("indices must hold at least one client, was "
                    + (indices == null ? "null" : "empty"));
        }
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] == null || indices[i].length == 0) {
                throw new IllegalArgumentException("client " + i + " has no samples; every client needs at least one");
            }
        }
        markUsed(indices, train.size(), true);
        List<Dataset> datasets = new ArrayList<>(indices.length);
        for (int[] part : indices) {
            datasets.add(train.rows(part));
        }
        return new FederatedDataset(datasets, test);
    }

    /** Marks the used indices; checks the range and, when {@code disjoint}, that no index occurs twice. */
    private static boolean[] markUsed(int[][] indices, int samples, boolean disjoint) {
        if (indices == null) {
            throw new IllegalArgumentException("indices must not be null");
        }
        if (samples < 0) {
            throw new IllegalArgumentException("samples must be >= 0, was " + samples);
        }
        int[] owner = new int[samples];
        Arrays.fill(owner, -1);
        boolean[] used = new boolean[samples];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] == null) {
                throw new IllegalArgumentException("client " + i + " indices must not be null");
            }
            for (int index : indices[i]) {
                if (index < 0 || index >= samples) {
                    throw new IllegalArgumentException("client " + i + " index must be in [0, " + samples + "), was "
                            + index);
                }
                if (disjoint && owner[index] >= 0) {
                    throw new IllegalArgumentException("sample index " + index + " is in client " + owner[index]
                            + " and in client " + i + "; clients must be disjoint");
                }
                owner[index] = i;
                used[index] = true;
            }
        }
        return used;
    }

    private static void requireLabels(int[] labels) {
        if (labels == null) {
            throw new IllegalArgumentException("labels must not be null");
        }
    }

    private static void requireRng(RandomStream rng) {
        if (rng == null) {
            throw new IllegalArgumentException("rng must not be null");
        }
    }

    private static void requireData(Dataset train, Dataset test) {
        if (train == null) {
            throw new IllegalArgumentException("train must not be null");
        }
        if (test == null) {
            throw new IllegalArgumentException("test must not be null");
        }
    }
}
