package io.github.fl4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.Evaluation;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.model.ConvNet;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * McMahan's MNIST CNN two ways: DL4J's network ({@link Dl4jModels#mnistCnn()}, through {@link Dl4jModel}) and fl4j's
 * built-in {@link ConvNet#mcMahanMnist()} (im2col on BLAS, no DL4J) give the same loss, gradient and evaluation for
 * the same parameters, in float64. Two independent implementations of the same network: a wrong padding, pooling
 * choice, flattening order or layout would show as differences of the order of the values themselves.
 *
 * <p>Parameter mapping (the DL4J blocks as {@link Dl4jModel#blocks()} reports them): a convolution's DL4J weight
 * {@code W[o][c][u][v]} (shape [out, in, k, k]) is ConvNet's {@code W[(u k + v) C + c][o]}; the dense layer after
 * the second pooling reads DL4J's channels-first flattening of the 64 x 7 x 7 map, so DL4J's row {@code chw} is
 * ConvNet's row {@link ConvNet#denseInputIndexChw}; the output layer and all biases map one to one.
 *
 * <p>Tolerance: 1e-10 on the loss and 1e-10 times the largest gradient component on every component. Both sum the
 * same products in different orders (im2col gemm against DL4J's own convolution), which in float64 differs by about
 * 1e-16 relative per product summed; the observed differences are far below the bound.
 */
class Dl4jVersusBuiltInCnnTest {

    @Test
    void mcMahanCnnLossGradientAndEvaluationEqualTheBuiltInNetworkInFloat64() {
        ConvNet cnn = ConvNet.mcMahanMnist();
        Dl4jModel dl4j = Dl4jModels.mnistCnn();
        assertEquals(cnn.dimension(), dl4j.dimension());
        Map<String, Dl4jModel.Block> blocks = new HashMap<>();
        for (Dl4jModel.Block b : dl4j.blocks()) {
            blocks.put(b.layer() + "_" + b.key(), b);
        }
        RandomStream rng = new RandomStream(5);
        int m = 6;
        INDArray a = Nd4j.create(DataType.DOUBLE, m, 784);
        rng.fillUniform(a, 0.0, 1.0);
        INDArray y = Nd4j.create(DataType.DOUBLE, m, 1);
        for (int i = 0; i < m; i++) {
            y.putScalar(i, 0, rng.nextInt(10));
        }
        Dataset batch = new Dataset(a, y);
        INDArray xDl4j = Tensors.zeros(Precision.FLOAT64, dl4j.dimension());
        dl4j.initialParameters(rng, xDl4j);
        // a little noise on top of the initialiser, so no bias is exactly 0 and no pooling window ties
        INDArray noise = Tensors.zeros(Precision.FLOAT64, dl4j.dimension());
        rng.fillGaussian(noise, 0.0, 0.01);
        xDl4j.addi(noise);
        INDArray xCnn = Nd4j.createFromArray(toConvNet(cnn, blocks, Tensors.toDoubleArray(xDl4j)));

        INDArray gDl4j = Tensors.zeros(Precision.FLOAT64, dl4j.dimension());
        INDArray gCnn = Tensors.zeros(Precision.FLOAT64, cnn.dimension());
        double lossDl4j = dl4j.lossAndGradient(xDl4j, batch, gDl4j);
        double lossCnn = cnn.lossAndGradient(xCnn, batch, gCnn);
        assertEquals(lossDl4j, lossCnn, 1e-10, "loss");
        assertTrue(lossCnn > 1.0, "a non-trivial loss: " + lossCnn);
        double[] expected = toConvNet(cnn, blocks, Tensors.toDoubleArray(gDl4j));
        double[] actual = Tensors.toDoubleArray(gCnn);
        double scale = 0.0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        assertTrue(scale > 1e-3, "a non-trivial gradient: " + scale);
        double worst = 0.0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
            assertEquals(expected[i], actual[i], 1e-10 * scale, "gradient " + i);
        }
        Evaluation eDl4j = dl4j.evaluate(xDl4j, batch);
        Evaluation eCnn = cnn.evaluate(xCnn, batch);
        assertEquals(eDl4j.loss(), eCnn.loss(), 1e-10, "evaluation loss");
        assertEquals(eDl4j.accuracy(), eCnn.accuracy(), 0.0, "accuracy");
        System.out.printf("McMahan CNN, DL4J vs built-in, float64: |loss diff| %.3g, max |gradient diff| %.3g "
                + "(largest component %.3g)%n", Math.abs(lossDl4j - lossCnn), worst, scale);
    }

    /** DL4J's flat vector (parameters or gradient) in ConvNet's layout (see the class comment). */
    private static double[] toConvNet(ConvNet cnn, Map<String, Dl4jModel.Block> blocks, double[] v) {
        double[] out = new double[v.length];
        // (ConvNet layer, DL4J layer): conv 0 <- 0, conv 3 <- 2, dense 6 <- 4, dense 8 <- 5
        convolution(out, cnn.parameterOffset(0), blocks.get("0_W"), blocks.get("0_b"), v);
        convolution(out, cnn.parameterOffset(3), blocks.get("2_W"), blocks.get("2_b"), v);
        dense(out, cnn, 6, blocks.get("4_W"), blocks.get("4_b"), v, true);
        dense(out, cnn, 8, blocks.get("5_W"), blocks.get("5_b"), v, false);
        return out;
    }

    private static void convolution(double[] out, int at, Dl4jModel.Block w, Dl4jModel.Block b, double[] v) {
        long[] s = w.shape(); // [out, in, k, k]
        int o = (int) s[0];
        int c = (int) s[1];
        int k = (int) s[2];
        for (int oo = 0; oo < o; oo++) {
            for (int cc = 0; cc < c; cc++) {
                for (int u = 0; u < k; u++) {
                    for (int vv = 0; vv < k; vv++) {
                        out[at + ((u * k + vv) * c + cc) * o + oo] = v[index(w, oo, cc, u, vv)];
                    }
                }
            }
        }
        for (int oo = 0; oo < o; oo++) {
            out[at + k * k * c * o + oo] = v[(int) b.offset() + oo];
        }
    }

    private static void dense(double[] out, ConvNet cnn, int layer, Dl4jModel.Block w, Dl4jModel.Block b, double[] v,
            boolean afterConvolution) {
        int at = cnn.parameterOffset(layer);
        int in = (int) w.shape()[0];
        int o = (int) w.shape()[1];
        for (int j = 0; j < in; j++) {
            int row = afterConvolution ? cnn.denseInputIndexChw(layer, j) : j;
            for (int oo = 0; oo < o; oo++) {
                out[at + row * o + oo] = v[index(w, j, oo)];
            }
        }
        for (int oo = 0; oo < o; oo++) {
            out[at + in * o + oo] = v[(int) b.offset() + oo];
        }
    }

    /** The flat index of element {@code idx} of a block, in its order ('c' row-major, 'f' column-major). */
    private static int index(Dl4jModel.Block block, long... idx) {
        long[] s = block.shape();
        long lin = 0;
        if (block.order() == 'c') {
            for (int d = 0; d < s.length; d++) {
                lin = lin * s[d] + idx[d];
            }
        } else {
            for (int d = s.length - 1; d >= 0; d--) {
                lin = lin * s[d] + idx[d];
            }
        }
        return (int) (block.offset() + lin);
    }
}
