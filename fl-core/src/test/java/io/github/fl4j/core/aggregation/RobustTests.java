package io.github.fl4j.core.aggregation;

import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Helpers of the robust aggregators' hand-computed tests: uploads from rows of a matrix, and one aggregation. */
final class RobustTests {
    private RobustTests() {
    }

    /** Uploads of clients 0..n-1, row i of {@code rows} from client i with {@code sizes[i]} samples (1 when null). */
    static List<Upload> rowsOf(double[][] rows, int[] sizes) {
        List<Upload> out = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            out.add(new Upload(i, sizes == null ? 1 : sizes[i], Message.of(Nd4j.createFromArray(rows[i]))));
        }
        return out;
    }

    /** Uploads of clients 0..n-1 with one sample each. */
    static List<Upload> rowsOf(double[]... rows) {
        return rowsOf(rows, null);
    }

    /** Aggregates slot 0 in float64 into a NaN-filled buffer and returns the values. */
    static double[] apply(Aggregator a, List<Upload> uploads) {
        int d = (int) uploads.get(0).vector(0).length();
        INDArray out = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, d);
        out.assign(Double.NaN);
        int[] sizes = new int[uploads.size()];
        int[] ids = new int[uploads.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = uploads.get(i).numSamples();
            ids[i] = i;
        }
        a.aggregate(uploads, 0, out, new ServerContext(1, sizes, ids, new SeedTree(1), Precision.FLOAT64));
        return Tensors.toDoubleArray(out);
    }

    /**
     * n - f honest uploads N(0.5, 1) of dimension d from a fixed seed, followed by f Byzantine uploads with 1e6 in
     * every coordinate.
     */
    static List<Upload> withOutliers(int n, int f, int d) {
        RandomStream r = new RandomStream(99);
        double[][] rows = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                rows[i][j] = i < n - f ? r.nextGaussian(0.5, 1) : 1e6;
            }
        }
        return rowsOf(rows);
    }

    /** Whether every coordinate of {@code out} lies within the range of the first {@code honest} uploads. */
    static boolean withinHonestRange(double[] out, List<Upload> uploads, int honest) {
        for (int j = 0; j < out.length; j++) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < honest; i++) {
                double v = uploads.get(i).vector(0).getDouble(j);
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            if (out[j] < lo || out[j] > hi) {
                return false;
            }
        }
        return true;
    }
}
