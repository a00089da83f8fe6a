package io.github.fl4j.core.data.image;

import io.github.fl4j.core.random.RandomStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A random transformation of the feature rows of a training minibatch (labels unchanged), such as
 * {@link CropFlip}. Implementations are immutable and thread-safe; all randomness comes from the stream passed in,
 * which the training path draws from the run's seed tree
 * ({@link io.github.fl4j.core.random.Purpose#AUGMENTATION}, round, client) and consumes in step order, so the same
 * seed gives the same augmented images for any thread count.
 */
public interface BatchAugmentation {
    /**
     * Writes the transformed rows of {@code in} into {@code out}.
     *
     * @param in  the batch features [b, p], c-order with contiguous rows; not modified
     * @param out a different array of the same shape and data type, c-order, contiguous; overwritten
     * @param rng the stream the random choices are drawn from, rows in order
     * @throws IllegalArgumentException if the shapes do not match the augmentation's image shape
     */
    void apply(INDArray in, INDArray out, RandomStream rng);

    /** The number of features this augmentation expects per row. */
    int featureCount();
}
