package io.github.fl4j.core.data;

import io.github.fl4j.core.tensor.Precision;

/**
 * A partition of one shared dataset as lazy {@link FederatedData}: client i is the rows {@code rows[offsets[i] ..
 * offsets[i+1])} of the shared training set (compressed sparse row form: one {@code int} per assigned row plus one per
 * client), gathered into a new {@link Dataset} when asked for. 10^6 clients of a 60,000-row dataset cost two int
 * arrays (about 4 MB), not 10^6 copies.
 *
 * <p>{@link #client}(i) is {@code train.rows(part i)}: the same call {@link Partitioners#toFederated} makes, so the
 * clients are bit-identical to the eager partition built from the same index lists. Gathering (one native
 * {@code pullRows} per array) was preferred to a view because the samplers and models read a client as a dense
 * contiguous matrix; a gathered client costs its own size only while it is in use (or in a {@link
 * CachedFederatedData}).
 *
 * <p>{@link #labelHistogram} reads the shared label column once (the class indices are computed at construction only
 * if asked for) and never gathers features. Immutable and thread-safe.
 */
public final class IndexPartition implements FederatedData {
    private final Dataset train;
    private final Dataset test;
    private final int[] offsets;
    private final int[] rows;
    private volatile int[] classIndices;

    private IndexPartition(Dataset train, Dataset test, int[] offsets, int[] rows) {
        this.train = train;
        this.test = test.size() > 0 ? test.as(train.precision()) : test;
        this.offsets = offsets;
        this.rows = rows;
    }

    /**
     * The partition whose client i holds the rows {@code indices[i]} of {@code train}, in that order (the index lists
     * the {@code Partitioners.*Indices} methods return). Validated as {@link Partitioners#toFederated} validates them:
     * every client non-empty, every index in range, no index in two clients.
     *
     * @throws IllegalArgumentException naming the client and index at fault
     */
    public static IndexPartition of(Dataset train, Dataset test, int[][] indices) {
        requireData(train, test);
        if (indices == null || indices.length == 0) {
            throw new IllegalArgumentException("indices must hold at least one client, was "
                    + (indices == null ? "null" : "empty"));
        }
        int[] offsets = new int[indices.length + 1];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] == null || indices[i].length == 0) {
                throw new IllegalArgumentException("client " + i + " has no samples; every client needs at least one");
            }
            offsets[i + 1] = Math.addExact(offsets[i], indices[i].length);
        }
        int[] rows = new int[offsets[indices.length]];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(indices[i], 0, rows, offsets[i], indices[i].length);
        }
        return ofCsr(train, test, offsets, rows);
    }

    /**
     * The partition given in compressed sparse row form: client i holds {@code rows[offsets[i] .. offsets[i+1])}.
     * The arrays are used as given (not copied): the caller must not modify them afterwards.
     *
     * @param offsets N + 1 non-decreasing offsets, {@code offsets[0] = 0}, {@code offsets[N] = rows.length}, every
     *                client non-empty
     * @param rows    the row indices of all clients, each in [0, train.size()) and at most once
     * @throws IllegalArgumentException naming the offset, client or index at fault
     */
    public static IndexPartition ofCsr(Dataset train, Dataset test, int[] offsets, int[] rows) {
        requireData(train, test);
        if (offsets == null || rows == null) {
            throw new IllegalArgumentException("offsets and rows must not be null");
        }
        if (offsets.length < 2) {
            throw new IllegalArgumentException("offsets must have N + 1 >= 2 entries, had " + offsets.length);
        }
        if (offsets[0] != 0 || offsets[offsets.length - 1] != rows.length) {
            throw new IllegalArgumentException("offsets must start at 0 and end at rows.length = " + rows.length
                    + ", were " + offsets[0] + " and " + offsets[offsets.length - 1]);
        }
        for (int i = 0; i + 1 < offsets.length; i++) {
            if (offsets[i + 1] <= offsets[i]) {
                throw new IllegalArgumentException("client " + i + " has no samples (offsets[" + i + "] = "
                        + offsets[i] + ", offsets[" + (i + 1) + "] = " + offsets[i + 1] + "); every client needs at "
                        + "least one");
            }
        }
        int m = train.size();
        java.util.BitSet used = new java.util.BitSet(m);
        int client = 0;
        for (int r = 0; r < rows.length; r++) {
            while (r >= offsets[client + 1]) {
                client++;
            }
            int index = rows[r];
            if (index < 0 || index >= m) {
                throw new IllegalArgumentException("client " + client + " index must be in [0, " + m + "), was "
                        + index);
            }
            if (used.get(index)) {
                throw new IllegalArgumentException("index " + index + " is in two clients (the second is client "
                        + client + "); the parts must be disjoint");
            }
            used.set(index);
        }
        // the shared rows are checked once here (finite features and labels), since the simulation does not load
        // every client of lazy data to check it
        DataChecks.check(train, "the partitioned dataset", null);
        return new IndexPartition(train, test, offsets, rows);
    }

    private static void requireData(Dataset train, Dataset test) {
        if (train == null || test == null) {
            throw new IllegalArgumentException("train and test must not be null");
        }
        if (test.size() > 0 && test.featureCount() != train.featureCount()) {
            throw new IllegalArgumentException("test set has " + test.featureCount() + " features, train set has "
                    + train.featureCount());
        }
    }

    /** The shared training set. */
    public Dataset shared() {
        return train;
    }

    /** The row indices of client {@code client} (a copy). */
    public int[] indices(int client) {
        FederatedData.requireClient(client, clientCount());
        return java.util.Arrays.copyOfRange(rows, offsets[client], offsets[client + 1]);
    }

    @Override
    public int clientCount() {
        return offsets.length - 1;
    }

    @Override
    public int clientSize(int client) {
        FederatedData.requireClient(client, clientCount());
        return offsets[client + 1] - offsets[client];
    }

    @Override
    public Dataset client(int client) {
        return train.rows(indices(client));
    }

    /** Counts the client's labels in the shared label column; no features are gathered. */
    @Override
    public int[] labelHistogram(int client, int classes) {
        FederatedData.requireClient(client, clientCount());
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, was " + classes);
        }
        int[] labels = classIndices;
        if (labels == null) {
            try {
                labels = Labels.classIndices(train);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("client " + client + ": " + e.getMessage(), e);
            }
            classIndices = labels;
        }
        int[] h = new int[classes];
        for (int r = offsets[client]; r < offsets[client + 1]; r++) {
            int c = labels[rows[r]];
            if (c >= classes) {
                throw new IllegalArgumentException("client " + client + ": label of shared row " + rows[r]
                        + " must be in [0, " + classes + "), was " + c);
            }
            h[c]++;
        }
        return h;
    }

    @Override
    public Dataset test() {
        return test;
    }

    @Override
    public int featureCount() {
        return train.featureCount();
    }

    @Override
    public Precision precision() {
        return train.precision();
    }

    /** The same partition of the shared set converted once (not a per-client conversion). */
    @Override
    public FederatedData as(Precision precision) {
        if (precision == null) {
            throw new IllegalArgumentException("precision must not be null");
        }
        if (precision == precision()) {
            return this;
        }
        return new IndexPartition(train.as(precision), test, offsets, rows);
    }

    @Override
    public String toString() {
        return "IndexPartition[" + clientCount() + " clients, " + rows.length + " of " + train.size()
                + " shared rows, " + test.size() + " test samples, " + featureCount() + " features]";
    }
}
