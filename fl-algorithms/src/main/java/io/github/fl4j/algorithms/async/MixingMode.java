package io.github.fl4j.algorithms.async;

/**
 * How an asynchronous server applies a client's result with weight w (w = alpha s(tau) for FedAsync, alpha s(tau)/N
 * per client for FedCompass), with x the server model, x_{v_i} the model the client downloaded, Delta_i = y_i -
 * x_{v_i} its upload and y_i = x_{v_i} + Delta_i its local model as the server reconstructs it.
 */
public enum MixingMode {
    /** x = (1 - w) x + w y_i: the convex mixing of Xie, Koyejo, Gupta's FedAsync (the paper's rule). */
    MIX,
    /**
     * x = x + w Delta_i: the client's change relative to the model it started from is added to the current model
     * (FLSim's asynchronous aggregation; APPFL's {@code gradient_based} mode). It differs from {@link #MIX} by
     * w (x_{v_i} - x), the drift of the server model during the client's session.
     */
    DELTA;

    /** The lower-case name used in algorithm names, e.g. {@code mix}. */
    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
