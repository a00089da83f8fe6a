package io.github.fl4j.algorithms.local;

import io.github.fl4j.core.data.image.BatchAugmentation;

/**
 * The part every builder of a local-SGD algorithm shares (FedAvg, FedProx, FedAvg with error feedback, SCAFFOLD,
 * FedAU, FedSpeed): the local work (K steps or E epochs of minibatch size B) and the local learning rate eta_l. The
 * self type {@code B} keeps the chained calls typed as the concrete builder.
 *
 * @param <B> the concrete builder
 */
public abstract class LocalSgdBuilder<B extends LocalSgdBuilder<B>> {
    private LocalTraining training;
    private double localLearningRate = Double.NaN;
    private double maxGradientNorm = LocalTraining.NO_CLIPPING;
    private BatchAugmentation augmentation;

    /** For subclasses. */
    protected LocalSgdBuilder() {
    }

    /** This builder as its concrete type. */
    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** K local SGD steps of minibatch size B per round. */
    public B localSteps(int steps, int batchSize) {
        training = LocalTraining.steps(steps, batchSize);
        return self();
    }

    /** E local epochs of minibatch size B per round. */
    public B localEpochs(int epochs, int batchSize) {
        training = LocalTraining.epochs(epochs, batchSize);
        return self();
    }

    /** The local work, directly. */
    public B localTraining(LocalTraining v) {
        training = v;
        return self();
    }

    /** eta_l (required). */
    public B localLearningRate(double v) {
        localLearningRate = v;
        return self();
    }

    /**
     * Clips each local step's direction to Euclidean norm {@code maxNorm} ({@link LocalTraining#withGradientClipping};
     * default: no clipping). For SCAFFOLD option II the control-variate formula (x - y_K)/(K eta_l) then measures the
     * clipped steps, as in FL-Simulator.
     */
    public B gradientClipping(double maxNorm) {
        maxGradientNorm = maxNorm;
        return self();
    }

    /**
     * Transforms every local minibatch with {@code augmentation} ({@link LocalTraining#withAugmentation}; default
     * none), e.g. {@code CropFlip.standard(ImageShape.CIFAR)}: only the local training steps see augmented data.
     *
     * @throws IllegalArgumentException if {@code augmentation} is null
     */
    public B augmentation(BatchAugmentation augmentation) {
        if (augmentation == null) {
            throw new IllegalArgumentException("augmentation must not be null");
        }
        this.augmentation = augmentation;
        return self();
    }

    /**
     * The local work, with the clipping of {@link #gradientClipping} and the augmentation of {@link #augmentation}
     * if set, for {@code build()}.
     *
     * @throws IllegalArgumentException if none was set, or the clipping norm is not > 0
     */
    public LocalTraining requireTraining() {
        if (training == null) {
            throw new IllegalArgumentException("local training must be set: localSteps(K, B) or localEpochs(E, B)");
        }
        LocalTraining t = maxGradientNorm == LocalTraining.NO_CLIPPING ? training
                : training.withGradientClipping(maxGradientNorm);
        return augmentation == null ? t : t.withAugmentation(augmentation);
    }

    /**
     * eta_l, for {@code build()}.
     *
     * @throws IllegalArgumentException naming the value unless it is finite and {@code > 0}
     */
    public double requireLocalLearningRate() {
        if (!(localLearningRate > 0) || !Double.isFinite(localLearningRate)) {
            throw new IllegalArgumentException("localLearningRate must be > 0 and finite, was " + localLearningRate);
        }
        return localLearningRate;
    }
}
