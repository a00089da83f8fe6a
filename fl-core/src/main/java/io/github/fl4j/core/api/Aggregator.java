package io.github.fl4j.core.api;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How the uploads of a round become one vector, e.g. the sample-weighted mean of FedAvg,
 * {@code out = sum_{n in S} (m_n / sum_{j in S} m_j) u_n}. Pluggable into any server that averages.
 *
 * <p>Implementations sum in the order of {@code uploads} (increasing client id), so results are independent of the
 * number of threads. Stateless aggregators are thread-safe; aggregators with memory (MIFA, FedAU) keep it in the
 * server state, not in fields.
 *
 * <p>Contract (the abstract {@code AggregatorContractTest} of fl-core's test jar checks it; every implementation's
 * test extends it): {@code out} is fully overwritten whatever it held (NaN included); the uploads are not modified;
 * equal inputs give equal bits, also from several threads at once; {@code slot} alone selects the vector; an empty
 * list fails with IllegalArgumentException; with every client participating, identical uploads u aggregate to u up to
 * rounding. Mean-like and robust aggregators are also translation and scale equivariant and stay within the
 * coordinate-wise range of the uploads; an aggregator that is not (clipping at a fixed radius) says so in its test.
 */
@FunctionalInterface
public interface Aggregator {

    /**
     * Writes the aggregate of vector {@code slot} of the uploads into {@code out} (overwritten).
     *
     * @param uploads the round's uploads, in increasing client-id order
     * @param slot    which vector of each upload to aggregate
     * @param out     the output buffer
     * @param ctx     the round's server context
     */
    void aggregate(List<Upload> uploads, int slot, INDArray out, ServerContext ctx);

    /**
     * The streaming form of this aggregator for one round, or null (the default) when it needs every upload at once
     * (the robust aggregators: median, trimmed mean, Krum, geometric median, centered clipping). The returned fold
     * receives the uploads of the round's participants in increasing client-id order ({@link Fold#add}) and after
     * the last one ({@link Fold#finish}) {@code out} holds bit for bit what {@link #aggregate} writes for the list of
     * those uploads. {@code out} may be written before the end (it is the caller's scratch buffer).
     *
     * @param slot which vector of each upload to aggregate
     * @param out  the output buffer
     * @param ctx  the round's server context: its participants, in order, are the uploads to come
     */
    default Fold fold(int slot, INDArray out, ServerContext ctx) {
        return null;
    }

    /** A running aggregate of one round (see {@link Aggregator#fold}). */
    interface Fold {
        /** Adds the next participant's upload (in increasing client-id order); keeps no reference to it. */
        void add(Upload upload);

        /** Completes the aggregate in the output buffer. */
        void finish();
    }
}
