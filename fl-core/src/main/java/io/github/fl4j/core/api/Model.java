package io.github.fl4j.core.api;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.random.RandomStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A differentiable objective over one flat parameter vector, as the optimisation papers write it: for a batch B of
 * samples, {@code f(x; B) = (1/|B|) sum_{i in B} l(x; a_i, y_i) + r(x)}.
 *
 * <p>Algorithms see only flat vectors of length {@link #dimension()} and this gradient oracle. Implementations write
 * gradients into caller-owned buffers and keep any scratch space per thread, so one model instance may be used by
 * many clients concurrently; they never mutate {@code params} or the batch.
 *
 * <p>Thread safety: implementations must be safe for concurrent calls with distinct output buffers.
 */
public interface Model {

    /** Number of parameters d. */
    long dimension();

    /**
     * Writes initial parameters into {@code out} (length {@link #dimension()}), drawing only from {@code rng}.
     */
    void initialParameters(RandomStream rng, INDArray out);

    /**
     * Computes {@code f(params; batch)} and writes {@code grad f(params; batch)} into {@code gradientOut}.
     *
     * @param params      flat parameters, length d (not modified)
     * @param batch       the samples (not modified)
     * @param gradientOut caller-owned buffer of length d, overwritten
     * @return the loss on the batch (including the regulariser, if any)
     */
    double lossAndGradient(INDArray params, Dataset batch, INDArray gradientOut);

    /**
     * One plain SGD step in place, {@code params <- params - lr * grad f(params; batch)}, returning the loss at the
     * parameters before the step. The default computes the gradient into {@code gradientScratch} and applies one BLAS
     * axpy; a model may fuse the update into its own kernels (the MLP writes {@code -lr * H^T dZ} straight into its
     * weights with a beta = 1 gemm, saving two passes over d values per step). Fused and unfused results agree to
     * rounding, not bit for bit; each is deterministic.
     *
     * @param params          parameters, updated in place
     * @param batch           the samples
     * @param learningRate    the step size lr
     * @param gradientScratch a caller-owned buffer of length d that the default implementation overwrites
     * @return the loss at {@code params} before the step
     */
    default double sgdStep(INDArray params, Dataset batch, double learningRate, INDArray gradientScratch) {
        double loss = lossAndGradient(params, batch, gradientScratch);
        io.github.fl4j.core.tensor.Tensors.axpy(-learningRate, gradientScratch, params);
        return loss;
    }

    /** The loss {@code f(params; batch)} alone (including the regulariser, if any). */
    double loss(INDArray params, Dataset batch);

    /** Mean loss and accuracy of {@code params} on {@code data}; used for test-set evaluation. */
    Evaluation evaluate(INDArray params, Dataset data);

    /**
     * Frees, now, the native scratch memory this model keeps per thread (activation buffers and the like), instead of
     * whenever the garbage collector gets to it. Native memory is not bounded by the heap limit and a small heap
     * seldom triggers a collection, so a JVM that runs many simulations grows unless scratch is freed when a run
     * ends; {@code Simulation} and {@code TimedSimulation} call this at the end of every run, failed or not.
     *
     * <p>The model stays usable: the next call on a thread allocates its scratch again. Safe while other threads use
     * the model (a thread's scratch is freed between two of its calls). The default has no scratch and returns 0.
     *
     * @return the number of native bytes freed
     */
    default long releaseScratch() {
        return 0;
    }

    /**
     * Fails with an IllegalArgumentException naming {@code name}, the row and the value when a label of {@code data}
     * is not one this model accepts (a class index in [0, k) for softmax models, -1 or +1 for binary logistic
     * regression). The simulation calls it on every client's data and on the test set before round 1, so a bad label
     * is reported before training, not when its minibatch is first drawn or at the final evaluation. The default
     * accepts every (finite) label.
     *
     * @param name how the message names the dataset, e.g. "the test set"
     */
    default void checkLabels(Dataset data, String name) {
    }
}
