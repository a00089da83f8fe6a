/**
 * Reading public datasets from files, and downloading them.
 *
 * <h2>Readers</h2>
 * <ul>
 *   <li>{@link io.github.fl4j.core.data.io.IdxReader}: IDX files (MNIST, Fashion-MNIST), with
 *       {@link io.github.fl4j.core.data.io.IdxReader#mnist} for a folder of the four canonical files and the standard
 *       normalisation x = (pixel/255 - 0.1307)/0.3081.</li>
 *   <li>{@link io.github.fl4j.core.data.io.LibSvmReader}: the LIBSVM / svmlight sparse text format (a9a, w8a,
 *       mushrooms, phishing, ...), read as a sparse (CSR) dataset when under a density threshold (0.25 by default)
 *       and as dense features otherwise; either form can be forced.</li>
 *   <li>{@link io.github.fl4j.core.data.io.CsvReader}: numeric CSV with a chosen label column.</li>
 *   <li>{@link io.github.fl4j.core.data.io.Cifar10Reader}: CIFAR-10's binary batches (1 label byte and 3,072 CHW pixel
 *       bytes per record), scaled per channel by a {@link io.github.fl4j.core.data.image.PixelScaling}.</li>
 *   <li>{@link io.github.fl4j.core.data.io.LeafReader}: LEAF's JSON files (FEMNIST, Shakespeare, Sent140) with their
 *       natural partition, one client per user, read with a streaming JSON parser.</li>
 * </ul>
 * Every reader accepts gzipped and plain files alike, detecting gzip from the magic bytes {@code 1f 8b} (never from the
 * file name), and returns a {@link io.github.fl4j.core.data.Dataset} of the requested
 * {@link io.github.fl4j.core.tensor.Precision}: features [m, p] c-order, labels [m, 1]. Labels are class indices for
 * IDX files and the file's values (or their images under an explicit label mapping, e.g. {1 -> -1, 2 -> +1}) for the
 * text formats.
 *
 * <h2>Errors</h2>
 * A problem with a file's content is an {@link java.io.IOException} whose message names the file, where the problem
 * is (byte offset for IDX, 1-based line and column for text) and what was expected, e.g. {@code "a9a.txt, line 17:
 * non-numeric value of feature 3 'x'"} or {@code "train-images-idx3-ubyte: bad IDX magic number at byte offset 0:
 * expected 0x00000803 (uint8 images, 3 dimensions), found 0x00000801 (a label file)"}. A bad argument (null path,
 * negative feature count) is an {@link IllegalArgumentException}. A reader never returns a partly read dataset.
 *
 * <h2>MNIST and Fashion-MNIST, found or downloaded</h2>
 * {@link io.github.fl4j.core.data.io.MnistDatasets} is the one way to get them: a folder given by the caller, else the
 * system property / environment variable of the dataset ({@code fl4j.mnist} / {@code FL4J_MNIST},
 * {@code fl4j.fashionMnist} / {@code FL4J_FASHION_MNIST}), else (Fashion-MNIST) the folder of Debian's package
 * {@code dataset-fashion-mnist}, else the download cache
 * ({@code ~/.fl4j/datasets/mnist}, {@code ~/.fl4j/datasets/fashion-mnist}), else a download into that cache. Offline,
 * its error message gives the exact {@code curl} commands and the folder to put the four files in.
 *
 * <h2>Downloads</h2>
 * {@link io.github.fl4j.core.data.io.DatasetDownloader} fetches a file from a list of mirrors into a local cache
 * ({@code ~/.fl4j/datasets}, or the system property {@code fl4j.datasets}, or the environment variable
 * {@code FL4J_DATASETS}), verifies the SHA-256 of its uncompressed content and moves it into place atomically; the
 * MNIST and Fashion-MNIST files are predefined. Without network access, copy the files into the cache directory by
 * hand (the error message names the path), or read them from any folder with the readers.
 *
 * <h2>Thread safety</h2>
 * All classes are immutable or stateless and thread-safe.
 */
package io.github.fl4j.core.data.io;
