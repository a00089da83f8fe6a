package io.github.fl4j.core.optim;

import io.github.fl4j.core.api.ServerOptimizer;
import io.github.fl4j.core.tensor.Precision;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * FedAdagrad: Adagrad on the server (Reddi, Charles, Zaheer, Garrett, Rush, Konečný, Kumar, McMahan, "Adaptive
 * Federated Optimization", ICLR 2021, Algorithm 2), element-wise, with Delta^t the aggregated client update:
 * <pre>
 *   m_t     = beta1 m_{t-1} + (1 - beta1) Delta^t
 *   v_t     = v_{t-1} + (Delta^t)^2
 *   x^{t+1} = x^t + eta m_t / (sqrt(v_t) + tau)
 *   m_{-1} = 0,  v_{-1} = tau^2
 * </pre>
 * No bias correction (the paper has none). The paper's Algorithm 2 allows any v_{-1} &gt;= tau^2; we take tau^2.
 *
 * <p>Defaults ({@link ServerOptimizers#adagrad(double)}): beta1 = 0, i.e. m_t = Delta^t and no server momentum, as in
 * the paper's convergence analysis of FedAdagrad and as Flower's {@code FedAdagrad} (which fixes beta_1 = 0)
 * implements it; tau = 1e-3. The paper tunes tau over
 * {1e-5, ..., 1} on a log grid and eta alongside it: there is no universal default for eta.
 *
 * <p>State (kind {@code "adagrad"}): m and v, two d-vectors. A step is one allocation-free loop over the buffers.
 *
 * @param learningRate eta &gt; 0
 * @param beta1        the first-moment decay in [0, 1) (0: no momentum)
 * @param tau          the adaptivity tau &gt; 0 (larger tau: less adaptive, closer to SGD with step eta/tau)
 */
public record Adagrad(double learningRate, double beta1, double tau) implements ServerOptimizer {
    /** The state kind. */
    public static final String KIND = "adagrad";

    /**
     * @throws IllegalArgumentException naming the field when learningRate or tau is not &gt; 0 and finite or beta1
     *                                  is not in [0, 1)
     */
    public Adagrad {
        Checks.positive("learningRate", learningRate);
        Checks.decay("beta1", beta1);
        Checks.positive("tau", tau);
    }

    @Override
    public String name() {
        return "adagrad(lr=" + learningRate + ", beta1=" + beta1 + ", tau=" + tau + ")";
    }

    @Override
    public State init(Precision precision, long dimension) {
        return AdaptiveStep.init(KIND, tau, precision, dimension);
    }

    @Override
    public void step(INDArray x, INDArray delta, State state) {
        AdaptiveStep.step(AdaptiveStep.Rule.ADAGRAD, KIND, learningRate, beta1, 0.0, tau, x, delta, state);
    }

    @Override
    public String toString() {
        return name();
    }
}
