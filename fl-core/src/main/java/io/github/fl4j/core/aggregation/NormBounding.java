package io.github.fl4j.core.aggregation;

import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import io.github.fl4j.core.tensor.Workspace;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Norm bounding (Sun, Kairouz, Suresh, McMahan, "Can You Really Backdoor Federated Learning?", arXiv 1911.07963,
 * 2019): every upload is scaled to norm at most M, then an inner aggregator combines them,
 * <pre>
 *   u_i' = u_i min(1, M / ||u_i||)          out = inner(u_1', ..., u_n')
 * </pre>
 * with the sample-weighted mean as the default inner aggregator, as in the paper.
 *
 * <p>Robustness: not a breakdown-point defence. With a weighted-mean inner aggregator the output has norm at most M
 * whatever the uploads, and replacing uploads of total weight w moves it by at most 2 w M: it removes the advantage of
 * boosted (scaled-up) malicious updates, which is the backdoor attack the paper studies, but not of well-aimed ones
 * within the bound. Neither translation nor scale equivariant (M is a fixed radius), and not within the coordinate-wise
 * range (scaling moves a vector towards 0); identical uploads of norm at most M aggregate to themselves.
 *
 * <p>Cost: n norms (BLAS) plus the inner aggregator. With a {@link WeightedMean} inner aggregator the scale factors
 * are folded into its weights (one axpy per upload, no copy; with no upload above M the bits equal the weighted
 * mean's). Any other inner aggregator receives scaled copies of the uploads above M, kept in per-thread scratch
 * vectors of this instance (reused across calls, never shared between threads). Immutable and thread-safe.
 */
public final class NormBounding implements Aggregator {
    private final double maxNorm;
    private final Aggregator inner;
    private final ThreadLocal<Workspace> scratch = ThreadLocal.withInitial(Workspace::new);

    /** Norm bound M with the sample-weighted mean ({@link WeightedMean#bySampleCount()}) as inner aggregator. */
    public NormBounding(double maxNorm) {
        this(maxNorm, WeightedMean.bySampleCount());
    }

    /**
     * @param maxNorm the bound M, &gt; 0 and finite
     * @param inner   the aggregator of the bounded uploads
     * @throws IllegalArgumentException naming the field and its value
     */
    public NormBounding(double maxNorm, Aggregator inner) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("maxNorm must be finite and > 0, was " + maxNorm);
        }
        if (inner == null) {
            throw new IllegalArgumentException("inner must not be null");
        }
        this.maxNorm = maxNorm;
        this.inner = inner;
    }

    /** The bound M. */
    public double maxNorm() {
        return maxNorm;
    }

    /** The inner aggregator. */
    public Aggregator inner() {
        return inner;
    }

    /** The scale factor min(1, M / ||x||) of a vector (1 for the zero vector). */
    public double factor(INDArray x) {
        double norm = Tensors.norm2(x);
        return norm > maxNorm ? maxNorm / norm : 1.0;
    }

    @Override
    public void aggregate(List<Upload> uploads, int slot, INDArray out, ServerContext ctx) {
        if (uploads.isEmpty()) {
            throw new IllegalArgumentException("uploads must not be empty");
        }
        if (inner instanceof WeightedMean mean) {
            double total = 0;
            for (Upload u : uploads) {
                total += u.numSamples();
            }
            Tensors.fillZero(out);
            for (Upload u : uploads) {
                INDArray x = u.vector(slot);
                Tensors.axpy(mean.weight(u, uploads.size(), total, ctx) * factor(x), x, out);
            }
            return;
        }
        Workspace w = scratch.get();
        List<Upload> bounded = new ArrayList<>(uploads.size());
        for (int i = 0; i < uploads.size(); i++) {
            Upload u = uploads.get(i);
            INDArray x = u.vector(slot);
            double c = factor(x);
            INDArray v = x;
            if (c < 1.0) {
                v = w.vector("normbounding." + i, Precision.of(x.dataType()), x.length());
                Tensors.copy(x, v);
                Tensors.scale(c, v);
            }
            bounded.add(new Upload(u.clientId(), u.numSamples(), Message.of(v)));
        }
        inner.aggregate(bounded, 0, out, ctx);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NormBounding b && Double.compare(b.maxNorm, maxNorm) == 0 && b.inner.equals(inner);
    }

    @Override
    public int hashCode() {
        return 31 * Double.hashCode(maxNorm) + inner.hashCode();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "NormBounding[maxNorm=%s, inner=%s]", maxNorm, inner);
    }
}
