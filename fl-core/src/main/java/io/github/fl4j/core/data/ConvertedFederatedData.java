package io.github.fl4j.core.data;

import io.github.fl4j.core.tensor.Precision;

/** A view of federated data in another precision: clients are converted when loaded. Thread-safe. */
final class ConvertedFederatedData extends ForwardingFederatedData {
    private final Precision precision;
    private final Dataset test;

    ConvertedFederatedData(FederatedData source, Precision precision) {
        super(source);
        this.precision = precision;
        Dataset t = source.test();
        this.test = t.size() > 0 ? t.as(precision) : t;
    }

    @Override
    public Dataset client(int client) {
        return source().client(client).as(precision);
    }

    @Override
    public Dataset test() {
        return test;
    }

    @Override
    public Precision precision() {
        return precision;
    }

    @Override
    public String toString() {
        return source() + " as " + precision;
    }
}
