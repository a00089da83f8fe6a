package io.github.fl4j.experiments.ef21;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.algorithms.ef.Ef14;
import io.github.fl4j.algorithms.ef.Ef21;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.io.LibSvmReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * EF21 on mushrooms (the EF21 paper's setup, Richtarik et al., NeurIPS 2021), from {@code ../shared/data/libsvm}
 * (skipped when absent): 20 contiguous clients, non-convex logistic regression (lambda 0.1), Top-1, x^0 ~ N(0, I), the
 * theory step size (multiplier 1), 3000 rounds.
 *
 * <p>Measured here: ||grad f||^2 goes from 1.78 at x^0 to 0.23 after 3000 rounds (a factor 7.8; 0.32 after 1500).
 * The assertion asks for a factor of at least 5, and for the trajectory after the warm-up rounds to be non-increasing
 * within 1e-12 relative at the checkpoints, the practical consequence of the Lyapunov argument of 9.7.
 */
class Ef21MushroomsIT {

    /** mushrooms in the EF21 split, or the test is skipped when ../shared/data is absent. */
    private static FederatedDataset mushrooms() throws Exception {
        return mushrooms(LibSvmReader.Storage.AUTO);
    }

    private static FederatedDataset mushrooms(LibSvmReader.Storage storage) throws Exception {
        Optional<Path> dir = Ef21LibsvmSetup.defaultDataDir();
        Assumptions.assumeTrue(dir.isPresent() && Files.exists(dir.get().resolve("mushrooms.txt.gz")),
                "shared/data/libsvm/mushrooms.txt.gz not found beside the project; skipping");
        return Ef21LibsvmSetup.load(dir.get().resolve("mushrooms.txt.gz"), storage);
    }

    /**
     * The same EF21 run (Top-1, theory step, 2000 rounds, float64) on mushrooms read dense and read sparse (8124 x 112,
     * 18.75% stored): the same iterates bit for bit, since the row kernels sum a dense and a sparse row in the same
     * order (the dense form only adds +-0 terms); also the same theory step (the power iteration uses the same
     * kernels).
     */
    @Test
    void denseAndSparseMushroomsGiveTheSameEf21Iterates() throws Exception {
        FederatedDataset dense = mushrooms(LibSvmReader.Storage.DENSE);
        FederatedDataset sparse = mushrooms(LibSvmReader.Storage.SPARSE);
        assertFalse(dense.client(0).isSparse());
        assertTrue(sparse.client(0).isSparse());
        double step = Ef21LibsvmSetup.theoryStep(dense, 1, 1);
        assertEquals(step, Ef21LibsvmSetup.theoryStep(sparse, 1, 1), 0.0);
        Ef21LibsvmSetup.Trajectory d = Ef21LibsvmSetup.run(Ef21.builder().learningRate(step).build(), dense, 1, 2000,
                1);
        Ef21LibsvmSetup.Trajectory s = Ef21LibsvmSetup.run(Ef21.builder().learningRate(step).build(), sparse, 1, 2000,
                1);
        assertArrayEquals(d.finalModel(), s.finalModel(), 0.0);
        assertArrayEquals(d.gradNormSquared(), s.gradNormSquared(), 0.0);
        assertTrue(d.last() < d.gradNormSquared()[0], "the run makes progress");
    }

    @Test
    void ef21AtTheTheoryStepDecreasesTheGradientNormByAFactorOfFive() throws Exception {
        FederatedDataset data = mushrooms();
        double step = Ef21LibsvmSetup.theoryStep(data, 1, 1);
        Ef21LibsvmSetup.Trajectory t = Ef21LibsvmSetup.run(Ef21.builder().learningRate(step).build(), data, 1, 3000,
                1);
        double start = t.gradNormSquared()[0];
        assertTrue(t.last() * 5 <= start, "||grad f||^2 from " + start + " to " + t.last());
        int[] checkpoints = {500, 1000, 1500, 2000, 2500, 3000};
        for (int i = 1; i < checkpoints.length; i++) {
            double before = t.gradNormSquared()[checkpoints[i - 1]];
            double after = t.gradNormSquared()[checkpoints[i]];
            assertTrue(after <= before * (1 + 1e-12), "round " + checkpoints[i] + ": " + after + " > " + before);
        }
    }

    /**
     * Expected: larger multipliers should still converge for EF21, while EF14 becomes unstable first. Same
     * setup at 128 times the theory step, 3000 rounds. Measured here: EF21 reaches ||grad f||^2 = 1.8e-9 (from 1.78),
     * EF14 stalls at 5.3e-3 after rising from 4.1e-3 at round 750 to 6.2e-3 at round 1500 (at multiplier 256: EF21
     * 1.7e-13, EF14 7.1e-3; at 32 both still converge, 2.4e-4 and 5.2e-4). Asserted: EF21 below 1e-7, EF14 above
     * 1e-3, four orders of magnitude either side of the measured gap.
     */
    @Test
    void atLargeMultipliersEf21StillConvergesWhereEf14Stalls() throws Exception {
        FederatedDataset data = mushrooms();
        double step = Ef21LibsvmSetup.theoryStep(data, 1, 128);
        double ef21 = Ef21LibsvmSetup.run(Ef21.builder().learningRate(step).build(), data, 1, 3000, 1).last();
        double ef14 = Ef21LibsvmSetup.run(Ef14.builder().learningRate(step).build(), data, 1, 3000, 1).last();
        assertTrue(ef21 < 1e-7, "EF21 ||grad f||^2 = " + ef21);
        assertTrue(ef14 > 1e-3, "EF14 ||grad f||^2 = " + ef14);
    }
}
