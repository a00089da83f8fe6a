package io.github.fl4j.algorithms.attacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.NoState;
import io.github.fl4j.core.comm.Channel;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Every attack by hand on tiny vectors, through a fake inner algorithm whose clients upload fixed vectors. */
class AttackTest {
    /** Honest uploads u0 = (1, 0), u1 = (2, 0), u2 = (3, 3); clients 3 and 4 honestly (10, 20) and (-5, 7). */
    private static final double[][] ROWS = {{1, 0}, {2, 0}, {3, 3}, {10, 20}, {-5, 7}};

    private static Byzantine<double[][], NoState> wrap(Attack a) {
        return Byzantine.wrap(new FixedUploads(ROWS), a, 4, 3);
    }

    private static double[] sent(Byzantine<double[][], NoState> alg, int client) {
        Channel up = FixedUploads.train(alg, client, FixedUploads.labels(0));
        assertEquals(1, up.message().size());
        assertArrayEquals(new long[] {128}, up.bitsPerVector(), "identity encoding of 2 float64 values");
        return Tensors.toDoubleArray(up.message().vector(0));
    }

    @Test
    void signFlippingSendsMinusU() {
        Byzantine<double[][], NoState> alg = wrap(Attack.signFlipping());
        assertArrayEquals(new double[] {-10, -20}, sent(alg, 3), 0.0);
        assertArrayEquals(new double[] {5, -7}, sent(alg, 4), 0.0);
        assertArrayEquals(new double[] {2, 0}, sent(alg, 1), 0.0);
        assertEquals(alg.server().getClass(), new FixedUploads(ROWS).server().getClass(),
                "client-side attacks leave the server alone");
    }

    @Test
    void scaledSendsLambdaU() {
        Byzantine<double[][], NoState> alg = wrap(Attack.scaled(-10));
        assertArrayEquals(new double[] {-100, -200}, sent(alg, 3), 0.0);
        assertArrayEquals(new double[] {3, 3}, sent(alg, 2), 0.0);
    }

    /** The noise is the client's ATTACK stream of the round: N(0, 4) values, nothing of the honest (10, 20). */
    @Test
    void gaussianNoiseComesFromTheClientsAttackStream() {
        Byzantine<double[][], NoState> alg = wrap(Attack.gaussianNoise(2));
        INDArray expected = Nd4j.zeros(DataType.DOUBLE, 2);
        new SeedTree(FixedUploads.ROOT).stream(Purpose.ATTACK, 3, 3).fillGaussian(expected, 0, 2);
        assertArrayEquals(Tensors.toDoubleArray(expected), sent(alg, 3), 0.0);
        assertArrayEquals(sent(alg, 3), sent(alg, 3), 0.0);
        assertTrue(sent(alg, 3)[0] != sent(alg, 4)[0]);
    }

    /**
     * Labels (0, 1, 2, 2) with C = 3 become (2, 1, 0, 0): the fake client uploads (sum of labels, count), so an
     * honest client sends (5, 4) and a Byzantine one (3, 4); the dataset itself is untouched.
     */
    @Test
    void labelFlippingTrainsOnCMinusOneMinusY() {
        Byzantine<double[][], NoState> alg = Byzantine.wrap(new FixedUploads(null), Attack.labelFlipping(3), 1);
        var data = FixedUploads.labels(0, 1, 2, 2);
        assertArrayEquals(new double[] {3, 4}, Tensors.toDoubleArray(FixedUploads.train(alg, 1, data).message()
                .vector(0)), 0.0);
        assertArrayEquals(new double[] {3, 4}, Tensors.toDoubleArray(FixedUploads.train(alg, 1, data).message()
                .vector(0)), 0.0, "the cached flipped copy");
        assertArrayEquals(new double[] {5, 4}, Tensors.toDoubleArray(FixedUploads.train(alg, 0, data).message()
                .vector(0)), 0.0);
        assertArrayEquals(new double[] {0, 1, 2, 2}, Tensors.toDoubleArray(data.labels()), 0.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FixedUploads.train(alg, 1, FixedUploads.labels(0, 3)));
        assertTrue(e.getMessage().contains("client 1") && e.getMessage().contains("label 3.0"), e.getMessage());
    }

    /**
     * n = 5 uploads, f = 2 Byzantine (clients 3, 4): s = floor(5/2 + 1) - 2 = 1, z = Phi^{-1}(4/5) = 0.8416212336
     * (standard normal table). Honest mean mu = (2, 1); sample standard deviations (divisor h - 1 = 2):
     * sigma_1 = sqrt((1 + 0 + 1)/2) = 1, sigma_2 = sqrt((1 + 1 + 4)/2) = sqrt(3). The inner server receives the honest
     * uploads unchanged and mu - z sigma = (2 - 0.8416212336, 1 - 0.8416212336 sqrt(3)) from clients 3 and 4.
     */
    @Test
    void littleIsEnoughReplacesByzantineUploadsByMuMinusZSigma() {
        double z = 0.8416212336;
        double[] forged = {2 - z, 1 - z * Math.sqrt(3)};
        double[][] got = FixedUploads.serverReceives(wrap(Attack.littleIsEnough()), 5);
        assertArrayEquals(ROWS[0], got[0], 0.0);
        assertArrayEquals(ROWS[1], got[1], 0.0);
        assertArrayEquals(ROWS[2], got[2], 0.0);
        assertArrayEquals(forged, got[3], 1e-9);
        assertArrayEquals(forged, got[4], 1e-9);
        // The Byzantine clients themselves sent their honest vectors (those are what the ledger counts).
        assertArrayEquals(ROWS[3], sent(wrap(Attack.littleIsEnough()), 3), 0.0);
        // A fixed z = 1.5: (2 - 1.5, 1 - 1.5 sqrt(3)).
        assertArrayEquals(new double[] {0.5, 1 - 1.5 * Math.sqrt(3)},
                FixedUploads.serverReceives(wrap(Attack.littleIsEnough(1.5)), 5)[4], 1e-15);
    }

    /** IPM with epsilon = 0.5: -0.5 mu = (-1, -0.5) from clients 3 and 4. */
    @Test
    void innerProductManipulationSendsMinusEpsilonMu() {
        double[][] got = FixedUploads.serverReceives(wrap(Attack.innerProductManipulation(0.5)), 5);
        assertArrayEquals(ROWS[2], got[2], 0.0);
        assertArrayEquals(new double[] {-1, -0.5}, got[3], 0.0);
        assertArrayEquals(new double[] {-1, -0.5}, got[4], 0.0);
    }

    /** A round of Byzantine uploads only goes to the inner server unchanged (no honest statistics to forge from). */
    @Test
    void serverSideAttackWithoutHonestUploadsChangesNothing() {
        double[][] got = FixedUploads.serverReceives(Byzantine.wrap(new FixedUploads(ROWS),
                Attack.innerProductManipulation(1), 0, 1), 2);
        assertArrayEquals(ROWS[0], got[0], 0.0);
        assertArrayEquals(ROWS[1], got[1], 0.0);
    }

    /**
     * z = Phi^{-1}((n - s)/n), s = floor(n/2 + 1) - f, against standard normal quantiles:
     * n = 10, f = 2: s = 4, Phi^{-1}(0.6) = 0.2533471031; n = 50, f = 24: s = 2, Phi^{-1}(0.96) = 1.7506860713;
     * n = 5, f = 2: s = 1, Phi^{-1}(0.8) = 0.8416212336; n = 10, f = 6 (a majority): s clamped to 1, Phi^{-1}(0.9) =
     * 1.2815515655.
     */
    @Test
    void alieZFromNAndF() {
        assertEquals(0.2533471031, Attack.alieZ(10, 2), 1e-9);
        assertEquals(1.7506860713, Attack.alieZ(50, 24), 1e-9);
        assertEquals(0.8416212336, Attack.alieZ(5, 2), 1e-9);
        assertEquals(1.2815515655, Attack.alieZ(10, 6), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> Attack.alieZ(10, 0));
    }

    @Test
    void fractionIsChosenOnceFromTheSeedTree() {
        Byzantine<double[][], NoState> a = Byzantine.wrapFraction(new FixedUploads(ROWS), Attack.signFlipping(), 0.2,
                10, 5);
        int[] expected = new SeedTree(5).stream(Purpose.ATTACK).sampleWithoutReplacement(10, 2);
        assertArrayEquals(expected, a.byzantineIds());
        assertEquals("Byzantine(FixedUploads, sign-flipping, 2 of 10 clients (seed 5) "
                + java.util.Arrays.toString(expected) + ")", a.name());
        assertEquals("Byzantine(FixedUploads, scaled(lambda=-10.0), 2 clients [3, 4])",
                wrap(Attack.scaled(-10)).name());
        assertEquals(0, Byzantine.wrapFraction(new FixedUploads(ROWS), Attack.signFlipping(), 0.0, 10, 5)
                .byzantineIds().length);
    }

    @Test
    void badParametersAreRefusedNamingThem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Byzantine.wrapFraction(new FixedUploads(ROWS),
                Attack.signFlipping(), 1.5, 10, 1)).getMessage().contains("fraction must be in [0, 1], was 1.5"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Byzantine.wrap(new FixedUploads(ROWS),
                Attack.signFlipping(), 2, 2)).getMessage().contains("distinct"));
        AlgorithmSetup setup = new AlgorithmSetup(2, new int[] {1, 1, 1}, Precision.FLOAT64,
                IdentityCompressor.INSTANCE, IdentityCompressor.INSTANCE);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> wrap(Attack.signFlipping())
                .initServerState(Nd4j.zeros(2), setup)).getMessage().contains("N = 3"));
        assertThrows(IllegalArgumentException.class, () -> Attack.labelFlipping(1));
        assertThrows(IllegalArgumentException.class, () -> Attack.scaled(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Attack.gaussianNoise(-1));
        assertThrows(IllegalArgumentException.class, () -> Attack.innerProductManipulation(0));
    }
}
