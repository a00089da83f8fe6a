package io.github.fl4j.dl4j;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Ready-made DL4J classifiers as fl4j {@link Dl4jModel}s, and their configurations for users who want to change
 * them. Every configuration uses the {@code NoOp} updater and no regularisation, dropout or gradient
 * normalisation, so DL4J contributes only the forward and backward passes; its weight initialiser (Xavier, set for
 * users who build a plain DL4J network from the configuration) is not used by {@link Dl4jModel}, which draws its
 * initial parameters from fl4j's streams. The data type is FLOAT; {@link Dl4jModel} runs float64 networks itself
 * when given float64 batches.
 *
 * <p>The two models of McMahan, Moore, Ramage, Hampson and Aguera y Arcas, "Communication-Efficient Learning of
 * Deep Networks from Decentralized Data" (AISTATS 2017), section 3, for MNIST:
 * <ul>
 *   <li>"2NN": {@code mlp(784, new int[] {200, 200}, 10)}, a multilayer perceptron with two hidden layers of 200
 *       ReLU units, 199,210 parameters;</li>
 *   <li>"CNN": {@link #mnistCnn()}, two 5x5 convolution layers (32 and 64 channels, each followed by 2x2 max
 *       pooling), a fully connected layer of 512 ReLU units and a softmax output, 1,663,370 parameters.</li>
 * </ul>
 */
public final class Dl4jModels {
    private Dl4jModels() {
    }

    /**
     * A ReLU multilayer perceptron {@code in -> hidden[0] -> ... -> classes} with softmax cross-entropy output. Its
     * dimension is {@code sum_l (n_l n_{l+1} + n_{l+1})} over consecutive layer widths.
     *
     * @param in      the feature count, {@code >= 1}
     * @param hidden  the hidden layer widths, each {@code >= 1} (empty for softmax regression)
     * @param classes the number of classes, {@code >= 2}
     * @throws IllegalArgumentException on a bad argument
     */
    public static Dl4jModel mlp(int in, int[] hidden, int classes) {
        return new Dl4jModel(mlpConfiguration(in, hidden, classes));
    }

    /**
     * The configuration of {@link #mlp}: dense layers with ReLU, an output layer with softmax and MCXENT, NoOp
     * updater, FLOAT.
     *
     * @throws IllegalArgumentException on a bad argument
     */
    public static MultiLayerConfiguration mlpConfiguration(int in, int[] hidden, int classes) {
        if (in < 1) {
            throw new IllegalArgumentException("in must be >= 1, was " + in);
        }
        if (hidden == null) {
            throw new IllegalArgumentException("hidden must not be null (use an empty array for no hidden layer)");
        }
        for (int l = 0; l < hidden.length; l++) {
            if (hidden[l] < 1) {
                throw new IllegalArgumentException("hidden[" + l + "] must be >= 1, was " + hidden[l]);
            }
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, was " + classes);
        }
        NeuralNetConfiguration.ListBuilder list = base().list();
        int prev = in;
        for (int h : hidden) {
            list.layer(new DenseLayer.Builder().nIn(prev).nOut(h).activation(Activation.RELU).build());
            prev = h;
        }
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(prev).nOut(classes)
                .activation(Activation.SOFTMAX).build());
        return list.build();
    }

    /**
     * McMahan et al.'s MNIST CNN (see the class comment) on flat 784-feature rows: the input type
     * {@code InputType.convolutionalFlat(28, 28, 1)} reshapes each row (row-major 28 x 28 pixels, as in the IDX
     * files) into a 1 x 28 x 28 image. Convolutions use 'same' padding and stride 1, so the feature maps are
     * 28x28x32, 14x14x32 after pooling, 14x14x64, then 7x7x64 = 3136 inputs to the dense layer.
     */
    public static Dl4jModel mnistCnn() {
        return new Dl4jModel(mnistCnnConfiguration());
    }

    /** The configuration of {@link #mnistCnn()}: NoOp updater, FLOAT. */
    public static MultiLayerConfiguration mnistCnnConfiguration() {
        return base().convolutionMode(ConvolutionMode.Same).list()
                .layer(new ConvolutionLayer.Builder(5, 5).nIn(1).nOut(32).stride(1, 1)
                        .activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                        .stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(64).stride(1, 1).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                        .stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(512).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1))
                .build();
    }

    private static NeuralNetConfiguration.Builder base() {
        return new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).updater(new NoOp())
                .weightInit(WeightInit.XAVIER);
    }
}
