package io.github.fl4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.fl4j.core.api.Evaluation;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.model.Mlp;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The key test of the adapter: for the same parameters, a DL4J MLP through {@link Dl4jModel} and fl4j's built-in
 * {@link Mlp} (written directly on BLAS, no DL4J) compute the same loss, gradient and evaluation to 1e-10 in float64,
 * with and without L2. Two independent implementations of the same formulas (Mlp's javadoc): disagreement beyond
 * float64 rounding (about 1e-15 relative for these sizes) would mean a wrong scaling, sign, layout or regulariser.
 *
 * <p>Layouts: both store layer by layer W then b, with W of shape [n_in, n_out]; Mlp row-major, DL4J column-major
 * ({@link ReferenceMlp#fromDl4j} maps between them).
 */
class Dl4jVersusBuiltInMlpTest {

    private static Dataset batch(RandomStream rng, int m, int p, int k) {
        INDArray a = Nd4j.create(DataType.DOUBLE, m, p);
        rng.fillGaussian(a, 0.0, 1.0);
        INDArray y = Nd4j.create(DataType.DOUBLE, m, 1);
        for (int i = 0; i < m; i++) {
            y.putScalar(i, 0, rng.nextInt(k));
        }
        return new Dataset(a, y);
    }

    /** The DL4J configuration of Mlp(in, hidden, classes, lambda): L2 = lambda on every W, none on the biases. */
    private static MultiLayerConfiguration withL2(int in, int[] hidden, int classes, double lambda) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().updater(new NoOp())
                .l2(lambda).list();
        int prev = in;
        for (int h : hidden) {
            list.layer(new DenseLayer.Builder().nIn(prev).nOut(h).activation(Activation.RELU).build());
            prev = h;
        }
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(prev).nOut(classes)
                .activation(Activation.SOFTMAX).build());
        return list.build();
    }

    private static int[] widths(int in, int[] hidden, int classes) {
        int[] w = new int[hidden.length + 2];
        w[0] = in;
        System.arraycopy(hidden, 0, w, 1, hidden.length);
        w[w.length - 1] = classes;
        return w;
    }

    @Test
    void lossGradientAndEvaluationEqualTheBuiltInMlpInFloat64() {
        int[][] hiddens = {{7}, {6, 5}, {}};
        for (int[] hidden : hiddens) {
            for (double lambda : new double[] {0.0, 0.05}) {
                int in = 9;
                int k = 4;
                Mlp mlp = new Mlp(in, hidden, k, lambda);
                Dl4jModel dl4j = new Dl4jModel(withL2(in, hidden, k, lambda));
                ReferenceMlp layout = new ReferenceMlp(widths(in, hidden, k), null, null);
                assertEquals(mlp.dimension(), dl4j.dimension());
                String what = "hidden " + java.util.Arrays.toString(hidden) + " lambda " + lambda;
                for (long seed = 1; seed <= 3; seed++) {
                    RandomStream rng = new RandomStream(100 * seed + hidden.length);
                    Dataset b = batch(rng, 16, in, k);
                    INDArray xDl4j = Tensors.zeros(Precision.FLOAT64, dl4j.dimension());
                    rng.fillGaussian(xDl4j, 0.0, 0.5);
                    INDArray xMlp = Nd4j.createFromArray(layout.fromDl4j(Tensors.toDoubleArray(xDl4j)));
                    INDArray gDl4j = Tensors.zeros(Precision.FLOAT64, dl4j.dimension());
                    INDArray gMlp = Tensors.zeros(Precision.FLOAT64, mlp.dimension());
                    double lossDl4j = dl4j.lossAndGradient(xDl4j, b, gDl4j);
                    double lossMlp = mlp.lossAndGradient(xMlp, b, gMlp);
                    assertEquals(lossMlp, lossDl4j, 1e-10, what + " loss");
                    assertArrayEquals(Tensors.toDoubleArray(gMlp), layout.fromDl4j(Tensors.toDoubleArray(gDl4j)),
                            1e-10, what + " gradient");
                    assertEquals(lossMlp, dl4j.loss(xDl4j, b), 1e-10, what + " loss()");
                    Evaluation eMlp = mlp.evaluate(xMlp, b);
                    Evaluation eDl4j = dl4j.evaluate(xDl4j, b);
                    assertEquals(eMlp.loss(), eDl4j.loss(), 1e-10, what + " evaluation loss");
                    assertEquals(eMlp.accuracy(), eDl4j.accuracy(), 0.0, what + " accuracy");
                }
            }
        }
    }

    @Test
    void theMcMahan2nnAgreesOnAMnistSizedBatch() {
        // 784-200-200-10 (199,210 parameters), a batch of 32 rows of U(0, 1) "pixels", parameters from the shared
        // initialiser (see the next test), so the logits are of moderate size as in training
        Mlp mlp = Mlp.mcMahan2nn();
        Dl4jModel dl4j = Dl4jModels.mlp(784, new int[] {200, 200}, 10);
        assertEquals(199_210, dl4j.dimension());
        ReferenceMlp layout = new ReferenceMlp(new int[] {784, 200, 200, 10}, null, null);
        RandomStream rng = new RandomStream(7);
        INDArray a = Nd4j.create(DataType.DOUBLE, 32, 784);
        rng.fillUniform(a, 0.0, 1.0);
        INDArray y = Nd4j.create(DataType.DOUBLE, 32, 1);
        for (int i = 0; i < 32; i++) {
            y.putScalar(i, 0, rng.nextInt(10));
        }
        Dataset b = new Dataset(a, y);
        INDArray xDl4j = Tensors.zeros(Precision.FLOAT64, dl4j.dimension());
        dl4j.initialParameters(new RandomStream(8), xDl4j);
        INDArray xMlp = Nd4j.createFromArray(layout.fromDl4j(Tensors.toDoubleArray(xDl4j)));
        INDArray gDl4j = Tensors.zeros(Precision.FLOAT64, dl4j.dimension());
        INDArray gMlp = Tensors.zeros(Precision.FLOAT64, mlp.dimension());
        assertEquals(mlp.lossAndGradient(xMlp, b, gMlp), dl4j.lossAndGradient(xDl4j, b, gDl4j), 1e-10);
        assertArrayEquals(Tensors.toDoubleArray(gMlp), layout.fromDl4j(Tensors.toDoubleArray(gDl4j)), 1e-10);
    }

    @Test
    void bothStartFromTheSameInitialParametersGivenTheSameStream() {
        // both draw U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for every weight and bias, W in row-major order of [in, out],
        // layer by layer: the same numbers, only DL4J stores W column-major. Bitwise, in both precisions.
        int[] hidden = {6, 5};
        Mlp mlp = new Mlp(9, hidden, 4);
        Dl4jModel dl4j = Dl4jModels.mlp(9, hidden, 4);
        ReferenceMlp layout = new ReferenceMlp(widths(9, hidden, 4), null, null);
        for (Precision p : Precision.values()) {
            INDArray xMlp = Tensors.zeros(p, mlp.dimension());
            INDArray xDl4j = Tensors.zeros(p, dl4j.dimension());
            mlp.initialParameters(new RandomStream(3), xMlp);
            dl4j.initialParameters(new RandomStream(3), xDl4j);
            assertArrayEquals(Tensors.toDoubleArray(xMlp), layout.fromDl4j(Tensors.toDoubleArray(xDl4j)), 0.0,
                    p.toString());
        }
    }
}
