/**
 * Images as fl4j data: the layout of an image in a feature row and the training-time augmentations that federated
 * vision papers use.
 *
 * <h2>Layout</h2>
 * An image dataset is an ordinary {@link io.github.fl4j.core.data.Dataset}: one image per row of the feature matrix,
 * flattened in channel-major order (CHW, as PyTorch stores a tensor and as the CIFAR-10 binary files store a record):
 * the value of channel c, row y, column x of an image of shape {@link io.github.fl4j.core.data.image.ImageShape}
 * (C, H, W) is feature {@code c*H*W + y*W + x}. Grey images (MNIST, Fashion-MNIST, FEMNIST) are C = 1.
 *
 * <h2>Augmentation</h2>
 * {@link io.github.fl4j.core.data.image.BatchAugmentation} transforms a training minibatch, drawing from a stream of
 * the run's seed tree ({@link io.github.fl4j.core.random.Purpose#AUGMENTATION}, keyed by round and client);
 * {@link io.github.fl4j.core.data.image.CropFlip} is the random crop with zero padding and the random horizontal flip
 * of the CIFAR pipelines. A {@link io.github.fl4j.core.data.MinibatchSampler} built with an augmentation applies it to
 * every batch it serves, so only the local training path sees augmented images; evaluation reads the datasets as
 * they are.
 */
package io.github.fl4j.core.data.image;
