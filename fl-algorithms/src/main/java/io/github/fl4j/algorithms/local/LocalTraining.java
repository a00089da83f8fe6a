package io.github.fl4j.algorithms.local;

/**
 * How much local work a client does in a round: either a fixed number K of SGD steps, or E epochs over its data
 * (K_n = E * ceil(m_n / B), McMahan et al. 2017), with minibatch size B.
 *
 * <p>Fixed K gives every client the same number of steps; epochs give clients with more data more steps, which makes
 * FedAvg's fixed point depend on the data sizes (the objective inconsistency analysed by FedNova, Wang et al.
 * NeurIPS 2020). {@link #FULL_BATCH} as batch size means full-gradient steps (B = infinity in McMahan's notation).
 *
 * @param steps     K, the number of local steps per round (0 when epochs are used)
 * @param epochs    E, the number of local epochs per round (0 when fixed steps are used)
 * @param batchSize B, or {@link #FULL_BATCH}
 */
public record LocalTraining(int steps, int epochs, int batchSize) {
    /** Batch size meaning "the client's whole dataset" (full-gradient steps). */
    public static final int FULL_BATCH = Integer.MAX_VALUE;

    public LocalTraining {
        if (steps < 0) {
            throw new IllegalArgumentException("localSteps must be >= 1, was " + steps);
        }
        if (epochs < 0) {
            throw new IllegalArgumentException("localEpochs must be >= 1, was " + epochs);
        }
        if ((steps == 0) == (epochs == 0)) {
            throw new IllegalArgumentException("exactly one of localSteps and localEpochs must be >= 1, were "
                    + steps + " and " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
        }
    }

    /** K local steps of minibatch size B. */
    public static LocalTraining steps(int steps, int batchSize) {
        if (steps < 1) {
            throw new IllegalArgumentException("localSteps must be >= 1, was " + steps);
        }
        return new LocalTraining(steps, 0, batchSize);
    }

    /** K local full-gradient steps. */
    public static LocalTraining fullBatchSteps(int steps) {
        return steps(steps, FULL_BATCH);
    }

    /** E local epochs of minibatch size B. */
    public static LocalTraining epochs(int epochs, int batchSize) {
        if (epochs < 1) {
            throw new IllegalArgumentException("localEpochs must be >= 1, was " + epochs);
        }
        return new LocalTraining(0, epochs, batchSize);
    }

    /** The number of local steps of a client with {@code samples} training samples. */
    public int stepsFor(int samples) {
        if (steps > 0) {
            return steps;
        }
        long batches = batchSize >= samples ? 1 : (samples + (long) batchSize - 1) / batchSize;
        return (int) Math.min(Integer.MAX_VALUE, epochs * batches);
    }

    @Override
    public String toString() {
        String b = batchSize == FULL_BATCH ? "full" : Integer.toString(batchSize);
        return steps > 0 ? "K=" + steps + ",B=" + b : "E=" + epochs + ",B=" + b;
    }
}
