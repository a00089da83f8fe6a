package io.github.fl4j.core.aggregation;

import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.tensor.Tensors;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Krum (Blanchard, El Mhamdi, Guerraoui, Stainer, "Machine Learning with Adversaries: Byzantine Tolerant Gradient
 * Descent", NeurIPS 2017): with n uploads of which at most f are Byzantine,
 * <pre>
 *   score_i = sum over the n - f - 2 uploads j != i closest to u_i of ||u_i - u_j||^2
 *   out     = u_{i*},   i* = argmin_i score_i   (ties: the lowest client id)
 * </pre>
 * It requires n &gt; 2f + 2 and fails naming n and f otherwise. The sample counts are ignored.
 *
 * <p>Robustness: Blanchard et al. prove (alpha, f)-Byzantine resilience for 2f + 2 &lt; n, i.e. a breakdown point
 * just under 1/2: f Byzantine uploads with f &lt; (n - 2)/2 cannot make the output arbitrary, since the selected
 * upload is one whose nearest neighbours include honest ones. The output is always one of the uploads, so it stays
 * within the coordinate-wise range and is translation and scale equivariant (the ranking by distances is invariant).
 * Cost: the n(n-1)/2 pairwise squared distances, O(n^2 d), in double precision with plain loops; n^2 doubles of
 * scratch per call. Immutable and thread-safe.
 */
public final class Krum implements Aggregator {
    private final int f;

    /**
     * @param f the number of Byzantine uploads tolerated, &gt;= 0
     * @throws IllegalArgumentException naming f and its value when negative
     */
    public Krum(int f) {
        if (f < 0) {
            throw new IllegalArgumentException("f must be >= 0, was " + f);
        }
        this.f = f;
    }

    /** The number f of Byzantine uploads tolerated. */
    public int f() {
        return f;
    }

    /** The index (into {@code uploads}) of the upload Krum selects. */
    public int select(List<Upload> uploads, int slot) {
        if (uploads.isEmpty()) {
            throw new IllegalArgumentException("uploads must not be empty");
        }
        FlatVector[] x = FlatVector.of(uploads, slot, uploads.get(0).vector(slot));
        KrumScores.check(toString(), x.length, f);
        return KrumScores.ranking(x, f)[0];
    }

    @Override
    public void aggregate(List<Upload> uploads, int slot, INDArray out, ServerContext ctx) {
        FlatVector[] x = FlatVector.of(uploads, slot, out);
        KrumScores.check(toString(), x.length, f);
        INDArray chosen = uploads.get(KrumScores.ranking(x, f)[0]).vector(slot);
        if (chosen.dataType() == out.dataType()) {
            Tensors.copy(chosen, out);
        } else {
            double[] v = new double[x[0].length()];
            new FlatVector(chosen).read(0, v.length, v, 0);
            new FlatVector(out).writeAll(v);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Krum k && k.f == f;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(f);
    }

    @Override
    public String toString() {
        return "Krum[f=" + f + "]";
    }
}
