package io.github.fl4j.core.optim;

import io.github.fl4j.core.api.ServerOptimizer;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Server SGD on the pseudo-gradient -Delta^t:
 * <pre>
 *   x^{t+1} = x^t + eta Delta^t
 * </pre>
 * With eta = 1 and Delta^t = sum_n w_n (y_n - x^t), sum_n w_n = 1, this is the model averaging of McMahan, Moore,
 * Ramage, Hampson, Agüera y Arcas, "Communication-Efficient Learning of Deep Networks from Decentralized Data",
 * AISTATS 2017. One BLAS axpy; no state (kind {@code "sgd"}, no vectors).
 *
 * @param learningRate eta &gt; 0
 */
public record Sgd(double learningRate) implements ServerOptimizer {
    /** The state kind. */
    public static final String KIND = "sgd";

    /**
     * @throws IllegalArgumentException when learningRate is not &gt; 0 and finite
     */
    public Sgd {
        Checks.positive("learningRate", learningRate);
    }

    @Override
    public String name() {
        return "sgd(lr=" + learningRate + ")";
    }

    @Override
    public State init(Precision precision, long dimension) {
        return new State(KIND);
    }

    @Override
    public void step(INDArray x, INDArray delta, State state) {
        state.check(KIND, 0, x);
        Tensors.axpy(learningRate, delta, x);
    }

    @Override
    public String toString() {
        return name();
    }
}
