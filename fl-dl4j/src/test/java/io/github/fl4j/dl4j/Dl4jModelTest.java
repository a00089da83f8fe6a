package io.github.fl4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.Evaluation;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.model.GradientCheck;
import io.github.fl4j.core.model.ModelContractTest;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.List;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The model contract for the DL4J adapter (a 5-6-4-3 ReLU MLP; the regularised variant has L2 and weight decay on
 * different layers), plus the DL4J facts the adapter relies on, an independent float64 oracle, the parameter layout
 * and the rejected configurations.
 *
 * <p>Every contract test of {@link ModelContractTest} holds for DL4J as adapted, including bitwise equality of
 * concurrent and sequential calls in float32 (each thread has its own network and ND4J runs one thread per op), so
 * nothing is overridden.
 */
class Dl4jModelTest extends ModelContractTest {
    private static final int CLASSES = 3;
    private static final int[] HIDDEN = {6, 4};
    /** L2 on W of layers 0 and 2, L2 on b of layer 0, weight decay on W of layer 1. */
    private static final double[] W_DECAY = {0.1, 0.2, 0.15};
    private static final double[] B_DECAY = {0.05, 0.0, 0.0};

    @Override
    protected Model model() {
        return Dl4jModels.mlp(FEATURES, HIDDEN, CLASSES);
    }

    @Override
    protected Model regularizedModel() {
        return new Dl4jModel(regularizedConfiguration());
    }

    private static MultiLayerConfiguration regularizedConfiguration() {
        Layer l0 = new DenseLayer.Builder().nIn(FEATURES).nOut(HIDDEN[0]).activation(Activation.RELU)
                .l2(W_DECAY[0]).l2Bias(B_DECAY[0]).build();
        Layer l1 = new DenseLayer.Builder().nIn(HIDDEN[0]).nOut(HIDDEN[1]).activation(Activation.RELU)
                .weightDecay(W_DECAY[1], true).build();
        Layer l2 = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(HIDDEN[1]).nOut(CLASSES)
                .activation(Activation.SOFTMAX).l2(W_DECAY[2]).build();
        return new NeuralNetConfiguration.Builder().updater(new NoOp()).list().layer(l0).layer(l1).layer(l2).build();
    }

    @Override
    protected Dataset batch(RandomStream rng, int m) {
        INDArray a = gaussianMatrix(rng, m, FEATURES);
        INDArray y = Nd4j.create(DataType.DOUBLE, m, 1);
        for (int i = 0; i < m; i++) {
            y.putScalar(i, 0, rng.nextInt(CLASSES));
        }
        return new Dataset(a, y);
    }

    @Override
    protected Evaluation evaluateInChunks(Model model, INDArray params, Dataset data, int chunkRows) {
        return ((Dl4jModel) model).evaluate(params, data, chunkRows);
    }

    private static double[][] rows(INDArray a) {
        return a.toDoubleMatrix();
    }

    private static int[] labels(Dataset b) {
        double[] v = Tensors.toDoubleArray(b.labels());
        int[] y = new int[v.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = (int) v[i];
        }
        return y;
    }

    @Test
    void releaseScratchClosesTheThreadsNetworksAndTheModelStaysUsable() {
        Model m = model();
        RandomStream rng = new RandomStream(3);
        Dataset b = batch(rng, 8);
        for (Precision p : Precision.values()) {
            Dataset batch = b.as(p);
            INDArray x = Tensors.zeros(p, m.dimension());
            m.initialParameters(new RandomStream(5), x);
            INDArray g1 = Tensors.zeros(p, m.dimension());
            double loss1 = m.lossAndGradient(x, batch, g1);
            long freed = m.releaseScratch();
            // parameters and gradient of the closed network, 4 or 8 bytes each
            assertEquals(2L * m.dimension() * (p == Precision.FLOAT64 ? 8 : 4), freed, p.toString());
            assertEquals(0, m.releaseScratch(), "nothing left on this thread");
            INDArray g2 = Tensors.zeros(p, m.dimension());
            double loss2 = m.lossAndGradient(x, batch, g2);
            assertEquals(loss1, loss2, 0.0);
            assertEquals(g1, g2);
            m.releaseScratch();
        }
    }

    // ------------------------------------------------------------------------------------ DL4J facts (M2.1)

    @Test
    void dl4jScoreIsTheBatchMeanButItsGradientIsTheBatchSum() {
        // The adapter's scaling rests on this: MultiLayerNetwork.computeGradientAndScore() returns the mean loss
        // (LossMCXENT averaged over the minibatch) plus the regularisation score, while the flattened gradient is the
        // SUM over the minibatch without regularisation (DL4J's updater divides by the batch size and adds the L2
        // term). Checked here against the float64 oracle on a 4-3-2 net with L2 = 0.3 on the output weights.
        MultiLayerConfiguration c = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .updater(new NoOp()).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(2)
                        .activation(Activation.SOFTMAX).l2(0.3).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(c);
        net.init(Nd4j.create(DataType.DOUBLE, 23), false);
        RandomStream rng = new RandomStream(31);
        int m = 6;
        INDArray x = Nd4j.create(DataType.DOUBLE, 23);
        rng.fillGaussian(x, 0.0, 0.5);
        INDArray a = gaussianMatrix(rng, m, 4);
        INDArray oneHot = Nd4j.create(DataType.DOUBLE, m, 2);
        int[] y = new int[m];
        for (int i = 0; i < m; i++) {
            y[i] = rng.nextInt(2);
            oneHot.putScalar(i, y[i], 1.0);
        }
        INDArray view = net.params();
        net.params().assign(x);
        assertTrue(view == net.params(), "params() is the flattened view itself");
        net.setParams(x.mul(1.0));
        assertTrue(view == net.params(), "setParams copies into the existing view");
        net.setInput(a);
        net.setLabels(oneHot);
        net.computeGradientAndScore();
        double[] g = Tensors.toDoubleArray(net.getFlattenedGradients());

        ReferenceMlp withL2 = new ReferenceMlp(new int[] {4, 3, 2}, new double[] {0.0, 0.3}, null);
        ReferenceMlp plain = new ReferenceMlp(new int[] {4, 3, 2}, null, null);
        double[] ours = withL2.fromDl4j(Tensors.toDoubleArray(x));
        double[] expectedGrad = new double[23];
        double expectedLoss = withL2.lossAndGradient(ours, rows(a), y, expectedGrad);
        plain.lossAndGradient(ours, rows(a), y, expectedGrad);
        double[] expected = plain.toDl4j(expectedGrad);
        assertEquals(expectedLoss, net.score(), 1e-12);
        for (int j = 0; j < 23; j++) {
            assertEquals(m * expected[j], g[j], 1e-12, "summed, unregularised gradient " + j);
        }
    }

    // ---------------------------------------------------------------------------------------- oracle and layout

    @Test
    void lossAndGradientEqualAHandCodedFloat64Mlp() {
        // the hand-coded oracle (ReferenceMlp: textbook forward/backward in plain double arrays) on a 4-3-2 ReLU net
        // and on the regularised 5-6-4-3 net, parameters mapped between the two layouts; agreement to 1e-10
        for (boolean regularized : new boolean[] {false, true}) {
            Dl4jModel model = regularized ? new Dl4jModel(regularizedConfiguration())
                    : Dl4jModels.mlp(4, new int[] {3}, 2);
            int[] widths = regularized ? new int[] {FEATURES, 6, 4, 3} : new int[] {4, 3, 2};
            ReferenceMlp ref = regularized ? new ReferenceMlp(widths, W_DECAY, B_DECAY)
                    : new ReferenceMlp(widths, null, null);
            assertEquals(ref.dimension(), model.dimension());
            for (long seed = 1; seed <= 3; seed++) {
                RandomStream rng = new RandomStream(40 + seed);
                int m = 9;
                Dataset b = new Dataset(gaussianMatrix(rng, m, widths[0]), Nd4j.create(DataType.DOUBLE, m, 1));
                for (int i = 0; i < m; i++) {
                    b.labels().putScalar(i, 0, rng.nextInt(widths[widths.length - 1]));
                }
                INDArray x = Tensors.zeros(Precision.FLOAT64, model.dimension());
                rng.fillGaussian(x, 0.0, 0.5);
                INDArray g = Tensors.zeros(Precision.FLOAT64, model.dimension());
                double loss = model.lossAndGradient(x, b, g);
                double[] expectedGrad = new double[ref.dimension()];
                double expectedLoss = ref.lossAndGradient(ref.fromDl4j(Tensors.toDoubleArray(x)), rows(b.features()),
                        labels(b), expectedGrad);
                assertEquals(expectedLoss, loss, 1e-10, "loss, seed " + seed);
                assertArrayEquals(ref.toDl4j(expectedGrad), Tensors.toDoubleArray(g), 1e-10, "gradient, seed " + seed);
            }
        }
    }

    @Test
    void theFlatVectorIsDl4jsParameterViewWithColumnMajorWeights() {
        // 5-4-3 MLP: W0 [5, 4] 'f' at 0, b0 at 20, W1 [4, 3] 'f' at 24, b1 at 36; d = 39
        Dl4jModel model = Dl4jModels.mlp(5, new int[] {4}, 3);
        List<Dl4jModel.Block> blocks = model.blocks();
        assertEquals(4, blocks.size());
        long[][] shapes = {{5, 4}, {4}, {4, 3}, {3}};
        long[] offsets = {0, 20, 24, 36};
        String[] keys = {"W", "b", "W", "b"};
        for (int j = 0; j < 4; j++) {
            Dl4jModel.Block b = blocks.get(j);
            assertEquals(offsets[j], b.offset(), b.toString());
            assertArrayEquals(shapes[j], b.shape(), b.toString());
            assertEquals(keys[j], b.key());
            assertEquals(j / 2, b.layer());
            assertEquals(keys[j].equals("W"), b.weight());
            if (b.weight()) {
                assertEquals('f', b.order(), b.toString());
            }
        }
        // W0[i][j] is x[i + 5 j] in the network built from x
        INDArray x = Nd4j.arange(0, 39).castTo(DataType.DOUBLE);
        MultiLayerNetwork net = model.toNetwork(x);
        INDArray w0 = net.getLayer(0).getParam("W");
        assertEquals(1.0 + 5 * 2, w0.getDouble(1, 2), 0.0);
        assertEquals(24.0 + 3 + 4 * 1, net.getLayer(1).getParam("W").getDouble(3, 1), 0.0);
        assertEquals(20.0 + 3, net.getLayer(0).getParam("b").getDouble(3), 0.0);
    }

    @Test
    void float32AndFloat64NetworksAreBuiltFromOneConfiguration() {
        // the configuration's data type does not matter: FLOAT and DOUBLE configurations give the same bits
        Model f = Dl4jModels.mlp(FEATURES, HIDDEN, CLASSES);
        MultiLayerConfiguration dc = Dl4jModels.mlpConfiguration(FEATURES, HIDDEN, CLASSES);
        dc.setDataType(DataType.DOUBLE);
        Model d = new Dl4jModel(dc);
        RandomStream rng = new RandomStream(51);
        Dataset b = batch(rng, 8);
        for (Precision p : Precision.values()) {
            INDArray x = randomParams(f, new RandomStream(52), p);
            double[] a = lossAndGradient(f, x, b.as(p));
            double[] c = lossAndGradient(d, x, b.as(p));
            assertArrayEquals(a, c, 0.0, p.toString());
        }
    }

    @Test
    void dl4jsUpdaterIsNeverApplied() {
        // the same network with an SGD(learning rate 1) updater gives the bits of the NoOp one, and calls repeated
        // on one instance give the same bits: DL4J never takes a step on the parameters
        MultiLayerConfiguration sgd = new NeuralNetConfiguration.Builder().updater(new Sgd(1.0)).list()
                .layer(new DenseLayer.Builder().nIn(FEATURES).nOut(HIDDEN[0]).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(HIDDEN[0]).nOut(HIDDEN[1]).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(HIDDEN[1]).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .build();
        Model withSgd = new Dl4jModel(sgd);
        Model noOp = model();
        RandomStream rng = new RandomStream(61);
        Dataset b = batch(rng, 10);
        INDArray x = randomParams(noOp, rng, Precision.FLOAT32);
        double[] first = lossAndGradient(withSgd, x, b.as(Precision.FLOAT32));
        double[] second = lossAndGradient(withSgd, x, b.as(Precision.FLOAT32));
        assertArrayEquals(first, second, 0.0);
        assertArrayEquals(lossAndGradient(noOp, x, b.as(Precision.FLOAT32)), first, 0.0);
    }

    @Test
    void evaluationIsMeanCrossEntropyAndArgmaxAccuracy() {
        // at zero parameters every class has probability 1/3: loss log 3, and argmax (ties to class 0) is right for
        // exactly the rows labelled 0; labels (0, 2, 0, 1) give accuracy 2/4
        Dl4jModel model = Dl4jModels.mlp(2, new int[] {3}, 3);
        INDArray a = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}, {1, 1}, {-1, 2}});
        INDArray y = Nd4j.createFromArray(new double[][] {{0}, {2}, {0}, {1}});
        for (Precision p : Precision.values()) {
            Dataset data = new Dataset(a, y).as(p);
            INDArray x = Tensors.zeros(p, model.dimension());
            Evaluation e = model.evaluate(x, data);
            double tol = p == Precision.FLOAT64 ? 1e-15 : 1e-6;
            assertEquals(Math.log(3), e.loss(), tol);
            assertEquals(0.5, e.accuracy(), 0.0);
            assertEquals(4, e.samples());
            assertEquals(Math.log(3), model.loss(x, data), tol);
        }
    }

    // ------------------------------------------------------------------------------------ initial parameters

    @Test
    void initialParametersAreUniformWithinOneOverSqrtFanIn() {
        // 2NN of McMahan et al.: fan-ins 784, 200, 200, so every W and b of layer l lies in (-1/sqrt(n_l), 1/sqrt(n_l))
        // with n = (784, 200, 200); 199,210 draws
        Dl4jModel model = Dl4jModels.mlp(784, new int[] {200, 200}, 10);
        int[] fanIn = {784, 200, 200};
        INDArray x = Tensors.zeros(Precision.FLOAT64, model.dimension());
        model.initialParameters(new RandomStream(71), x);
        double[] v = Tensors.toDoubleArray(x);
        for (Dl4jModel.Block b : model.blocks()) {
            double bound = 1.0 / Math.sqrt(fanIn[b.layer()]);
            double maxAbs = 0.0;
            double sumSq = 0.0;
            for (long i = b.offset(); i < b.offset() + b.length(); i++) {
                maxAbs = Math.max(maxAbs, Math.abs(v[(int) i]));
                sumSq += v[(int) i] * v[(int) i];
            }
            assertTrue(maxAbs < bound, b + ": max " + maxAbs + " bound " + bound);
            if (b.weight()) {
                assertTrue(maxAbs > 0.99 * bound, b + ": max " + maxAbs + " bound " + bound);
                // U(-c, c) has variance c^2/3; with n >= 2000 draws the sample variance is within 10% (its relative
                // standard deviation is sqrt(4/(5n)) < 2%)
                assertEquals(bound * bound / 3, sumSq / b.length(), 0.1 * bound * bound / 3, b.toString());
            }
        }
    }

    @Test
    void initialParametersCanBeTakenFromAGivenVector() {
        Dl4jModel model = Dl4jModels.mlp(3, new int[] {2}, 2);
        INDArray given = Nd4j.arange(0, model.dimension()).castTo(DataType.DOUBLE);
        Dl4jModel fixed = model.withInitialParameters(given);
        given.assign(-1);
        INDArray out = Tensors.zeros(Precision.FLOAT32, model.dimension());
        fixed.initialParameters(null, out);
        assertArrayEquals(Nd4j.arange(0, model.dimension()).castTo(DataType.DOUBLE).toDoubleVector(),
                Tensors.toDoubleArray(out), 0.0);
        assertEquals(model.dimension(), fixed.dimension());
        assertThrows(IllegalArgumentException.class, () -> model.initialParameters(null, out));
        INDArray bad = Tensors.zeros(Precision.FLOAT64, model.dimension());
        bad.putScalar(2, Double.NaN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.withInitialParameters(bad));
        assertEquals("params must be finite, element 2 was NaN", e.getMessage());
    }

    // ----------------------------------------------------------------------------------------- bad input

    @Test
    void rejectsAnInvalidLabelNamingRowAndValue() {
        Model model = model();
        Dataset b = new Dataset(gaussianMatrix(new RandomStream(81), 3, FEATURES),
                Nd4j.createFromArray(new double[][] {{0}, {1.5}, {2}}));
        INDArray x = Tensors.zeros(Precision.FLOAT64, model.dimension());
        INDArray g = Tensors.zeros(Precision.FLOAT64, model.dimension()).assign(7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.lossAndGradient(x, b, g));
        assertEquals("label at row 1 must be a class index in [0, 3), was 1.5", e.getMessage());
        assertEquals(7.0, g.minNumber().doubleValue(), 0.0, "gradientOut untouched");
        assertThrows(IllegalArgumentException.class, () -> model.evaluate(x, b));
        assertThrows(IllegalArgumentException.class, () -> model.loss(x, b));
    }

    @Test
    void rejectsUnsupportedConfigurationsNamingLayerAndSetting() {
        assertRejected(new NeuralNetConfiguration.Builder().dropOut(0.5).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).build())
                .layer(output(4, Activation.SOFTMAX, LossFunctions.LossFunction.MCXENT)).build(),
                "layer 0 (DenseLayer): dropout is not supported");
        assertRejected(new NeuralNetConfiguration.Builder().l1(0.1).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).build())
                .layer(output(4, Activation.SOFTMAX, LossFunctions.LossFunction.MCXENT)).build(),
                "layer 0 parameter 'W': regularisation must be L2 or weight decay");
        assertRejected(new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).build())
                .layer(new BatchNormalization.Builder().nOut(4).build())
                .layer(output(4, Activation.SOFTMAX, LossFunctions.LossFunction.MCXENT)).build(),
                "layer 1 (BatchNormalization): batch normalisation is not supported");
        assertRejected(new NeuralNetConfiguration.Builder()
                .gradientNormalization(GradientNormalization.ClipElementWiseAbsoluteValue).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).build())
                .layer(output(4, Activation.SOFTMAX, LossFunctions.LossFunction.MCXENT)).build(),
                "gradientNormalization must be None");
        // DL4J itself refuses sigmoid + MCXENT unless its own output-layer validation is switched off
        assertRejected(new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).build())
                .layer(output(4, Activation.SIGMOID, LossFunctions.LossFunction.MCXENT))
                .validateOutputLayerConfig(false).build(),
                "layer 1 (OutputLayer): activation must be softmax");
        assertRejected(new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).build())
                .layer(output(4, Activation.SOFTMAX, LossFunctions.LossFunction.MSE)).build(),
                "layer 1 (OutputLayer): loss must be MCXENT or NEGATIVELOGLIKELIHOOD");
        assertRejected(new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).build()).build(),
                "layer 0 (DenseLayer): the last layer must be an output layer");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Dl4jModel(null));
        assertEquals("configuration must not be null", e.getMessage());
        // negative log likelihood is MCXENT: accepted
        new Dl4jModel(new NeuralNetConfiguration.Builder().list()
                .layer(output(3, Activation.SOFTMAX, LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD)).build());
    }

    private static Layer output(int nIn, Activation activation, LossFunctions.LossFunction loss) {
        return new OutputLayer.Builder(loss).nIn(nIn).nOut(2).activation(activation).build();
    }

    private static void assertRejected(MultiLayerConfiguration c, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Dl4jModel(c));
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' should contain '"
                + expected + "'");
    }

    @Test
    void float64GradientCheckOfTheRegularizedNetworkBuiltAsFloat32() {
        // GradientCheck casts to float64: the FLOAT configuration still gets a float64 network (h = 1e-6, see
        // ModelContractTest for the 1e-6 threshold)
        Model model = regularizedModel();
        RandomStream rng = new RandomStream(91);
        Dataset b = batch(rng, 12);
        INDArray x = randomParams(model, rng, Precision.FLOAT32);
        GradientCheck.Result r = GradientCheck.check(model, x, b);
        assertTrue(r.passes(1e-6), r.toString());
    }
}
