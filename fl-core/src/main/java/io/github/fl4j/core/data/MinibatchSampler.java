package io.github.fl4j.core.data;

import io.github.fl4j.core.data.image.BatchAugmentation;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import io.github.fl4j.core.tensor.Workspace;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Serves the minibatches of one client's dataset for local SGD: epochs of sampling without replacement.
 *
 * <p>Semantics, with m = {@code data.size()} and B = {@code batchSize}:
 * <ul>
 *   <li>When {@code B < m}: at the start of each epoch a uniformly random permutation of the rows is drawn from the
 *       stream (exactly the draws of {@code rng.permutation(m)}: Fisher-Yates on the identity, from the last position
 *       down; the first draw happens in the first call to {@link #next}). The epoch's batches are the consecutive
 *       chunks of B indices of that permutation; the last one holds {@code m mod B} rows when B does not divide m.
 *       After the last chunk, the next call starts a new epoch with a new permutation. There are
 *       {@link #batchesPerEpoch()} = ceil(m / B) batches per epoch.</li>
 *   <li>When {@code B >= m}: every call returns {@code data} itself (no copy, no draw), so full-batch gradient
 *       descent is deterministic and sees the rows in their stored order.</li>
 * </ul>
 *
 * <p>Memory and allocation: the sampler owns a feature buffer [B, p] and a label buffer [B, 1] in the dataset's
 * precision, plus an index array of length m; a batch is written into these buffers by copying rows straight
 * between the arrays' backing buffers (no ND4J op per row), and the returned {@link Dataset} wraps them (or, for the
 * smaller last chunk, row views of them created once). Nothing is allocated in steady state. A sparse dataset's
 * batch is instead an index view of its shared matrix ({@link Dataset#rows}: the B row numbers and labels are copied,
 * the features are not), a small allocation per batch.
 *
 * <p><b>A returned batch is valid only until the next call to {@link #next}</b>, which overwrites the buffers; copy
 * it ({@code batch.rows(...)} or {@code dup()}) to keep it. Callers must not write into a batch. Not thread-safe: one
 * sampler per client task, drawing from that task's stream ({@code seedTree.stream(Purpose.LOCAL_DATA_ORDER, round,
 * client)}).
 *
 * <p><b>Augmentation.</b> A sampler built with a {@link BatchAugmentation} (e.g. a random crop and flip of images)
 * returns each batch transformed by it, drawing from its own stream (by convention
 * {@code seedTree.stream(Purpose.AUGMENTATION, round, client)}), batch after batch: the batch of step k is chosen
 * exactly as without augmentation (the order stream is not touched) and then transformed with the draws that follow
 * those of steps 0..k-1. The transformed features go to a third buffer ({@code "minibatch.augmented"} of the
 * workspace, [B, p], or [m, p] in the full-batch case, where the data itself is never written); labels are unchanged.
 */
public final class MinibatchSampler {
    private final Dataset data;
    private final int batchSize;
    private final RandomStream rng;
    private final int m;
    private final int p;
    private final boolean fullBatch;
    private final int[] order;
    private int position;

    // Source access: backing buffers, element offsets and strides of the source arrays.
    private final boolean isDouble;
    private final FloatBuffer srcXf;
    private final FloatBuffer srcYf;
    private final DoubleBuffer srcXd;
    private final DoubleBuffer srcYd;
    private final long srcXOffset;
    private final long srcXRowStride;
    private final long srcXColStride;
    private final long srcYOffset;
    private final long srcYRowStride;

    // Destination buffers (contiguous, c-order) and the datasets that wrap them.
    private final INDArray batchX;
    private final INDArray batchY;
    private final FloatBuffer dstXf;
    private final FloatBuffer dstYf;
    private final DoubleBuffer dstXd;
    private final DoubleBuffer dstYd;
    private final long dstXOffset;
    private final long dstYOffset;
    private final Dataset fullChunk;
    private Dataset lastChunk;

    // Augmentation (null when none).
    private final BatchAugmentation augmentation;
    private final RandomStream augmentationRng;
    private final INDArray augmentedX;
    private Dataset augmentedFull;
    private Dataset augmentedLast;

    /**
     * @param data      the client's dataset (at least one row); never written to
     * @param batchSize the minibatch size B, >= 1; {@code B >= data.size()} means full batches
     * @param rng       the stream the epoch permutations are drawn from
     * @throws IllegalArgumentException on a null argument, an empty dataset or {@code batchSize < 1}
     */
    public MinibatchSampler(Dataset data, int batchSize, RandomStream rng) {
        this(data, batchSize, rng, new Workspace());
    }

    /**
     * A sampler whose batch buffers come from a thread's {@link Workspace} (names {@code "minibatch.features"} and
     * {@code "minibatch.labels"}), so that a worker thread reuses them for every client task it runs instead of
     * allocating two ND4J arrays per task. Only one sampler per workspace may be in use at a time.
     *
     * @param workspace the executing thread's workspace
     */
    public MinibatchSampler(Dataset data, int batchSize, RandomStream rng, Workspace workspace) {
        this(data, batchSize, rng, workspace, null, null);
    }

    /**
     * A sampler whose batches are transformed by {@code augmentation} (see the class comment).
     *
     * @param augmentation    the transformation of every batch, or null for none
     * @param augmentationRng the stream its draws come from (required when {@code augmentation} is given)
     * @throws IllegalArgumentException also if the augmentation expects another feature count than the data has, or
     *                                  its stream is missing
     */
    public MinibatchSampler(Dataset data, int batchSize, RandomStream rng, Workspace workspace,
                            BatchAugmentation augmentation, RandomStream augmentationRng) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        if (rng == null) {
            throw new IllegalArgumentException("rng must not be null");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
        }
        if (data.size() < 1) {
            throw new IllegalArgumentException("data must have at least one sample, had 0");
        }
        this.data = data;
        this.batchSize = batchSize;
        this.rng = rng;
        this.m = data.size();
        this.p = data.featureCount();
        this.fullBatch = batchSize >= m;
        this.isDouble = data.precision() == Precision.FLOAT64;
        this.augmentation = augmentation;
        this.augmentationRng = augmentationRng;
        if (augmentation != null) {
            if (augmentationRng == null) {
                throw new IllegalArgumentException("augmentationRng must not be null when an augmentation is given");
            }
            if (augmentation.featureCount() != p) {
                throw new IllegalArgumentException("augmentation " + augmentation + " expects "
                        + augmentation.featureCount() + " features per sample, the data has " + p
                        + (data.source() == null ? "" : " (" + data.source() + ")"));
            }
            augmentedX = workspace.matrix("minibatch.augmented", data.precision(), fullBatch ? m : batchSize, p);
        } else {
            augmentedX = null;
        }
        order = fullBatch ? null : new int[m];
        position = m; // the first call to next() starts an epoch (unused with a full batch)
        if (fullBatch || data.isSparse()) {
            // full batch: the dataset itself each call; sparse: a batch is an index view of the shared matrix
            // (Dataset.rows). Either way there is no feature buffer to fill.
            srcXf = null;
            srcYf = null;
            srcXd = null;
            srcYd = null;
            srcXOffset = 0;
            srcXRowStride = 0;
            srcXColStride = 0;
            srcYOffset = 0;
            srcYRowStride = 0;
            batchX = null;
            batchY = null;
            dstXf = null;
            dstYf = null;
            dstXd = null;
            dstYd = null;
            dstXOffset = 0;
            dstYOffset = 0;
            fullChunk = fullBatch ? data : null;
            return;
        }
        INDArray x = data.features();
        INDArray y = data.labels();
        srcXOffset = x.offset();
        srcXRowStride = x.stride(0);
        srcXColStride = x.stride(1);
        srcYOffset = y.offset();
        srcYRowStride = y.stride(0);
        Precision precision = Precision.of(x.dataType());
        batchX = workspace.matrix("minibatch.features", precision, batchSize, p);
        batchY = workspace.matrix("minibatch.labels", precision, batchSize, 1);
        dstXOffset = batchX.offset();
        dstYOffset = batchY.offset();
        if (isDouble) {
            srcXd = Tensors.doubleView(x);
            srcYd = Tensors.doubleView(y);
            dstXd = Tensors.doubleView(batchX);
            dstYd = Tensors.doubleView(batchY);
            srcXf = null;
            srcYf = null;
            dstXf = null;
            dstYf = null;
        } else {
            srcXf = Tensors.floatView(x);
            srcYf = Tensors.floatView(y);
            dstXf = Tensors.floatView(batchX);
            dstYf = Tensors.floatView(batchY);
            srcXd = null;
            srcYd = null;
            dstXd = null;
            dstYd = null;
        }
        fullChunk = new Dataset(batchX, batchY);
    }

    /**
     * The next minibatch (see the class comment). The result is valid until the next call; it is {@code data} itself
     * when {@code batchSize >= data.size()}.
     */
    public Dataset next() {
        Dataset batch = nextBatch();
        return augmentation == null ? batch : augment(batch);
    }

    private Dataset augment(Dataset batch) {
        int rows = batch.size();
        if (rows == augmentedX.rows()) {
            augmentation.apply(batch.features(), augmentedX, augmentationRng);
            if (augmentedFull == null) {
                augmentedFull = new Dataset(augmentedX, batch.labels());
            }
            return augmentedFull;
        }
        if (augmentedLast == null) {
            // the short last chunk has the same row count in every epoch, so one view serves them all
            augmentedLast = new Dataset(augmentedX.get(NDArrayIndex.interval(0, rows), NDArrayIndex.all()),
                    batch.labels());
        }
        augmentation.apply(batch.features(), augmentedLast.features(), augmentationRng);
        return augmentedLast;
    }

    private Dataset nextBatch() {
        if (fullBatch) {
            return data;
        }
        if (position >= m) {
            for (int i = 0; i < m; i++) {
                order[i] = i;
            }
            rng.shuffle(order);
            position = 0;
        }
        int rows = Math.min(batchSize, m - position);
        if (data.isSparse()) {
            int[] chosen = java.util.Arrays.copyOfRange(order, position, position + rows);
            position += rows;
            return data.rows(chosen);
        }
        for (int r = 0; r < rows; r++) {
            copyRow(order[position + r], r);
        }
        position += rows;
        if (rows == batchSize) {
            return fullChunk;
        }
        if (lastChunk == null) {
            // rows == m mod B is the same in every epoch, so one view serves them all.
            lastChunk = new Dataset(batchX.get(NDArrayIndex.interval(0, rows), NDArrayIndex.all()),
                    batchY.get(NDArrayIndex.interval(0, rows), NDArrayIndex.all()));
        }
        return lastChunk;
    }

    private void copyRow(int src, int dst) {
        int xFrom = (int) (srcXOffset + src * srcXRowStride);
        int xTo = (int) (dstXOffset + (long) dst * p);
        int yFrom = (int) (srcYOffset + src * srcYRowStride);
        int yTo = (int) (dstYOffset + dst);
        if (isDouble) {
            if (srcXColStride == 1) {
                dstXd.put(xTo, srcXd, xFrom, p);
            } else {
                for (int j = 0; j < p; j++) {
                    dstXd.put(xTo + j, srcXd.get((int) (xFrom + j * srcXColStride)));
                }
            }
            dstYd.put(yTo, srcYd.get(yFrom));
        } else {
            if (srcXColStride == 1) {
                dstXf.put(xTo, srcXf, xFrom, p);
            } else {
                for (int j = 0; j < p; j++) {
                    dstXf.put(xTo + j, srcXf.get((int) (xFrom + j * srcXColStride)));
                }
            }
            dstYf.put(yTo, srcYf.get(yFrom));
        }
    }

    /** The number of batches per epoch, ceil(m / B) (1 in the full-batch case). */
    public int batchesPerEpoch() {
        return fullBatch ? 1 : (m + batchSize - 1) / batchSize;
    }

    /** The minibatch size B as configured. */
    public int batchSize() {
        return batchSize;
    }

    /** The augmentation applied to every batch, or null. */
    public BatchAugmentation augmentation() {
        return augmentation;
    }

    /** The dataset batches are drawn from. */
    public Dataset data() {
        return data;
    }
}
