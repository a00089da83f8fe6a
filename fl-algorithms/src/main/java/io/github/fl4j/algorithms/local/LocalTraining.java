package io.github.fl4j.algorithms.local;

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
 * @param steps           K, the number of local steps per round (0 when epochs are used)
 * @param epochs          E, the number of local epochs per round (0 when fixed steps are used)
 * @param batchSize       B, or {@link #FULL_BATCH}
 * @param maxGradientNorm C, the largest Euclidean norm of a step's direction, or {@link #NO_CLIPPING}
 */
public record LocalTraining(int steps, int epochs, int batchSize, double maxGradientNorm) {
    /** Batch size meaning "the client's whole dataset" (full-gradient steps). */
    public static final int FULL_BATCH = Integer.MAX_VALUE;

    /** {@link #maxGradientNorm} of unclipped training. */
    public static final double NO_CLIPPING = Double.POSITIVE_INFINITY;

    /** Unclipped training. */
    public LocalTraining(int steps, int epochs, int batchSize) {
        this(steps, epochs, batchSize, NO_CLIPPING);
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
        return new LocalTraining(steps, epochs, batchSize, maxNorm);
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
                : new LocalTraining(assignedSteps, 0, batchSize, maxGradientNorm);
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
        return (steps > 0 ? "K=" + steps + ",B=" + b : "E=" + epochs + ",B=" + b) + c;
    }
}
