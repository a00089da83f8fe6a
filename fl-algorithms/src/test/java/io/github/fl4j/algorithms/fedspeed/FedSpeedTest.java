package io.github.fl4j.algorithms.fedspeed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.core.api.AlgorithmContractTest;
import io.github.fl4j.core.api.Evaluation;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FedSpeedTest extends AlgorithmContractTest {

    @Override
    protected FederatedAlgorithm<?, ?> algorithm() {
        return FedSpeed.builder().localSteps(3, 8).localLearningRate(0.1).rho(0.05).alpha(0.5).lamb(0.1).build();
    }

    private static Dataset ds(double[][] features, double[] labels) {
        return new Dataset(Nd4j.createFromArray(features), Nd4j.createFromArray(labels).reshape(labels.length, 1));
    }

    private static <S, C> SimulationResult<S> run(FederatedAlgorithm<S, C> alg, Model model, FederatedDataset data,
                                                   int rounds) {
        SimulationConfig cfg = SimulationConfig.builder().rounds(rounds).clientsPerRound(data.clientCount())
                .evalEvery(0).threads(1).seed(3).precision(Precision.FLOAT64).build();
        return Simulation.builder(alg).config(cfg).model(model).data(data)
                .initialParameters(Nd4j.zeros(DataType.DOUBLE, model.dimension())).build().run();
    }

    /**
     * One client, d = 1, f(x) = (1/2)(x - 1)^2 (least squares, one row a = 1, y = 1), x^0 = 0, K = 2 full-gradient
     * steps, eta_l = 0.5, rho = 0.5, alpha = 0.5, lambda = 2. The paper's lines 7-14 by hand (grad f(y) = y - 1):
     * <pre>
     * k = 0: g1 = -1, y_breve = 0 + 0.5 (-1)/(1 + 1e-7), g2 = y_breve - 1, g_tilde = (g1 + g2)/2, prox term 0,
     *        y_1 = -0.5 g_tilde
     * k = 1: g1 = y_1 - 1, y_breve = y_1 + 0.5 g1/(|g1| + 1e-7), g2 = y_breve - 1, g_tilde = (g1 + g2)/2,
     *        y_2 = y_1 - 0.5 (g_tilde - 0 + (1/2)(y_1 - 0))
     * g_hat = 0 - (1/2)(y_2 - 0) = -y_2/2;  x_hat = y_2 - 2 g_hat = 2 y_2.
     * </pre>
     * Server with N = 1: participants-only gives x^1 = x_hat = 2 y_2; the all-client rule recovers h = (x_hat - 0 + 0)/2
     * = y_2 = -lambda g_hat and y_K = x_hat - h = y_2, so x^1 = y_2 + h_bar = 2 y_2 as well.
     */
    @ParameterizedTest
    @EnumSource(FedSpeed.ServerRule.class)
    void handComputedRoundOnOneClient(FedSpeed.ServerRule rule) {
        double eps = FedSpeed.ASCENT_EPSILON;
        double g1 = -1;
        double yb = 0.5 * g1 / (1 + eps);
        double y1 = -0.5 * (0.5 * g1 + 0.5 * (yb - 1));
        g1 = y1 - 1;
        yb = y1 + 0.5 * g1 / (Math.abs(g1) + eps);
        double y2 = y1 - 0.5 * (0.5 * g1 + 0.5 * (yb - 1) + 0.5 * y1);
        Dataset c0 = ds(new double[][] {{1}}, new double[] {1});
        FedSpeed alg = FedSpeed.builder().localTraining(LocalTraining.fullBatchSteps(2)).localLearningRate(0.5)
                .rho(0.5).alpha(0.5).lambda(2).serverRule(rule).build();
        SimulationResult<FedSpeed.ServerState> r = run(alg, new LeastSquares(1),
                new FederatedDataset(List.of(c0), c0), 1);
        assertEquals(2 * y2, Tensors.toDoubleArray(r.finalParameters())[0], 1e-15);
        if (rule == FedSpeed.ServerRule.ALL_CLIENT_DUAL_AVERAGING) {
            assertEquals(y2, Tensors.toDoubleArray(FedSpeed.dual(r.runState().serverTables(), 0))[0], 1e-15);
            assertEquals(y2, Tensors.toDoubleArray(r.serverState().dualMean())[0], 1e-15);
        } else {
            assertNull(r.serverState().dualMean());
        }
    }

    /** A model that records the parameters and the batch of every gradient call, delegating to least squares. */
    private static final class RecordingModel implements Model {
        final Model inner;
        final List<double[]> params = new ArrayList<>();
        final List<double[]> batches = new ArrayList<>();

        RecordingModel(Model inner) {
            this.inner = inner;
        }

        @Override
        public long dimension() {
            return inner.dimension();
        }

        @Override
        public void initialParameters(RandomStream rng, INDArray out) {
            inner.initialParameters(rng, out);
        }

        @Override
        public synchronized double lossAndGradient(INDArray p, Dataset batch, INDArray gradientOut) {
            params.add(Tensors.toDoubleArray(p));
            batches.add(Tensors.toDoubleArray(batch.features().reshape(-1)));
            return inner.lossAndGradient(p, batch, gradientOut);
        }

        @Override
        public double loss(INDArray p, Dataset batch) {
            return inner.loss(p, batch);
        }

        @Override
        public Evaluation evaluate(INDArray p, Dataset data) {
            return inner.evaluate(p, data);
        }
    }

    /**
     * Both gradients of a step use the same minibatch. One client with 10 rows, B = 3 (batches of
     * 3, 3, 3, 1 rows per epoch), K = 6, rho = 0.1, alpha = 0.5: 12 gradient calls, in pairs on identical batches
     * (the second at the perturbed point, ||y_breve - y|| = rho ||g|| / (||g|| + 1e-7)), and consecutive steps see
     * different batches.
     */
    @Test
    void bothGradientsOfAStepUseTheSameMinibatch() {
        RandomStream rng = new RandomStream(99);
        double[][] x = new double[10][3];
        double[] y = new double[10];
        for (int i = 0; i < 10; i++) {
            for (int j = 0; j < 3; j++) {
                x[i][j] = rng.nextGaussian();
            }
            y[i] = rng.nextGaussian();
        }
        Dataset c0 = ds(x, y);
        RecordingModel model = new RecordingModel(new LeastSquares(3));
        FedSpeed alg = FedSpeed.builder().localSteps(6, 3).localLearningRate(0.1).rho(0.1).alpha(0.5).lamb(0.1)
                .build();
        run(alg, model, new FederatedDataset(List.of(c0), c0), 1);
        assertEquals(12, model.params.size());
        int distinctConsecutive = 0;
        for (int k = 0; k < 6; k++) {
            assertArrayEquals(model.batches.get(2 * k), model.batches.get(2 * k + 1), "step " + k);
            double[] a = model.params.get(2 * k);
            double[] b = model.params.get(2 * k + 1);
            double dist = 0;
            for (int j = 0; j < 3; j++) {
                dist += (a[j] - b[j]) * (a[j] - b[j]);
            }
            assertEquals(0.1, Math.sqrt(dist), 1e-6, "ascent radius at step " + k);
            if (k > 0 && !Arrays.equals(model.batches.get(2 * k), model.batches.get(2 * k - 2))) {
                distinctConsecutive++;
            }
        }
        assertTrue(distinctConsecutive >= 4, "minibatches should change between steps");
    }

    @Test
    void lambAndLambdaAreReciprocal() {
        FedSpeed a = FedSpeed.builder().localSteps(1, 1).localLearningRate(0.1).lamb(0.1).build();
        assertEquals(10.0, a.lambda(), 1e-12);
        assertEquals(0.1, a.lamb(), 1e-15);
        assertTrue(a.hasProx());
        FedSpeed b = FedSpeed.builder().localSteps(1, 1).localLearningRate(0.1).withoutProx().build();
        assertFalse(b.hasProx());
        assertEquals(Double.POSITIVE_INFINITY, b.lambda());
        assertEquals(FedSpeed.ServerRule.ALL_CLIENT_DUAL_AVERAGING, b.serverRule());
    }

    @Test
    void badHyperParametersAreNamed() {
        assertEquals("localLearningRate must be > 0 and finite, was NaN", assertThrows(
                IllegalArgumentException.class, () -> FedSpeed.builder().localSteps(1, 1).build()).getMessage());
        assertEquals("rho must be >= 0 and finite, was -0.1", assertThrows(IllegalArgumentException.class,
                () -> FedSpeed.builder().localSteps(1, 1).localLearningRate(0.1).rho(-0.1).build()).getMessage());
        assertEquals("alpha must be in [0, 1], was 1.5", assertThrows(IllegalArgumentException.class,
                () -> FedSpeed.builder().localSteps(1, 1).localLearningRate(0.1).alpha(1.5).build()).getMessage());
        assertEquals("lambda must be > 0 and finite, was 0.0 (use withoutProx() to drop the prox term and the "
                + "correction)", assertThrows(IllegalArgumentException.class,
                () -> FedSpeed.builder().localSteps(1, 1).localLearningRate(0.1).lambda(0).build()).getMessage());
        assertEquals("lamb must be > 0 and finite, was -1.0 (use withoutProx() to drop the prox term and the "
                + "correction)", assertThrows(IllegalArgumentException.class,
                () -> FedSpeed.builder().lamb(-1)).getMessage());
        assertEquals("serverRule must not be null", assertThrows(IllegalArgumentException.class,
                () -> FedSpeed.builder().localSteps(1, 1).localLearningRate(0.1).serverRule(null).build())
                .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> FedSpeed.builder().localLearningRate(0.1).build()).getMessage().contains("localSteps"));
    }
}
