package io.github.fl4j.core.data;

import io.github.fl4j.core.tensor.Precision;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The data of a federated population: the local dataset of each client, indexed 0..N-1, and a held-out test set
 * (possibly empty) on which the server model is evaluated.
 *
 * <p>The eager {@link FederatedData}: every client is held in memory. Immutable. All datasets share one precision and
 * one feature count.
 */
public final class FederatedDataset implements FederatedData {
    private final List<Dataset> clients;
    private final Dataset test;

    /**
     * @param clients the local dataset of each client; client i's is {@code clients.get(i)}; none may be empty
     * @param test    the test set (may have zero rows)
     * @throws IllegalArgumentException if there are no clients, a client has no samples, or the shapes/types differ
     */
    public FederatedDataset(List<Dataset> clients, Dataset test) {
        if (clients == null || clients.isEmpty()) {
            throw new IllegalArgumentException("clients must hold at least one dataset, was "
                    + (clients == null ? "null" : "empty"));
        }
        if (test == null) {
            throw new IllegalArgumentException("test must not be null");
        }
        int p = clients.get(0).featureCount();
        Precision precision = clients.get(0).precision();
        for (int i = 0; i < clients.size(); i++) {
            Dataset d = clients.get(i);
            if (d == null) {
                throw new IllegalArgumentException("clients[" + i + "] must not be null");
            }
            if (d.size() == 0) {
                throw new IllegalArgumentException("clients[" + i + "] must have at least one sample, had 0");
            }
            if (d.featureCount() != p) {
                throw new IllegalArgumentException("clients[" + i + "] has " + d.featureCount()
                        + " features, clients[0] has " + p);
            }
            if (d.precision() != precision) {
                throw new IllegalArgumentException("clients[" + i + "] is " + d.precision()
                        + ", clients[0] is " + precision);
            }
        }
        if (test.size() > 0 && test.featureCount() != p) {
            throw new IllegalArgumentException("test set has " + test.featureCount() + " features, clients have " + p);
        }
        this.clients = Collections.unmodifiableList(new ArrayList<>(clients));
        this.test = test.size() > 0 ? test.as(precision) : test;
    }

    /** Number of clients N. */
    @Override
    public int clientCount() {
        return clients.size();
    }

    /** The local dataset of client {@code id}. */
    @Override
    public Dataset client(int id) {
        if (id < 0 || id >= clients.size()) {
            throw new IllegalArgumentException("client id must be in [0, " + clients.size() + "), was " + id);
        }
        return clients.get(id);
    }

    /** All client datasets, in id order (unmodifiable). */
    public List<Dataset> clients() {
        return clients;
    }

    /** Number of samples of client {@code id}. */
    @Override
    public int clientSize(int id) {
        return client(id).size();
    }

    /** True: every client is in memory. */
    @Override
    public boolean isMaterialized() {
        return true;
    }

    /** This dataset itself. */
    @Override
    public FederatedDataset materialize() {
        return this;
    }

    /** The test set. */
    @Override
    public Dataset test() {
        return test;
    }

    /** Number of samples of each client, in id order. */
    @Override
    public int[] clientSizes() {
        int[] sizes = new int[clients.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = clients.get(i).size();
        }
        return sizes;
    }

    /** Total number of training samples. */
    @Override
    public long totalSize() {
        long total = 0;
        for (Dataset d : clients) {
            total += d.size();
        }
        return total;
    }

    /** Number of features per sample. */
    @Override
    public int featureCount() {
        return clients.get(0).featureCount();
    }

    /** The precision of the data. */
    @Override
    public Precision precision() {
        return clients.get(0).precision();
    }

    /** This federated dataset in the given precision. */
    @Override
    public FederatedDataset as(Precision precision) {
        if (precision == precision()) {
            return this;
        }
        List<Dataset> converted = new ArrayList<>(clients.size());
        for (Dataset d : clients) {
            converted.add(d.as(precision));
        }
        return new FederatedDataset(converted, test.as(precision));
    }

    @Override
    public String toString() {
        return "FederatedDataset[" + clients.size() + " clients, " + totalSize() + " train samples, "
                + test.size() + " test samples, " + featureCount() + " features]";
    }
}
