package io.github.fl4j.core.data;

import io.github.fl4j.core.tensor.Precision;

/** A view of federated data in another precision: clients are converted when loaded. Thread-safe. */
final class ConvertedFederatedData implements FederatedData {
    private final FederatedData source;
    private final Precision precision;
    private final Dataset test;

    ConvertedFederatedData(FederatedData source, Precision precision) {
        this.source = source;
        this.precision = precision;
        Dataset t = source.test();
        this.test = t.size() > 0 ? t.as(precision) : t;
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
    public Dataset client(int client) {
        return source.client(client).as(precision);
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
    public Dataset test() {
        return test;
    }

    @Override
    public int featureCount() {
        return source.featureCount();
    }

    @Override
    public Precision precision() {
        return precision;
    }

    @Override
    public String toString() {
        return source + " as " + precision;
    }
}
