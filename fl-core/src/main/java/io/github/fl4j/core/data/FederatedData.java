package io.github.fl4j.core.data;

import io.github.fl4j.core.tensor.Precision;

/**
 * The data of a federated population as the engines see it: N clients indexed 0..N-1, what can be known about each
 * client without loading it (its size, its label histogram), its local {@link Dataset} on demand, and a held-out
 * test set on which the server model is evaluated.
 *
 * <p>Three kinds of implementation:
 * <ul>
 *   <li>{@link FederatedDataset}: every client in memory (eager);</li>
 *   <li>{@link SyntheticFedProx#lazy}: client i generated from its own keyed random stream when asked (a population
 *       of 10^6 clients costs one {@code int} per client until clients are loaded);</li>
 *   <li>{@link IndexPartition}: a partition of one shared dataset held as index arrays; client i gathers its rows when
 *       asked (10^6 clients of an MNIST-like dataset cost two {@code int} arrays, not copies).</li>
 * </ul>
 * {@link CachedFederatedData} adds a bounded LRU cache of materialized clients to any of them.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #client(int)} returns the same values (same bits) every time it is called for the same client, in any
 *       order and from any thread; it may build a new {@link Dataset} on every call, so callers that need a client
 *       several times in a round keep the reference;</li>
 *   <li>{@link #clientSize(int)} equals {@code client(i).size()} and is cheap (no loading); every client has at least
 *       one sample;</li>
 *   <li>all clients and a non-empty test set share {@link #featureCount()} and {@link #precision()};</li>
 *   <li>implementations are thread-safe: engines load clients from worker threads.</li>
 * </ul>
 * Engines only call {@link #client(int)} for clients that participate, so a run of R rounds of m clients loads at most
 * R * m clients (fewer with a cache).
 */
public interface FederatedData {
    /** Number of clients N, {@code >= 1}. */
    int clientCount();

    /**
     * Number of training samples of client {@code client}, without loading it.
     *
     * @throws IllegalArgumentException if {@code client} is outside [0, N)
     */
    int clientSize(int client);

    /**
     * The local dataset of client {@code client}, loaded (generated, gathered) on demand.
     *
     * @throws IllegalArgumentException if {@code client} is outside [0, N)
     */
    Dataset client(int client);

    /** The test set (may have zero rows). */
    Dataset test();

    /** Number of features per sample. */
    int featureCount();

    /** The precision of the data. */
    Precision precision();

    /** Number of samples of each client, in id order (a new array; N ints, no client is loaded). */
    default int[] clientSizes() {
        int[] sizes = new int[clientCount()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = clientSize(i);
        }
        return sizes;
    }

    /** Total number of training samples, the sum of the client sizes (no client is loaded). */
    default long totalSize() {
        long total = 0;
        int n = clientCount();
        for (int i = 0; i < n; i++) {
            total += clientSize(i);
        }
        return total;
    }

    /**
     * The label histogram of client {@code client}: entry c is the number of its samples whose label is the class
     * index c. Meaningful for classification data (labels are class indices 0..k-1 stored as floats); for regression
     * or -1/+1 data the labels are not class indices and this throws.
     *
     * <p>The default loads the client once and counts ({@link Labels#classIndices}); implementations that know the
     * labels without building the client's {@link Dataset} (an index partition reads them from the shared label
     * column; lazy synthetic data computes them without keeping the features) override it.
     *
     * @param client  the client id, in [0, N)
     * @param classes k, {@code >= 1}
     * @return an array of length k
     * @throws IllegalArgumentException if a label is not a class index in [0, classes), naming the client, row and value
     */
    default int[] labelHistogram(int client, int classes) {
        try {
            return Labels.histogram(Labels.classIndices(client(client)), classes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("client " + client + ": " + e.getMessage(), e);
        }
    }

    /**
     * The number of classes when the data knows it without a pass over the clients (e.g. a generator's {@code
     * classes}), else -1. Model factories use it to size a softmax output layer without loading every client.
     */
    default int knownClassCount() {
        return -1;
    }

    /**
     * True when every client is held in memory, so that a full pass over the clients is cheap. Helpers that need
     * such a pass (e.g. smoothness constants over all clients) fail clearly on lazy data instead of loading millions
     * of clients by accident.
     */
    default boolean isMaterialized() {
        return false;
    }

    /**
     * This data in the given precision: itself when it already has it, else a view whose clients and test set are
     * converted when loaded ({@link Dataset#as}: each value rounded once).
     */
    default FederatedData as(Precision precision) {
        if (precision == null) {
            throw new IllegalArgumentException("precision must not be null");
        }
        if (precision == precision()) {
            return this;
        }
        return new ConvertedFederatedData(this, precision);
    }

    /**
     * Every client loaded into a {@link FederatedDataset} (the eager form of this data; N loads). For tests and small
     * populations: a run on the result equals a run on this data bit for bit.
     */
    default FederatedDataset materialize() {
        int n = clientCount();
        java.util.List<Dataset> all = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            all.add(client(i));
        }
        return new FederatedDataset(all, test());
    }

    /**
     * Checks a client id.
     *
     * @throws IllegalArgumentException naming the id and the range
     */
    static void requireClient(int client, int clients) {
        if (client < 0 || client >= clients) {
            throw new IllegalArgumentException("client id must be in [0, " + clients + "), was " + client);
        }
    }
}
