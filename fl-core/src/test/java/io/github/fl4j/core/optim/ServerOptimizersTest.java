package io.github.fl4j.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.ServerOptimizer;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ServerOptimizersTest {

    private static final double[] X0 = {1, -2, 0.5};

    /** Runs the optimizer from x^0 = X0 over the given deltas in float64 and returns (x, m, v) after the last step. */
    private static double[][] run(ServerOptimizer opt, double[]... deltas) {
        INDArray x = Nd4j.createFromArray(X0.clone());
        ServerOptimizer.State s = opt.init(Precision.FLOAT64, 3);
        for (double[] d : deltas) {
            INDArray delta = Nd4j.createFromArray(d.clone());
            opt.step(x, delta, s);
            assertArrayEquals(d, Tensors.toDoubleArray(delta), 0.0, "step must not modify delta");
        }
        return new double[][] {Tensors.toDoubleArray(x), Tensors.toDoubleArray(s.vector(0)),
            Tensors.toDoubleArray(s.vector(1))};
    }

    private static void assertRelative(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-15 * Math.abs(expected[i]), "coordinate " + i);
        }
    }

    /**
     * FedAdagrad, eta = 1/2, beta1 = 0 (the default), tau = 3/4 (v_{-1} = 9/16), x^0 = (1, -2, 1/2).
     * <pre>
     * round 0: Delta = (1, -1, 0);  m = Delta = (1, -1, 0)
     *          v = 9/16 + Delta^2 = (25/16, 25/16, 9/16)
     *          sqrt(v) + tau = (5/4 + 3/4, 5/4 + 3/4, 3/4 + 3/4) = (2, 2, 3/2)
     *          x = x + (1/2) m / (2, 2, 3/2) = (1 + 1/4, -2 - 1/4, 1/2 + 0) = (5/4, -9/4, 1/2)
     * round 1: Delta = (3, 3, 1);  m = (3, 3, 1)
     *          v = (25/16 + 9, 25/16 + 9, 9/16 + 1) = (169/16, 169/16, 25/16)
     *          sqrt(v) + tau = (13/4 + 3/4, 13/4 + 3/4, 5/4 + 3/4) = (4, 4, 2)
     *          x = (5/4 + (1/2)(3/4), -9/4 + (1/2)(3/4), 1/2 + (1/2)(1/2)) = (13/8, -15/8, 3/4)
     * </pre>
     * Every number is a short binary fraction, so the float64 result is exact.
     */
    @Test
    void fedAdagradTwoRoundsByHand() {
        double[][] r = run(ServerOptimizers.adagrad(0.5, 0.75), new double[] {1, -1, 0}, new double[] {3, 3, 1});
        assertRelative(new double[] {13.0 / 8, -15.0 / 8, 0.75}, r[0]);
        assertArrayEquals(new double[] {3, 3, 1}, r[1], 0.0);
        assertArrayEquals(new double[] {169.0 / 16, 169.0 / 16, 25.0 / 16}, r[2], 0.0);
        // with beta1 = 1/2 the first round's m halves: m = (1/2, -1/2, 0), x = (1 + 1/8, -2 - 1/8, 1/2)
        double[][] half = run(ServerOptimizers.adagrad(0.5, 0.5, 0.75), new double[] {1, -1, 0});
        assertRelative(new double[] {1.125, -2.125, 0.5}, half[0]);
    }

    /**
     * FedAdam, eta = 1/2, beta1 = 1/2, beta2 = 7/8, tau = 1/2 (v_{-1} = 1/4), x^0 = (1, -2, 1/2).
     * <pre>
     * round 0: Delta = (5/2, 1/2, -5/2)
     *          m = (1/2) 0 + (1/2) Delta = (5/4, 1/4, -5/4)
     *          v = (7/8)(1/4) + (1/8) Delta^2 = 7/32 + (25/32, 1/32, 25/32) = (1, 1/4, 1);  sqrt(v) = (1, 1/2, 1)
     *          x = x + (1/2) m / (sqrt(v) + 1/2) = (1 + (5/8)/(3/2), -2 + (1/8)/1, 1/2 - (5/8)/(3/2))
     *            = (17/12, -15/8, 1/12)
     * round 1: Delta = (-5, 5/2, 1)
     *          m = (1/2) m + (1/2) Delta = (5/8 - 5/2, 1/8 + 5/4, -5/8 + 1/2) = (-15/8, 11/8, -1/8)
     *          v = (7/8) v + (1/8) Delta^2 = (7/8 + 25/8, 7/32 + 25/32, 7/8 + 1/8) = (4, 1, 1);  sqrt(v) = (2, 1, 1)
     *          x = (17/12 + (-15/16)/(5/2), -15/8 + (11/16)/(3/2), 1/12 + (-1/16)/(3/2))
     *            = (17/12 - 3/8, -15/8 + 11/24, 1/12 - 1/24) = (25/24, -17/12, 1/24)
     * </pre>
     */
    @Test
    void fedAdamTwoRoundsByHand() {
        double[][] r = run(ServerOptimizers.adam(0.5, 0.5, 0.875, 0.5), new double[] {2.5, 0.5, -2.5},
                new double[] {-5, 2.5, 1});
        assertRelative(new double[] {25.0 / 24, -17.0 / 12, 1.0 / 24}, r[0]);
        assertArrayEquals(new double[] {-15.0 / 8, 11.0 / 8, -1.0 / 8}, r[1], 0.0);
        assertArrayEquals(new double[] {4, 1, 1}, r[2], 0.0);
    }

    /**
     * FedYogi, eta = 1/2, beta1 = 1/2, beta2 = 3/4, tau = 1/2 (v_{-1} = 1/4), x^0 = (1, -2, 1/2). The three
     * coordinates take the three branches of sign(v - Delta^2).
     * <pre>
     * round 0: Delta = (15/8, 1/2, -3/4), Delta^2 = (225/64, 1/4, 9/16)
     *          m = Delta / 2 = (15/16, 1/4, -3/8)
     *          sign(1/4 - Delta^2) = (-1, 0, -1):  v = 1/4 + (1/4) Delta^2 (sign -1) or 1/4 (sign 0)
     *            = (1/4 + 225/256, 1/4, 1/4 + 9/64) = (289/256, 1/4, 25/64);  sqrt(v) = (17/16, 1/2, 5/8)
     *          x = x + (1/2) m / (sqrt(v) + 1/2) = (1 + (15/32)/(25/16), -2 + (1/8)/1, 1/2 - (3/16)/(9/8))
     *            = (1 + 3/10, -15/8, 1/2 - 1/6) = (13/10, -15/8, 1/3)
     * round 1: Delta = (-1, 3/4, 3), Delta^2 = (1, 9/16, 9)
     *          m = m/2 + Delta/2 = (15/32 - 1/2, 1/8 + 3/8, -3/16 + 3/2) = (-1/32, 1/2, 21/16)
     *          sign(v - Delta^2) = (+1 (289/256 &gt; 1), -1 (1/4 &lt; 9/16), -1)
     *          v = (289/256 - 64/256, 1/4 + 9/64, 25/64 + 9/4) = (225/256, 25/64, 169/64)
     *          sqrt(v) = (15/16, 5/8, 13/8)
     *          x = (13/10 + (-1/64)/(23/16), -15/8 + (1/4)/(9/8), 1/3 + (21/32)/(17/8))
     *            = (13/10 - 1/92, -15/8 + 2/9, 1/3 + 21/68) = (593/460, -119/72, 131/204)
     * </pre>
     */
    @Test
    void fedYogiTwoRoundsByHand() {
        double[][] r = run(ServerOptimizers.yogi(0.5, 0.5, 0.75, 0.5), new double[] {15.0 / 8, 0.5, -0.75},
                new double[] {-1, 0.75, 3});
        assertRelative(new double[] {593.0 / 460, -119.0 / 72, 131.0 / 204}, r[0]);
        assertArrayEquals(new double[] {-1.0 / 32, 0.5, 21.0 / 16}, r[1], 0.0);
        assertArrayEquals(new double[] {225.0 / 256, 25.0 / 64, 169.0 / 64}, r[2], 0.0);
    }

    /** The factory's defaults (beta1 = 0.9, beta2 = 0.99, tau = 1e-3; FedAdagrad beta1 = 0), names, initial state. */
    @Test
    void defaultsAreThePapers() {
        Adam adam = ServerOptimizers.adam(0.01);
        assertEquals(new Adam(0.01, 0.9, 0.99, 1e-3), adam);
        assertEquals(new Yogi(0.01, 0.9, 0.99, 1e-3), ServerOptimizers.yogi(0.01));
        assertEquals(new Adagrad(0.01, 0.0, 1e-3), ServerOptimizers.adagrad(0.01));
        assertEquals(new Adagrad(0.01, 0.0, 0.1), ServerOptimizers.adagrad(0.01, 0.1));
        assertSame(ServerOptimizers.sgd(), ServerOptimizers.sgd(1.0));
        assertEquals("adam(lr=0.01, beta1=0.9, beta2=0.99, tau=0.001)", adam.name());
        assertEquals("yogi(lr=0.01, beta1=0.9, beta2=0.99, tau=0.001)", ServerOptimizers.yogi(0.01).name());
        assertEquals("adagrad(lr=0.01, beta1=0.0, tau=0.001)", ServerOptimizers.adagrad(0.01).toString());
        assertEquals("momentum(lr=0.1, beta=0.9)", ServerOptimizers.momentum(0.1, 0.9).name());
        assertEquals("sgd(lr=1.0)", ServerOptimizers.sgd().name());
        // First step from m = 0, v = tau^2 with Delta = 1 (one coordinate): Adam v = 0.99 tau^2 + 0.01,
        // m = 0.1, so x = 0.01 * 0.1 / (sqrt(0.99e-6 + 0.01) + 1e-3).
        INDArray x = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 1);
        ServerOptimizer.State s = adam.init(Precision.FLOAT64, 1);
        assertArrayEquals(new double[] {0}, Tensors.toDoubleArray(s.vector(0)), 0.0);
        assertArrayEquals(new double[] {1e-6}, Tensors.toDoubleArray(s.vector(1)), 1e-21);
        adam.step(x, Nd4j.createFromArray(1.0), s);
        assertEquals(0.01 * 0.1 / (Math.sqrt(0.99e-6 + 0.01) + 1e-3), x.getDouble(0), 1e-16); // 1 - 0.9 rounds
    }

    /** SGD and momentum are the exact op sequences FedAvg used before the optimizers existed. */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void sgdAndMomentumAreTheHistoricalOpSequences(Precision p) {
        RandomStream r = new RandomStream(5);
        int d = 37;
        INDArray xs = Tensors.zeros(p, d);
        INDArray xm = Tensors.zeros(p, d);
        r.fillGaussian(xs, 0, 1);
        Tensors.copy(xs, xm);
        INDArray refS = xs.dup();
        INDArray refM = xm.dup();
        INDArray refV = Tensors.zeros(p, d);
        Sgd sgd = ServerOptimizers.sgd(0.7);
        Momentum mom = ServerOptimizers.momentum(0.3, 0.9);
        ServerOptimizer.State ss = sgd.init(p, d);
        ServerOptimizer.State sm = mom.init(p, d);
        INDArray delta = Tensors.zeros(p, d);
        for (int t = 0; t < 5; t++) {
            r.fillGaussian(delta, 0, 1);
            sgd.step(xs, delta, ss);
            Tensors.axpy(0.7, delta, refS);
            mom.step(xm, delta, sm);
            Tensors.scale(0.9, refV);
            Tensors.axpy(-1.0, delta, refV);
            Tensors.axpy(-0.3, refV, refM);
        }
        assertArrayEquals(bits(refS), bits(xs));
        assertArrayEquals(bits(refM), bits(xm));
        assertArrayEquals(bits(refV), bits(sm.vector(0)));
    }

    private static List<ServerOptimizer> all() {
        return List.of(ServerOptimizers.sgd(0.5), ServerOptimizers.momentum(0.5, 0.9), ServerOptimizers.adagrad(0.1),
                ServerOptimizers.adam(0.1), ServerOptimizers.yogi(0.1));
    }

    /**
     * After three steps the state is written, read back and written again with the same bytes; the original and the
     * resumed run then take two more steps and agree bit for bit on x and on the state.
     */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void stateCodecRoundTripsAndTheResumedOptimizerContinuesWithTheSameBits(Precision p) throws IOException {
        int d = 11;
        for (ServerOptimizer opt : all()) {
            RandomStream r = new RandomStream(9);
            INDArray x = Tensors.zeros(p, d);
            INDArray delta = Tensors.zeros(p, d);
            ServerOptimizer.State s = opt.init(p, d);
            for (int t = 0; t < 3; t++) {
                r.fillGaussian(delta, 0, 1);
                opt.step(x, delta, s);
            }
            byte[] once = encode(s);
            ServerOptimizer.State back = decode(once);
            assertArrayEquals(once, encode(back), opt.name());
            assertEquals(s.kind(), back.kind());
            assertEquals(s.size(), back.size());
            if (s.size() > 0) {
                assertNotEquals(0.0, Tensors.norm2(back.vector(0)), opt.name() + ": the state must not be initial");
            }
            INDArray x2 = x.dup();
            for (int t = 0; t < 2; t++) {
                r.fillGaussian(delta, 0, 1);
                opt.step(x, delta, s);
                opt.step(x2, delta, back);
            }
            assertArrayEquals(bits(x), bits(x2), opt.name());
            assertArrayEquals(encode(s), encode(back), opt.name());
        }
    }

    /** float32 runs follow the float64 run to float32 accuracy (the loops compute in double and round on store). */
    @Test
    void float32FollowsFloat64() {
        for (ServerOptimizer opt : all()) {
            int d = 9;
            RandomStream r = new RandomStream(3);
            INDArray x64 = Tensors.zeros(Precision.FLOAT64, d);
            INDArray x32 = Tensors.zeros(Precision.FLOAT32, d);
            INDArray d64 = Tensors.zeros(Precision.FLOAT64, d);
            ServerOptimizer.State s64 = opt.init(Precision.FLOAT64, d);
            ServerOptimizer.State s32 = opt.init(Precision.FLOAT32, d);
            for (int t = 0; t < 4; t++) {
                r.fillUniform(d64, -1, 1);
                INDArray d32 = d64.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
                Tensors.copy(d32.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE), d64);
                opt.step(x64, d64, s64);
                opt.step(x32, d32, s32);
            }
            assertArrayEquals(Tensors.toDoubleArray(x64), Tensors.toDoubleArray(x32), 1e-5, opt.name());
        }
    }

    @Test
    void badArgumentsAreNamed() {
        assertEquals("beta1 must be in [0, 1), was 1.5", assertThrows(IllegalArgumentException.class,
                () -> ServerOptimizers.adam(0.1, 1.5, 0.99, 1e-3)).getMessage());
        assertEquals("beta2 must be in [0, 1), was 1.0", assertThrows(IllegalArgumentException.class,
                () -> ServerOptimizers.yogi(0.1, 0.9, 1.0, 1e-3)).getMessage());
        assertEquals("beta1 must be in [0, 1), was -0.1", assertThrows(IllegalArgumentException.class,
                () -> ServerOptimizers.adagrad(0.1, -0.1, 1e-3)).getMessage());
        assertEquals("tau must be > 0 and finite, was 0.0", assertThrows(IllegalArgumentException.class,
                () -> ServerOptimizers.adagrad(0.1, 0.0)).getMessage());
        assertEquals("learningRate must be > 0 and finite, was NaN", assertThrows(IllegalArgumentException.class,
                () -> ServerOptimizers.adam(Double.NaN)).getMessage());
        assertEquals("learningRate must be > 0 and finite, was -1.0", assertThrows(IllegalArgumentException.class,
                () -> ServerOptimizers.sgd(-1)).getMessage());
        assertEquals("beta must be in [0, 1), was 1.0", assertThrows(IllegalArgumentException.class,
                () -> ServerOptimizers.momentum(0.1, 1)).getMessage());
        // a state of another optimizer, or of another dimension, is refused with both named
        INDArray x = Tensors.zeros(Precision.FLOAT64, 3);
        ServerOptimizer.State yogiState = ServerOptimizers.yogi(0.1).init(Precision.FLOAT64, 3);
        String wrongKind = assertThrows(IllegalArgumentException.class,
                () -> ServerOptimizers.adam(0.1).step(x, x.dup(), yogiState)).getMessage();
        assertTrue(wrongKind.contains("adam") && wrongKind.contains("yogi"), wrongKind);
        ServerOptimizer.State small = ServerOptimizers.adam(0.1).init(Precision.FLOAT64, 2);
        String wrongLength = assertThrows(IllegalArgumentException.class,
                () -> ServerOptimizers.adam(0.1).step(x, x.dup(), small)).getMessage();
        assertTrue(wrongLength.contains("[3]") && wrongLength.contains("[2]"), wrongLength);
        ServerOptimizer.State single = ServerOptimizers.momentum(0.1, 0.5).init(Precision.FLOAT32, 3);
        assertThrows(IllegalArgumentException.class,
                () -> ServerOptimizers.momentum(0.1, 0.5).step(x, x.dup(), single));
    }

    @Test
    void resolveReadsTheShorthandAndRefusesConflicts() {
        assertEquals(ServerOptimizers.sgd(), ServerOptimizers.resolve(null, null, null));
        assertEquals(ServerOptimizers.sgd(0.5), ServerOptimizers.resolve(null, 0.5, null));
        assertEquals(ServerOptimizers.sgd(0.5), ServerOptimizers.resolve(null, 0.5, 0.0));
        assertEquals(ServerOptimizers.momentum(1, 0.9), ServerOptimizers.resolve(null, null, 0.9));
        assertEquals(ServerOptimizers.momentum(0.1, 0.9), ServerOptimizers.resolve(null, 0.1, 0.9));
        Adam adam = ServerOptimizers.adam(0.01);
        assertSame(adam, ServerOptimizers.resolve(adam, null, null));
        assertSame(adam, ServerOptimizers.resolve(adam, 0.01, null));
        Momentum m = ServerOptimizers.momentum(0.1, 0.9);
        assertSame(m, ServerOptimizers.resolve(m, 0.1, 0.9));
        assertEquals("serverLearningRate 0.5 conflicts with serverOptimizer adam(lr=0.01, beta1=0.9, beta2=0.99, "
                + "tau=0.001): set the learning rate in the optimizer only", assertThrows(
                IllegalArgumentException.class, () -> ServerOptimizers.resolve(adam, 0.5, null)).getMessage());
        assertEquals("serverMomentum 0.9 conflicts with serverOptimizer adam(lr=0.01, beta1=0.9, beta2=0.99, "
                + "tau=0.001): set the momentum in the optimizer only", assertThrows(
                IllegalArgumentException.class, () -> ServerOptimizers.resolve(adam, null, 0.9)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ServerOptimizers.resolve(m, null, 0.5));
        assertThrows(IllegalArgumentException.class, () -> ServerOptimizers.resolve(ServerOptimizers.sgd(), null,
                0.5));
        assertEquals("serverLearningRate must be > 0 and finite, was 0.0", assertThrows(
                IllegalArgumentException.class, () -> ServerOptimizers.resolve(null, 0.0, null)).getMessage());
        assertEquals("serverMomentum must be in [0, 1), was 1.0", assertThrows(
                IllegalArgumentException.class, () -> ServerOptimizers.resolve(null, null, 1.0)).getMessage());
    }

    @Test
    void labelsForAlgorithmNames() {
        assertEquals("", ServerOptimizers.label(ServerOptimizers.sgd()));
        assertEquals("server lr=0.5", ServerOptimizers.label(ServerOptimizers.sgd(0.5)));
        assertEquals("momentum=0.9", ServerOptimizers.label(ServerOptimizers.momentum(1, 0.9)));
        assertEquals("server lr=0.1, momentum=0.9", ServerOptimizers.label(ServerOptimizers.momentum(0.1, 0.9)));
        assertEquals("server adam(lr=0.01, beta1=0.9, beta2=0.99, tau=0.001)",
                ServerOptimizers.label(ServerOptimizers.adam(0.01)));
    }

    @Test
    void codecRejectsAnUnknownVersion() {
        IOException e = assertThrows(IOException.class, () -> decode(new byte[] {7}));
        assertEquals("server optimizer state format version must be 1, was 7", e.getMessage());
    }

    private static byte[] encode(ServerOptimizer.State s) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ServerOptimizer.State.CODEC.write(s, new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static ServerOptimizer.State decode(byte[] b) throws IOException {
        return ServerOptimizer.State.CODEC.read(new DataInputStream(new ByteArrayInputStream(b)));
    }

    private static long[] bits(INDArray x) {
        double[] v = Tensors.toDoubleArray(x);
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Double.doubleToRawLongBits(v[i]);
        }
        return out;
    }
}
