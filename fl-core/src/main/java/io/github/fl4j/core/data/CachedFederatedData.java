package io.github.fl4j.core.data;

import io.github.fl4j.core.tensor.Precision;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded least-recently-used cache of materialized clients in front of lazy {@link FederatedData}: at most
 * {@code maxClients} clients and at most {@code maxBytes} bytes of client arrays are kept; the least recently loaded
 * or used client is dropped first. A cached client is the very {@link Dataset} the source returned, so the cache never
 * changes a value (a hit and a miss give the same bits).
 *
 * <p>Thread-safe: engines load clients from worker threads. The map is guarded by one lock; a miss loads the client
 * outside the lock, so two threads missing the same client at once may both load it (the second result is the same
 * data, and only one is kept).
 */
public final class CachedFederatedData extends ForwardingFederatedData {
    private final int maxClients;
    private final long maxBytes;
    private final LinkedHashMap<Integer, Dataset> cache = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;
    private long hits;
    private long misses;

    /**
     * @param source     the data to cache
     * @param maxClients the most clients kept, {@code >= 1}
     * @param maxBytes   the most bytes of feature and label arrays kept (for sparse clients: labels, row lists and
     *                   column indexes; see {@link #bytesOf}), {@code >= 1} (Long.MAX_VALUE: by count only);
     *                   a client larger than this is returned but not kept
     * @throws IllegalArgumentException naming the bad argument and its value
     */
    public CachedFederatedData(FederatedData source, int maxClients, long maxBytes) {
        super(source);
        if (maxClients < 1) {
            throw new IllegalArgumentException("maxClients must be >= 1, was " + maxClients);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be >= 1, was " + maxBytes);
        }
        this.maxClients = maxClients;
        this.maxBytes = maxBytes;
    }

    /** A cache bounded by count only. */
    public CachedFederatedData(FederatedData source, int maxClients) {
        this(source, maxClients, Long.MAX_VALUE);
    }

    /**
     * The bytes of the arrays a dataset holds or may come to hold, for b-byte values: dense, {@code (m p + m) b}; sparse,
     * its labels {@code m b}, its row list (4 m, for an index view; the shared matrix's rows are not its own) and room
     * for the column index a model may build on it ({@link Dataset#sparseColumns()}: at most {@code (4 + b) nnz} plus
     * its column pointers, counted as built).
     */
    static long bytesOf(Dataset d) {
        long m = d.size();
        long b = d.precision().bits() / 8;
        if (!d.isSparse()) {
            return (m * d.featureCount() + m) * b;
        }
        long bytes = m * b + (d.sparseRowIndex() != null ? 4 * m : 0);
        return bytes + (d.hasSparseColumns() ? d.sparseColumns().bytes()
                : (4 + b) * d.storedValues() + 4L * (d.featureCount() + 1));
    }

    @Override
    public Dataset client(int client) {
        FederatedData.requireClient(client, source().clientCount());
        synchronized (cache) {
            Dataset d = cache.get(client);
            if (d != null) {
                hits++;
                return d;
            }
            misses++;
        }
        Dataset d = source().client(client);
        long size = bytesOf(d);
        if (size > maxBytes) {
            return d;
        }
        synchronized (cache) {
            Dataset present = cache.get(client);
            if (present != null) {
                return present;
            }
            cache.put(client, d);
            bytes += size;
            var it = cache.entrySet().iterator();
            while ((cache.size() > maxClients || bytes > maxBytes) && it.hasNext()) {
                Map.Entry<Integer, Dataset> eldest = it.next();
                bytes -= bytesOf(eldest.getValue());
                it.remove();
            }
        }
        return d;
    }

    /** The number of clients currently kept. */
    public int cachedClients() {
        synchronized (cache) {
            return cache.size();
        }
    }

    /** The bytes of the client arrays currently kept. */
    public long cachedBytes() {
        synchronized (cache) {
            return bytes;
        }
    }

    /** Calls of {@link #client} answered from the cache. */
    public long hits() {
        synchronized (cache) {
            return hits;
        }
    }

    /** Calls of {@link #client} that loaded from the source. */
    public long misses() {
        synchronized (cache) {
            return misses;
        }
    }

    /** A cache with the same bounds in front of the converted source (itself when the precision is unchanged). */
    @Override
    public FederatedData as(Precision precision) {
        if (precision == precision()) {
            return this;
        }
        return new CachedFederatedData(source().as(precision), maxClients, maxBytes);
    }

    @Override
    public String toString() {
        return "CachedFederatedData[" + source() + ", max " + maxClients + " clients"
                + (maxBytes == Long.MAX_VALUE ? "" : ", max " + maxBytes + " bytes") + "]";
    }
}
