package io.github.fl4j.core.aggregation;

import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.tensor.Tensors;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Weighted means of the uploaded vectors, {@code out = sum_{n in S} w_n u_n}, computed as one BLAS axpy per upload
 * into the output buffer, in increasing client-id order (so the floating-point result does not depend on threads).
 *
 * <ul>
 *   <li>{@link #bySampleCount()}: w_n = m_n / sum_{j in S} m_j, FedAvg's weighting (McMahan et al. 2017, eq. in
 *       Algorithm 1), a ratio estimator over the participants.</li>
 *   <li>{@link #uniform()}: w_n = 1/|S|, the unweighted mean over participants (FL-Simulator, SCAFFOLD's
 *       Algorithm 1).</li>
 *   <li>{@link #population()}: w_n = 1/N for participants (absent clients count as zero), the unbiased estimate of
 *       (1/N) sum_n u_n under uniform sampling scaled by |S|/N; FedAU's and MIFA's normalisation.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class WeightedMean implements Aggregator {

    /** How the weights are chosen. */
    public enum Weighting {
        /** w_n = m_n / sum over participants of m_j. */
        SAMPLE_COUNT,
        /** w_n = 1 / |S|. */
        UNIFORM,
        /** w_n = 1 / N. */
        POPULATION
    }

    private static final WeightedMean SAMPLE_COUNT = new WeightedMean(Weighting.SAMPLE_COUNT);
    private static final WeightedMean UNIFORM = new WeightedMean(Weighting.UNIFORM);
    private static final WeightedMean POPULATION = new WeightedMean(Weighting.POPULATION);

    private final Weighting weighting;

    private WeightedMean(Weighting weighting) {
        this.weighting = weighting;
    }

    /** The aggregator for a weighting. */
    public static WeightedMean of(Weighting weighting) {
        switch (weighting) {
            case SAMPLE_COUNT:
                return SAMPLE_COUNT;
            case UNIFORM:
                return UNIFORM;
            default:
                return POPULATION;
        }
    }

    /** w_n proportional to the client's sample count. */
    public static WeightedMean bySampleCount() {
        return SAMPLE_COUNT;
    }

    /** w_n = 1/|S|. */
    public static WeightedMean uniform() {
        return UNIFORM;
    }

    /** w_n = 1/N. */
    public static WeightedMean population() {
        return POPULATION;
    }

    /** The weighting. */
    public Weighting weighting() {
        return weighting;
    }

    @Override
    public void aggregate(List<Upload> uploads, int slot, INDArray out, ServerContext ctx) {
        if (uploads.isEmpty()) {
            throw new IllegalArgumentException("uploads must not be empty");
        }
        double total = 0;
        for (Upload u : uploads) {
            total += u.numSamples();
        }
        Tensors.fillZero(out);
        for (Upload u : uploads) {
            Tensors.axpy(weight(u, uploads.size(), total, ctx), u.vector(slot), out);
        }
    }

    /**
     * The streaming form: {@code out} is zeroed, then each upload adds {@code w_n u_n} with one axpy, in increasing
     * client-id order, with w_n from the participants' sample counts in {@code ctx} (total {@code sum_{j in S} m_j}
     * summed in increasing id order, as {@link #aggregate} sums it over the uploads), so the result has the bits of
     * {@link #aggregate}. Memory: {@code out} only.
     */
    @Override
    public Fold fold(int slot, INDArray out, ServerContext ctx) {
        int[] ids = ctx.participants();
        if (ids.length == 0) {
            throw new IllegalArgumentException("uploads must not be empty");
        }
        double total = 0;
        for (int id : ids) {
            total += ctx.clientSize(id);
        }
        final double totalSamples = total;
        Tensors.fillZero(out);
        return new Fold() {
            private int next;

            @Override
            public void add(Upload u) {
                if (next >= ids.length || u.clientId() != ids[next]) {
                    throw new IllegalArgumentException("expected the upload of client "
                            + (next < ids.length ? Integer.toString(ids[next]) : "(none: all " + ids.length
                            + " added)") + ", got client " + u.clientId());
                }
                next++;
                Tensors.axpy(weight(u, ids.length, totalSamples, ctx), u.vector(slot), out);
            }

            @Override
            public void finish() {
                if (next != ids.length) {
                    throw new IllegalStateException("finish after " + next + " of " + ids.length + " uploads");
                }
            }
        };
    }

    /** The weight of one upload. */
    public double weight(Upload u, int participants, double totalSamples, ServerContext ctx) {
        switch (weighting) {
            case SAMPLE_COUNT:
                return u.numSamples() / totalSamples;
            case UNIFORM:
                return 1.0 / participants;
            default:
                return 1.0 / ctx.population();
        }
    }

    @Override
    public String toString() {
        return "WeightedMean[" + weighting + "]";
    }
}
