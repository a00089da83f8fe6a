package io.github.fl4j.core.optim;

import io.github.fl4j.core.api.ServerOptimizer;
import io.github.fl4j.core.tensor.Precision;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * FedAdam: Adam on the server (Reddi, Charles, Zaheer, Garrett, Rush, Konečný, Kumar, McMahan, "Adaptive Federated
 * Optimization", ICLR 2021, Algorithm 2), element-wise, with Delta^t the aggregated client update:
 * <pre>
 *   m_t     = beta1 m_{t-1} + (1 - beta1) Delta^t
 *   v_t     = beta2 v_{t-1} + (1 - beta2) (Delta^t)^2
 *   x^{t+1} = x^t + eta m_t / (sqrt(v_t) + tau)
 *   m_{-1} = 0,  v_{-1} = tau^2
 * </pre>
 * No bias correction: the paper's Algorithm 2 has none (some libraries add Adam's 1/(1 - beta^t) factors; this class
 * does not). The paper allows any v_{-1} &gt;= tau^2; we take tau^2.
 *
 * <p>Defaults ({@link ServerOptimizers#adam(double)}): beta1 = 0.9, beta2 = 0.99 (the values the paper's experiments
 * fix), tau = 1e-3 (the paper tunes tau over {1e-5, ..., 1} and eta with it; 1e-3 is a typical best value).
 *
 * <p>State (kind {@code "adam"}): m and v, two d-vectors. A step is one allocation-free loop over the buffers.
 *
 * @param learningRate eta &gt; 0
 * @param beta1        the first-moment decay in [0, 1)
 * @param beta2        the second-moment decay in [0, 1)
 * @param tau          the adaptivity tau &gt; 0
 */
public record Adam(double learningRate, double beta1, double beta2, double tau) implements ServerOptimizer {
    /** The state kind. */
    public static final String KIND = "adam";

    /**
     * @throws IllegalArgumentException naming the field when learningRate or tau is not &gt; 0 and finite or a beta
     *                                  is not in [0, 1)
     */
    public Adam {
        Checks.positive("learningRate", learningRate);
        Checks.decay("beta1", beta1);
        Checks.decay("beta2", beta2);
        Checks.positive("tau", tau);
    }

    @Override
    public String name() {
        return "adam(lr=" + learningRate + ", beta1=" + beta1 + ", beta2=" + beta2 + ", tau=" + tau + ")";
    }

    @Override
    public State init(Precision precision, long dimension) {
        return AdaptiveStep.init(KIND, tau, precision, dimension);
    }

    @Override
    public void step(INDArray x, INDArray delta, State state) {
        AdaptiveStep.step(AdaptiveStep.Rule.ADAM, KIND, learningRate, beta1, beta2, tau, x, delta, state);
    }

    @Override
    public String toString() {
        return name();
    }
}
