package io.github.fl4j.core.optim;

import io.github.fl4j.core.api.ServerOptimizer;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Server heavy-ball momentum on the pseudo-gradient -Delta^t (FedAvgM: Hsu, Qi, Brown, "Measuring the Effects of
 * Non-Identical Data Distribution for Federated Visual Classification", arXiv 1909.06335, 2019), in Flower's
 * {@code FedAvgM} convention (no dampening, no Nesterov):
 * <pre>
 *   v^t     = beta v^{t-1} - Delta^t        v^0 = 0, so v^1 = -Delta^1
 *   x^{t+1} = x^t - eta v^t
 * </pre>
 * The effective step is eta/(1 - beta): with beta = 0.9, eta = 0.1 keeps plain averaging's step size. Three BLAS
 * calls (scal, axpy, axpy). State (kind {@code "momentum"}): v, one d-vector.
 *
 * @param learningRate eta &gt; 0
 * @param beta         the momentum beta in [0, 1)
 */
public record Momentum(double learningRate, double beta) implements ServerOptimizer {
    /** The state kind. */
    public static final String KIND = "momentum";

    /**
     * @throws IllegalArgumentException when learningRate is not &gt; 0 and finite or beta is not in [0, 1)
     */
    public Momentum {
        Checks.positive("learningRate", learningRate);
        Checks.decay("beta", beta);
    }

    @Override
    public String name() {
        return "momentum(lr=" + learningRate + ", beta=" + beta + ")";
    }

    @Override
    public State init(Precision precision, long dimension) {
        return new State(KIND, Tensors.zeros(precision, dimension));
    }

    @Override
    public void step(INDArray x, INDArray delta, State state) {
        state.check(KIND, 1, x);
        INDArray v = state.vector(0);
        Tensors.scale(beta, v);
        Tensors.axpy(-1.0, delta, v);
        Tensors.axpy(-learningRate, v, x);
    }

    @Override
    public String toString() {
        return name();
    }
}
