package io.github.fl4j.core.sim;

import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.participation.FullParticipation;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.participation.UniformParticipation;

/**
 * Build-time checks of combinations that would otherwise silently change what a run means, shared by the round
 * engine ({@link Simulation}) and the simulation with time.
 *
 * <ul>
 *   <li>clientsPerRound against an explicit participation pattern: {@code uniform(m)} needs clientsPerRound = m or
 *       the default, {@code all()} needs N or the default; otherwise the configured value would be silently
 *       ignored. Any other pattern decides the number itself and ignores clientsPerRound (documented on
 *       {@code Simulation.Builder.participation}).</li>
 *   <li>an algorithm that needs the exact participation rates
 *       ({@link FederatedAlgorithm#requiresExactParticipationRates()}: FedAU and its baselines) with a pattern that
 *       redraws or skips empty rounds ({@link Participation#redrawsEmptyRounds()}), which raises every rate to
 *       p_n / (1 - P(empty)).</li>
 *   <li>the algorithm's own requirement on the pattern ({@link FederatedAlgorithm#checkParticipation}: DP-FedAvg's
 *       accountant needs every client sampled at its rate q).</li>
 * </ul>
 */
public final class InputChecks {
    private InputChecks() {
    }

    /**
     * @param explicit whether the participation pattern was given (false: it was made from clientsPerRound)
     * @param clients  the number of clients N
     * @throws IllegalArgumentException naming both parts of a conflicting pair
     */
    public static void checkParticipation(SimulationConfig config, Participation participation, boolean explicit,
                                          int clients, FederatedAlgorithm<?, ?> algorithm) {
        int m = config.clientsPerRound();
        if (explicit && m != SimulationConfig.DEFAULT_CLIENTS_PER_ROUND) {
            if (participation instanceof UniformParticipation u) {
                if (u.clientsPerRound() != m) {
                    throw new IllegalArgumentException("clientsPerRound is " + m + " but the participation is "
                            + participation.describe() + ", which takes " + u.clientsPerRound()
                            + " clients per round: set only one of them, or the same number");
                }
            } else if (participation instanceof FullParticipation) {
                if (m != clients) {
                    throw new IllegalArgumentException("clientsPerRound is " + m + " but the participation is "
                            + participation.describe() + ", which takes all " + clients
                            + " clients every round: leave clientsPerRound unset");
                }
            }
        }
        algorithm.checkParticipation(participation, clients);
        if (algorithm.requiresExactParticipationRates() && participation.redrawsEmptyRounds()) {
            throw new IllegalArgumentException(algorithm.name() + " needs the participation rates to be exactly the "
                    + "configured p_n, but " + participation.describe() + " redraws a round in which nobody takes "
                    + "part, which raises every rate to p_n / (1 - P(empty)); call allowingEmptyRounds() on the "
                    + "participation pattern, or empty-rounds=true in a run description (rounds without participants are "
                    + "kept, as in FedAU's experiments)");
        }
    }
}
