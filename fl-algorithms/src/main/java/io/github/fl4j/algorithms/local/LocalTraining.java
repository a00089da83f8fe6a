package io.github.fl4j.algorithms.local;

import io.github.fl4j.core.api.ClientContext;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.MinibatchSampler;
import io.github.fl4j.core.data.image.BatchAugmentation;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Workspace;

/**
 * How much local work a client does in a round: either a fixed number K of SGD steps, or E epochs over its data
 * (K_n = E * ceil(m_n / B), McMahan et al. 2017), with minibatch size B.
 *
 * <p>Fixed K gives every client the same number of steps; epochs give clients with more data more steps, which makes
 * FedAvg's fixed point depend on the data sizes (the objective inconsistency analysed by FedNova, Wang et al.
 * NeurIPS 2020). {@link #FULL_BATCH} as batch size means full-gradient steps (B = infinity in McMahan's notation).
 *
 * <p><b>Gradient clipping</b> ({@link #withGradientClipping}): each local step's whole direction d (the minibatch
 * gradient plus whatever the algorithm adds: SCAFFOLD's correction, FedProx's proximal gradient, FedSpeed's
 * prox-correction) is rescaled to d min(1, C/||d||) before the step, as {@code torch.nn.utils.clip_grad_norm_} after
 * the backward pass of the whole local loss does in FL-Simulator (C = 10 there). Without clipping
 * ({@link #NO_CLIPPING}) the steps are exactly the unclipped ones, fused kernels included.
 *
 * <p><b>Data augmentation</b> ({@link #withAugmentation}): every local minibatch is transformed (e.g. by
 * {@link io.github.fl4j.core.data.image.CropFlip}, the random crop and flip of the CIFAR papers) after it is drawn and
 * before the gradient, with draws from the client's {@link Purpose#AUGMENTATION} stream of the round, consumed step
 * after step (see {@link MinibatchSampler}); the minibatch order is the one without augmentation. Only the local
 * training path sees augmented data: evaluation, and full-batch gradients an algorithm takes outside its local steps
 * (SCAFFOLD option I's control variate at the server point), read the data as it is.
 *
 * @param steps           K, the number of local steps per round (0 when epochs are used)
 * @param epochs          E, the number of local epochs per round (0 when fixed steps are used)
 * @param batchSize       B, or {@link #FULL_BATCH}
 * @param maxGradientNorm C, the largest Euclidean norm of a step's direction, or {@link #NO_CLIPPING}
 * @param augmentation    the transformation of every local minibatch, or null for none
 */
public record LocalTraining(int steps, int epochs, int batchSize, double maxGradientNorm,
                            BatchAugmentation augmentation) {
    /** Batch size meaning "the client's whole dataset" (full-gradient steps). */
    public static final int FULL_BATCH = Integer.MAX_VALUE;

    /** {@link #maxGradientNorm} of unclipped training. */
    public static final double NO_CLIPPING = Double.POSITIVE_INFINITY;

    /** Unclipped training. */
    public LocalTraining(int steps, int epochs, int batchSize) {
        this(steps, epochs, batchSize, NO_CLIPPING);
    }

    /** Training without augmentation. */
    public LocalTraining(int steps, int epochs, int batchSize, double maxGradientNorm) {
        this(steps, epochs, batchSize, maxGradientNorm, null);
    }

    /** Checks every field (positive counts, a positive finite clipping norm or {@code NO_CLIPPING}). */
    public LocalTraining {
        if (!(maxGradientNorm > 0) || Double.isNaN(maxGradientNorm)) {
            throw new IllegalArgumentException("maxGradientNorm must be > 0 (or NO_CLIPPING), was "
                    + maxGradientNorm);
        }
        if (steps < 0) {
            throw new IllegalArgumentException("localSteps must be >= 1, was " + steps);
        }
        if (epochs < 0) {
            throw new IllegalArgumentException("localEpochs must be >= 1, was " + epochs);
        }
        if ((steps == 0) == (epochs == 0)) {
            throw new IllegalArgumentException("exactly one of localSteps and localEpochs must be >= 1, were "
                    + steps + " and " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
        }
    }

    /** K local steps of minibatch size B. */
    public static LocalTraining steps(int steps, int batchSize) {
        if (steps < 1) {
            throw new IllegalArgumentException("localSteps must be >= 1, was " + steps);
        }
        return new LocalTraining(steps, 0, batchSize);
    }

    /** K local full-gradient steps. */
    public static LocalTraining fullBatchSteps(int steps) {
        return steps(steps, FULL_BATCH);
    }

    /** E local epochs of minibatch size B. */
    public static LocalTraining epochs(int epochs, int batchSize) {
        if (epochs < 1) {
            throw new IllegalArgumentException("localEpochs must be >= 1, was " + epochs);
        }
        return new LocalTraining(0, epochs, batchSize);
    }

    /** This training with each step's direction clipped to norm {@code maxNorm} (> 0; NO_CLIPPING to turn off). */
    public LocalTraining withGradientClipping(double maxNorm) {
        return new LocalTraining(steps, epochs, batchSize, maxNorm, augmentation);
    }

    /** This training with every local minibatch transformed by {@code augmentation} (null: none). */
    public LocalTraining withAugmentation(BatchAugmentation augmentation) {
        return new LocalTraining(steps, epochs, batchSize, maxGradientNorm, augmentation);
    }

    /** True when local minibatches are augmented. */
    public boolean augments() {
        return augmentation != null;
    }

    /**
     * The stream the augmentation of a client task draws from: {@code ctx.random(Purpose.AUGMENTATION)}, keyed by the
     * round and the client; null without augmentation (no stream is created).
     */
    public RandomStream augmentationStream(ClientContext ctx) {
        return augmentation == null ? null : ctx.random(Purpose.AUGMENTATION);
    }

    /**
     * The minibatch sampler of a client task: batches of {@link #batchSize} drawn with {@code order}, transformed by
     * the augmentation (if any) with {@code augmentationRng}.
     *
     * @throws IllegalStateException if this training augments and {@code augmentationRng} is null
     */
    public MinibatchSampler sampler(Dataset data, RandomStream order, RandomStream augmentationRng,
            Workspace workspace) {
        if (augmentation != null && augmentationRng == null) {
            throw new IllegalStateException("local training " + this + " augments its minibatches but the caller "
                    + "passed no AUGMENTATION stream (this algorithm does not support augmentation)");
        }
        return new MinibatchSampler(data, batchSize, order, workspace, augmentation, augmentationRng);
    }

    /** True when steps are clipped. */
    public boolean clips() {
        return maxGradientNorm != NO_CLIPPING;
    }

    /**
     * Clips {@code direction} in place to norm {@link #maxGradientNorm} (a no-op without clipping or below the norm).
     *
     * @return the norm before clipping (NaN when clipping is off: not computed)
     */
    public double clip(org.nd4j.linalg.api.ndarray.INDArray direction) {
        if (!clips()) {
            return Double.NaN;
        }
        double norm = io.github.fl4j.core.tensor.Tensors.norm2(direction);
        if (norm > maxGradientNorm) {
            io.github.fl4j.core.tensor.Tensors.scale(maxGradientNorm / norm, direction);
        }
        return norm;
    }

    /** The number of local steps of a client with {@code samples} training samples. */
    public int stepsFor(int samples) {
        if (steps > 0) {
            return steps;
        }
        long batches = batchSize >= samples ? 1 : (samples + (long) batchSize - 1) / batchSize;
        return (int) Math.min(Integer.MAX_VALUE, epochs * batches);
    }

    /**
     * The training of one session in which the server assigned {@code assignedSteps} local steps (a scheduler such as
     * FedCompass's; see {@code ClientContext#localSteps(int)}): this training when {@code assignedSteps} is 0, else
     * {@code assignedSteps} steps of the same batch size and clipping (epochs are replaced by the assigned steps).
     *
     * @throws IllegalArgumentException if {@code assignedSteps} is negative
     */
    public LocalTraining forSession(int assignedSteps) {
        if (assignedSteps < 0) {
            throw new IllegalArgumentException("assignedSteps must be >= 0, was " + assignedSteps);
        }
        return assignedSteps == 0 || assignedSteps == steps ? this
                : new LocalTraining(assignedSteps, 0, batchSize, maxGradientNorm, augmentation);
    }

    /**
     * The exact number of training samples the gradient evaluations of {@link #stepsFor}({@code samples}) steps touch,
     * with the minibatches of {@code io.github.fl4j.core.data.MinibatchSampler}: every step sees the whole dataset when
     * B &gt;= m; otherwise an epoch is ceil(m/B) batches holding m samples in all (its last one m mod B when B does
     * not divide m), so K steps are K div ceil(m/B) whole epochs and K mod ceil(m/B) full batches of B. E epochs are
     * E m samples.
     *
     * @param samples the client's number of training samples m (&gt;= 1)
     * @throws IllegalArgumentException if {@code samples} &lt; 1
     */
    public long samplesFor(int samples) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, was " + samples);
        }
        long k = stepsFor(samples);
        if (batchSize >= samples) {
            return k * samples;
        }
        long perEpoch = (samples + (long) batchSize - 1) / batchSize;
        return (k / perEpoch) * samples + (k % perEpoch) * batchSize;
    }

    @Override
    public String toString() {
        String b = batchSize == FULL_BATCH ? "full" : Integer.toString(batchSize);
        String c = clips() ? ",clip=" + maxGradientNorm : "";
        String a = augmentation == null ? "" : ",augment=" + augmentation;
        return (steps > 0 ? "K=" + steps + ",B=" + b : "E=" + epochs + ",B=" + b) + c + a;
    }
}
