package io.github.fl4j.core.data;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test data that counts the loads ({@link #client} calls) of each client and forwards everything else (sizes,
 * histograms, the test set) to its source without loading: how tests show that lazy data is loaded only when a
 * client participates. Shared by the tests of several modules (fl-core's test jar).
 */
public final class CountingFederatedData extends ForwardingFederatedData {
    /** Loads of any client. */
    public final AtomicInteger loads = new AtomicInteger();
    /** Loads per client id (guarded by itself). */
    public final int[] perClient;

    /** @param source the data to count the loads of */
    public CountingFederatedData(FederatedData source) {
        super(source);
        this.perClient = new int[source.clientCount()];
    }

    /** The data whose loads are counted. */
    public FederatedData counted() {
        return source();
    }

    @Override
    public Dataset client(int client) {
        loads.incrementAndGet();
        synchronized (perClient) {
            perClient[client]++;
        }
        return source().client(client);
    }
}
