package io.github.fl4j.algorithms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.algorithms.fedau.FedAu;
import io.github.fl4j.algorithms.fedprox.FedProx;
import io.github.fl4j.algorithms.privacy.DpFedAvg;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.participation.BernoulliParticipation;
import io.github.fl4j.core.participation.CyclicParticipation;
import io.github.fl4j.core.participation.MarkovParticipation;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Combinations that silently changed an algorithm's meaning, and divergence messages that blamed the wrong thing.
 */
class ReliabilityPairsTest {
    private static final int N = 10;

    private static FederatedDataset data() {
        return SyntheticFedProx.builder().clients(N).dimension(10).classes(3).fixedSamples(30).build()
                .generate(new SeedTree(7).stream(Purpose.DATA_GENERATION));
    }

    private static Simulation.Builder<?, ?> sim(FederatedAlgorithm<?, ?> alg, Participation p) {
        return Simulation.builder(alg).model(new SoftmaxRegression(10, 3)).data(data()).participation(p)
                .config(SimulationConfig.builder().rounds(3).seed(1).build());
    }

    private static double[] same(double p) {
        double[] r = new double[N];
        Arrays.fill(r, p);
        return r;
    }

    @Test
    void fedAuRefusesAPatternThatRedrawsEmptyRounds() {
        FedAu fedAu = FedAu.builder().localSteps(2, 8).localLearningRate(0.1).build();
        for (Participation redrawing : new Participation[] {new BernoulliParticipation(same(0.2)),
            new MarkovParticipation(same(0.2), 0.1), CyclicParticipation.withNearestRates(same(0.15), 10)}) {
            assertTrue(redrawing.redrawsEmptyRounds(), redrawing.describe());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> sim(fedAu, redrawing).build());
            assertTrue(e.getMessage().contains("FedAU") && e.getMessage().contains(redrawing.describe())
                    && e.getMessage().contains("allowingEmptyRounds()"), e.getMessage());
        }
        // the same patterns keeping empty rounds run; exact-rate cyclic never skips, so it is accepted as it is
        sim(fedAu, new BernoulliParticipation(same(0.2)).allowingEmptyRounds()).build().run();
        sim(fedAu, new MarkovParticipation(same(0.2), 0.1).allowingEmptyRounds()).build().run();
        assertFalse(new CyclicParticipation(same(0.2), 10).redrawsEmptyRounds());
        // every FedAU aggregation rule (its baselines too) declares it
        for (FedAu.Aggregation a : FedAu.Aggregation.values()) {
            FedAu.Builder b = FedAu.builder().localSteps(2, 8).localLearningRate(0.1).aggregation(a);
            if (a == FedAu.Aggregation.KNOWN_PROBABILITIES) {
                b.probabilities(same(0.2));
            }
            assertTrue(b.build().requiresExactParticipationRates(), a.toString());
        }
    }

    @Test
    void dpFedAvgRefusesAParticipationWhoseRateIsNotItsSamplingRate() {
        // the accountant composes the sampled Gaussian mechanism at q = 0.4; uniform(2) of 10 samples at 0.2
        DpFedAvg dp = DpFedAvg.builder().localSteps(1, 8).localLearningRate(0.1).clipNorm(1).noiseMultiplier(1)
                .samplingRate(0.4).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sim(dp, Participation.uniform(2)).build());
        assertTrue(e.getMessage().contains("samplingRate is 0.4") && e.getMessage().contains("0.2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> sim(dp, new MarkovParticipation(same(0.4), 0.1)
                .allowingEmptyRounds()).build());
        assertTrue(e.getMessage().contains("markov") && e.getMessage().contains("bernoulli"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> sim(dp, new BernoulliParticipation(
                new double[] {0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.5}).allowingEmptyRounds()).build());
        assertTrue(e.getMessage().contains("client 9 the rate 0.5"), e.getMessage());
        // the rates the accountant assumes: Bernoulli at q, or 4 of 10
        sim(dp, new BernoulliParticipation(same(0.4)).allowingEmptyRounds()).build();
        sim(dp, Participation.uniform(4)).build();
    }

    @Test
    void fedProxWithAHugeMuNamesTheStabilityConditionNotOnlyTheLearningRate() {
        // eta_l mu = 0.1 x 1e6 = 1e5 >= 2: each local step multiplies y - x^t by about 1e5, overflowing in a round
        FedProx prox = FedProx.builder().localSteps(20, 30).localLearningRate(0.1).proximalWeight(1e6).build();
        SimulationException e = assertThrows(SimulationException.class,
                () -> sim(prox, Participation.all()).build().run());
        assertTrue(e.getMessage().contains("eta_l mu = 1.000e+05") && e.getMessage().contains("lower mu")
                && e.getMessage().contains("eta_l (L + mu) < 2"), e.getMessage());
        // a small mu keeps the generic advice, with the product stated
        assertEquals("lower the learning rate (FedProx's local step is stable only when eta_l (L + mu) < 2; here "
                + "eta_l mu = 0.001000)", FedProx.builder().localSteps(1, 8).localLearningRate(0.1).proximalWeight(0.01)
                .build().divergenceHint());
    }
}
