package io.github.fl4j.core.participation;

import io.github.fl4j.core.random.RandomStream;

/** Every client takes part in every round. Draws nothing. */
public final class FullParticipation implements Participation {

    @Override
    public int[] select(int round, int population, RandomStream rng) {
        int[] all = new int[population];
        for (int i = 0; i < population; i++) {
            all[i] = i;
        }
        return all;
    }

    @Override
    public String describe() {
        return "all";
    }
}
