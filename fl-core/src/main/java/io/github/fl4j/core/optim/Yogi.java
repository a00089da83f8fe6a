package io.github.fl4j.core.optim;

import io.github.fl4j.core.api.ServerOptimizer;
import io.github.fl4j.core.tensor.Precision;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * FedYogi: Yogi on the server (Reddi, Charles, Zaheer, Garrett, Rush, Konečný, Kumar, McMahan, "Adaptive Federated
 * Optimization", ICLR 2021, Algorithm 2; Yogi: Zaheer, Reddi, Sachan, Kale, Kumar, "Adaptive Methods for Nonconvex
 * Optimization", NeurIPS 2018), element-wise, with Delta^t the aggregated client update:
 * <pre>
 *   m_t     = beta1 m_{t-1} + (1 - beta1) Delta^t
 *   v_t     = v_{t-1} - (1 - beta2) (Delta^t)^2 sign(v_{t-1} - (Delta^t)^2)
 *   x^{t+1} = x^t + eta m_t / (sqrt(v_t) + tau)
 *   m_{-1} = 0,  v_{-1} = tau^2
 * </pre>
 * sign(0) = 0. Unlike Adam's, v shrinks by (1 - beta2) Delta^2 per round, not by a fraction of v itself, so the
 * effective step eta/(sqrt(v) + tau) grows only slowly once large updates stop. v stays positive: it decreases only
 * while v_{t-1} &gt; Delta^2, and then by (1 - beta2) Delta^2 &lt; v_{t-1}. No bias correction (the paper has
 * none); v_{-1} = tau^2, the smallest value the paper allows.
 *
 * <p>Defaults ({@link ServerOptimizers#yogi(double)}): beta1 = 0.9, beta2 = 0.99 (the paper's experiments), tau =
 * 1e-3 (the paper tunes tau over {1e-5, ..., 1} and eta with it).
 *
 * <p>State (kind {@code "yogi"}): m and v, two d-vectors. A step is one allocation-free loop over the buffers.
 *
 * @param learningRate eta &gt; 0
 * @param beta1        the first-moment decay in [0, 1)
 * @param beta2        the second-moment decay in [0, 1)
 * @param tau          the adaptivity tau &gt; 0
 */
public record Yogi(double learningRate, double beta1, double beta2, double tau) implements ServerOptimizer {
    /** The state kind. */
    public static final String KIND = "yogi";

    /**
     * @throws IllegalArgumentException naming the field when learningRate or tau is not &gt; 0 and finite or a beta
     *                                  is not in [0, 1)
     */
    public Yogi {
        Checks.positive("learningRate", learningRate);
        Checks.decay("beta1", beta1);
        Checks.decay("beta2", beta2);
        Checks.positive("tau", tau);
    }

    @Override
    public String name() {
        return "yogi(lr=" + learningRate + ", beta1=" + beta1 + ", beta2=" + beta2 + ", tau=" + tau + ")";
    }

    @Override
    public State init(Precision precision, long dimension) {
        return AdaptiveStep.init(KIND, tau, precision, dimension);
    }

    @Override
    public void step(INDArray x, INDArray delta, State state) {
        AdaptiveStep.step(AdaptiveStep.Rule.YOGI, KIND, learningRate, beta1, beta2, tau, x, delta, state);
    }

    @Override
    public String toString() {
        return name();
    }
}
