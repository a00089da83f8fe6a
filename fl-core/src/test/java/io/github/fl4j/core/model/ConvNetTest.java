package io.github.fl4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ConvNet's layers and models: every layer's gradient against central finite differences in float64 (all
 * coordinates of small networks), the three built-in models on coordinate subsets, the forward pass against an
 * independent direct implementation of the documented formulas and layouts (channels-first loops, no im2col), and the
 * parameter counts stated in the papers.
 *
 * <p>ReLU and max-pool kinks: a finite difference is exact only when no pre-activation crosses 0 and no pooling window
 * changes its maximum within the step h = 1e-6. With Gaussian inputs the small networks' few hundred activations are
 * of order 1, so a hit has probability of order 1e-4 per check; the fixed seeds were checked not to hit one.
 */
class ConvNetTest {

    private static Dataset images(RandomStream rng, int m, int features, int classes) {
        INDArray a = Nd4j.create(DataType.DOUBLE, m, features);
        rng.fillGaussian(a, 0.0, 1.0);
        INDArray y = Nd4j.create(DataType.DOUBLE, m, 1);
        for (int i = 0; i < m; i++) {
            y.putScalar(i, 0, rng.nextInt(classes));
        }
        return new Dataset(a, y);
    }

    private static INDArray gaussianParams(ConvNet net, RandomStream rng) {
        INDArray x = Tensors.zeros(Precision.FLOAT64, net.dimension());
        rng.fillGaussian(x, 0.0, 0.3);
        return x;
    }

    private static void checkAll(String what, ConvNet net, long seed) {
        RandomStream rng = new RandomStream(seed);
        Dataset b = images(rng, 3, net.inputs(), net.classes());
        INDArray x = gaussianParams(net, rng);
        long[] all = new long[(int) net.dimension()];
        for (int j = 0; j < all.length; j++) {
            all[j] = j;
        }
        assertGradient(what, net, x, b, all);
    }

    /**
     * Every coordinate j must satisfy {@code |g_j - fd_j| <= 1e-6 (|g_j| + |fd_j|) + 1e-8}: relative error 1e-6, and
     * an absolute floor of 1e-8 for components near 0, where the finite difference's cancellation error
     * {@code eps |f| / h ~ 2.2e-10 |f|} dominates (the losses here are below 40). A wrong factor or sign shows errors
     * of order |g_j|.
     */
    private static void assertGradient(String what, ConvNet net, INDArray x, Dataset b, long[] coordinates) {
        INDArray g = Tensors.zeros(Precision.FLOAT64, net.dimension());
        double f = net.lossAndGradient(x, b, g);
        assertTrue(Math.abs(f) < 40, what + ": loss " + f);
        double h = GradientCheck.DEFAULT_STEP;
        for (long j : coordinates) {
            double xj = x.getDouble(j);
            double up = xj + h;
            double down = xj - h;
            x.putScalar(j, up);
            double fUp = net.loss(x, b);
            x.putScalar(j, down);
            double fDown = net.loss(x, b);
            x.putScalar(j, xj);
            double fd = (fUp - fDown) / (up - down);
            double gj = g.getDouble(j);
            double bound = 1e-6 * (Math.abs(gj) + Math.abs(fd)) + 1e-8;
            assertTrue(Math.abs(gj - fd) <= bound, what + ", coordinate " + j + ": analytic " + gj + ", numeric "
                    + fd);
        }
    }

    @Test
    void firstLayerConvolutionOnChannelsFirstFeatures() {
        checkAll("conv 3 channels in", ConvNet.builder(4, 4, 3).conv(2, 3, 1).dense(3).build(), 1);
        checkAll("conv non-square", ConvNet.builder(4, 6, 2).conv(3, 3, 0).dense(3).build(), 2);
    }

    @Test
    void convolutionAfterConvolutionPropagatesTheInputGradient() {
        checkAll("conv-conv", ConvNet.builder(5, 5, 1).conv(2, 3, 0).conv(3, 2, 0).dense(3).build(), 3);
        checkAll("conv-conv same", ConvNet.builder(5, 4, 2).conv(3, 3, 1).conv(2, 5, 2).dense(2).build(), 4);
    }

    @Test
    void reluLayer() {
        checkAll("relu", ConvNet.builder(3, 3, 1).conv(2, 3, 1).relu().conv(2, 3, 1).dense(3).build(), 5);
    }

    @Test
    void maxPoolIncludingDroppedRemainderRowsAndColumns() {
        checkAll("pool 2 on 5x5", ConvNet.builder(5, 5, 1).conv(2, 1, 0).maxPool(2).conv(2, 2, 0).dense(3).build(), 6);
        checkAll("pool 3 on 6x7", ConvNet.builder(6, 7, 2).conv(2, 3, 1).maxPool(3).dense(3).build(), 7);
    }

    @Test
    void groupNormWithOneSeveralAndPerChannelGroups() {
        for (int g : new int[] {1, 2, 4}) {
            checkAll("gn " + g, ConvNet.builder(3, 3, 1).conv(4, 3, 1).groupNorm(g).conv(2, 3, 1).dense(3).build(),
                    10 + g);
        }
    }

    @Test
    void denseLayers() {
        checkAll("dense first", ConvNet.builder(2, 3, 1).dense(4).relu().dense(3).build(), 8);
        checkAll("everything", referenceNet(), 9);
    }

    /** The network of the reference test: every layer kind, two convolutions, odd sizes. */
    private static ConvNet referenceNet() {
        return ConvNet.builder(6, 5, 2).conv(3, 3, 1).groupNorm(3).relu().maxPool(2).conv(4, 2, 0).relu().dense(5)
                .relu().dense(3).build();
    }

    /** Float64 gradient checks of the built-in models on 15 coordinates per parameterised layer. */
    @Test
    void builtInModelsGradients() {
        checkModel("mcmahan", ConvNet.mcMahanMnist(), 21);
        checkModel("lenet5", ConvNet.leNet5(10), 22);
        checkModel("cifar", ConvNet.cifarGroupNorm(10), 23);
    }

    private static void checkModel(String what, ConvNet net, long seed) {
        RandomStream rng = new RandomStream(seed);
        INDArray a = Nd4j.create(DataType.DOUBLE, 2, net.inputs());
        rng.fillUniform(a, 0.0, 1.0);
        Dataset b = new Dataset(a, Nd4j.createFromArray(new double[][] {{3}, {7}}));
        INDArray x = Tensors.zeros(Precision.FLOAT64, net.dimension());
        net.initialParameters(rng, x);
        // GroupNorm's scale 1 and shift 0 would make their own gradients special; perturb every parameter a little
        INDArray noise = Tensors.zeros(Precision.FLOAT64, net.dimension());
        rng.fillGaussian(noise, 0.0, 0.01);
        x.addi(noise);
        List<Long> coords = new ArrayList<>();
        for (int l = 0; l < net.layerCount(); l++) {
            int off = net.parameterOffset(l);
            int n = net.parameterCount(l);
            if (n == 0) {
                continue;
            }
            for (int i = 0; i < 5; i++) {
                coords.add((long) off + i);
                coords.add((long) off + n - 1 - i);
                coords.add((long) off + rng.nextInt(n));
            }
        }
        long[] c = coords.stream().mapToLong(Long::longValue).toArray();
        assertGradient(what, net, x, b, c);
    }

    @Test
    void parameterCountsOfThePapers() {
        // McMahan et al. 2017: "CNN ... 1,663,370 total parameters" =
        // conv 5*5*1*32+32 = 832, conv 5*5*32*64+64 = 51,264, dense 3136*512+512 = 1,606,144, dense 512*10+10 = 5,130
        ConvNet cnn = ConvNet.mcMahanMnist();
        assertEquals(1_663_370, cnn.dimension());
        assertEquals(832, cnn.parameterOffset(3));
        assertEquals(832 + 51_264, cnn.parameterOffset(6));
        assertEquals(784, cnn.inputs());
        // LeNet-5: 156 + 2,416 + 48,120 + 10,164 + 850
        assertEquals(61_706, ConvNet.leNet5(10).dimension());
        // CIFAR: 4,864 + 128 + 102,464 + 128 + 4096*384+384 + 384*192+192 + 192*10+10
        assertEquals(1_756_682, ConvNet.cifarGroupNorm(10).dimension());
    }

    @Test
    void badLayersAreRejectedWithTheirValues() {
        assertEquals("conv: a 5x5 kernel with pad 0 does not fit a 3 x 3 input", assertThrows(
                IllegalArgumentException.class, () -> ConvNet.builder(3, 3, 1).conv(2, 5, 0)).getMessage());
        assertEquals("groupNorm: groups must divide the 3 channels, was 2", assertThrows(
                IllegalArgumentException.class, () -> ConvNet.builder(3, 3, 1).conv(3, 3, 1).groupNorm(2))
                .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ConvNet.builder(3, 3, 1).conv(3, 3, 1).build()).getMessage().contains("last layer must be dense"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ConvNet.builder(3, 3, 1).relu()).getMessage().contains("cannot be the first layer"));
    }

    /** The loss equals a direct evaluation of the documented formulas and layouts (to 1e-12, float64). */
    @Test
    void forwardEqualsADirectImplementationOfTheDocumentedLayout() {
        ConvNet net = referenceNet();
        RandomStream rng = new RandomStream(31);
        Dataset b = images(rng, 4, net.inputs(), 3);
        INDArray x = gaussianParams(net, rng);
        double[] p = Tensors.toDoubleArray(x);
        double[][] f = b.features().toDoubleMatrix();
        double expected = 0.0;
        for (int i = 0; i < f.length; i++) {
            // channels-first input: value (c, y, x) at c H W + y W + x
            double[][][] v = new double[2][6][5];
            for (int c = 0; c < 2; c++) {
                for (int yy = 0; yy < 6; yy++) {
                    for (int xx = 0; xx < 5; xx++) {
                        v[c][yy][xx] = f[i][c * 30 + yy * 5 + xx];
                    }
                }
            }
            v = conv(v, p, net.parameterOffset(0), 3, 3, 1);
            v = groupNorm(v, p, net.parameterOffset(1), 3);
            v = relu(v);
            v = pool(v, 2);
            v = conv(v, p, net.parameterOffset(4), 4, 2, 0);
            v = relu(v);
            double[] h = dense(flattenChannelsLast(v), p, net.parameterOffset(6), 5);
            for (int j = 0; j < h.length; j++) {
                h[j] = Math.max(h[j], 0.0);
            }
            double[] z = dense(h, p, net.parameterOffset(8), 3);
            int label = (int) b.labels().getDouble(i, 0);
            double max = Math.max(z[0], Math.max(z[1], z[2]));
            double s = Math.exp(z[0] - max) + Math.exp(z[1] - max) + Math.exp(z[2] - max);
            expected += Math.log(s) + max - z[label];
        }
        expected /= f.length;
        assertEquals(expected, net.loss(x, b), 1e-12);
    }

    /** W[(u k + v) C + c][o] at off + ((u k + v) C + c) O + o, then the O biases. */
    private static double[][][] conv(double[][][] in, double[] p, int off, int outC, int k, int pad) {
        int c0 = in.length;
        int h = in[0].length;
        int w = in[0][0].length;
        int oh = h + 2 * pad - k + 1;
        int ow = w + 2 * pad - k + 1;
        double[][][] out = new double[outC][oh][ow];
        for (int o = 0; o < outC; o++) {
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    double s = p[off + k * k * c0 * outC + o];
                    for (int u = 0; u < k; u++) {
                        for (int v = 0; v < k; v++) {
                            int iy = y + u - pad;
                            int ix = x + v - pad;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                continue;
                            }
                            for (int c = 0; c < c0; c++) {
                                s += in[c][iy][ix] * p[off + ((u * k + v) * c0 + c) * outC + o];
                            }
                        }
                    }
                    out[o][y][x] = s;
                }
            }
        }
        return out;
    }

    private static double[][][] groupNorm(double[][][] in, double[] p, int off, int groups) {
        int c0 = in.length;
        int per = c0 / groups;
        int h = in[0].length;
        int w = in[0][0].length;
        double[][][] out = new double[c0][h][w];
        for (int g = 0; g < groups; g++) {
            double sum = 0.0;
            double sq = 0.0;
            int n = per * h * w;
            for (int c = g * per; c < (g + 1) * per; c++) {
                for (double[] row : in[c]) {
                    for (double e : row) {
                        sum += e;
                    }
                }
            }
            double mean = sum / n;
            for (int c = g * per; c < (g + 1) * per; c++) {
                for (double[] row : in[c]) {
                    for (double e : row) {
                        sq += (e - mean) * (e - mean);
                    }
                }
            }
            double sd = Math.sqrt(sq / n + 1e-5);
            for (int c = g * per; c < (g + 1) * per; c++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        out[c][y][x] = p[off + c] * (in[c][y][x] - mean) / sd + p[off + c0 + c];
                    }
                }
            }
        }
        return out;
    }

    private static double[][][] relu(double[][][] in) {
        double[][][] out = new double[in.length][in[0].length][in[0][0].length];
        for (int c = 0; c < in.length; c++) {
            for (int y = 0; y < in[0].length; y++) {
                for (int x = 0; x < in[0][0].length; x++) {
                    out[c][y][x] = Math.max(in[c][y][x], 0.0);
                }
            }
        }
        return out;
    }

    private static double[][][] pool(double[][][] in, int s) {
        int oh = in[0].length / s;
        int ow = in[0][0].length / s;
        double[][][] out = new double[in.length][oh][ow];
        for (int c = 0; c < in.length; c++) {
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    double m = Double.NEGATIVE_INFINITY;
                    for (int u = 0; u < s; u++) {
                        for (int v = 0; v < s; v++) {
                            m = Math.max(m, in[c][s * y + u][s * x + v]);
                        }
                    }
                    out[c][y][x] = m;
                }
            }
        }
        return out;
    }

    /** Index (y W + x) C + c. */
    private static double[] flattenChannelsLast(double[][][] in) {
        int c0 = in.length;
        int h = in[0].length;
        int w = in[0][0].length;
        double[] out = new double[c0 * h * w];
        for (int c = 0; c < c0; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out[(y * w + x) * c0 + c] = in[c][y][x];
                }
            }
        }
        return out;
    }

    /** W [in, out] row-major at off, then the biases. */
    private static double[] dense(double[] in, double[] p, int off, int outputs) {
        double[] out = new double[outputs];
        for (int o = 0; o < outputs; o++) {
            double s = p[off + in.length * outputs + o];
            for (int j = 0; j < in.length; j++) {
                s += in[j] * p[off + j * outputs + o];
            }
            out[o] = s;
        }
        return out;
    }

    @Test
    void denseInputIndexMapsChannelsFirstToChannelsLast() {
        ConvNet net = ConvNet.mcMahanMnist();
        // the dense layer (index 6) reads a 7 x 7 x 64 map: chw = c*49 + y*7 + x  ->  (y*7 + x)*64 + c
        assertEquals(0, net.denseInputIndexChw(6, 0));
        assertEquals(64, net.denseInputIndexChw(6, 1)); // c=0, y=0, x=1
        assertEquals(1, net.denseInputIndexChw(6, 49)); // c=1, y=0, x=0
        assertEquals((2 * 7 + 3) * 64 + 5, net.denseInputIndexChw(6, 5 * 49 + 2 * 7 + 3));
    }
}
