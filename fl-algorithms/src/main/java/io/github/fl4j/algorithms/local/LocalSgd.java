package io.github.fl4j.algorithms.local;

import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.MinibatchSampler;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Tensors;
import io.github.fl4j.core.tensor.Workspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The local solver shared by the algorithms with local steps: K steps of (corrected, proximal) minibatch SGD,
 *
 * <pre>
 *   y_{k+1} = y_k - eta_l * (grad f_n(y_k; xi_k) + mu (y_k - x) + c),   k = 0..K-1
 * </pre>
 *
 * where c is an optional fixed correction vector (SCAFFOLD's c - c_n, for example), mu &gt;= 0 the weight of an
 * optional proximal term around the centre x (FedProx), and xi_k are the minibatches of a {@link MinibatchSampler}
 * driven by the client's LOCAL_DATA_ORDER stream (and transformed by the training's augmentation, if any, with the
 * client's AUGMENTATION stream). With {@link LocalTraining#clips() clipping} the whole direction
 * (gradient + mu (y - x) + c) is clipped before the step. Without correction, proximal term and clipping each step is
 * {@link Model#sgdStep}, which a model may fuse into its kernels; otherwise it is one gradient call into a reused
 * buffer and two to four BLAS axpy calls. Nothing is allocated per step.
 */
public final class LocalSgd {
    private LocalSgd() {
    }

    /**
     * Runs the local steps in place on {@code y}, without proximal term.
     *
     * @param model      the model
     * @param data       the client's data
     * @param training   steps/epochs and batch size
     * @param lr         the local learning rate eta_l
     * @param y          the iterate, updated in place (starts at the server model)
     * @param grad       a gradient buffer of the same length (overwritten)
     * @param correction a vector added to every gradient, or null
     * @param order      the stream that orders the minibatches
     * @param workspace  the executing thread's workspace (holds the minibatch buffers)
     * @return the mean minibatch loss over the steps, each loss taken at the iterate before its step
     */
    public static double run(Model model, Dataset data, LocalTraining training, double lr, INDArray y,
                             INDArray grad, INDArray correction, RandomStream order, Workspace workspace) {
        return run(model, data, training, lr, y, grad, correction, 0.0, null, order, workspace);
    }

    /**
     * Runs the local steps in place on {@code y}, with a proximal term {@code (mu/2) ||y - center||^2} added to the
     * local objective (its gradient {@code mu (y - center)} is recomputed at every step). The returned loss is that of
     * f alone, without the proximal term.
     *
     * @param proximalWeight mu &gt;= 0 (0: no proximal term)
     * @param center         the proximal centre (the server model), or null when mu = 0
     */
    public static double run(Model model, Dataset data, LocalTraining training, double lr, INDArray y,
                             INDArray grad, INDArray correction, double proximalWeight, INDArray center,
                             RandomStream order, Workspace workspace) {
        return run(model, data, training, lr, y, grad, correction, proximalWeight, center, order, null, workspace);
    }

    /**
     * As {@link #run(Model, Dataset, LocalTraining, double, INDArray, INDArray, INDArray, double, INDArray,
     * RandomStream, Workspace)}, with the stream the training's augmentation draws from
     * ({@link LocalTraining#augmentationStream}; null when the training does not augment).
     *
     * @throws IllegalStateException if the training augments and {@code augmentation} is null
     */
    public static double run(Model model, Dataset data, LocalTraining training, double lr, INDArray y,
                             INDArray grad, INDArray correction, double proximalWeight, INDArray center,
                             RandomStream order, RandomStream augmentation, Workspace workspace) {
        if (proximalWeight != 0 && center == null) {
            throw new IllegalArgumentException("center must be given when proximalWeight is " + proximalWeight);
        }
        MinibatchSampler sampler = training.sampler(data, order, augmentation, workspace);
        int steps = training.stepsFor(data.size());
        double lossSum = 0;
        boolean clip = training.clips();
        for (int k = 0; k < steps; k++) {
            if (correction == null && proximalWeight == 0 && !clip) {
                lossSum += model.sgdStep(y, sampler.next(), lr, grad);
                continue;
            }
            lossSum += model.lossAndGradient(y, sampler.next(), grad);
            if (proximalWeight != 0) {
                Tensors.axpy(proximalWeight, y, grad);
                Tensors.axpy(-proximalWeight, center, grad);
            }
            if (clip) {
                // the whole direction is clipped, correction included (FL-Simulator puts it in the loss)
                if (correction != null) {
                    Tensors.axpy(1.0, correction, grad);
                }
                training.clip(grad);
                Tensors.axpy(-lr, grad, y);
                continue;
            }
            Tensors.axpy(-lr, grad, y);
            if (correction != null) {
                Tensors.axpy(-lr, correction, y);
            }
        }
        return lossSum / steps;
    }
}
