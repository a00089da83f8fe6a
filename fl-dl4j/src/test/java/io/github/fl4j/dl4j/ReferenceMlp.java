package io.github.fl4j.dl4j;

/**
 * A hand-coded float64 ReLU MLP with softmax cross-entropy, written from the textbook formulas in plain Java arrays,
 * as an independent oracle for {@link Dl4jModel}. Layout of its flat vector: per layer, {@code W_l} row-major
 * [n_l, n_{l+1}] then {@code b_l} [n_{l+1}] (the layout of fl4j's built-in MLP). For a batch of m rows,
 *
 * <pre>
 *   h_0 = a;   z_l = h_l W_l + b_l;   h_{l+1} = relu(z_l) (hidden), P = softmax(z_L) (output)
 *   f   = (1/m) sum_i -log P_{i, y_i} + (1/2) sum_l (c_W,l ||W_l||^2 + c_b,l ||b_l||^2)
 *   delta_L = (P - Y)/m;   grad W_l = h_l^T delta_l;   grad b_l = column sums of delta_l;
 *   delta_{l-1} = (delta_l W_l^T) .* [z_{l-1} > 0]
 * </pre>
 */
final class ReferenceMlp {
    final int[] widths;
    final double[] weightDecay;
    final double[] biasDecay;

    /** widths = {in, hidden..., classes}; per-layer L2 coefficients on W and on b (null = none). */
    ReferenceMlp(int[] widths, double[] weightDecay, double[] biasDecay) {
        this.widths = widths.clone();
        int layers = widths.length - 1;
        this.weightDecay = weightDecay != null ? weightDecay : new double[layers];
        this.biasDecay = biasDecay != null ? biasDecay : new double[layers];
    }

    int dimension() {
        int d = 0;
        for (int l = 0; l + 1 < widths.length; l++) {
            d += widths[l] * widths[l + 1] + widths[l + 1];
        }
        return d;
    }

    /** Loss; the gradient (same layout) goes into grad. a is [m][in], y the class indices. */
    double lossAndGradient(double[] x, double[][] a, int[] y, double[] grad) {
        int layers = widths.length - 1;
        int m = a.length;
        int[] offset = new int[layers];
        int o = 0;
        for (int l = 0; l < layers; l++) {
            offset[l] = o;
            o += widths[l] * widths[l + 1] + widths[l + 1];
        }
        double[][][] h = new double[layers + 1][][];
        double[][][] z = new double[layers][][];
        h[0] = a;
        for (int l = 0; l < layers; l++) {
            int in = widths[l];
            int out = widths[l + 1];
            z[l] = new double[m][out];
            h[l + 1] = new double[m][out];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < out; j++) {
                    double s = x[offset[l] + in * out + j];
                    for (int r = 0; r < in; r++) {
                        s += h[l][i][r] * x[offset[l] + r * out + j];
                    }
                    z[l][i][j] = s;
                    h[l + 1][i][j] = l + 1 < layers ? Math.max(0.0, s) : s;
                }
            }
        }
        int k = widths[layers];
        double loss = 0.0;
        double[][] delta = new double[m][k];
        for (int i = 0; i < m; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                max = Math.max(max, z[layers - 1][i][c]);
            }
            double total = 0.0;
            for (int c = 0; c < k; c++) {
                total += Math.exp(z[layers - 1][i][c] - max);
            }
            loss += Math.log(total) + max - z[layers - 1][i][y[i]];
            for (int c = 0; c < k; c++) {
                double p = Math.exp(z[layers - 1][i][c] - max) / total;
                delta[i][c] = (p - (c == y[i] ? 1.0 : 0.0)) / m;
            }
        }
        loss /= m;
        java.util.Arrays.fill(grad, 0.0);
        for (int l = layers - 1; l >= 0; l--) {
            int in = widths[l];
            int out = widths[l + 1];
            for (int r = 0; r < in; r++) {
                for (int j = 0; j < out; j++) {
                    double s = 0.0;
                    for (int i = 0; i < m; i++) {
                        s += h[l][i][r] * delta[i][j];
                    }
                    double w = x[offset[l] + r * out + j];
                    grad[offset[l] + r * out + j] = s + weightDecay[l] * w;
                    loss += 0.5 * weightDecay[l] * w * w;
                }
            }
            for (int j = 0; j < out; j++) {
                double s = 0.0;
                for (int i = 0; i < m; i++) {
                    s += delta[i][j];
                }
                double b = x[offset[l] + in * out + j];
                grad[offset[l] + in * out + j] = s + biasDecay[l] * b;
                loss += 0.5 * biasDecay[l] * b * b;
            }
            if (l > 0) {
                double[][] prev = new double[m][in];
                for (int i = 0; i < m; i++) {
                    for (int r = 0; r < in; r++) {
                        double s = 0.0;
                        for (int j = 0; j < out; j++) {
                            s += delta[i][j] * x[offset[l] + r * out + j];
                        }
                        prev[i][r] = z[l - 1][i][r] > 0.0 ? s : 0.0;
                    }
                }
                delta = prev;
            }
        }
        return loss;
    }

    /**
     * Maps a DL4J flat vector of this MLP (per layer W [in, out] in 'f' order, then b) to this class's layout (W
     * row-major, then b): {@code W[r][j]} is DL4J's {@code offset + r + j in} and ours {@code offset + r out + j}.
     */
    double[] fromDl4j(double[] dl4j) {
        double[] out = new double[dl4j.length];
        int o = 0;
        for (int l = 0; l + 1 < widths.length; l++) {
            int in = widths[l];
            int n = widths[l + 1];
            for (int r = 0; r < in; r++) {
                for (int j = 0; j < n; j++) {
                    out[o + r * n + j] = dl4j[o + r + j * in];
                }
            }
            System.arraycopy(dl4j, o + in * n, out, o + in * n, n);
            o += in * n + n;
        }
        return out;
    }

    /** The inverse of {@link #fromDl4j}. */
    double[] toDl4j(double[] ours) {
        double[] out = new double[ours.length];
        int o = 0;
        for (int l = 0; l + 1 < widths.length; l++) {
            int in = widths[l];
            int n = widths[l + 1];
            for (int r = 0; r < in; r++) {
                for (int j = 0; j < n; j++) {
                    out[o + r + j * in] = ours[o + r * n + j];
                }
            }
            System.arraycopy(ours, o + in * n, out, o + in * n, n);
            o += in * n + n;
        }
        return out;
    }
}
