package io.github.fl4j.dl4j;

import io.github.fl4j.core.api.Evaluation;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.NativeThreads;
import io.github.fl4j.core.tensor.Tensors;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * A DL4J {@link MultiLayerNetwork} classifier as an fl4j {@link Model}: DL4J computes the forward and backward
 * passes, fl4j's algorithms see one flat parameter vector and a gradient oracle. For a batch B of |B| samples with
 * feature rows {@code a_i} and class labels {@code y_i in {0, ..., k-1}}, and the network's softmax output
 * {@code P(x; a)},
 *
 * <pre>
 *   f(x; B)  = (1/|B|) sum_{i in B} -log clip(P_{y_i}(x; a_i)) + sum_params (c_p / 2) ||x_p||^2
 *   grad f   = (1/|B|) (DL4J's summed back-propagated gradient) + sum_params c_p x_p
 * </pre>
 *
 * where {@code clip} is the output layer's {@code softmaxClipEps} clipping of DL4J's {@link LossMCXENT} (to
 * {@code [eps, 1 - eps]}, {@code eps = 1e-10} by default; it only matters once a predicted probability is within
 * 1e-10 of 0 or 1, where DL4J's returned gradient is the unclipped {@code P - Y}) and {@code c_p} is the sum of the
 * {@link L2Regularization} and {@link WeightDecay} coefficients that the configuration puts on parameter block p.
 *
 * <p><b>Supported configurations.</b> Any {@link MultiLayerConfiguration} whose
 * <ul>
 *   <li>first layer takes flat {@code [m, p]} features: a {@link DenseLayer} or output layer ({@code p = nIn}), or a
 *       CNN built with {@code InputType.convolutionalFlat(h, w, c)} ({@code p = h w c}, read in c-order: channel,
 *       row, column);</li>
 *   <li>last layer is an output layer with softmax activation and the loss {@code MCXENT} or
 *       {@code NEGATIVELOGLIKELIHOOD} (a {@link LossMCXENT}) without class weights, with {@code k = nOut >= 2};</li>
 *   <li>layers have only weight and bias parameters (dense, output, convolution, subsampling, activation, ...), no
 *       dropout or weight noise (DL4J draws those from ND4J's global generator, which fl4j never uses), no batch
 *       normalisation (its running statistics are not parameters of {@code f}), no recurrent layers, no gradient
 *       normalisation or clipping and no constraints (DL4J applies those in its updater or after an update, which this
 *       adapter never runs);</li>
 *   <li>regularisation is L2 or weight decay with fixed coefficients (L1 is not differentiable at 0 and is
 *       rejected); the configuration uses minibatch averaging ({@code miniBatch(true)}, DL4J's default) and standard
 *       back-propagation.</li>
 * </ul>
 * Anything else is rejected by the constructor with an {@link IllegalArgumentException} naming the layer and the
 * setting. The configuration's updater is irrelevant: the adapter only calls {@code computeGradientAndScore},
 * {@code score} and {@code output}, never {@code fit}, so DL4J's updater never takes a step (fl4j's algorithms do);
 * {@link Dl4jModels} builds its configurations with {@code NoOp} all the same.
 *
 * <p><b>Parameter layout.</b> fl4j's flat vector IS DL4J's flattened parameter view ({@code net.params()}), in
 * DL4J's own layout: layer by layer, and within a layer the blocks in the order of its parameter initialiser.
 * Verified for DL4J 1.0.0-M2.1 (see {@link #blocks()}, which reports every block's offset, shape and order):
 * <ul>
 *   <li>dense and output layers: {@code W} [nIn, nOut] first, stored in <b>'f' (column-major) order</b>, so
 *       {@code W[i][j]} is at {@code offset + i + j nIn}; then the bias {@code b} [nOut];</li>
 *   <li>convolution layers: the bias {@code b} [nOut] <b>first</b>, then {@code W} [nOut, nIn, kH, kW] in c-order;
 *       </li>
 *   <li>subsampling and activation layers have no parameters.</li>
 * </ul>
 * The gradient has the same layout. The flat vector of fl4j's built-in MLP stores {@code W} row-major instead; the
 * two agree only after permuting each weight block (the tests do exactly that).
 *
 * <p><b>How a call works.</b> {@code lossAndGradient} copies {@code params} into the calling thread's network's
 * existing parameter view (a BLAS copy: {@code MultiLayerNetwork.params()} returns the view itself, and
 * {@code setParams} would also copy into it, never reallocate), writes the one-hot labels into a reused
 * {@code [|B|, k]} buffer, runs {@code setInput}, {@code setLabels} and {@code computeGradientAndScore()}, then
 * scales DL4J's flattened gradient by {@code 1/|B|}, adds {@code c_p x_p} and copies it into {@code gradientOut}.
 * Two facts of DL4J 1.0.0-M2.1 make this necessary (both checked by the tests): the score is already the mean over
 * the minibatch plus the regularisation score {@code sum (c_p/2) ||x_p||^2}, but the gradient is the <i>sum</i>
 * over the minibatch and excludes regularisation, because DL4J's updater divides by the minibatch size and adds
 * the regularisation gradient. {@code loss} runs the forward pass only ({@code score(DataSet)}), which returns
 * the same bits as the score of {@code computeGradientAndScore}. Features are passed to DL4J as they are when
 * they are a dense c-order matrix, and copied into a reused per-thread buffer otherwise.
 *
 * <p><b>Precision.</b> The precision is the batch's: {@code params} and {@code gradientOut} must have the batch's
 * data type (a mismatch raises an exception naming the argument and both types). For each precision a thread uses,
 * it gets its own network built from the configuration with {@code dataType} set to FLOAT or DOUBLE (DL4J's own
 * {@code convertDataType} does the same), so the configuration's data type does not need to match the simulation
 * precision: a float32 simulation runs float32 networks, {@link io.github.fl4j.core.model.GradientCheck} runs float64
 * ones. Building the configuration with {@code .dataType(DataType.DOUBLE)} or FLOAT changes nothing.
 *
 * <p><b>Initial parameters.</b> DL4J's weight initialisation draws from ND4J's global generator, so it is not used:
 * networks are created with {@code init(params, false)}, which does not touch that generator. By default
 * {@link #initialParameters} draws every parameter of a layer i.i.d. {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))} from
 * the given stream, biases included, with {@code fanIn = |W| / nOut} ({@code nIn} for dense layers, {@code nIn kH kW}
 * for convolutions): the default of PyTorch's {@code nn.Linear} and {@code nn.Conv2d}, and of fl4j's built-in
 * {@link io.github.fl4j.core.model.Mlp}. The blocks are drawn in flat order, and within a block in the row-major
 * order of its DL4J shape (a dense {@code W} [nIn, nOut]: {@code W[0][0], W[0][1], ...}), each value
 * {@code -bound + 2 bound u} with {@code u = rng.nextDouble()}, as {@code RandomStream.fillUniform} computes it,
 * written to the block's ('f' or 'c') position. So an MLP built by {@link Dl4jModels#mlp} starts from exactly the
 * parameters of {@code new Mlp(in, hidden, classes)} with the same stream, up to the permutation of the weight
 * blocks. {@link #withInitialParameters} replaces this with a fixed vector, for example the parameters of a
 * DL4J-initialised network.
 *
 * <p><b>Evaluation.</b> {@link #evaluate} runs {@code net.output(features, false)} on chunks of 1024 rows and
 * returns the mean {@code -log clip(P_y)} (the data term of the loss, without regulariser) and the accuracy of the
 * arg-max class (ties go to the lowest class index).
 *
 * <p><b>Thread safety and memory.</b> A {@code MultiLayerNetwork} is not thread-safe, so every thread gets its own
 * network per precision (a {@link ThreadLocal}, created on first use): the parameters, the gradient view and DL4J's
 * activation workspaces of one network, plus the one-hot and feature buffers, per thread and precision. One instance
 * may then be used by many clients concurrently, each with its own {@code gradientOut}; results do not depend on the
 * thread (the constructor calls {@link NativeThreads#useOneThreadPerOp()}, as the engine does, so DL4J's reductions
 * do not depend on OpenMP's thread count). Calls never modify {@code params} or the batch.
 */
public final class Dl4jModel implements Model {
    /** Rows per chunk when evaluating on a large dataset. */
    static final int EVAL_CHUNK_ROWS = 1024;

    private final MultiLayerConfiguration conf;
    private final int features;
    private final int classes;
    private final int dimension;
    private final double clipEps;
    private final List<Block> blocks;
    private final double[] fanIn;
    private final double[] regularization;
    private final INDArray initial;
    private final ThreadLocal<Replicas> replicas = ThreadLocal.withInitial(Replicas::new);

    /**
     * One parameter block of the flat vector.
     *
     * @param layer  the layer index
     * @param key    DL4J's parameter key ("W", "b", ...)
     * @param offset the first index in the flat vector
     * @param shape  the block's shape as DL4J sees it (for example [nIn, nOut] for a dense W)
     * @param order  how the block's elements are laid out in the flat vector: 'c' (row-major) or 'f' (column-major)
     * @param weight true for a weight block, false for a bias
     */
    public record Block(int layer, String key, long offset, long[] shape, char order, boolean weight) {
        /** The number of elements. */
        public long length() {
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            return n;
        }

        @Override
        public String toString() {
            return "Block[layer " + layer + " " + key + " at " + offset + ", shape " + Arrays.toString(shape) + " '"
                    + order + "'" + (weight ? ", weight" : ", bias") + "]";
        }
    }

    /**
     * Adapts a DL4J configuration (see the class comment for what is supported). The configuration is cloned; later
     * changes to it do not affect this model.
     *
     * @param configuration a multi-layer classifier configuration
     * @throws IllegalArgumentException when the configuration is null or not supported (the message names the layer
     *                                  and the setting)
     */
    public Dl4jModel(MultiLayerConfiguration configuration) {
        if (configuration == null) {
            throw new IllegalArgumentException("configuration must not be null");
        }
        NativeThreads.useOneThreadPerOp();
        this.conf = configuration.clone();
        int layers = conf.getConfs().size();
        if (layers < 1) {
            throw new IllegalArgumentException("configuration must have at least one layer, had 0");
        }
        if (conf.getBackpropType() != BackpropType.Standard) {
            throw new IllegalArgumentException("backpropType must be Standard, was " + conf.getBackpropType());
        }
        for (int i = 0; i < layers; i++) {
            checkLayer(i, conf.getConf(i));
        }
        this.features = inferFeatures(conf);
        Layer last = conf.getConf(layers - 1).getLayer();
        this.classes = checkOutputLayer(layers - 1, last);
        this.clipEps = ((LossMCXENT) ((BaseOutputLayer) last).getLossFn()).getSoftmaxClipEps();

        long d = 0;
        for (int i = 0; i < layers; i++) {
            NeuralNetConfiguration c = conf.getConf(i);
            d += c.getLayer().initializer().numParams(c);
        }
        if (d < 1 || d > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("number of parameters must be in [1, " + Integer.MAX_VALUE + "], was "
                    + d);
        }
        this.dimension = (int) d;
        this.blocks = Collections.unmodifiableList(discoverBlocks());
        this.fanIn = new double[blocks.size()];
        this.regularization = new double[blocks.size()];
        for (int j = 0; j < blocks.size(); j++) {
            Block b = blocks.get(j);
            Layer layer = conf.getConf(b.layer()).getLayer();
            fanIn[j] = layerFanIn(b.layer());
            regularization[j] = coefficient(b, layer.getRegularizationByParam(b.key()));
        }
        this.initial = null;
    }

    /** {@code |W| / nOut} of a layer's weight blocks ({@code nIn} for dense, {@code nIn kH kW} for convolutions). */
    private double layerFanIn(int layer) {
        long weights = 0;
        for (Block b : blocks) {
            if (b.layer() == layer && b.weight()) {
                weights += b.length();
            }
        }
        if (weights == 0) {
            throw new IllegalArgumentException("layer " + layer + " has biases but no weights; not supported");
        }
        return (double) weights / ((FeedForwardLayer) conf.getConf(layer).getLayer()).getNOut();
    }

    private Dl4jModel(Dl4jModel base, INDArray initial) {
        this.conf = base.conf;
        this.features = base.features;
        this.classes = base.classes;
        this.dimension = base.dimension;
        this.clipEps = base.clipEps;
        this.blocks = base.blocks;
        this.fanIn = base.fanIn;
        this.regularization = base.regularization;
        this.initial = initial;
    }

    /**
     * The same model, but {@link #initialParameters} copies {@code params} (cast to the output's precision) and draws
     * nothing. For example {@code model.withInitialParameters(net.params())} starts from the parameters of an
     * initialised DL4J network {@code net} of the same configuration (whose initialisation used ND4J's global
     * generator: seed it with the configuration's {@code seed(...)} for reproducible values).
     *
     * @param params a float32 or float64 vector of length {@link #dimension()} (copied)
     * @throws IllegalArgumentException on a null vector, a wrong length or type, or a non-finite element
     */
    public Dl4jModel withInitialParameters(INDArray params) {
        if (params == null) {
            throw new IllegalArgumentException("params must not be null");
        }
        if (params.length() != dimension) {
            throw new IllegalArgumentException("params length must be " + dimension + " (dimension), was "
                    + params.length());
        }
        if (params.dataType() != DataType.FLOAT && params.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("params data type must be FLOAT or DOUBLE, was " + params.dataType());
        }
        INDArray copy = params.castTo(DataType.DOUBLE).dup('c').reshape(dimension);
        long bad = Tensors.firstNonFinite(copy);
        if (bad >= 0) {
            throw new IllegalArgumentException("params must be finite, element " + bad + " was "
                    + copy.getDouble(bad));
        }
        return new Dl4jModel(this, copy);
    }

    /** The feature count p. */
    public int features() {
        return features;
    }

    /** The number of classes k (the output layer's nOut). */
    public int classes() {
        return classes;
    }

    /** A copy of the adapted configuration. */
    public MultiLayerConfiguration configuration() {
        return conf.clone();
    }

    /** The parameter blocks in flat order: where each layer's W and b live and how they are laid out. */
    public List<Block> blocks() {
        return blocks;
    }

    /** {@inheritDoc} Equal to DL4J's {@code numParams()}. */
    @Override
    public long dimension() {
        return dimension;
    }

    /**
     * A new DL4J network of this configuration, in the precision of {@code params}, holding a copy of
     * {@code params}: for DL4J's own tools (serialisation, inference, evaluation classes) on parameters trained by
     * fl4j.
     *
     * @throws IllegalArgumentException if {@code params} is not a float32/float64 vector of length d
     */
    public MultiLayerNetwork toNetwork(INDArray params) {
        if (params == null) {
            throw new IllegalArgumentException("params must not be null");
        }
        if (params.length() != dimension) {
            throw new IllegalArgumentException("params length must be " + dimension + " (dimension), was "
                    + params.length());
        }
        DataType type = params.dataType();
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException("params data type must be FLOAT or DOUBLE, was " + type);
        }
        MultiLayerNetwork net = newNetwork(type);
        net.params().assign(params.reshape(dimension));
        return net;
    }

    // ------------------------------------------------------------------------------------------- Model contract

    /**
     * Writes the initial parameters into {@code out}: the vector given to {@link #withInitialParameters} if any (then
     * {@code rng} is not used and may be null); otherwise i.i.d. {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))} draws for
     * every weight and bias, block by block in flat order and within a block in the row-major order of its shape
     * (see the class comment), rounded to float32 for a float32 output.
     *
     * @throws IllegalArgumentException if {@code out} is not a contiguous float32/float64 vector of length d, or
     *                                  {@code rng} is null when draws are needed
     */
    @Override
    public void initialParameters(RandomStream rng, INDArray out) {
        if (out == null) {
            throw new IllegalArgumentException("out must not be null");
        }
        boolean dbl = isDouble(out.dataType(), "out");
        checkVector(out, "out", dbl);
        INDArray v = flat(out);
        if (initial != null) {
            v.assign(initial);
            return;
        }
        if (rng == null) {
            throw new IllegalArgumentException("rng must not be null (the parameters are drawn from it)");
        }
        int base = (int) v.offset();
        DoubleBuffer d = dbl ? Tensors.doubleView(v) : null;
        FloatBuffer f = dbl ? null : Tensors.floatView(v);
        for (int j = 0; j < blocks.size(); j++) {
            Block b = blocks.get(j);
            double bound = 1.0 / Math.sqrt(fanIn[j]);
            double low = -bound;
            double width = 2.0 * bound;
            long[] shape = b.shape();
            long n = b.length();
            for (long t = 0; t < n; t++) {
                double value = low + width * rng.nextDouble();
                int at = base + (int) (b.offset() + (b.order() == 'f' ? columnMajorPosition(shape, t) : t));
                if (dbl) {
                    d.put(at, value);
                } else {
                    f.put(at, (float) value);
                }
            }
        }
    }

    /** The column-major position of the element whose row-major index in an array of this shape is {@code t}. */
    private static long columnMajorPosition(long[] shape, long t) {
        long position = 0;
        long rest = t;
        long[] index = new long[shape.length];
        for (int k = shape.length - 1; k >= 0; k--) {
            index[k] = rest % shape[k];
            rest /= shape[k];
        }
        long stride = 1;
        for (int k = 0; k < shape.length; k++) {
            position += index[k] * stride;
            stride *= shape[k];
        }
        return position;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Returns DL4J's score (the mean clipped cross-entropy plus the regularisation score) and writes
     * {@code (1/|B|)} times DL4J's summed gradient plus the regularisation gradient into {@code gradientOut}. On an
     * invalid label, {@code gradientOut} is left untouched.
     *
     * @throws IllegalArgumentException if a label is not a class index in {@code [0, k)} (the message names the row
     *                                  and the value), the batch is empty or has a feature count other than p, or
     *                                  {@code params} / {@code gradientOut} are not contiguous vectors of length d
     *                                  of the batch's type, or {@code gradientOut} overlaps {@code params}
     */
    @Override
    public double lossAndGradient(INDArray params, Dataset batch, INDArray gradientOut) {
        boolean dbl = checkBatch(batch, "batch");
        checkVector(params, "params", dbl);
        checkVector(gradientOut, "gradientOut", dbl);
        checkNoOverlap(gradientOut, params, dbl);
        Replica r = replicas.get().get(this, dbl);
        int m = batch.size();
        INDArray labels = r.oneHot(batch.labels(), m, classes);
        INDArray input = r.input(batch.features(), m, features);
        Tensors.copy(flat(params), r.params);
        MultiLayerNetwork net = r.net;
        try {
            net.setInput(input);
            net.setLabels(labels);
            net.computeGradientAndScore();
            double loss = net.score();
            Tensors.scale(1.0 / m, r.gradient);
            for (int j = 0; j < r.regularized.length; j++) {
                if (r.regularized[j] != null) {
                    Tensors.axpy(regularization[j], r.paramBlocks[j], r.regularized[j]);
                }
            }
            Tensors.copy(r.gradient, flat(gradientOut));
            return loss;
        } finally {
            net.clear();
        }
    }

    /**
     * {@inheritDoc} DL4J's score of the batch (forward pass only): the same bits as the value of
     * {@link #lossAndGradient}.
     *
     * @throws IllegalArgumentException as {@link #lossAndGradient}
     */
    @Override
    public double loss(INDArray params, Dataset batch) {
        boolean dbl = checkBatch(batch, "batch");
        checkVector(params, "params", dbl);
        Replica r = replicas.get().get(this, dbl);
        int m = batch.size();
        INDArray labels = r.oneHot(batch.labels(), m, classes);
        INDArray input = r.input(batch.features(), m, features);
        Tensors.copy(flat(params), r.params);
        try {
            return r.net.score(new DataSet(input, labels), false);
        } finally {
            r.net.clear();
        }
    }

    /**
     * The mean clipped cross-entropy over all n samples of {@code data}, WITHOUT the regulariser, and the accuracy of
     * the arg-max class (ties to the lowest index), from {@code net.output} on chunks of 1024 rows.
     *
     * @throws IllegalArgumentException as {@link #loss}, with the batch called "data"
     */
    @Override
    public Evaluation evaluate(INDArray params, Dataset data) {
        return evaluate(params, data, EVAL_CHUNK_ROWS);
    }

    /** {@link #evaluate(INDArray, Dataset)} with a given chunk size (package-private for tests). */
    Evaluation evaluate(INDArray params, Dataset data, int chunkRows) {
        boolean dbl = checkBatch(data, "data");
        checkVector(params, "params", dbl);
        int n = data.size();
        int[] y = labels(data.labels(), n, classes);
        Replica r = replicas.get().get(this, dbl);
        Tensors.copy(flat(params), r.params);
        int chunk = Math.max(1, Math.min(chunkRows, n));
        INDArray f = data.features();
        boolean dense = isDenseRowMajor(f);
        double sum = 0.0;
        long correct = 0;
        try {
            for (int start = 0; start < n; start += chunk) {
                int rows = Math.min(chunk, n - start);
                INDArray x = f.get(NDArrayIndex.interval(start, start + rows), NDArrayIndex.all());
                if (!dense) {
                    x = x.dup('c');
                }
                INDArray p = r.net.output(x, false);
                if (p.ordering() != 'c' || p.elementWiseStride() != 1) {
                    p = p.dup('c');
                }
                int off = (int) p.offset();
                DoubleBuffer pd = dbl ? Tensors.doubleView(p) : null;
                FloatBuffer pf = dbl ? null : Tensors.floatView(p);
                for (int i = 0; i < rows; i++) {
                    int base = off + i * classes;
                    int label = y[start + i];
                    int argmax = 0;
                    double max = Double.NEGATIVE_INFINITY;
                    double py = 0.0;
                    for (int c = 0; c < classes; c++) {
                        double v = dbl ? pd.get(base + c) : pf.get(base + c);
                        if (v > max) {
                            max = v;
                            argmax = c;
                        }
                        if (c == label) {
                            py = v;
                        }
                    }
                    if (clipEps > 0.0) {
                        py = Math.min(Math.max(py, clipEps), 1.0 - clipEps);
                    }
                    sum -= Math.log(py);
                    if (argmax == label) {
                        correct++;
                    }
                }
            }
        } finally {
            r.net.clear();
        }
        return new Evaluation(sum / n, (double) correct / n, n);
    }

    @Override
    public String toString() {
        return "Dl4jModel[p=" + features + ", k=" + classes + ", d=" + dimension + ", layers="
                + conf.getConfs().size() + "]";
    }

    // ----------------------------------------------------------------------------------------- configuration checks

    private static void checkLayer(int i, NeuralNetConfiguration c) {
        Layer layer = c.getLayer();
        String name = "layer " + i + " (" + layer.getClass().getSimpleName() + ")";
        if (!c.isMiniBatch()) {
            throw new IllegalArgumentException(name + ": miniBatch must be true (the loss is a mean over the batch), "
                    + "was false");
        }
        if (layer.getIDropout() != null) {
            throw new IllegalArgumentException(name + ": dropout is not supported (DL4J draws its masks from ND4J's "
                    + "global generator), was " + layer.getIDropout());
        }
        if (layer instanceof BatchNormalization) {
            throw new IllegalArgumentException(name + ": batch normalisation is not supported (its running "
                    + "statistics are not parameters of a differentiable objective)");
        }
        if (layer instanceof BaseRecurrentLayer) {
            throw new IllegalArgumentException(name + ": recurrent layers are not supported (inputs are flat [m, p] "
                    + "feature rows)");
        }
        if (layer.getConstraints() != null && !layer.getConstraints().isEmpty()) {
            throw new IllegalArgumentException(name + ": constraints are not supported (DL4J applies them after an "
                    + "update, which this adapter never runs), were " + layer.getConstraints());
        }
        if (layer instanceof BaseLayer) {
            BaseLayer base = (BaseLayer) layer;
            if (base.getWeightNoise() != null) {
                throw new IllegalArgumentException(name + ": weight noise is not supported (drawn from ND4J's global "
                        + "generator), was " + base.getWeightNoise());
            }
            GradientNormalization gn = base.getGradientNormalization();
            if (gn != null && gn != GradientNormalization.None) {
                throw new IllegalArgumentException(name + ": gradientNormalization must be None (DL4J applies it in "
                        + "its updater, which this adapter never runs), was " + gn);
            }
        }
        ParamInitializer init = layer.initializer();
        for (String key : init.paramKeys(layer)) {
            boolean weight = init.isWeightParam(layer, key);
            boolean bias = init.isBiasParam(layer, key);
            if (!weight && !bias) {
                throw new IllegalArgumentException(name + ": parameter '" + key + "' is neither a weight nor a bias; "
                        + "not supported");
            }
            if (weight && !(layer instanceof FeedForwardLayer)) {
                throw new IllegalArgumentException(name + ": weights are supported in feed-forward layers (with nIn "
                        + "and nOut) only");
            }
        }
    }

    private static int inferFeatures(MultiLayerConfiguration conf) {
        InputPreProcessor pre = conf.getInputPreProcess(0);
        Layer first = conf.getConf(0).getLayer();
        long p;
        if (pre instanceof FeedForwardToCnnPreProcessor) {
            FeedForwardToCnnPreProcessor cnn = (FeedForwardToCnnPreProcessor) pre;
            p = cnn.getInputHeight() * cnn.getInputWidth() * cnn.getNumChannels();
        } else if (pre == null && (first instanceof DenseLayer || first instanceof BaseOutputLayer)) {
            p = ((FeedForwardLayer) first).getNIn();
        } else {
            throw new IllegalArgumentException("layer 0 (" + first.getClass().getSimpleName() + ") must take flat "
                    + "[m, p] features: a DenseLayer or OutputLayer, or a CNN configured with "
                    + "setInputType(InputType.convolutionalFlat(h, w, c)); input preprocessor was " + pre);
        }
        if (p < 1 || p > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("layer 0 feature count must be in [1, " + Integer.MAX_VALUE
                    + "], was " + p + " (is nIn set?)");
        }
        return (int) p;
    }

    private static int checkOutputLayer(int i, Layer last) {
        String name = "layer " + i + " (" + last.getClass().getSimpleName() + ")";
        if (!(last instanceof BaseOutputLayer)) {
            throw new IllegalArgumentException(name + ": the last layer must be an output layer with softmax and "
                    + "MCXENT / NEGATIVELOGLIKELIHOOD loss");
        }
        BaseOutputLayer out = (BaseOutputLayer) last;
        ILossFunction loss = out.getLossFn();
        if (!(loss instanceof LossMCXENT)) {
            throw new IllegalArgumentException(name + ": loss must be MCXENT or NEGATIVELOGLIKELIHOOD, was " + loss);
        }
        if (((LossMCXENT) loss).getWeights() != null) {
            throw new IllegalArgumentException(name + ": class weights in the loss are not supported, were "
                    + ((LossMCXENT) loss).getWeights());
        }
        if (!(out.getActivationFn() instanceof ActivationSoftmax)) {
            throw new IllegalArgumentException(name + ": activation must be softmax, was " + out.getActivationFn());
        }
        long k = out.getNOut();
        if (k < 2 || k > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": nOut (the number of classes) must be >= 2, was " + k);
        }
        return (int) k;
    }

    /** The summed fixed coefficient of the L2 and weight-decay terms on one block. */
    private static double coefficient(Block b, List<Regularization> regs) {
        double c = 0.0;
        if (regs == null) {
            return c;
        }
        for (Regularization reg : regs) {
            ISchedule s;
            if (reg instanceof L2Regularization) {
                s = ((L2Regularization) reg).getL2();
            } else if (reg instanceof WeightDecay) {
                s = ((WeightDecay) reg).getCoeff();
            } else {
                throw new IllegalArgumentException("layer " + b.layer() + " parameter '" + b.key()
                        + "': regularisation must be L2 or weight decay (L1 is not differentiable), was " + reg);
            }
            if (!(s instanceof FixedSchedule)) {
                throw new IllegalArgumentException("layer " + b.layer() + " parameter '" + b.key()
                        + "': regularisation coefficient must be fixed, was the schedule " + s);
            }
            c += ((FixedSchedule) s).getValue();
        }
        return c;
    }

    /**
     * Finds every parameter block in the flat view: a float64 network whose flat parameters are 0, 1, ..., d-1 shows
     * each block's offset (its smallest value) and element order (c or f) directly.
     */
    private List<Block> discoverBlocks() {
        MultiLayerNetwork net = newNetwork(DataType.DOUBLE);
        net.params().assign(Nd4j.arange(0, dimension).castTo(DataType.DOUBLE));
        List<Block> found = new ArrayList<>();
        for (int i = 0; i < conf.getConfs().size(); i++) {
            Layer layer = conf.getConf(i).getLayer();
            ParamInitializer init = layer.initializer();
            for (Map.Entry<String, INDArray> e : net.getLayer(i).paramTable().entrySet()) {
                INDArray p = e.getValue();
                long offset = (long) p.minNumber().doubleValue();
                char order;
                if (isRange(p.dup('c'), offset)) {
                    order = 'c';
                } else if (isRange(p.dup('f'), offset)) {
                    order = 'f';
                } else {
                    throw new IllegalStateException("layer " + i + " parameter '" + e.getKey()
                            + "' is not a contiguous block of the flattened parameters");
                }
                found.add(new Block(i, e.getKey(), offset, p.shape(), order, init.isWeightParam(layer, e.getKey())));
            }
        }
        found.sort(Comparator.comparingLong(Block::offset));
        long next = 0;
        for (Block b : found) {
            if (b.offset() != next) {
                throw new IllegalStateException("parameter blocks do not tile the flat vector: " + b + " after "
                        + next);
            }
            next += b.length();
        }
        if (next != dimension) {
            throw new IllegalStateException("parameter blocks cover " + next + " of " + dimension + " parameters");
        }
        return found;
    }

    private static boolean isRange(INDArray block, long offset) {
        double[] v = block.data().asDouble();
        long off = block.offset();
        for (int i = 0; i < block.length(); i++) {
            if (v[(int) (off + i)] != offset + i) {
                return false;
            }
        }
        return true;
    }

    /** A network of this configuration in the given precision, with zero parameters, without ND4J's generator. */
    private MultiLayerNetwork newNetwork(DataType type) {
        MultiLayerConfiguration c = conf.clone();
        c.setDataType(type);
        MultiLayerNetwork net = new MultiLayerNetwork(c);
        // init(params, false): the network uses this array as its flattened parameter view and draws nothing
        net.init(Nd4j.create(type, dimension), false);
        net.initGradientsView();
        return net;
    }

    // ---------------------------------------------------------------------------------------- argument checks

    private static boolean isDouble(DataType type, String what) {
        if (type == DataType.DOUBLE) {
            return true;
        }
        if (type == DataType.FLOAT) {
            return false;
        }
        throw new IllegalArgumentException(what + " data type must be FLOAT or DOUBLE, was " + type);
    }

    private boolean checkBatch(Dataset batch, String name) {
        if (batch == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (batch.featureCount() != features) {
            throw new IllegalArgumentException(name + " feature count must be " + features + ", was "
                    + batch.featureCount());
        }
        if (batch.size() < 1) {
            throw new IllegalArgumentException(name + " must hold at least one sample, was empty");
        }
        return isDouble(batch.features().dataType(), name);
    }

    private void checkVector(INDArray a, String name, boolean dbl) {
        if (a == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (a.length() != dimension) {
            throw new IllegalArgumentException(name + " length must be " + dimension + " (dimension), was "
                    + a.length());
        }
        DataType expected = dbl ? DataType.DOUBLE : DataType.FLOAT;
        if (a.dataType() != expected) {
            throw new IllegalArgumentException(name + " data type must be " + expected + " (the batch's), was "
                    + a.dataType());
        }
        if (dimension > 1 && a.elementWiseStride() != 1) {
            throw new IllegalArgumentException(name + " must be a contiguous vector (element-wise stride 1), shape "
                    + Arrays.toString(a.shape()) + " has strides " + Arrays.toString(a.stride()));
        }
    }

    private void checkNoOverlap(INDArray out, INDArray params, boolean dbl) {
        long bytes = (long) dimension * (dbl ? 8L : 4L);
        long a = Tensors.nativePointer(out).address();
        long b = Tensors.nativePointer(params).address();
        if (a < b + bytes && b < a + bytes) {
            throw new IllegalArgumentException("gradientOut must not share memory with params");
        }
    }

    /** A contiguous vector as a rank-1 view of length d. */
    private INDArray flat(INDArray a) {
        return a.rank() == 1 ? a : a.reshape(dimension);
    }

    private static boolean isDenseRowMajor(INDArray f) {
        return f.ordering() == 'c' && f.elementWiseStride() == 1;
    }

    /** The labels as class indices, validated (the message names the row and the value). */
    private static int[] labels(INDArray labels, int m, int classes) {
        int[] y = new int[m];
        readLabels(labels, m, classes, y);
        return y;
    }

    private static void readLabels(INDArray labels, int m, int classes, int[] y) {
        int off = (int) labels.offset();
        int stride = m > 1 ? labels.stride(0) : 1;
        boolean dbl = labels.dataType() == DataType.DOUBLE;
        DoubleBuffer d = dbl ? Tensors.doubleView(labels) : null;
        FloatBuffer f = dbl ? null : Tensors.floatView(labels);
        for (int i = 0; i < m; i++) {
            int at = off + i * stride;
            double v = dbl ? d.get(at) : f.get(at);
            if (!(v >= 0.0 && v < classes && v == Math.rint(v))) {
                throw new IllegalArgumentException("label at row " + i + " must be a class index in [0, " + classes
                        + "), was " + v);
            }
            y[i] = (int) v;
        }
    }

    /**
     * {@inheritDoc} Closes the calling thread's networks (one per precision it used: parameters, gradient, DL4J's
     * workspaces and buffers) and drops them from the thread; the next call on this thread builds them again. The
     * networks of other threads (an engine's workers) are freed when their threads end: the simulation ends its
     * workers when a run ends, and with one thread the work runs on the calling thread, which the simulation releases
     * here.
     *
     * @return the bytes of the closed networks' parameters and gradients
     */
    @Override
    public long releaseScratch() {
        Replicas r = replicas.get();
        replicas.remove();
        long bytes = 0;
        for (Replica x : new Replica[] {r.f32, r.f64}) {
            if (x != null) {
                bytes += 2L * x.params.length() * x.params.dataType().width();
                x.net.close();
            }
        }
        return bytes;
    }

    // ---------------------------------------------------------------------------------------- per-thread state

    /** A thread's networks, one per precision, created on first use. */
    private static final class Replicas {
        private Replica f32;
        private Replica f64;

        Replica get(Dl4jModel model, boolean dbl) {
            if (dbl) {
                if (f64 == null) {
                    f64 = new Replica(model, DataType.DOUBLE);
                }
                return f64;
            }
            if (f32 == null) {
                f32 = new Replica(model, DataType.FLOAT);
            }
            return f32;
        }
    }

    /** One network with views of its flat parameters and gradient, and reused label and feature buffers. */
    private static final class Replica {
        final DataType type;
        final MultiLayerNetwork net;
        final INDArray params;
        final INDArray gradient;
        final INDArray[] paramBlocks;
        final INDArray[] regularized;
        INDArray oneHot;
        INDArray featureBuffer;
        int[] labelRows = new int[0];

        Replica(Dl4jModel model, DataType type) {
            this.type = type;
            this.net = model.newNetwork(type);
            this.params = model.flat(net.params());
            INDArray g = net.getFlattenedGradients();
            this.gradient = model.flat(g);
            if (Tensors.nativePointer(params).address() != Tensors.nativePointer(net.params()).address()
                    || Tensors.nativePointer(gradient).address() != Tensors.nativePointer(g).address()) {
                throw new IllegalStateException("flattened parameter or gradient view is not contiguous");
            }
            int nb = model.blocks.size();
            this.paramBlocks = new INDArray[nb];
            this.regularized = new INDArray[nb];
            for (int j = 0; j < nb; j++) {
                if (model.regularization[j] != 0.0) {
                    Block b = model.blocks.get(j);
                    paramBlocks[j] = params.get(NDArrayIndex.interval(b.offset(), b.offset() + b.length()));
                    regularized[j] = gradient.get(NDArrayIndex.interval(b.offset(), b.offset() + b.length()));
                }
            }
        }

        /** The one-hot labels [m, k], validated, in the first m rows of a reused buffer. */
        INDArray oneHot(INDArray labels, int m, int k) {
            if (labelRows.length < m) {
                labelRows = new int[m];
            }
            readLabels(labels, m, k, labelRows);
            if (oneHot == null || oneHot.rows() < m) {
                oneHot = Nd4j.create(type, Math.max(m, oneHot == null ? 0 : 2 * oneHot.rows()), k);
            }
            INDArray view = oneHot.get(NDArrayIndex.interval(0, m), NDArrayIndex.all());
            int off = (int) oneHot.offset();
            if (type == DataType.DOUBLE) {
                DoubleBuffer b = Tensors.doubleView(oneHot);
                for (int i = 0; i < m; i++) {
                    for (int c = 0; c < k; c++) {
                        b.put(off + i * k + c, c == labelRows[i] ? 1.0 : 0.0);
                    }
                }
            } else {
                FloatBuffer b = Tensors.floatView(oneHot);
                for (int i = 0; i < m; i++) {
                    for (int c = 0; c < k; c++) {
                        b.put(off + i * k + c, c == labelRows[i] ? 1.0f : 0.0f);
                    }
                }
            }
            return view;
        }

        /** The features as a dense c-order [m, p] matrix: themselves when they are one, else a reused copy. */
        INDArray input(INDArray f, int m, int p) {
            if (isDenseRowMajor(f)) {
                return f;
            }
            if (featureBuffer == null || featureBuffer.rows() < m) {
                featureBuffer = Nd4j.create(type, Math.max(m, featureBuffer == null ? 0 : 2 * featureBuffer.rows()),
                        p);
            }
            INDArray view = featureBuffer.get(NDArrayIndex.interval(0, m), NDArrayIndex.all());
            view.assign(f);
            return view;
        }
    }
}
