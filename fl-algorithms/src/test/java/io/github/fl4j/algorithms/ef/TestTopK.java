package io.github.fl4j.algorithms.ef;

import io.github.fl4j.core.api.CompressionClass;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A small deterministic Top-K for the tests of this package (independent of fl-compression): keeps the K entries of
 * largest magnitude, ties broken towards the lower index, zeroes the rest. Contractive with alpha = min(K, d)/d
 * (||C(v) - v||^2 is the sum of the d - K smallest squares, at most (1 - K/d)||v||^2). Bits: K values of the vector's
 * precision plus K indices of ceil(log2 d) bits. Draws nothing. Element-wise access through getDouble/putScalar: slow,
 * but d is tiny in these tests.
 */
final class TestTopK implements Compressor {
    private final int k;

    TestTopK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, was " + k);
        }
        this.k = k;
    }

    @Override
    public String name() {
        return "test-topk(" + k + ")";
    }

    @Override
    public CompressionClass compressionClass(long dimension) {
        return CompressionClass.contractive(Math.min(k, dimension) / (double) dimension);
    }

    @Override
    public long compress(INDArray x, INDArray out, RandomStream rng) {
        int d = (int) x.length();
        double[] v = new double[d];
        for (int j = 0; j < d; j++) {
            v[j] = x.getDouble(j);
        }
        boolean[] keep = new boolean[d];
        int kk = Math.min(k, d);
        for (int s = 0; s < kk; s++) {
            int best = -1;
            for (int j = 0; j < d; j++) {
                if (!keep[j] && (best < 0 || Math.abs(v[j]) > Math.abs(v[best]))) {
                    best = j;
                }
            }
            keep[best] = true;
        }
        for (int j = 0; j < d; j++) {
            out.putScalar(j, keep[j] ? v[j] : 0.0);
        }
        int indexBits = 64 - Long.numberOfLeadingZeros(Math.max(1, d - 1));
        return (long) kk * (Precision.of(x.dataType()).bits() + indexBits);
    }

    @Override
    public String toString() {
        return name();
    }
}
