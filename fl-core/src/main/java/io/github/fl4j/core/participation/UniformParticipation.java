package io.github.fl4j.core.participation;

import io.github.fl4j.core.random.RandomStream;

/**
 * m of N clients chosen uniformly at random without replacement, independently in every round: McMahan et al.
 * (AISTATS 2017) with m = max(floor(C N), 1). Each client takes part with probability m/N per round.
 *
 * <p>Draws: Floyd's sampling algorithm ({@link RandomStream#sampleWithoutReplacement}), m draws per round. When
 * m = N, no draw is made.
 */
public final class UniformParticipation implements Participation {
    private final int clientsPerRound;

    /**
     * @param clientsPerRound m, at least 1
     * @throws IllegalArgumentException if m &lt; 1
     */
    public UniformParticipation(int clientsPerRound) {
        if (clientsPerRound < 1) {
            throw new IllegalArgumentException("clientsPerRound must be >= 1, was " + clientsPerRound);
        }
        this.clientsPerRound = clientsPerRound;
    }

    @Override
    public int[] select(int round, int population, RandomStream rng) {
        if (clientsPerRound > population) {
            throw new IllegalArgumentException("clientsPerRound must be <= the number of clients " + population
                    + ", was " + clientsPerRound);
        }
        if (clientsPerRound == population) {
            return new FullParticipation().select(round, population, rng);
        }
        return rng.sampleWithoutReplacement(population, clientsPerRound);
    }

    /** m. */
    public int clientsPerRound() {
        return clientsPerRound;
    }

    @Override
    public String describe() {
        return "uniform(" + clientsPerRound + ")";
    }
}
