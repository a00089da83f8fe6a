package io.github.fl4j.core.aggregation;

import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.Upload;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Multi-Krum (Blanchard, El Mhamdi, Guerraoui, Stainer, "Machine Learning with Adversaries: Byzantine Tolerant
 * Gradient Descent", NeurIPS 2017): the uniform mean of the m uploads with the lowest {@link Krum} scores,
 * <pre>
 *   score_i = sum over the n - f - 2 uploads j != i closest to u_i of ||u_i - u_j||^2
 *   out     = (1/m) sum_{i in M} u_i,   M = the m lowest scores (ties: lower client id first)
 * </pre>
 * m = 1 is Krum; m = n is the plain mean. It requires n &gt; 2f + 2 and m &lt;= n, and fails naming n, f and m
 * otherwise. The sample counts are ignored.
 *
 * <p>Robustness: as Krum's (f &lt; (n - 2)/2) when m &lt;= n - f, the choice in the paper's experiments; the mean of
 * the selected uploads lowers the variance of Krum's single choice. Translation and scale equivariant, within the
 * coordinate-wise range. Cost: O(n^2 d) for the distances plus O(m d) for the mean, summed in double precision in
 * increasing client-id order; n^2 + d doubles of scratch per call, no ND4J allocation. Immutable and thread-safe.
 */
public final class MultiKrum implements Aggregator {
    private final int f;
    private final int m;

    /**
     * @param f the number of Byzantine uploads tolerated, &gt;= 0
     * @param m the number of uploads averaged, &gt;= 1
     * @throws IllegalArgumentException naming the field and its value
     */
    public MultiKrum(int f, int m) {
        if (f < 0) {
            throw new IllegalArgumentException("f must be >= 0, was " + f);
        }
        if (m < 1) {
            throw new IllegalArgumentException("m must be >= 1, was " + m);
        }
        this.f = f;
        this.m = m;
    }

    /** The number f of Byzantine uploads tolerated. */
    public int f() {
        return f;
    }

    /** The number m of uploads averaged. */
    public int m() {
        return m;
    }

    /** The indices (into {@code uploads}) of the m selected uploads, in increasing order. */
    public int[] select(List<Upload> uploads, int slot) {
        if (uploads.isEmpty()) {
            throw new IllegalArgumentException("uploads must not be empty");
        }
        return select(FlatVector.of(uploads, slot, uploads.get(0).vector(slot)));
    }

    private int[] select(FlatVector[] x) {
        KrumScores.check(toString(), x.length, f);
        if (m > x.length) {
            throw new IllegalArgumentException(toString() + " needs m <= n uploads, got n = " + x.length
                    + " (m = " + m + ")");
        }
        Integer[] order = KrumScores.ranking(x, f);
        int[] chosen = new int[m];
        for (int i = 0; i < m; i++) {
            chosen[i] = order[i];
        }
        Arrays.sort(chosen);
        return chosen;
    }

    @Override
    public void aggregate(List<Upload> uploads, int slot, INDArray out, ServerContext ctx) {
        FlatVector[] x = FlatVector.of(uploads, slot, out);
        int[] chosen = select(x);
        double[] acc = new double[x[0].length()];
        double[] scratch = new double[FlatVector.BLOCK];
        for (int i : chosen) {
            x[i].addScaledTo(1.0, acc, scratch);
        }
        for (int j = 0; j < acc.length; j++) {
            acc[j] /= m;
        }
        new FlatVector(out).writeAll(acc);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultiKrum k && k.f == f && k.m == m;
    }

    @Override
    public int hashCode() {
        return 31 * f + m;
    }

    @Override
    public String toString() {
        return "MultiKrum[f=" + f + ", m=" + m + "]";
    }
}
