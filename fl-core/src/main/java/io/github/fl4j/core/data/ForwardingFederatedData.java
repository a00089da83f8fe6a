package io.github.fl4j.core.data;

import io.github.fl4j.core.tensor.Precision;

/**
 * Federated data that forwards every question to another source: the base of wrappers that change one thing (the
 * precision of the loaded clients, a cache in front, a count of loads) and pass the rest through. A subclass
 * overrides what it changes; everything else, sizes and histograms included, is answered by the source without
 * loading a client.
 */
public abstract class ForwardingFederatedData implements FederatedData {
    private final FederatedData source;

    /** @param source the data asked for everything not overridden */
    protected ForwardingFederatedData(FederatedData source) {
        if (source == null) {
            throw new IllegalArgumentException("source must not be null");
        }
        this.source = source;
    }

    /** The data this one forwards to. */
    protected final FederatedData source() {
        return source;
    }

    @Override
    public int clientCount() {
        return source.clientCount();
    }

    @Override
    public int clientSize(int client) {
        return source.clientSize(client);
    }

    @Override
    public int[] clientSizes() {
        return source.clientSizes();
    }

    @Override
    public long totalSize() {
        return source.totalSize();
    }

    @Override
    public Dataset client(int client) {
        return source.client(client);
    }

    @Override
    public int[] labelHistogram(int client, int classes) {
        return source.labelHistogram(client, classes);
    }

    @Override
    public int knownClassCount() {
        return source.knownClassCount();
    }

    @Override
    public boolean isMaterialized() {
        return source.isMaterialized();
    }

    @Override
    public Dataset test() {
        return source.test();
    }

    @Override
    public int featureCount() {
        return source.featureCount();
    }

    @Override
    public Precision precision() {
        return source.precision();
    }
}
