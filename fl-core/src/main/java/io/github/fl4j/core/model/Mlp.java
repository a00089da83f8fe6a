package io.github.fl4j.core.model;

import io.github.fl4j.core.api.Evaluation;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.PerThread;
import java.lang.ref.Reference;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A fully connected network (multi-layer perceptron) with ReLU hidden layers and a softmax cross-entropy output, for
 * k-class classification: for layer sizes {@code n_0 = p} (inputs), {@code n_1 .. n_{L-1}} (hidden) and
 * {@code n_L = k} (classes), a batch B with feature rows {@code a_i} (the rows of A, [|B|, p]) and class labels
 * {@code y_i in {0, ..., k-1}},
 *
 * <pre>
 *   H_0     = A                                                     [|B|, n_0]
 *   Z_l     = H_{l-1} W_l + 1 b_l^T,   l = 1 .. L                   [|B|, n_l]
 *   H_l     = relu(Z_l) = max(Z_l, 0), l = 1 .. L-1                 (hidden layers)
 *   P_ic    = exp(Z_L,ic) / sum_c' exp(Z_L,ic')                      softmax of the last layer's logits
 *   f(x; B) = (1/|B|) sum_{i in B} -log P_{i, y_i} + (lambda/2) sum_l ||W_l||_F^2   (biases not regularised)
 * </pre>
 *
 * and its gradient by back-propagation, with {@code Y = one-hot(y)} and {@code 1[.]} the indicator:
 *
 * <pre>
 *   dZ_L      = (P - Y) / |B|
 *   grad W_l  = H_{l-1}^T dZ_l + lambda W_l           (one gemm, written straight into the gradient's W_l block)
 *   grad b_l  = column sums of dZ_l
 *   dH_{l-1}  = dZ_l W_l^T,   dZ_{l-1} = dH_{l-1} * 1[Z_{l-1} > 0]     (l = L .. 2; the gradient with respect to
 *                                                                    the input A is not computed)
 * </pre>
 *
 * The derivative of ReLU at exactly 0 is taken as 0 (as in PyTorch). {@code new Mlp(784, new int[] {200, 200}, 10)}
 * is the "2NN" of McMahan et al., "Communication-Efficient Learning of Deep Networks from Decentralized Data"
 * (AISTATS 2017), with 199,210 parameters ({@link #mcMahan2nn()}); with no hidden layer the network is the softmax
 * regression of {@link SoftmaxRegression} (same formulas, same parameter layout).
 *
 * <p><b>Parameter layout</b> (flat vector x of length {@code d = sum_l (n_{l-1} n_l + n_l)}): for each layer
 * {@code l = 1 .. L} in order, first {@code W_l} row-major with shape {@code [n_{l-1}, n_l]} (inputs x outputs), then
 * {@code b_l} of length {@code n_l}. So with {@code o_l = sum_{j<l} (n_{j-1} n_j + n_j)} the offset of layer l,
 * {@code W_l[j][c]} (input j, output c) is at {@code x[o_l + j n_l + c]} and {@code b_l[c]} at
 * {@code x[o_l + n_{l-1} n_l + c]}; {@link #weightOffset(int)} and {@link #biasOffset(int)} return these offsets
 * (0-based layer index: layer {@code l} above is index {@code l - 1}). The gradient has the same layout. Note that
 * {@code W_l} is the transpose of PyTorch's {@code nn.Linear.weight} ([out, in]) and has the shape of DL4J's
 * {@code DenseLayer} weight matrix ([nIn, nOut]); map DL4J's parameters element by element, since DL4J's own flattened
 * parameter vector orders the weights column-major.
 *
 * <p><b>Initialisation</b> ({@link #initialParameters}): the default of PyTorch's {@code torch.nn.Linear}, so runs
 * start from the same distribution as the Python simulators (which build their MLPs from {@code nn.Linear}): every
 * weight and bias of layer l is drawn i.i.d. uniform on {@code [-1/sqrt(n_{l-1}), 1/sqrt(n_{l-1}))}, with
 * {@code n_{l-1}} the layer's fan-in. (PyTorch calls this {@code kaiming_uniform_} with
 * {@code a = sqrt(5)}, whose bound {@code gain * sqrt(3 / fan_in)} with {@code gain = sqrt(2 / (1 + a^2))} is exactly
 * {@code 1/sqrt(fan_in)}; it is not He initialisation, whose bound would be {@code sqrt(6 / fan_in)}.) The draws
 * follow the flat layout: layer 1's weights in index order ({@code W_1[0][0], W_1[0][1], ...}), then layer 1's biases,
 * then layer 2's weights, and so on, each value {@code -bound + 2 bound u} with {@code u = rng.nextDouble()} (exactly
 * what {@code rng.fillUniform(block, -bound, bound)} gives for each block in turn), rounded to float32 for a float32
 * output. The values differ from PyTorch's (another generator, and PyTorch draws the transposed matrix) but have the
 * same distribution.
 *
 * <p><b>Cost per call</b> of {@link #lossAndGradient}: {@code 3L - 1} BLAS gemm calls on the arrays' native memory
 * (forward {@code H_{l-1} W_l}; backward {@code H_{l-1}^T dZ_l} into the gradient and, for {@code l >= 2},
 * {@code dZ_l W_l^T}), that is {@code 2|B| sum_l n_{l-1} n_l} flops forward, as many for the weight gradients and
 * {@code 2|B| sum_{l>=2} n_{l-1} n_l} for the hidden deltas (about 28 MFLOP for the 2NN at |B| = 32); plus plain Java
 * loops over the backing buffers for the bias, ReLU and mask ({@code O(|B| sum n_l)}), the max-shifted softmax, and a
 * BLAS axpy and dot per layer when lambda > 0. No ND4J op is called and no ND4J array is allocated. Scratch per thread
 * and precision: one native block holding {@code Z_l / H_l} for every layer and one delta buffer of the widest hidden
 * layer, each {@code |B| n_l} elements for the largest batch the thread has seen (smaller batches use a prefix), plus
 * a few {@code double[]} rows (the biases and the bias-gradient column sums). Measured with {@code MlpTiming} (test
 * sources) on the 2-core reference machine (AMD EPYC, OpenBLAS 0.3.19, one BLAS thread): the 2NN step at |B| = 32 in
 * float32 takes about 0.60 ms (47 GFLOP/s), within a few percent of its BLAS calls alone; a single
 * [32 x 784] x [784 x 200] sgemm runs at 47-49 GFLOP/s there (a 1024^3 one at 88), so small-batch steps are bound by
 * OpenBLAS's packing and memory traffic, not by the Java code.
 *
 * <p>Numerics: the logits are shifted by their row maximum before exponentiation, so the loss is finite for any finite
 * logits. Labels are class indices stored as floats; a label that is not an integer in {@code [0, k)} is rejected with
 * an {@link IllegalArgumentException} naming the row and the value (before anything is written to the gradient).
 *
 * <p>Thread safety: immutable apart from the per-thread scratch; concurrent calls are safe as long as each thread
 * passes its own {@code gradientOut}. Both float32 (BLAS sgemm) and float64 (dgemm) batches are supported;
 * {@code params} and {@code gradientOut} must have the batch's type.
 */
public final class Mlp implements Model {
    /** Scratch regions start at multiples of this many elements (64 bytes for float32). */
    private static final int ALIGN = 16;

    private final int[] sizes; // n_0 .. n_L
    private final int layers; // L
    private final int[] weightOffsets;
    private final int[] biasOffsets;
    private final int[] biasIndex; // start of layer l's bias in the per-thread bias copy
    private final int dimension;
    private final int maxWidth; // max n_1 .. n_L
    private final int maxHidden; // max n_1 .. n_{L-1}, 0 without hidden layers
    private final double lambda;
    // per-thread scratch; the values refer to plain arrays only, never to this model (see PerThread)
    private final PerThread<Scratch> scratch;

    /**
     * A network without regulariser.
     *
     * @param inputs  the feature count p = n_0, {@code >= 1}
     * @param hidden  the hidden layer widths n_1 .. n_{L-1} (each {@code >= 1}; may be empty; copied)
     * @param classes the number of classes k = n_L, {@code >= 2}
     * @throws IllegalArgumentException on a bad size, or when the dimension exceeds {@code Integer.MAX_VALUE}
     */
    public Mlp(int inputs, int[] hidden, int classes) {
        this(inputs, hidden, classes, 0.0);
    }

    /**
     * A network with L2 strength {@code lambda} on the weights (the biases are not regularised).
     *
     * @param inputs  the feature count p = n_0, {@code >= 1}
     * @param hidden  the hidden layer widths n_1 .. n_{L-1} (each {@code >= 1}; may be empty; copied)
     * @param classes the number of classes k = n_L, {@code >= 2}
     * @param lambda  the L2 strength, finite and {@code >= 0} (0 = none)
     * @throws IllegalArgumentException on a bad argument, or when the dimension exceeds {@code Integer.MAX_VALUE}
     */
    public Mlp(int inputs, int[] hidden, int classes, double lambda) {
        if (inputs < 1) {
            throw new IllegalArgumentException("inputs must be >= 1, was " + inputs);
        }
        if (hidden == null) {
            throw new IllegalArgumentException("hidden must not be null (use an empty array for no hidden layer)");
        }
        for (int i = 0; i < hidden.length; i++) {
            if (hidden[i] < 1) {
                throw new IllegalArgumentException("hidden[" + i + "] (a layer width) must be >= 1, was "
                        + hidden[i]);
            }
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, was " + classes);
        }
        if (!(lambda >= 0.0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda must be finite and >= 0, was " + lambda);
        }
        this.layers = hidden.length + 1;
        this.sizes = new int[layers + 1];
        sizes[0] = inputs;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[layers] = classes;
        this.weightOffsets = new int[layers];
        this.biasOffsets = new int[layers];
        this.biasIndex = new int[layers];
        long offset = 0;
        int biasCount = 0;
        int widest = 0;
        int widestHidden = 0;
        for (int l = 0; l < layers; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            if (offset + (long) in * out + out > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("dimension sum_l (n_{l-1} n_l + n_l) must be <= "
                        + Integer.MAX_VALUE + " for sizes " + Arrays.toString(sizes));
            }
            weightOffsets[l] = (int) offset;
            offset += (long) in * out;
            biasOffsets[l] = (int) offset;
            offset += out;
            biasIndex[l] = biasCount;
            biasCount += out;
            widest = Math.max(widest, out);
            if (l < layers - 1) {
                widestHidden = Math.max(widestHidden, out);
            }
        }
        this.dimension = (int) offset;
        this.maxWidth = widest;
        this.maxHidden = widestHidden;
        this.lambda = lambda;
        final int[] sz = sizes;
        final int[] wo = weightOffsets;
        final int[] bo = biasOffsets;
        final int[] bi = biasIndex;
        final int mw = widest;
        final int mh = widestHidden;
        this.scratch = new PerThread<>(() -> new Scratch(sz, wo, bo, bi, mw, mh));
    }

    /** McMahan et al.'s "2NN" for MNIST: 784-200-200-10 with ReLU, 199,210 parameters, no regulariser. */
    public static Mlp mcMahan2nn() {
        return new Mlp(784, new int[] {200, 200}, 10);
    }

    /** The same network with L2 strength {@code lambda >= 0} on the weights. */
    public Mlp withLambda(double lambda) {
        return new Mlp(sizes[0], hiddenSizes(), sizes[layers], lambda);
    }

    /** The feature count p = n_0. */
    public int inputs() {
        return sizes[0];
    }

    /** The hidden layer widths n_1 .. n_{L-1} (a copy; empty without hidden layers). */
    public int[] hiddenSizes() {
        return Arrays.copyOfRange(sizes, 1, layers);
    }

    /** The number of classes k = n_L. */
    public int classes() {
        return sizes[layers];
    }

    /** The number of weight layers L (hidden layers + 1). */
    public int layerCount() {
        return layers;
    }

    /** All layer sizes n_0 .. n_L (a copy). */
    public int[] layerSizes() {
        return sizes.clone();
    }

    /** The L2 strength lambda on the weights (0 = none). */
    public double lambda() {
        return lambda;
    }

    /**
     * The offset of weight matrix {@code layer} (0-based: 0 is the input layer's W_1) in the flat parameter vector;
     * it holds {@code n_layer x n_{layer+1}} values, row-major.
     *
     * @throws IllegalArgumentException unless {@code 0 <= layer < layerCount()}
     */
    public int weightOffset(int layer) {
        return weightOffsets[checkLayer(layer)];
    }

    /**
     * The offset of bias vector {@code layer} (0-based) in the flat parameter vector; it holds {@code n_{layer+1}}
     * values and directly follows the layer's weights.
     *
     * @throws IllegalArgumentException unless {@code 0 <= layer < layerCount()}
     */
    public int biasOffset(int layer) {
        return biasOffsets[checkLayer(layer)];
    }

    private int checkLayer(int layer) {
        if (layer < 0 || layer >= layers) {
            throw new IllegalArgumentException("layer must be in [0, " + layers + "), was " + layer);
        }
        return layer;
    }

    /** {@inheritDoc} Equal to {@code sum_l (n_{l-1} n_l + n_l)}. */
    @Override
    public long dimension() {
        return dimension;
    }

    /**
     * Draws the initial parameters as PyTorch's {@code torch.nn.Linear} default: every weight and bias of a layer with
     * fan-in {@code n} uniform on {@code [-1/sqrt(n), 1/sqrt(n))}, drawn in the order of the flat layout (layer 1's
     * weights in index order, its biases, then layer 2, ...), value {@code -bound + 2 bound rng.nextDouble()}. See the
     * class documentation. Draws exactly {@code d} values from {@code rng}.
     *
     * @throws IllegalArgumentException if {@code rng} is null or {@code out} is not a contiguous float32/float64
     *                                  vector of length d
     */
    @Override
    public void initialParameters(RandomStream rng, INDArray out) {
        Kernels.Vec v = Kernels.initTarget(rng, out, dimension);
        for (int l = 0; l < layers; l++) {
            double bound = 1.0 / Math.sqrt(sizes[l]);
            double width = bound - -bound;
            int end = biasOffsets[l] + sizes[l + 1];
            for (int i = weightOffsets[l]; i < end; i++) {
                v.set(i, -bound + width * rng.nextDouble());
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Returns the mean cross-entropy plus {@code (lambda/2) sum_l ||W_l||^2} and writes the gradient (layout as the
     * parameters) into {@code gradientOut}. On an invalid label, {@code gradientOut} is left untouched.
     *
     * @throws IllegalArgumentException if a label is not a class index in {@code [0, k)} (the message names the row
     *                                  and the value), the batch is empty or has a feature count other than p, or
     *                                  {@code params} / {@code gradientOut} are not contiguous vectors of length d
     *                                  of the batch's type, or {@code gradientOut} overlaps {@code params}
     */
    @Override
    public double lossAndGradient(INDArray params, Dataset batch, INDArray gradientOut) {
        Scratch s = scratch.get();
        synchronized (s) {
            return lossAndGradient(params, batch, gradientOut, s);
        }
    }

    private double lossAndGradient(INDArray params, Dataset batch, INDArray gradientOut, Scratch s) {
        boolean dbl = Kernels.checkBatch(batch, sizes[0], "batch");
        Kernels.checkVector(params, "params", dimension, dbl, "dimension");
        Kernels.checkOutput(gradientOut, "gradientOut", dimension, dbl, params);
        Kernels.Matrix a = Kernels.features(batch);
        int m = a.rows();
        Block blk = s.block(dbl, m);
        Pointer x = Kernels.pointer(params);
        Pointer[] w = s.weights(x, dbl);
        s.loadBiases(Kernels.vector(params, 0));
        double sum = forward(a, 0, m, Kernels.column(batch.labels()), w, blk, s, true, 1.0 / m, null);

        // backward: dZ_L = (P - Y)/m is in the last activation buffer, its column sums in s.colsum
        Pointer gx = Kernels.pointer(gradientOut);
        Kernels.Vec gv = Kernels.vector(gradientOut, 0);
        for (int l = layers - 1; l >= 0; l--) {
            int in = sizes[l];
            int out = sizes[l + 1];
            Pointer hPrev = l == 0 ? a.pointer() : blk.act[l - 1];
            int ldPrev = l == 0 ? a.ld() : in;
            // grad W_l = H_{l-1}^T dZ_l, straight into the gradient
            Kernels.gemm(dbl, true, false, in, out, m, 1.0, hPrev, ldPrev, blk.act[l], out, 0.0,
                    Kernels.at(gx, dbl, weightOffsets[l]), out);
            int bo = biasOffsets[l];
            double[] colsum = s.colsum;
            for (int c = 0; c < out; c++) {
                gv.set(bo + c, colsum[c]);
            }
            if (l > 0) {
                // dH_{l-1} = dZ_l W_l^T into the delta buffer, then dZ_{l-1} = dH_{l-1} * 1[H_{l-1} > 0] over H_{l-1}
                Kernels.gemm(dbl, false, true, m, in, out, 1.0, blk.act[l], out, w[l], out, 0.0, blk.delta, in);
                reluBackward(blk, l - 1, m, in, colsum);
            }
        }
        double loss = sum / m; // as in loss(), so both return the same bits
        if (lambda > 0.0) {
            double squares = 0.0;
            for (int l = 0; l < layers; l++) {
                int n = sizes[l] * sizes[l + 1];
                Kernels.axpy(dbl, n, lambda, w[l], Kernels.at(gx, dbl, weightOffsets[l]));
                squares += Kernels.dot(dbl, n, w[l], w[l]);
            }
            loss += 0.5 * lambda * squares;
        }
        Reference.reachabilityFence(a);
        Reference.reachabilityFence(batch); // the features behind a cached descriptor
        Reference.reachabilityFence(params);
        Reference.reachabilityFence(gradientOut);
        return loss;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Fused: the backward pass computes {@code dH_{l-1} = dZ_l W_l^T} with the old weights first, then updates the
     * weights in place with one gemm, {@code W_l <- (1 - lr lambda) W_l - lr H_{l-1}^T dZ_l} (alpha = -lr, beta =
     * 1 - lr lambda), and the bias by its column sums, so neither the gradient nor an axpy pass over d values is
     * needed. {@code gradientScratch} is not used. Agrees with {@link #lossAndGradient} followed by an axpy to
     * rounding (tested).
     */
    @Override
    public double sgdStep(INDArray params, Dataset batch, double learningRate, INDArray gradientScratch) {
        Scratch s = scratch.get();
        synchronized (s) {
            return sgdStep(params, batch, learningRate, s);
        }
    }

    private double sgdStep(INDArray params, Dataset batch, double learningRate, Scratch s) {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be > 0 and finite, was " + learningRate);
        }
        boolean dbl = Kernels.checkBatch(batch, sizes[0], "batch");
        Kernels.checkVector(params, "params", dimension, dbl, "dimension");
        Kernels.Matrix a = Kernels.features(batch);
        int m = a.rows();
        Block blk = s.block(dbl, m);
        Pointer x = Kernels.pointer(params);
        Pointer[] w = s.weights(x, dbl);
        s.loadBiases(Kernels.vector(params, 0));
        double sum = forward(a, 0, m, Kernels.column(batch.labels()), w, blk, s, true, 1.0 / m, null);
        double loss = sum / m;
        if (lambda > 0.0) {
            double squares = 0.0;
            for (int l = 0; l < layers; l++) {
                squares += Kernels.dot(dbl, sizes[l] * sizes[l + 1], w[l], w[l]);
            }
            loss += 0.5 * lambda * squares;
        }
        Kernels.Vec pv = Kernels.vector(params, 0);
        double decay = 1.0 - learningRate * lambda;
        for (int l = layers - 1; l >= 0; l--) {
            int in = sizes[l];
            int out = sizes[l + 1];
            Pointer hPrev = l == 0 ? a.pointer() : blk.act[l - 1];
            int ldPrev = l == 0 ? a.ld() : in;
            if (l > 0) {
                // dH_{l-1} = dZ_l W_l^T with the weights before the update
                Kernels.gemm(dbl, false, true, m, in, out, 1.0, blk.act[l], out, w[l], out, 0.0, blk.delta, in);
            }
            // W_l <- decay W_l - lr H_{l-1}^T dZ_l, before H_{l-1} is overwritten by dZ_{l-1}
            Kernels.gemm(dbl, true, false, in, out, m, -learningRate, hPrev, ldPrev, blk.act[l], out, decay,
                    w[l], out);
            int bo = biasOffsets[l];
            double[] colsum = s.colsum;
            for (int c = 0; c < out; c++) {
                pv.set(bo + c, pv.get(bo + c) - learningRate * colsum[c]);
            }
            if (l > 0) {
                reluBackward(blk, l - 1, m, in, colsum);
            }
        }
        Reference.reachabilityFence(a);
        Reference.reachabilityFence(batch); // the features behind a cached descriptor
        Reference.reachabilityFence(params);
        return loss;
    }

    /**
     * {@inheritDoc} The mean cross-entropy plus {@code (lambda/2) sum_l ||W_l||^2}.
     *
     * @throws IllegalArgumentException as {@link #lossAndGradient}
     */
    @Override
    public double loss(INDArray params, Dataset batch) {
        Scratch s = scratch.get();
        synchronized (s) {
            return loss(params, batch, s);
        }
    }

    private double loss(INDArray params, Dataset batch, Scratch s) {
        boolean dbl = Kernels.checkBatch(batch, sizes[0], "batch");
        Kernels.checkVector(params, "params", dimension, dbl, "dimension");
        Kernels.Matrix a = Kernels.features(batch);
        int m = a.rows();
        Block blk = s.block(dbl, m);
        Pointer x = Kernels.pointer(params);
        Pointer[] w = s.weights(x, dbl);
        s.loadBiases(Kernels.vector(params, 0));
        double sum = forward(a, 0, m, Kernels.column(batch.labels()), w, blk, s, false, 0.0, null);
        double loss = sum / m;
        if (lambda > 0.0) {
            double squares = 0.0;
            for (int l = 0; l < layers; l++) {
                squares += Kernels.dot(dbl, sizes[l] * sizes[l + 1], w[l], w[l]);
            }
            loss += 0.5 * lambda * squares;
        }
        Reference.reachabilityFence(a);
        Reference.reachabilityFence(batch); // the features behind a cached descriptor
        Reference.reachabilityFence(params);
        return loss;
    }

    /**
     * The mean cross-entropy over all n samples of {@code data}, WITHOUT the regulariser, and the accuracy: the
     * fraction of samples whose largest logit is at the label (ties go to the lowest class index). Rows are processed
     * in chunks of 1024, so a 10000-row test set needs activations for 1024 rows only.
     *
     * @throws IllegalArgumentException as {@link #loss}
     */
    @Override
    public Evaluation evaluate(INDArray params, Dataset data) {
        return evaluate(params, data, Kernels.EVAL_CHUNK_ROWS);
    }

    /** {@link #evaluate(INDArray, Dataset)} with a given chunk size (package-private for tests). */
    Evaluation evaluate(INDArray params, Dataset data, int chunkRows) {
        Scratch s = scratch.get();
        synchronized (s) {
            return evaluate(params, data, chunkRows, s);
        }
    }

    private Evaluation evaluate(INDArray params, Dataset data, int chunkRows, Scratch s) {
        boolean dbl = Kernels.checkBatch(data, sizes[0], "data");
        Kernels.checkVector(params, "params", dimension, dbl, "dimension");
        Kernels.Matrix a = Kernels.features(data);
        int n = a.rows();
        int chunk = Math.max(1, Math.min(chunkRows, n));
        Block blk = s.block(dbl, chunk);
        Pointer x = Kernels.pointer(params);
        Pointer[] w = s.weights(x, dbl);
        s.loadBiases(Kernels.vector(params, 0));
        Kernels.Vec y = Kernels.column(data.labels());
        long[] correct = new long[1];
        double sum = 0.0;
        for (int start = 0; start < n; start += chunk) {
            sum += forward(a, start, Math.min(chunk, n - start), y, w, blk, s, false, 0.0, correct);
        }
        Reference.reachabilityFence(a);
        Reference.reachabilityFence(data); // the features behind a cached descriptor
        Reference.reachabilityFence(params);
        return new Evaluation(sum / n, (double) correct[0] / n, n);
    }

    /**
     * Forward pass over rows {@code start .. start+rows-1} of A: {@code Z_l} (then {@code H_l} in place) into the
     * block's activation buffers. Returns {@code sum_i -log P_{i, y_i}}. With {@code gradient}, overwrites the last
     * activation buffer with {@code dZ_L = (P - Y) * scale} and puts its column sums into {@code s.colsum}; when
     * {@code correct != null}, adds the number of rows whose first largest logit is at the label to
     * {@code correct[0]}.
     */
    private double forward(Kernels.Matrix a, int start, int rows, Kernels.Vec y, Pointer[] w, Block blk, Scratch s,
            boolean gradient, double scale, long[] correct) {
        boolean dbl = blk.dbl;
        Pointer in = a.row(start, dbl);
        int ldIn = a.ld();
        for (int l = 0; l < layers; l++) {
            int out = sizes[l + 1];
            Kernels.gemm(dbl, false, false, rows, out, sizes[l], 1.0, in, ldIn, w[l], out, 0.0, blk.act[l], out);
            if (l < layers - 1) {
                biasRelu(blk, l, rows, out, s.bias, biasIndex[l]);
            }
            in = blk.act[l];
            ldIn = out;
        }
        return softmax(blk, rows, start, y, s, gradient, scale, correct);
    }

    /** The max-shifted softmax cross-entropy over the last layer's logits (plus its bias), row by row. */
    private double softmax(Block blk, int rows, int start, Kernels.Vec y, Scratch s, boolean gradient, double scale,
            long[] correct) {
        final int k = sizes[layers];
        final int base0 = blk.offsets[layers - 1];
        final int bias0 = biasIndex[layers - 1];
        Kernels.Vec zv = blk.vec;
        double[] bias = s.bias;
        double[] row = s.row;
        double[] colsum = s.colsum;
        if (gradient) {
            Arrays.fill(colsum, 0, k, 0.0);
        }
        double loss = 0.0;
        long hits = 0;
        for (int i = 0; i < rows; i++) {
            int label = label(y, start + i);
            int base = base0 + i * k;
            double max = Double.NEGATIVE_INFINITY;
            int argmax = 0;
            for (int c = 0; c < k; c++) {
                double v = zv.get(base + c) + bias[bias0 + c];
                row[c] = v;
                if (v > max) {
                    max = v;
                    argmax = c;
                }
            }
            double zy = row[label];
            double total = 0.0;
            for (int c = 0; c < k; c++) {
                double e = Math.exp(row[c] - max);
                row[c] = e;
                total += e;
            }
            loss += Math.log(total) + max - zy;
            if (argmax == label) {
                hits++;
            }
            if (gradient) {
                double inv = 1.0 / total;
                for (int c = 0; c < k; c++) {
                    double gic = (row[c] * inv - (c == label ? 1.0 : 0.0)) * scale;
                    zv.set(base + c, gic);
                    // accumulate what is stored (rounded to float32 for float data), as the gemm sees it
                    colsum[c] += zv.get(base + c);
                }
            }
        }
        if (correct != null) {
            correct[0] += hits;
        }
        return loss;
    }

    /** {@code H = max(Z + 1 b^T, 0)} in place over activation buffer {@code l} ([rows, cols]). */
    private static void biasRelu(Block blk, int l, int rows, int cols, double[] bias, int bias0) {
        int off = blk.offsets[l];
        if (blk.dbl) {
            DoubleBuffer z = blk.doubles;
            for (int i = 0; i < rows; i++) {
                int base = off + i * cols;
                for (int c = 0; c < cols; c++) {
                    double v = z.get(base + c) + bias[bias0 + c];
                    z.put(base + c, v < 0.0 ? 0.0 : v);
                }
            }
        } else {
            FloatBuffer z = blk.floats;
            float[] b = blk.floatRow(cols);
            for (int c = 0; c < cols; c++) {
                b[c] = (float) bias[bias0 + c];
            }
            for (int i = 0; i < rows; i++) {
                int base = off + i * cols;
                for (int c = 0; c < cols; c++) {
                    float v = z.get(base + c) + b[c];
                    z.put(base + c, v < 0.0f ? 0.0f : v);
                }
            }
        }
    }

    /**
     * {@code dZ = dH * 1[H > 0]} with dH in the delta buffer and H in activation buffer {@code l} ([rows, cols]),
     * written over H; the column sums of dZ go to {@code colsum[0 .. cols)}.
     */
    private static void reluBackward(Block blk, int l, int rows, int cols, double[] colsum) {
        int hOff = blk.offsets[l];
        int dOff = blk.deltaOffset;
        Arrays.fill(colsum, 0, cols, 0.0);
        if (blk.dbl) {
            DoubleBuffer b = blk.doubles;
            for (int i = 0; i < rows; i++) {
                int h = hOff + i * cols;
                int d = dOff + i * cols;
                for (int c = 0; c < cols; c++) {
                    double v = b.get(h + c) > 0.0 ? b.get(d + c) : 0.0;
                    b.put(h + c, v);
                    colsum[c] += v;
                }
            }
        } else {
            FloatBuffer b = blk.floats;
            for (int i = 0; i < rows; i++) {
                int h = hOff + i * cols;
                int d = dOff + i * cols;
                for (int c = 0; c < cols; c++) {
                    float v = b.get(h + c) > 0.0f ? b.get(d + c) : 0.0f;
                    b.put(h + c, v);
                    colsum[c] += v;
                }
            }
        }
    }

    private int label(Kernels.Vec y, int row) {
        double v = y.get(row);
        int k = sizes[layers];
        if (!(v >= 0.0 && v < k && v == Math.rint(v))) {
            throw new IllegalArgumentException("label at row " + row + " must be a class index in [0, " + k
                    + "), was " + v);
        }
        return (int) v;
    }

    private static long align(long n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }

    /**
     * One thread's scratch: a block per precision and the work rows. Static, over the layout arrays only, so that a
     * thread's map never keeps the model reachable. Calls lock it; {@link #free} (from any thread) waits for the call.
     */
    private static final class Scratch {
        private final int[] sizes;
        private final int layers;
        private final int[] weightOffsets;
        private final int[] biasOffsets;
        private final int[] biasIndex;
        private final int maxHidden;
        private Block floats;
        private Block doubles;
        final double[] bias;
        final double[] colsum;
        final double[] row;
        private final Pointer[] weights;

        Scratch(int[] sizes, int[] weightOffsets, int[] biasOffsets, int[] biasIndex, int maxWidth, int maxHidden) {
            this.sizes = sizes;
            this.layers = sizes.length - 1;
            this.weightOffsets = weightOffsets;
            this.biasOffsets = biasOffsets;
            this.biasIndex = biasIndex;
            this.maxHidden = maxHidden;
            this.bias = new double[biasIndex[layers - 1] + sizes[layers]];
            this.colsum = new double[maxWidth];
            this.row = new double[sizes[layers]];
            this.weights = new Pointer[layers];
        }

        /** Frees both blocks' native memory now (they are allocated again on the next call). */
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

        /** The pointers to each layer's weight block in the parameters at {@code x} (this thread's array, reused). */
        Pointer[] weights(Pointer x, boolean dbl) {
            for (int l = 0; l < layers; l++) {
                weights[l] = Kernels.at(x, dbl, weightOffsets[l]);
            }
            return weights;
        }

        /** The block of the given precision with room for at least {@code rows} rows. */
        Block block(boolean dbl, int rows) {
            Block b = dbl ? doubles : floats;
            if (b == null || b.capacity < rows) {
                if (b != null) {
                    b.memory.close();
                }
                b = new Block(sizes, maxHidden, dbl, rows);
                if (dbl) {
                    doubles = b;
                } else {
                    floats = b;
                }
            }
            return b;
        }

        /** Copies every layer's bias from the parameters into {@link #bias}. */
        void loadBiases(Kernels.Vec params) {
            for (int l = 0; l < layers; l++) {
                int from = biasOffsets[l];
                int to = biasIndex[l];
                for (int c = 0, n = sizes[l + 1]; c < n; c++) {
                    bias[to + c] = params.get(from + c);
                }
            }
        }
    }

    /**
     * Native memory for {@code capacity} rows: the activations of every layer ([capacity, n_l] each, row-major with
     * leading dimension n_l; a smaller batch uses the first rows) and a delta buffer of the widest hidden layer.
     */
    private static final class Block {
        final int[] sizes;
        final int layers;
        final int maxHidden;
        final boolean dbl;
        final int capacity;
        final Pointer memory;
        final FloatBuffer floats;
        final DoubleBuffer doubles;
        final Kernels.Vec vec;
        final int[] offsets;
        final Pointer[] act;
        final int deltaOffset;
        final Pointer delta;
        private float[] floatRow = new float[0];

        Block(int[] sizes, int maxHidden, boolean dbl, int capacity) {
            this.sizes = sizes;
            this.layers = sizes.length - 1;
            this.maxHidden = maxHidden;
            this.offsets = new int[layers];
            this.act = new Pointer[layers];
            this.dbl = dbl;
            this.capacity = capacity;
            long total = 0;
            long[] starts = new long[layers + 1];
            for (int l = 0; l < layers; l++) {
                starts[l] = total;
                total += align((long) capacity * sizes[l + 1]);
            }
            starts[layers] = total;
            total += align((long) capacity * maxHidden);
            if (total > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("activation scratch for " + capacity + " rows of layers "
                        + Arrays.toString(sizes) + " exceeds " + Integer.MAX_VALUE + " elements");
            }
            for (int l = 0; l < layers; l++) {
                offsets[l] = (int) starts[l];
            }
            this.deltaOffset = (int) starts[layers];
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
            for (int l = 0; l < layers; l++) {
                act[l] = Kernels.at(memory, dbl, offsets[l]);
            }
            this.delta = Kernels.at(memory, dbl, deltaOffset);
        }

        float[] floatRow(int n) {
            if (floatRow.length < n) {
                floatRow = new float[n];
            }
            return floatRow;
        }
    }

    /**
     * {@inheritDoc} Frees every thread's activation blocks (float32 and float64), each {@code |B| sum_l n_l} plus a
     * delta buffer of {@code |B| max_hidden n_l} elements for the largest batch the thread has seen (for the 2NN at
     * |B| = 1024 in float32, 2.4 MB).
     */
    @Override
    public long releaseScratch() {
        long[] bytes = new long[1];
        scratch.forEach(s -> bytes[0] += s.free());
        scratch.removeCurrent();
        return bytes[0];
    }

    /** Every label must be a class index in [0, k) (an integer stored as a float). */
    @Override
    public void checkLabels(io.github.fl4j.core.data.Dataset data, String name) {
        double[] y = io.github.fl4j.core.data.DataChecks.labels(data);
        int k = sizes[layers];
        for (int i = 0; i < y.length; i++) {
            double v = y[i];
            if (!(v >= 0.0 && v < k && v == Math.rint(v))) {
                throw new IllegalArgumentException(name + ": the label at row " + i + " is " + v + ", not a class "
                        + "index in [0, " + k + ") of " + this);
            }
        }
    }

    @Override
    public String toString() {
        return "Mlp[" + Arrays.toString(sizes) + ", d=" + dimension + ", lambda=" + lambda + "]";
    }
}
