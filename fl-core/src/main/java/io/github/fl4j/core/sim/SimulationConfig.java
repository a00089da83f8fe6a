package io.github.fl4j.core.sim;

import io.github.fl4j.core.tensor.Precision;

/**
 * The validated configuration of a simulation. Every field is checked when the record is built, and a bad value fails
 * with a message that names the field and the value, e.g. {@code "rounds must be >= 1, was 0"}.
 *
 * @param rounds          number of rounds T, at least 1
 * @param clientsPerRound participants per round m (uniformly without replacement); at least 1; equal to the number of
 *                        clients for full participation (checked against the data when the simulation is built)
 * @param threads         worker threads that run clients concurrently, at least 1; results do not depend on it
 * @param seed            root seed of the seed tree
 * @param evalEvery       evaluate the server model on the test set every k rounds (and always after the last
 *                        round); 0 evaluates only after the last round
 * @param precision       float32 or float64 for every vector of the run
 */
public record SimulationConfig(int rounds, int clientsPerRound, int threads, long seed, int evalEvery,
                               Precision precision) {

    /** The builder's clientsPerRound when none is set (10). */
    public static final int DEFAULT_CLIENTS_PER_ROUND = 10;

    public SimulationConfig {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1, was " + rounds);
        }
        if (clientsPerRound < 1) {
            throw new IllegalArgumentException("clientsPerRound must be >= 1, was " + clientsPerRound);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, was " + threads);
        }
        if (threads > 4096) {
            throw new IllegalArgumentException("threads must be <= 4096, was " + threads);
        }
        if (evalEvery < 0) {
            throw new IllegalArgumentException("evalEvery must be >= 0, was " + evalEvery);
        }
        if (precision == null) {
            throw new IllegalArgumentException("precision must not be null, was null");
        }
    }

    /** True when round {@code t} (1-based) is evaluated. */
    public boolean evaluates(int t) {
        return t == rounds || (evalEvery > 0 && t % evalEvery == 0);
    }

    /** A builder with defaults: 100 rounds, 10 clients per round, 1 thread, seed 0, evaluation every round, float32. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder().rounds(rounds).clientsPerRound(clientsPerRound).threads(threads).seed(seed)
                .evalEvery(evalEvery).precision(precision);
    }

    /** Builder of {@link SimulationConfig}; {@link #build()} validates. */
    public static final class Builder {
        private int rounds = 100;
        private int clientsPerRound = DEFAULT_CLIENTS_PER_ROUND;
        private int threads = 1;
        private long seed;
        private int evalEvery = 1;
        private Precision precision = Precision.FLOAT32;

        /** Number of rounds. */
        public Builder rounds(int v) {
            rounds = v;
            return this;
        }

        /** Participants per round. */
        public Builder clientsPerRound(int v) {
            clientsPerRound = v;
            return this;
        }

        /** Worker threads. */
        public Builder threads(int v) {
            threads = v;
            return this;
        }

        /** Root seed. */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** Evaluation period in rounds (0: only at the end). */
        public Builder evalEvery(int v) {
            evalEvery = v;
            return this;
        }

        /** Precision of all vectors. */
        public Builder precision(Precision v) {
            precision = v;
            return this;
        }

        /** Validates and builds. */
        public SimulationConfig build() {
            return new SimulationConfig(rounds, clientsPerRound, threads, seed, evalEvery, precision);
        }
    }
}
