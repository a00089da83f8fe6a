package io.github.fl4j.core.optim;

import io.github.fl4j.core.api.ServerOptimizer;

/**
 * Factory of {@link ServerOptimizer}s, with the defaults of Reddi, Charles, Zaheer, Garrett, Rush, Konečný, Kumar,
 * McMahan, "Adaptive Federated Optimization", ICLR 2021. Delta^t is the aggregated client update (the pseudo-gradient
 * is -Delta^t); every rule works element-wise:
 * <pre>
 *   sgd(eta):                        x += eta Delta
 *   momentum(eta, beta):             v = beta v - Delta;  x -= eta v                           (v^0 = 0)
 *   adagrad/adam/yogi(eta, ...):     m = beta1 m + (1 - beta1) Delta
 *                                    v = v + Delta^2                                (FedAdagrad)
 *                                    v = beta2 v + (1 - beta2) Delta^2              (FedAdam)
 *                                    v = v - (1 - beta2) Delta^2 sign(v - Delta^2)  (FedYogi)
 *                                    x += eta m / (sqrt(v) + tau)                   (m_{-1} = 0, v_{-1} = tau^2)
 * </pre>
 * Defaults: beta1 = {@value #DEFAULT_BETA1} and beta2 = {@value #DEFAULT_BETA2} for FedAdam and FedYogi (the values
 * the paper's experiments fix), beta1 = 0 for FedAdagrad (no momentum, as in the paper's FedAdagrad analysis and in
 * Flower's FedAdagrad), tau = {@value #DEFAULT_TAU} (the paper tunes tau on a log grid from 1e-5 to 1). The
 * server learning rate has no default for the adaptive methods: it is tuned together with tau.
 */
public final class ServerOptimizers {
    /** The default first-moment decay of FedAdam and FedYogi. */
    public static final double DEFAULT_BETA1 = 0.9;
    /** The default second-moment decay of FedAdam and FedYogi. */
    public static final double DEFAULT_BETA2 = 0.99;
    /** The default adaptivity tau of the adaptive methods. */
    public static final double DEFAULT_TAU = 1e-3;

    private static final Sgd AVERAGING = new Sgd(1.0);

    private ServerOptimizers() {
    }

    /** Server SGD with eta = 1: McMahan et al.'s model averaging. */
    public static Sgd sgd() {
        return AVERAGING;
    }

    /** Server SGD, x += eta Delta. */
    public static Sgd sgd(double learningRate) {
        return learningRate == 1.0 ? AVERAGING : new Sgd(learningRate);
    }

    /** Heavy-ball server momentum (FedAvgM, Flower's convention): v = beta v - Delta, x -= eta v. */
    public static Momentum momentum(double learningRate, double beta) {
        return new Momentum(learningRate, beta);
    }

    /** FedAdagrad with beta1 = 0 and tau = {@value #DEFAULT_TAU}. */
    public static Adagrad adagrad(double learningRate) {
        return new Adagrad(learningRate, 0.0, DEFAULT_TAU);
    }

    /** FedAdagrad with beta1 = 0. */
    public static Adagrad adagrad(double learningRate, double tau) {
        return new Adagrad(learningRate, 0.0, tau);
    }

    /** FedAdagrad with first-moment decay beta1 (the paper's Algorithm 2 in full). */
    public static Adagrad adagrad(double learningRate, double beta1, double tau) {
        return new Adagrad(learningRate, beta1, tau);
    }

    /** FedAdam with beta1 = {@value #DEFAULT_BETA1}, beta2 = {@value #DEFAULT_BETA2}, tau = {@value #DEFAULT_TAU}. */
    public static Adam adam(double learningRate) {
        return new Adam(learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_TAU);
    }

    /** FedAdam. */
    public static Adam adam(double learningRate, double beta1, double beta2, double tau) {
        return new Adam(learningRate, beta1, beta2, tau);
    }

    /** FedYogi with beta1 = {@value #DEFAULT_BETA1}, beta2 = {@value #DEFAULT_BETA2}, tau = {@value #DEFAULT_TAU}. */
    public static Yogi yogi(double learningRate) {
        return new Yogi(learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_TAU);
    }

    /** FedYogi. */
    public static Yogi yogi(double learningRate, double beta1, double beta2, double tau) {
        return new Yogi(learningRate, beta1, beta2, tau);
    }

    /**
     * The optimizer meant by an algorithm builder that offers both {@code serverOptimizer(o)} and the shorthand
     * {@code serverLearningRate(eta)} / {@code serverMomentum(beta)}. A null argument means "not set".
     * <ul>
     *   <li>no optimizer: {@code momentum(eta, beta)} when beta &gt; 0, else {@code sgd(eta)}, with eta = 1 and
     *       beta = 0 when not set;</li>
     *   <li>an optimizer: returned as is; a shorthand that is also set must say the same thing (eta equal to the
     *       optimizer's learning rate; beta equal to a {@link Momentum}'s beta, or 0 for {@link Sgd}), otherwise
     *       the two are inconsistent and this fails naming both.</li>
     * </ul>
     *
     * @throws IllegalArgumentException "serverLearningRate must be &gt; 0 and finite, was ...", "serverMomentum must
     *                                  be in [0, 1), was ...", or a conflict naming both settings
     */
    public static ServerOptimizer resolve(ServerOptimizer optimizer, Double serverLearningRate,
                                          Double serverMomentum) {
        if (serverLearningRate != null) {
            Checks.positive("serverLearningRate", serverLearningRate);
        }
        if (serverMomentum != null) {
            Checks.decay("serverMomentum", serverMomentum);
        }
        if (optimizer == null) {
            double eta = serverLearningRate == null ? 1.0 : serverLearningRate;
            double beta = serverMomentum == null ? 0.0 : serverMomentum;
            return beta > 0 ? momentum(eta, beta) : sgd(eta);
        }
        if (serverLearningRate != null && serverLearningRate != optimizer.learningRate()) {
            throw new IllegalArgumentException("serverLearningRate " + serverLearningRate + " conflicts with "
                    + "serverOptimizer " + optimizer.name() + ": set the learning rate in the optimizer only");
        }
        if (serverMomentum != null) {
            boolean same = optimizer instanceof Momentum m ? m.beta() == serverMomentum
                    : optimizer instanceof Sgd && serverMomentum == 0.0;
            if (!same) {
                throw new IllegalArgumentException("serverMomentum " + serverMomentum + " conflicts with "
                        + "serverOptimizer " + optimizer.name() + ": set the momentum in the optimizer only");
            }
        }
        return optimizer;
    }

    /**
     * How an algorithm's name shows its server optimizer: empty for {@code sgd(1)} (plain averaging),
     * {@code "server lr=ETA"} for other SGD, {@code "[server lr=ETA, ]momentum=BETA"} for momentum (the learning
     * rate only when it is not 1), and {@code "server " + name()} for any other optimizer.
     */
    public static String label(ServerOptimizer optimizer) {
        if (optimizer instanceof Sgd s) {
            return s.learningRate() == 1.0 ? "" : "server lr=" + s.learningRate();
        }
        if (optimizer instanceof Momentum m) {
            return (m.learningRate() == 1.0 ? "" : "server lr=" + m.learningRate() + ", ") + "momentum=" + m.beta();
        }
        return "server " + optimizer.name();
    }
}
