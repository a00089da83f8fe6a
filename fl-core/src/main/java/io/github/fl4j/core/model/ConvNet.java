package io.github.fl4j.core.model;

import io.github.fl4j.core.api.Evaluation;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.DataChecks;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.PerThread;
import java.lang.ref.Reference;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A convolutional network for k-class image classification with a softmax cross-entropy output, in the
 * flat-parameter style of {@link Mlp}: one parameter vector, a forward and backward pass written as BLAS gemm calls on
 * native memory (convolutions by im2col/col2im) plus plain Java loops, and no ND4J op or allocation per call.
 *
 * <p><b>Layers</b> (built with {@link #builder}): a convolution {@code conv(c, k, pad)} (c output channels, a k x k
 * kernel, stride 1, {@code pad} zero rows and columns on every side: {@code pad = (k-1)/2} keeps the size, TensorFlow's
 * 'same' for odd k; 0 is 'valid'), {@code relu()}, {@code maxPool(s)} (s x s windows, stride s, the remainder rows and
 * columns dropped as PyTorch's and TensorFlow's 'valid' pooling do), {@code groupNorm(g)} (Wu and He, 2018; per sample,
 * over g groups of channels, with a per-channel scale and shift) and {@code dense(n)} (fully connected; flattens its
 * input). The last layer is a dense layer with one output per class; its outputs are the logits. With the samples' image
 * {@code X_i} and class label {@code y_i}:
 *
 * <pre>
 *   conv:      Z[y, x, o] = b_o + sum_{u, v &lt; k, c} X[y + u - pad, x + v - pad, c] W[(u k + v) C + c, o]
 *              (X is 0 outside the image)             out size (H + 2 pad - k + 1) x (W + 2 pad - k + 1) x c
 *   relu:      Z = max(X, 0)                         (derivative at 0 taken as 0, as in PyTorch)
 *   maxPool:   Z[y, x, c] = max_{u, v &lt; s} X[s y + u, s x + v, c]
 *                                                    (the gradient goes to the first maximum in row-major order)
 *   groupNorm: Z[p, c] = gamma_c (X[p, c] - mu_g) / sqrt(var_g + 1e-5) + beta_c, with mu_g and var_g (biased) the mean
 *              and variance of the sample's values in c's group (all pixels p, C/g channels)
 *   dense:     Z = b + X W                          (X flattened to a row, W of shape [inputs, outputs])
 *   f(x; B)  = (1/|B|) sum_{i in B} -log softmax(Z_L(X_i))_{y_i}
 * </pre>
 *
 * The gradient is back-propagation of these formulas (the GroupNorm one is
 * {@code dX = (1/sqrt(var + eps)) (dXhat - mean(dXhat) - Xhat mean(dXhat Xhat))} per sample and group, with
 * {@code dXhat = gamma dZ}); every layer's gradient is checked against finite differences in float64 by the tests.
 *
 * <p><b>Layouts.</b> A sample is a feature row of {@code H W C} values in the channel-planes order of PyTorch,
 * DL4J and the CIFAR-10 binary files: value (c, y, x) at {@code c H W + y W + x} (for one channel, the row-major image
 * of the MNIST IDX files). Inside the network activations are channels-last (value (y, x, c) at {@code (y W + x) C + c}),
 * which makes a convolution one gemm over all pixels of the batch: the im2col matrix has one row per output pixel with
 * the k x k x C input values in (u, v, c) order. Parameters, for each layer in order: a convolution's
 * {@code W} of shape {@code [k k C, c]} row-major (row {@code (u k + v) C + c_in}, column o), then its c biases; a dense
 * layer's {@code W} of shape {@code [inputs, outputs]} row-major, the input index being the channels-last flattening
 * {@code (y W + x) C + c} of the layer's input, then its biases; a GroupNorm layer's C scales gamma, then its C shifts
 * beta. A PyTorch {@code Conv2d.weight[o][c][u][v]} is {@code W[(u k + v) C + c][o]} here, and a dense layer after a
 * convolution has its rows permuted against PyTorch's and DL4J's channels-first flattening
 * ({@link #denseInputIndexChw} maps them).
 *
 * <p><b>Initialisation</b> ({@link #initialParameters}): PyTorch's defaults, as {@link Mlp}: every weight and bias of a
 * convolution or dense layer uniform on {@code [-1/sqrt(fan_in), 1/sqrt(fan_in))} with {@code fan_in = k k C} for a
 * convolution and the input count for a dense layer, drawn in the order of the flat layout; GroupNorm scales 1 and
 * shifts 0 (no draws).
 *
 * <p><b>Cost.</b> A convolution is an im2col copy, one gemm forward ({@code [|B| H' W', k k C] x [k k C, c]}), and
 * backward one gemm for the weight gradient ({@code col^T dZ}), one for the input gradient ({@code dZ W^T}, skipped
 * for the first layer) and a col2im accumulation; a dense layer is Mlp's three gemms. All other work is linear in
 * the activations. Scratch per thread and precision: one native block with every layer's activations, the im2col
 * matrices of the convolutions (kept from the forward pass for the weight gradient, reused for the input gradient) and
 * two delta buffers, sized for the largest batch the thread has seen (for {@link #mcMahanMnist()} at |B| = 32 in
 * float32 about 33 MB, mostly the second convolution's 6272 x 800 im2col matrix); {@link #evaluate} works in chunks of
 * 32 samples.
 *
 * <p>Numerics, labels and thread safety as {@link Mlp}: max-shifted softmax, labels are class indices stored as
 * floats (a bad one is rejected naming its row and value, before the gradient is written), float32 (sgemm) and float64
 * (dgemm) batches, {@code params} and {@code gradientOut} of the batch's type, concurrent calls safe with distinct
 * outputs. Every call is single-threaded and its arithmetic does not depend on the thread, so results are the same
 * bits on any thread.
 */
public final class ConvNet implements Model {
    /** Samples per chunk in {@link #evaluate} (bounds the im2col scratch). */
    static final int EVAL_CHUNK = 32;
    /** GroupNorm's epsilon, PyTorch's default. */
    public static final double GROUP_NORM_EPS = 1e-5;
    private static final int ALIGN = 16;
    /** Timing hook for the test sources' ConvNetTiming: nanoseconds per layer (forward at 2i, backward 2i+1). */
    static volatile long[] profile;

    private final int height;
    private final int width;
    private final int channels;
    private final Layer[] layers;
    private final int dimension;
    private final int classes;
    private final String description;
    private final PerThread<Scratch> scratch;

    private ConvNet(int height, int width, int channels, List<Layer> layers, String description) {
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.layers = layers.toArray(new Layer[0]);
        long d = 0;
        for (int i = 0; i < this.layers.length; i++) {
            Layer l = this.layers[i];
            l.index = i;
            l.prev = i == 0 ? null : this.layers[i - 1];
            l.paramOffset = (int) d;
            d += l.paramCount;
            if (d > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("the parameter count must be <= " + Integer.MAX_VALUE + " for "
                        + description);
            }
        }
        this.dimension = (int) d;
        this.classes = this.layers[this.layers.length - 1].outSize();
        this.description = description;
        final Layer[] ls = this.layers;
        this.scratch = new PerThread<>(() -> new Scratch(ls));
    }

    // ------------------------------------------------------------------------------------------------- models

    /**
     * McMahan et al.'s MNIST "CNN" ("Communication-Efficient Learning of Deep Networks from Decentralized Data",
     * AISTATS 2017, section 3): 5x5 convolution with 32 channels, ReLU, 2x2 max-pool, 5x5 convolution with 64
     * channels, ReLU, 2x2 max-pool, dense 512 with ReLU, dense 10 (softmax), on 28 x 28 x 1 images. The paper states
     * 1,663,370 parameters, which holds only with 'same' padding (28 -> 14 -> 7, a 3136-input dense layer), the padding
     * of TensorFlow Federated's version of the model ({@code padding='same'}) and of DL4J's
     * {@code ConvolutionMode.Same}; so both convolutions pad 2.
     */
    public static ConvNet mcMahanMnist() {
        return mcMahan(28, 28, 1, 10);
    }

    /**
     * The layers of {@link #mcMahanMnist()} on {@code height x width x channels} images with {@code classes} outputs
     * (the dense layer's input count follows the image size: {@code floor(floor(H/2)/2) floor(floor(W/2)/2) 64}).
     *
     * @throws IllegalArgumentException if the image is smaller than 2 x 2 after the first pooling
     */
    public static ConvNet mcMahan(int height, int width, int channels, int classes) {
        return builder(height, width, channels).conv(32, 5, 2).relu().maxPool(2).conv(64, 5, 2).relu().maxPool(2)
                .dense(512).relu().dense(classes).build("mcmahan-cnn");
    }

    /**
     * LeNet-5 (LeCun et al., 1998) in its common modern form for 28 x 28 x 1 images: 5x5 convolution with 6 channels
     * padded by 2 (the original's 32 x 32 input), ReLU, 2x2 max-pool, 5x5 convolution with 16 channels ('valid'),
     * ReLU, 2x2 max-pool (5 x 5 x 16), dense 120, ReLU, dense 84, ReLU, dense {@code classes}. 61,706 parameters for
     * 10 classes.
     */
    public static ConvNet leNet5(int classes) {
        return leNet5(28, 28, 1, classes);
    }

    /** The layers of {@link #leNet5(int)} on {@code height x width x channels} images (at least 12 x 12). */
    public static ConvNet leNet5(int height, int width, int channels, int classes) {
        return builder(height, width, channels).conv(6, 5, 2).relu().maxPool(2).conv(16, 5, 0).relu().maxPool(2)
                .dense(120).relu().dense(84).relu().dense(classes).build("lenet5");
    }

    /**
     * A CIFAR-sized network for 32 x 32 x 3 images: the CNN of McMahan et al.'s CIFAR-10 experiments (two 5x5
     * convolutions with 64 channels, each followed by 2x2 max-pooling, then dense 384, dense 192 and the softmax
     * layer) with GroupNorm (2 groups of 32 channels) after each convolution in place of the original's local
     * response normalisation, since BatchNorm's running statistics are a known federated pitfall (Hsieh et al., 2020).
     * Padding 'same'; 1,756,682 parameters for 10 classes.
     */
    public static ConvNet cifarGroupNorm(int classes) {
        return cifarGroupNorm(32, 32, 3, classes);
    }

    /** The layers of {@link #cifarGroupNorm(int)} on {@code height x width x channels} images. */
    public static ConvNet cifarGroupNorm(int height, int width, int channels, int classes) {
        return builder(height, width, channels).conv(64, 5, 2).groupNorm(2).relu().maxPool(2).conv(64, 5, 2)
                .groupNorm(2).relu().maxPool(2).dense(384).relu().dense(192).relu().dense(classes)
                .build("cifar-gn-cnn");
    }

    /** A builder for a network on {@code height x width x channels} images. */
    public static Builder builder(int height, int width, int channels) {
        return new Builder(height, width, channels);
    }

    /** Builds a network layer by layer; each method checks its layer against the current shape. */
    public static final class Builder {
        private final int height;
        private final int width;
        private final int channels;
        private final List<Layer> layers = new ArrayList<>();
        private final StringBuilder text = new StringBuilder();
        private int h;
        private int w;
        private int c;

        private Builder(int height, int width, int channels) {
            if (height < 1 || width < 1 || channels < 1) {
                throw new IllegalArgumentException("image height, width and channels must be >= 1, were " + height
                        + " x " + width + " x " + channels);
            }
            this.height = height;
            this.width = width;
            this.channels = channels;
            this.h = height;
            this.w = width;
            this.c = channels;
        }

        /** A convolution with {@code outChannels} channels, a {@code kernel x kernel} kernel, stride 1, padding pad. */
        public Builder conv(int outChannels, int kernel, int pad) {
            if (outChannels < 1 || kernel < 1 || pad < 0 || pad >= kernel) {
                throw new IllegalArgumentException("conv: channels and kernel must be >= 1 and 0 <= pad < kernel, were "
                        + outChannels + ", " + kernel + ", " + pad);
            }
            int oh = h + 2 * pad - kernel + 1;
            int ow = w + 2 * pad - kernel + 1;
            if (oh < 1 || ow < 1) {
                throw new IllegalArgumentException("conv: a " + kernel + "x" + kernel + " kernel with pad " + pad
                        + " does not fit a " + h + " x " + w + " input");
            }
            return add(new Conv(h, w, c, outChannels, kernel, pad, layers.isEmpty()),
                    "conv" + kernel + "x" + kernel + "x" + outChannels + "p" + pad);
        }

        /** ReLU. */
        public Builder relu() {
            first("relu");
            return add(new Relu(h, w, c), "relu");
        }

        /** Max-pooling over {@code size x size} windows with stride {@code size}. */
        public Builder maxPool(int size) {
            first("maxPool");
            if (size < 1 || size > h || size > w) {
                throw new IllegalArgumentException("maxPool: size must be in [1, " + Math.min(h, w) + "], was " + size);
            }
            return add(new MaxPool(h, w, c, size), "pool" + size);
        }

        /** GroupNorm with {@code groups} groups (must divide the channel count). */
        public Builder groupNorm(int groups) {
            first("groupNorm");
            if (groups < 1 || c % groups != 0) {
                throw new IllegalArgumentException("groupNorm: groups must divide the " + c + " channels, was "
                        + groups);
            }
            return add(new GroupNorm(h, w, c, groups), "gn" + groups);
        }

        /** A fully connected layer with {@code outputs} outputs. */
        public Builder dense(int outputs) {
            if (outputs < 1) {
                throw new IllegalArgumentException("dense: outputs must be >= 1, was " + outputs);
            }
            return add(new Dense(h * w * c, outputs), "dense" + outputs);
        }

        private void first(String what) {
            if (layers.isEmpty()) {
                throw new IllegalArgumentException(what + " cannot be the first layer (start with conv or dense)");
            }
        }

        private Builder add(Layer l, String name) {
            layers.add(l);
            h = l.outH;
            w = l.outW;
            c = l.outC;
            text.append(text.length() == 0 ? "" : ",").append(name);
            return this;
        }

        /** The network; the last layer must be dense with at least 2 outputs (the classes). */
        public ConvNet build() {
            return build(null);
        }

        ConvNet build(String name) {
            if (layers.isEmpty() || !(layers.get(layers.size() - 1) instanceof Dense) || c < 2) {
                throw new IllegalArgumentException("the last layer must be dense with >= 2 outputs (the classes), "
                        + "layers were [" + text + "]");
            }
            String d = (name == null ? "" : name + ":") + height + "x" + width + "x" + channels + "[" + text + "]";
            return new ConvNet(height, width, channels, layers, d);
        }
    }

    // ------------------------------------------------------------------------------------------------ queries

    /** {@inheritDoc} The total parameter count of the layers. */
    @Override
    public long dimension() {
        return dimension;
    }

    /** The input feature count {@code H W C}. */
    public int inputs() {
        return height * width * channels;
    }

    /** The number of classes k (the last layer's outputs). */
    public int classes() {
        return classes;
    }

    /** The number of layers (convolutions, activations, pools, norms and dense layers). */
    public int layerCount() {
        return layers.length;
    }

    /** The offset of layer {@code layer}'s first parameter (its weights; biases follow), 0 for parameter-free layers. */
    public int parameterOffset(int layer) {
        return layers[checkLayer(layer)].paramOffset;
    }

    /** The parameter count of layer {@code layer}. */
    public int parameterCount(int layer) {
        return layers[checkLayer(layer)].paramCount;
    }

    /** The output shape {@code {H, W, C}} of layer {@code layer} ({@code {1, 1, n}} for a dense layer). */
    public int[] outputShape(int layer) {
        Layer l = layers[checkLayer(layer)];
        return new int[] {l.outH, l.outW, l.outC};
    }

    /**
     * For a dense layer whose input is an {@code H x W x C} map: the row of its weight matrix (the channels-last index
     * {@code (y W + x) C + c}) that holds the input with channels-first index {@code chw = c H W + y W + x}, the order
     * in which PyTorch's {@code flatten} and DL4J's {@code CnnToFeedForwardPreProcessor} flatten.
     */
    public int denseInputIndexChw(int layer, int chw) {
        Layer l = layers[checkLayer(layer)];
        if (!(l instanceof Dense)) {
            throw new IllegalArgumentException("layer " + layer + " is not a dense layer");
        }
        int[] in = layer == 0 ? new int[] {height, width, channels} : outputShape(layer - 1);
        int hw = in[0] * in[1];
        int c = chw / hw;
        int p = chw % hw;
        return p * in[2] + c;
    }

    private int checkLayer(int layer) {
        if (layer < 0 || layer >= layers.length) {
            throw new IllegalArgumentException("layer must be in [0, " + layers.length + "), was " + layer);
        }
        return layer;
    }

    // ------------------------------------------------------------------------------------------ initialisation

    /**
     * PyTorch's default initialisation (see the class documentation); draws exactly one value per convolution or
     * dense parameter, in layout order, each {@code -bound + 2 bound rng.nextDouble()}.
     *
     * @throws IllegalArgumentException if {@code rng} is null or {@code out} is not a contiguous float32/float64
     *                                  vector of length d
     */
    @Override
    public void initialParameters(RandomStream rng, INDArray out) {
        Kernels.Vec v = Kernels.initTarget(rng, out, dimension);
        for (Layer l : layers) {
            l.init(rng, v);
        }
    }

    // ----------------------------------------------------------------------------------------- model contract

    /**
     * {@inheritDoc}
     *
     * <p>The mean cross-entropy; the gradient (layout as the parameters) goes into {@code gradientOut}, which is left
     * untouched on an invalid label.
     *
     * @throws IllegalArgumentException if a label is not a class index in {@code [0, k)} (naming the row and value),
     *                                  the batch is empty or has a feature count other than {@code H W C}, or
     *                                  {@code params} / {@code gradientOut} are not contiguous vectors of length d
     *                                  of the batch's type, or {@code gradientOut} overlaps {@code params}
     */
    @Override
    public double lossAndGradient(INDArray params, Dataset batch, INDArray gradientOut) {
        Scratch s = scratch.get();
        synchronized (s) {
            boolean dbl = Kernels.checkBatch(batch, inputs(), "batch");
            Kernels.checkVector(params, "params", dimension, dbl, "dimension");
            Kernels.checkOutput(gradientOut, "gradientOut", dimension, dbl, params);
            Kernels.Vec y = Kernels.column(batch.labels());
            int m = (int) batch.size();
            for (int i = 0; i < m; i++) {
                label(y, i);
            }
            Kernels.Matrix a = Kernels.features(batch);
            Block blk = s.block(dbl, m);
            Run run = blk.run;
            run.bind(params, a, 0, m, gradientOut);
            double sum = forward(run, y, 0, true, null);
            backward(run);
            run.unbind();
            Reference.reachabilityFence(a);
            Reference.reachabilityFence(batch);
            Reference.reachabilityFence(params);
            Reference.reachabilityFence(gradientOut);
            return sum / m;
        }
    }

    /**
     * {@inheritDoc} The mean cross-entropy, by the forward pass of {@link #lossAndGradient} over the whole batch (so
     * both return the same bits).
     *
     * @throws IllegalArgumentException as {@link #lossAndGradient}
     */
    @Override
    public double loss(INDArray params, Dataset batch) {
        Scratch s = scratch.get();
        synchronized (s) {
            boolean dbl = Kernels.checkBatch(batch, inputs(), "batch");
            Kernels.checkVector(params, "params", dimension, dbl, "dimension");
            Kernels.Vec y = Kernels.column(batch.labels());
            Kernels.Matrix a = Kernels.features(batch);
            int m = a.rows();
            Block blk = s.block(dbl, m);
            Run run = blk.run;
            run.bind(params, a, 0, m, null);
            double sum = forward(run, y, 0, false, null);
            run.unbind();
            Reference.reachabilityFence(a);
            Reference.reachabilityFence(batch);
            Reference.reachabilityFence(params);
            return sum / m;
        }
    }

    /**
     * The mean cross-entropy over all n samples of {@code data} and the accuracy (the fraction whose largest logit is
     * at the label, ties to the lowest class), in chunks of 32 samples.
     *
     * @throws IllegalArgumentException as {@link #lossAndGradient}
     */
    @Override
    public Evaluation evaluate(INDArray params, Dataset data) {
        return evaluate(params, data, EVAL_CHUNK);
    }

    /** {@link #evaluate(INDArray, Dataset)} with a given chunk size (package-private for tests). */
    Evaluation evaluate(INDArray params, Dataset data, int chunkRows) {
        Scratch s = scratch.get();
        synchronized (s) {
            boolean dbl = Kernels.checkBatch(data, inputs(), "data");
            Kernels.checkVector(params, "params", dimension, dbl, "dimension");
            Kernels.Vec y = Kernels.column(data.labels());
            Kernels.Matrix a = Kernels.features(data);
            int n = a.rows();
            int chunk = Math.max(1, Math.min(chunkRows, n));
            Block blk = s.block(dbl, chunk);
            Run run = blk.run;
            long[] correct = new long[1];
            double sum = 0.0;
            for (int start = 0; start < n; start += chunk) {
                int rows = Math.min(chunk, n - start);
                run.bind(params, a, start, rows, null);
                sum += forward(run, y, start, false, correct);
            }
            run.unbind();
            Reference.reachabilityFence(a);
            Reference.reachabilityFence(data);
            Reference.reachabilityFence(params);
            return new Evaluation(sum / n, (double) correct[0] / n, n);
        }
    }

    /** Runs every layer forward and the softmax; with {@code gradient}, leaves dZ_L = (P - Y)/m in delta buffer 0. */
    private double forward(Run r, Kernels.Vec y, int start, boolean gradient, long[] correct) {
        long[] prof = profile;
        for (Layer l : layers) {
            long t0 = prof != null ? System.nanoTime() : 0;
            l.forward(r);
            if (prof != null) {
                prof[2 * l.index] += System.nanoTime() - t0;
            }
        }
        Layer last = layers[layers.length - 1];
        int k = classes;
        int base0 = r.blk.act[last.index];
        Kernels.Vec z = r.blk.vec;
        double[] row = r.blk.row;
        double scale = 1.0 / r.m;
        double loss = 0.0;
        long hits = 0;
        for (int i = 0; i < r.m; i++) {
            int label = label(y, start + i);
            int base = base0 + i * k;
            double max = Double.NEGATIVE_INFINITY;
            int argmax = 0;
            for (int c = 0; c < k; c++) {
                double v = z.get(base + c);
                row[c] = v;
                if (v > max) {
                    max = v;
                    argmax = c;
                }
            }
            double total = 0.0;
            for (int c = 0; c < k; c++) {
                double e = Math.exp(row[c] - max);
                row[c] = e;
                total += e;
            }
            loss += Math.log(total) + max - z.get(base + label);
            if (argmax == label) {
                hits++;
            }
            if (gradient) {
                double inv = 1.0 / total;
                int d = r.blk.delta[0] + i * k;
                for (int c = 0; c < k; c++) {
                    z.set(d + c, (row[c] * inv - (c == label ? 1.0 : 0.0)) * scale);
                }
            }
        }
        if (correct != null) {
            correct[0] += hits;
        }
        return loss;
    }

    /** Back-propagates delta buffer 0 (dZ_L) through every layer, writing each layer's parameter gradient. */
    private void backward(Run r) {
        int cur = 0;
        long[] prof = profile;
        for (int i = layers.length - 1; i >= 0; i--) {
            long t0 = prof != null ? System.nanoTime() : 0;
            layers[i].backward(r, r.blk.delta[cur], i == 0 ? -1 : r.blk.delta[1 - cur]);
            if (prof != null) {
                prof[2 * i + 1] += System.nanoTime() - t0;
            }
            cur = 1 - cur;
        }
    }

    private int label(Kernels.Vec y, int row) {
        double v = y.get(row);
        if (!(v >= 0.0 && v < classes && v == Math.rint(v))) {
            throw new IllegalArgumentException("label at row " + row + " must be a class index in [0, " + classes
                    + "), was " + v);
        }
        return (int) v;
    }

    /** Every label must be a class index in [0, k). */
    @Override
    public void checkLabels(Dataset data, String name) {
        double[] y = DataChecks.labels(data);
        for (int i = 0; i < y.length; i++) {
            double v = y[i];
            if (!(v >= 0.0 && v < classes && v == Math.rint(v))) {
                throw new IllegalArgumentException(name + ": the label at row " + i + " is " + v + ", not a class "
                        + "index in [0, " + classes + ") of " + this);
            }
        }
    }

    /** {@inheritDoc} Frees every thread's activation blocks (float32 and float64). */
    @Override
    public long releaseScratch() {
        long[] bytes = new long[1];
        scratch.forEach(s -> bytes[0] += s.free());
        scratch.removeCurrent();
        return bytes[0];
    }

    @Override
    public String toString() {
        return "ConvNet[" + description + ", d=" + dimension + "]";
    }

    private static long align(long n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }

    // ---------------------------------------------------------------------------------------------- run state

    /**
     * One call's bindings: the block, the batch rows, the parameter and gradient vectors. Reused per block (so a call
     * allocates nothing); {@link #unbind} drops the references to the caller's arrays.
     */
    private static final class Run {
        final Block blk;
        final boolean dbl;
        int m;
        Pointer params;
        Kernels.Vec pv;
        Pointer grad;
        Kernels.Vec gv;
        Pointer input; // first sample's features
        Kernels.Vec inputVec; // element access to the features
        int inputBase; // index of the first sample's first feature in inputVec
        int inputLd; // features per row stride
        FloatBuffer inputFloats; // float32 features: the whole allocation's buffer
        int inputFloatBase; // index of the first sample's first feature in inputFloats

        Run(Block blk) {
            this.blk = blk;
            this.dbl = blk.dbl;
        }

        void bind(INDArray parameters, Kernels.Matrix a, int start, int rows, INDArray gradient) {
            this.m = rows;
            this.params = Kernels.pointer(parameters);
            this.pv = Kernels.vector(parameters, 0);
            this.grad = gradient == null ? null : Kernels.pointer(gradient);
            this.gv = gradient == null ? null : Kernels.vector(gradient, 0);
            this.input = a.row(start, dbl);
            INDArray owner = a.owner();
            this.inputVec = Kernels.vector(owner, 0);
            this.inputBase = start * a.ld();
            this.inputLd = a.ld();
            if (!dbl) {
                this.inputFloats = io.github.fl4j.core.tensor.Tensors.floatView(owner);
                this.inputFloatBase = (int) owner.offset() + inputBase;
            }
        }

        void unbind() {
            params = null;
            pv = null;
            grad = null;
            gv = null;
            input = null;
            inputVec = null;
            inputFloats = null;
        }

        Pointer at(int offset) {
            return Kernels.at(blk.memory, dbl, offset);
        }
    }

    // ------------------------------------------------------------------------------------------------- layers

    /** A layer: shapes, its parameter slice, and where its buffers sit in a block (set by {@link Block}). */
    private abstract static class Layer {
        final int inH;
        final int inW;
        final int inC;
        final int outH;
        final int outW;
        final int outC;
        int paramOffset;
        int paramCount;
        int index;
        Layer prev; // the layer before, null for the first

        Layer(int inH, int inW, int inC, int outH, int outW, int outC) {
            this.inH = inH;
            this.inW = inW;
            this.inC = inC;
            this.outH = outH;
            this.outW = outW;
            this.outC = outC;
        }

        int inSize() {
            return inH * inW * inC;
        }

        int outSize() {
            return outH * outW * outC;
        }

        /** Extra native elements per sample (im2col, normalised values). */
        long extraPerSample() {
            return 0;
        }

        void init(RandomStream rng, Kernels.Vec out) {
        }

        abstract void forward(Run r);

        /**
         * Back-propagates: {@code dOut} (offset of dL/dZ in the block) to {@code dIn} (offset for dL/dX, or -1 when
         * the input gradient is not needed), adding nothing: every gradient entry of the layer is overwritten.
         */
        abstract void backward(Run r, int dOut, int dIn);

        /** Offset of this layer's input activations in the block, or -1 for the batch features. */
        int inOffset(Run r) {
            return prev == null ? -1 : r.blk.act[prev.index];
        }

        /** Fills {@code [paramOffset, paramOffset + paramCount)} uniform on +-1/sqrt(fanIn). */
        void uniform(RandomStream rng, Kernels.Vec out, int fanIn) {
            double bound = 1.0 / Math.sqrt(fanIn);
            double width = bound - -bound;
            for (int i = paramOffset, end = paramOffset + paramCount; i < end; i++) {
                out.set(i, -bound + width * rng.nextDouble());
            }
        }

        /** Writes the column sums of the [rows, cols] matrix at block offset {@code off} to {@code g[at ..)}. */
        static void columnSums(Run r, int off, int rows, int cols, Kernels.Vec g, int at) {
            double[] sums = r.blk.sums(cols);
            Arrays.fill(sums, 0, cols, 0.0);
            Kernels.Vec v = r.blk.vec;
            for (int i = 0; i < rows; i++) {
                int base = off + i * cols;
                for (int c = 0; c < cols; c++) {
                    sums[c] += v.get(base + c);
                }
            }
            for (int c = 0; c < cols; c++) {
                g.set(at + c, sums[c]);
            }
        }

        /** Adds the bias {@code params[at .. at+cols)} to every row of the [rows, cols] matrix at {@code off}. */
        static void addBias(Run r, int off, int rows, int cols, int at) {
            if (r.dbl) {
                DoubleBuffer z = r.blk.doubles;
                double[] b = r.blk.sums(cols);
                for (int c = 0; c < cols; c++) {
                    b[c] = r.pv.get(at + c);
                }
                for (int i = 0; i < rows; i++) {
                    int base = off + i * cols;
                    for (int c = 0; c < cols; c++) {
                        z.put(base + c, z.get(base + c) + b[c]);
                    }
                }
            } else {
                FloatBuffer z = r.blk.floats;
                float[] b = r.blk.floatRow(cols);
                for (int c = 0; c < cols; c++) {
                    b[c] = (float) r.pv.get(at + c);
                }
                for (int i = 0; i < rows; i++) {
                    int base = off + i * cols;
                    for (int c = 0; c < cols; c++) {
                        z.put(base + c, z.get(base + c) + b[c]);
                    }
                }
            }
        }
    }

    /** A convolution by im2col and one gemm. */
    private static final class Conv extends Layer {
        final int k;
        final int pad;
        final int kk; // k k C: the im2col row length
        final boolean firstLayer;

        Conv(int h, int w, int c, int out, int k, int pad, boolean firstLayer) {
            super(h, w, c, h + 2 * pad - k + 1, w + 2 * pad - k + 1, out);
            this.k = k;
            this.pad = pad;
            this.kk = k * k * c;
            this.firstLayer = firstLayer;
            this.paramCount = kk * out + out;
        }

        @Override
        long extraPerSample() {
            return (long) outH * outW * kk;
        }

        @Override
        void init(RandomStream rng, Kernels.Vec out) {
            uniform(rng, out, kk);
        }

        @Override
        void forward(Run r) {
            im2col(r);
            int rows = r.m * outH * outW;
            Kernels.gemm(r.dbl, false, false, rows, outC, kk, 1.0, r.at(r.blk.extra[index]), kk,
                    Kernels.at(r.params, r.dbl, paramOffset), outC, 0.0, r.at(r.blk.act[index]), outC);
            addBias(r, r.blk.act[index], rows, outC, paramOffset + kk * outC);
        }

        @Override
        void backward(Run r, int dOut, int dIn) {
            int rows = r.m * outH * outW;
            // grad W = col^T dZ
            Kernels.gemm(r.dbl, true, false, kk, outC, rows, 1.0, r.at(r.blk.extra[index]), kk, r.at(dOut), outC, 0.0,
                    Kernels.at(r.grad, r.dbl, paramOffset), outC);
            columnSums(r, dOut, rows, outC, r.gv, paramOffset + kk * outC);
            if (dIn >= 0) {
                // dCol = dZ W^T over the (no longer needed) im2col matrix, then col2im into dX
                Kernels.gemm(r.dbl, false, true, rows, kk, outC, 1.0, r.at(dOut), outC,
                        Kernels.at(r.params, r.dbl, paramOffset), outC, 0.0, r.at(r.blk.extra[index]), kk);
                col2im(r, dIn);
            }
        }

        /**
         * The im2col matrix: row {@code (i, y, x)} (sample, output pixel) holds the input values
         * {@code X_i[y + u - pad, x + v - pad, c]} at column {@code (u k + v) C + c}, 0 outside the image.
         */
        private void im2col(Run r) {
            Kernels.Vec src;
            int base;
            int sampleStride;
            int sy;
            int sx;
            int sc;
            if (prev == null) {
                src = r.inputVec;
                base = r.inputBase;
                sampleStride = r.inputLd;
                sy = inW; // channels-first features
                sx = 1;
                sc = inH * inW;
            } else {
                src = r.blk.vec;
                base = r.blk.act[prev.index];
                sampleStride = inSize();
                sy = inW * inC;
                sx = inC;
                sc = 1;
            }
            if (!r.dbl && (sc == 1 || inC == 1)) {
                FloatBuffer fb = prev == null ? r.inputFloats : r.blk.floats;
                int fbase = prev == null ? r.inputFloatBase : base;
                im2colFloatChannelsLast(r, fb, fbase, sampleStride);
                return;
            }
            Kernels.Vec dst = r.blk.vec;
            int o = r.blk.extra[index];
            for (int i = 0; i < r.m; i++) {
                int sb = base + i * sampleStride;
                for (int y = 0; y < outH; y++) {
                    for (int x = 0; x < outW; x++) {
                        for (int u = 0; u < k; u++) {
                            int iy = y + u - pad;
                            for (int v = 0; v < k; v++) {
                                int ix = x + v - pad;
                                if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) {
                                    for (int c = 0; c < inC; c++) {
                                        dst.set(o++, 0.0);
                                    }
                                } else {
                                    int p = sb + iy * sy + ix * sx;
                                    for (int c = 0; c < inC; c++) {
                                        dst.set(o++, src.get(p + c * sc));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        /**
         * im2col of channels-last float values: for each output pixel and kernel row u, the k C values of the input row
         * are contiguous in both the input and the im2col row, so each is one bulk copy (clipped at the image edges).
         */
        private void im2colFloatChannelsLast(Run r, FloatBuffer src, int base, int sampleStride) {
            FloatBuffer dst = r.blk.floats;
            int run = k * inC;
            float[] tmp = r.blk.floatRow(run);
            int o = r.blk.extra[index];
            int rowLen = inW * inC;
            for (int i = 0; i < r.m; i++) {
                int sb = base + i * sampleStride;
                for (int y = 0; y < outH; y++) {
                    for (int x = 0; x < outW; x++) {
                        int x0 = x - pad;
                        int lo = Math.max(0, -x0) * inC;
                        int hi = Math.min(k, inW - x0) * inC;
                        for (int u = 0; u < k; u++) {
                            int iy = y + u - pad;
                            if (iy < 0 || iy >= inH) {
                                for (int j = 0; j < run; j++) {
                                    dst.put(o + j, 0.0f);
                                }
                            } else {
                                for (int j = 0; j < lo; j++) {
                                    dst.put(o + j, 0.0f);
                                }
                                src.get(sb + iy * rowLen + x0 * inC + lo, tmp, 0, hi - lo);
                                dst.put(o + lo, tmp, 0, hi - lo);
                                for (int j = hi; j < run; j++) {
                                    dst.put(o + j, 0.0f);
                                }
                            }
                            o += run;
                        }
                    }
                }
            }
        }

        /** dX = the sum, over the im2col rows and columns that read each input value, of dCol (in the col buffer). */
        private void col2im(Run r, int dIn) {
            int n = r.m * inSize();
            Kernels.Vec v = r.blk.vec;
            if (r.dbl) {
                DoubleBuffer b = r.blk.doubles;
                for (int i = 0; i < n; i++) {
                    b.put(dIn + i, 0.0);
                }
            } else {
                FloatBuffer b = r.blk.floats;
                for (int i = 0; i < n; i++) {
                    b.put(dIn + i, 0.0f);
                }
            }
            int rowLen = inW * inC;
            int o = r.blk.extra[index];
            if (r.dbl) {
                DoubleBuffer b = r.blk.doubles;
                for (int i = 0; i < r.m; i++) {
                    int sb = dIn + i * inSize();
                    for (int y = 0; y < outH; y++) {
                        for (int x = 0; x < outW; x++) {
                            for (int u = 0; u < k; u++) {
                                int iy = y + u - pad;
                                boolean rowIn = iy >= 0 && iy < inH;
                                for (int w = 0; w < k; w++) {
                                    int ix = x + w - pad;
                                    if (rowIn && ix >= 0 && ix < inW) {
                                        int p = sb + iy * rowLen + ix * inC;
                                        for (int c = 0; c < inC; c++) {
                                            b.put(p + c, b.get(p + c) + b.get(o + c));
                                        }
                                    }
                                    o += inC;
                                }
                            }
                        }
                    }
                }
            } else {
                FloatBuffer b = r.blk.floats;
                int run = k * inC;
                for (int i = 0; i < r.m; i++) {
                    int sb = dIn + i * inSize();
                    for (int y = 0; y < outH; y++) {
                        for (int x = 0; x < outW; x++) {
                            int x0 = x - pad;
                            int lo = Math.max(0, -x0) * inC;
                            int hi = Math.min(k, inW - x0) * inC;
                            for (int u = 0; u < k; u++) {
                                int iy = y + u - pad;
                                if (iy >= 0 && iy < inH) {
                                    int p = sb + iy * rowLen + x0 * inC;
                                    for (int j = lo; j < hi; j++) {
                                        b.put(p + j, b.get(p + j) + b.get(o + j));
                                    }
                                }
                                o += run;
                            }
                        }
                    }
                }
            }
            Reference.reachabilityFence(v);
        }
    }

    /** ReLU. */
    private static final class Relu extends Layer {
        Relu(int h, int w, int c) {
            super(h, w, c, h, w, c);
        }

        @Override
        void forward(Run r) {
            int n = r.m * outSize();
            int in = inOffset(r);
            int out = r.blk.act[index];
            if (r.dbl) {
                DoubleBuffer b = r.blk.doubles;
                for (int i = 0; i < n; i++) {
                    double v = b.get(in + i);
                    b.put(out + i, v > 0.0 ? v : 0.0);
                }
            } else {
                FloatBuffer b = r.blk.floats;
                for (int i = 0; i < n; i++) {
                    float v = b.get(in + i);
                    b.put(out + i, v > 0.0f ? v : 0.0f);
                }
            }
        }

        @Override
        void backward(Run r, int dOut, int dIn) {
            if (dIn < 0) {
                return;
            }
            int n = r.m * outSize();
            int z = r.blk.act[index];
            if (r.dbl) {
                DoubleBuffer b = r.blk.doubles;
                for (int i = 0; i < n; i++) {
                    b.put(dIn + i, b.get(z + i) > 0.0 ? b.get(dOut + i) : 0.0);
                }
            } else {
                FloatBuffer b = r.blk.floats;
                for (int i = 0; i < n; i++) {
                    b.put(dIn + i, b.get(z + i) > 0.0f ? b.get(dOut + i) : 0.0f);
                }
            }
        }
    }

    /** Max-pooling with s x s windows and stride s; remembers each output's source. */
    private static final class MaxPool extends Layer {
        final int s;
        
        MaxPool(int h, int w, int c, int s) {
            super(h, w, c, h / s, w / s, c);
            this.s = s;
        }

        @Override
        void forward(Run r) {
            if (!r.dbl) {
                forwardFloat(r);
                return;
            }
            Kernels.Vec v = r.blk.vec;
            int[] arg = r.blk.argmax;
            int in = inOffset(r);
            int o = r.blk.act[index];
            int a = r.blk.aux[index];
            int rowLen = inW * inC;
            for (int i = 0; i < r.m; i++) {
                int sb = in + i * inSize();
                for (int y = 0; y < outH; y++) {
                    for (int x = 0; x < outW; x++) {
                        int corner = sb + (s * y) * rowLen + (s * x) * inC;
                        for (int c = 0; c < inC; c++) {
                            int best = corner + c;
                            double max = v.get(best);
                            for (int u = 0; u < s; u++) {
                                for (int w = 0; w < s; w++) {
                                    int p = corner + u * rowLen + w * inC + c;
                                    double e = v.get(p);
                                    if (e > max) {
                                        max = e;
                                        best = p;
                                    }
                                }
                            }
                            v.set(o++, max);
                            arg[a++] = best - sb;
                        }
                    }
                }
            }
        }

        /** {@link #forward} on float32 buffers (the same comparisons, in float). */
        private void forwardFloat(Run r) {
            FloatBuffer b = r.blk.floats;
            int[] arg = r.blk.argmax;
            int in = inOffset(r);
            int o = r.blk.act[index];
            int a = r.blk.aux[index];
            int rowLen = inW * inC;
            for (int i = 0; i < r.m; i++) {
                int sb = in + i * inSize();
                for (int y = 0; y < outH; y++) {
                    for (int x = 0; x < outW; x++) {
                        int corner = sb + (s * y) * rowLen + (s * x) * inC;
                        for (int c = 0; c < inC; c++) {
                            int best = corner + c;
                            float max = b.get(best);
                            for (int u = 0; u < s; u++) {
                                int q = corner + u * rowLen + c;
                                for (int w = 0; w < s; w++) {
                                    int p = q + w * inC;
                                    float e = b.get(p);
                                    if (e > max) {
                                        max = e;
                                        best = p;
                                    }
                                }
                            }
                            b.put(o++, max);
                            arg[a++] = best - sb;
                        }
                    }
                }
            }
        }

        @Override
        void backward(Run r, int dOut, int dIn) {
            if (dIn < 0) {
                return;
            }
            if (!r.dbl) {
                FloatBuffer b = r.blk.floats;
                int[] arg = r.blk.argmax;
                int n = r.m * inSize();
                for (int i = 0; i < n; i++) {
                    b.put(dIn + i, 0.0f);
                }
                int per = outSize();
                for (int i = 0; i < r.m; i++) {
                    int sb = dIn + i * inSize();
                    int ob = dOut + i * per;
                    int ab = r.blk.aux[index] + i * per;
                    for (int j = 0; j < per; j++) {
                        int p = sb + arg[ab + j];
                        b.put(p, b.get(p) + b.get(ob + j));
                    }
                }
                return;
            }
            Kernels.Vec v = r.blk.vec;
            int[] arg = r.blk.argmax;
            int n = r.m * inSize();
            for (int i = 0; i < n; i++) {
                v.set(dIn + i, 0.0);
            }
            int per = outSize();
            for (int i = 0; i < r.m; i++) {
                int sb = dIn + i * inSize();
                int ob = dOut + i * per;
                int ab = r.blk.aux[index] + i * per;
                for (int j = 0; j < per; j++) {
                    int p = sb + arg[ab + j];
                    v.set(p, v.get(p) + v.get(ob + j));
                }
            }
        }
    }

    /** GroupNorm with a per-channel scale and shift. */
    private static final class GroupNorm extends Layer {
        final int groups;
        final int perGroup; // channels per group
        
        GroupNorm(int h, int w, int c, int groups) {
            super(h, w, c, h, w, c);
            this.groups = groups;
            this.perGroup = c / groups;
            this.paramCount = 2 * c;
        }

        @Override
        long extraPerSample() {
            return outSize();
        }

        @Override
        void init(RandomStream rng, Kernels.Vec out) {
            for (int c = 0; c < outC; c++) {
                out.set(paramOffset + c, 1.0);
                out.set(paramOffset + outC + c, 0.0);
            }
        }

        @Override
        void forward(Run r) {
            Kernels.Vec v = r.blk.vec;
            double[] inv = r.blk.stats;
            int in = inOffset(r);
            int pixels = inH * inW;
            double count = (double) pixels * perGroup;
            for (int i = 0; i < r.m; i++) {
                int sb = in + i * inSize();
                int ob = r.blk.act[index] + i * inSize();
                int xb = r.blk.extra[index] + i * inSize();
                for (int g = 0; g < groups; g++) {
                    int c0 = g * perGroup;
                    double sum = 0.0;
                    for (int p = 0; p < pixels; p++) {
                        int q = sb + p * inC + c0;
                        for (int c = 0; c < perGroup; c++) {
                            sum += v.get(q + c);
                        }
                    }
                    double mean = sum / count;
                    double sq = 0.0;
                    for (int p = 0; p < pixels; p++) {
                        int q = sb + p * inC + c0;
                        for (int c = 0; c < perGroup; c++) {
                            double d = v.get(q + c) - mean;
                            sq += d * d;
                        }
                    }
                    double is = 1.0 / Math.sqrt(sq / count + GROUP_NORM_EPS);
                    inv[r.blk.aux[index] + i * groups + g] = is;
                    for (int p = 0; p < pixels; p++) {
                        int off = p * inC + c0;
                        for (int c = 0; c < perGroup; c++) {
                            double xh = (v.get(sb + off + c) - mean) * is;
                            v.set(xb + off + c, xh);
                            double gamma = r.pv.get(paramOffset + c0 + c);
                            double beta = r.pv.get(paramOffset + outC + c0 + c);
                            v.set(ob + off + c, gamma * xh + beta);
                        }
                    }
                }
            }
        }

        @Override
        void backward(Run r, int dOut, int dIn) {
            Kernels.Vec v = r.blk.vec;
            double[] inv = r.blk.stats;
            int pixels = inH * inW;
            double count = (double) pixels * perGroup;
            double[] dg = r.blk.sums(2 * outC);
            Arrays.fill(dg, 0, 2 * outC, 0.0);
            for (int i = 0; i < r.m; i++) {
                int db = dOut + i * inSize();
                int xb = r.blk.extra[index] + i * inSize();
                for (int p = 0; p < pixels; p++) {
                    for (int c = 0; c < outC; c++) {
                        double d = v.get(db + p * outC + c);
                        dg[c] += d * v.get(xb + p * outC + c);
                        dg[outC + c] += d;
                    }
                }
            }
            for (int c = 0; c < 2 * outC; c++) {
                r.gv.set(paramOffset + c, dg[c]);
            }
            if (dIn < 0) {
                return;
            }
            for (int i = 0; i < r.m; i++) {
                int db = dOut + i * inSize();
                int xb = r.blk.extra[index] + i * inSize();
                int ib = dIn + i * inSize();
                for (int g = 0; g < groups; g++) {
                    int c0 = g * perGroup;
                    double s1 = 0.0;
                    double s2 = 0.0;
                    for (int p = 0; p < pixels; p++) {
                        int off = p * inC + c0;
                        for (int c = 0; c < perGroup; c++) {
                            double dxh = v.get(db + off + c) * r.pv.get(paramOffset + c0 + c);
                            s1 += dxh;
                            s2 += dxh * v.get(xb + off + c);
                        }
                    }
                    double is = inv[r.blk.aux[index] + i * groups + g];
                    double m1 = s1 / count;
                    double m2 = s2 / count;
                    for (int p = 0; p < pixels; p++) {
                        int off = p * inC + c0;
                        for (int c = 0; c < perGroup; c++) {
                            double dxh = v.get(db + off + c) * r.pv.get(paramOffset + c0 + c);
                            v.set(ib + off + c, is * (dxh - m1 - v.get(xb + off + c) * m2));
                        }
                    }
                }
            }
        }
    }

    /** A fully connected layer, Z = b + X W (as Mlp's layers). */
    private static final class Dense extends Layer {
        Dense(int inputs, int outputs) {
            super(1, 1, inputs, 1, 1, outputs);
            this.paramCount = inputs * outputs + outputs;
        }

        @Override
        void init(RandomStream rng, Kernels.Vec out) {
            uniform(rng, out, inC);
        }

        private Pointer in(Run r) {
            return prev == null ? r.input : r.at(r.blk.act[prev.index]);
        }

        private int ld(Run r) {
            return prev == null ? r.inputLd : inC;
        }

        @Override
        void forward(Run r) {
            Kernels.gemm(r.dbl, false, false, r.m, outC, inC, 1.0, in(r), ld(r),
                    Kernels.at(r.params, r.dbl, paramOffset), outC, 0.0, r.at(r.blk.act[index]), outC);
            addBias(r, r.blk.act[index], r.m, outC, paramOffset + inC * outC);
        }

        @Override
        void backward(Run r, int dOut, int dIn) {
            Kernels.gemm(r.dbl, true, false, inC, outC, r.m, 1.0, in(r), ld(r), r.at(dOut), outC, 0.0,
                    Kernels.at(r.grad, r.dbl, paramOffset), outC);
            columnSums(r, dOut, r.m, outC, r.gv, paramOffset + inC * outC);
            if (dIn >= 0) {
                Kernels.gemm(r.dbl, false, true, r.m, inC, outC, 1.0, r.at(dOut), outC,
                        Kernels.at(r.params, r.dbl, paramOffset), outC, 0.0, r.at(dIn), inC);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ scratch

    /** One thread's scratch: a block per precision. Static over the layers only (never the model). */
    private static final class Scratch {
        private final Layer[] layers;
        private Block floats;
        private Block doubles;

        Scratch(Layer[] layers) {
            this.layers = layers;
        }

        synchronized long free() {
            long bytes = 0;
            for (Block b : new Block[] {floats, doubles}) {
                if (b != null) {
                    bytes += b.memory.capacity() * b.memory.sizeof();
                    b.memory.close();
                }
            }
            floats = null;
            doubles = null;
            return bytes;
        }

        Block block(boolean dbl, int rows) {
            Block b = dbl ? doubles : floats;
            if (b == null || b.capacity < rows) {
                if (b != null) {
                    b.memory.close();
                }
                b = new Block(layers, dbl, rows);
                if (dbl) {
                    doubles = b;
                } else {
                    floats = b;
                }
            }
            return b;
        }
    }

    /**
     * Native memory for {@code capacity} samples: each layer's activations, the convolutions' im2col matrices, the
     * GroupNorm layers' normalised values and two delta buffers of the largest layer size; plus heap arrays for the
     * pools' argmax indices and the GroupNorm statistics. The layout is a pure function of the layers and capacity, so
     * the offsets are stored in the (shared) layers.
     */
    private static final class Block {
        final boolean dbl;
        final int capacity;
        final Pointer memory;
        final FloatBuffer floats;
        final DoubleBuffer doubles;
        final Kernels.Vec vec;
        final int[] delta = new int[2];
        final int[] act; // per layer: offset of its output activations
        final int[] extra; // per layer: offset of a convolution's im2col matrix or a GroupNorm's normalised values
        final int[] aux; // per layer: offset in argmax (pools) or stats (GroupNorm)
        final int[] argmax;
        final double[] stats;
        final double[] row;
        final Run run;
        private double[] sums = new double[0];
        private float[] floatRow = new float[0];

        Block(Layer[] layers, boolean dbl, int capacity) {
            this.dbl = dbl;
            this.capacity = capacity;
            long total = 0;
            long widest = 0;
            int args = 0;
            int stat = 0;
            this.act = new int[layers.length];
            this.extra = new int[layers.length];
            this.aux = new int[layers.length];
            for (Layer l : layers) {
                int i = l.index;
                act[i] = (int) Math.min(total, Integer.MAX_VALUE);
                total += align((long) capacity * l.outSize());
                if (l instanceof Conv || l instanceof GroupNorm) {
                    extra[i] = (int) Math.min(total, Integer.MAX_VALUE);
                    total += align(capacity * l.extraPerSample());
                }
                if (l instanceof GroupNorm gn) {
                    aux[i] = stat;
                    stat += capacity * gn.groups;
                } else if (l instanceof MaxPool mp) {
                    aux[i] = args;
                    args += capacity * mp.outSize();
                }
                widest = Math.max(widest, Math.max(l.inSize(), l.outSize()));
            }
            for (int i = 0; i < 2; i++) {
                delta[i] = (int) Math.min(total, Integer.MAX_VALUE);
                total += align(capacity * widest);
            }
            if (total > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("convolution scratch for " + capacity + " samples exceeds "
                        + Integer.MAX_VALUE + " elements");
            }
            if (dbl) {
                DoublePointer p = new DoublePointer(Math.max(total, 1));
                this.memory = p;
                this.doubles = p.asBuffer();
                this.floats = null;
                this.vec = new Kernels.DoubleVec(doubles, 0, 1);
            } else {
                FloatPointer p = new FloatPointer(Math.max(total, 1));
                this.memory = p;
                this.floats = p.asBuffer();
                this.doubles = null;
                this.vec = new Kernels.FloatVec(floats, 0, 1);
            }
            this.argmax = new int[Math.max(args, 1)];
            this.stats = new double[Math.max(stat, 1)];
            this.row = new double[layers[layers.length - 1].outSize()];
            this.run = new Run(this);
        }

        double[] sums(int n) {
            if (sums.length < n) {
                sums = new double[n];
            }
            return sums;
        }

        float[] floatRow(int n) {
            if (floatRow.length < n) {
                floatRow = new float[n];
            }
            return floatRow;
        }
    }
}
