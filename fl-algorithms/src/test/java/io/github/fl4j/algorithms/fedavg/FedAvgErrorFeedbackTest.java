package io.github.fl4j.algorithms.fedavg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.compression.Compressors;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.api.AlgorithmContractTest;
import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.ClientContext;
import io.github.fl4j.core.api.ClientResult;
import io.github.fl4j.core.api.CompressionClass;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.DeclaredCompressor;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.api.NoState;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.comm.Channel;
import io.github.fl4j.core.comm.Direction;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** FedAvg with error feedback on the uplink: the contract, identity = FedAvg, a hand-checked Top-1 run, the memory. */
class FedAvgErrorFeedbackTest extends AlgorithmContractTest {

    @Override
    protected FederatedAlgorithm<?, ?> algorithm() {
        return FedAvgErrorFeedback.builder().localSteps(3, 8).localLearningRate(0.1).build();
    }

    /** A contractive uplink (Top-30%), so that the error-feedback state is not trivially zero. */
    @Override
    protected io.github.fl4j.core.api.Compressor uplinkCompressor() {
        return io.github.fl4j.compression.Compressors.topK(0.3);
    }

    /**
     * Top-1 for d = 3 in these tests: keeps the entry of largest magnitude (ties towards the lower index), zeroes the
     * rest; contractive with alpha = 1/d; 1 value plus one index of ceil(log2 d) bits. Draws nothing.
     */
    private static final class Top1 implements Compressor {
        @Override
        public String name() {
            return "test-top1";
        }

        @Override
        public CompressionClass compressionClass(long dimension) {
            return CompressionClass.contractive(1.0 / dimension);
        }

        @Override
        public long compress(INDArray x, INDArray out, RandomStream rng) {
            int d = (int) x.length();
            int best = 0;
            for (int j = 1; j < d; j++) {
                if (Math.abs(x.getDouble(j)) > Math.abs(x.getDouble(best))) {
                    best = j;
                }
            }
            for (int j = 0; j < d; j++) {
                out.putScalar(j, j == best ? x.getDouble(j) : 0.0);
            }
            return Precision.of(x.dataType()).bits() + (64 - Long.numberOfLeadingZeros(Math.max(1, d - 1)));
        }
    }

    private static Dataset ds(double[][] features, double[] labels) {
        return new Dataset(Nd4j.createFromArray(features), Nd4j.createFromArray(labels).reshape(labels.length, 1));
    }

    /** FedAvgTest's two least-squares clients on d = 3 (see its javadoc for the closed-form deltas). */
    private static FederatedDataset twoClients() {
        Dataset c0 = ds(new double[][] {{1, 0, 0}, {0, 1, 0}}, new double[] {1, 2});
        Dataset c1 = ds(new double[][] {{0, 0, 1}}, new double[] {3});
        return new FederatedDataset(List.of(c0, c1), c0);
    }

    private static double[] runTwoClients(FederatedAlgorithm<?, ?> alg, Compressor uplink, int rounds) {
        SimulationConfig cfg = SimulationConfig.builder().rounds(rounds).clientsPerRound(2).seed(1)
                .precision(Precision.FLOAT64).build();
        SimulationResult<?> r = Simulation.builder(alg).config(cfg).model(new LeastSquares(3)).data(twoClients())
                .uplinkCompressor(uplink).initialParameters(Nd4j.zeros(DataType.DOUBLE, 3)).build().run();
        return Tensors.toDoubleArray(r.finalParameters());
    }

    /**
     * K = 2 full-gradient steps, eta_l = 0.5, x^0 = 0, sample weights (2/3, 1/3), Top-1 uplink.
     * <pre>
     * round 1: Delta_0 = (7/16, 7/8, 0), u_0 = Delta_0, v_0 = (0, 7/8, 0), e_0 = (7/16, 0, 0);
     *          Delta_1 = (0, 0, 9/4) = v_1, e_1 = 0.          x^1 = (2/3) v_0 + (1/3) v_1 = (0, 7/12, 3/4).
     * round 2: Delta_0 = (7/16)(b - x^1) on coordinates 1, 2 (b = (1, 2)) = (7/16, 119/192, 0);
     *          u_0 = Delta_0 + e_0 = (7/8, 119/192, 0), v_0 = (7/8, 0, 0), e_0 = (0, 119/192, 0);
     *          Delta_1 = (3/4)(3 - 3/4) = 27/16 on coordinate 3 = v_1.
     *          x^2 = x^1 + (2/3)(7/8, 0, 0) + (1/3)(0, 0, 27/16) = (7/12, 7/12, 21/16).
     * Without feedback round 2 sends (0, 119/192, 0) instead, so x^2 = (0, 7/12 + 119/288, 21/16)
     * = (0, 287/288, 21/16): coordinate 1 never moves.
     * </pre>
     */
    @Test
    void handCheckedTopOneRoundsOnThreeCoordinates() {
        FedAvgErrorFeedback ef = FedAvgErrorFeedback.builder().localTraining(LocalTraining.fullBatchSteps(2))
                .localLearningRate(0.5).build();
        FedAvg plain = FedAvg.builder().localTraining(LocalTraining.fullBatchSteps(2)).localLearningRate(0.5).build();
        assertArrayEquals(new double[] {0, 7.0 / 12, 0.75}, runTwoClients(ef, new Top1(), 1), 1e-15);
        assertArrayEquals(new double[] {7.0 / 12, 7.0 / 12, 21.0 / 16}, runTwoClients(ef, new Top1(), 2), 1e-15);
        assertArrayEquals(new double[] {0, 287.0 / 288, 21.0 / 16}, runTwoClients(plain, new Top1(), 2), 1e-15);
        // eta_g = 0.5 and uniform weights (1/2, 1/2) in round 1: x^1 = 0.5 * (0, 7/16, 9/8).
        assertArrayEquals(new double[] {0, 7.0 / 32, 9.0 / 16}, runTwoClients(FedAvgErrorFeedback.builder()
                .localTraining(LocalTraining.fullBatchSteps(2)).localLearningRate(0.5).serverLearningRate(0.5)
                .weighting(WeightedMean.Weighting.UNIFORM).build(), new Top1(), 1), 1e-15);
    }

    /** The client's memory in the hand-checked run: (7/16, 0, 0) after round 1, (0, 119/192, 0) after round 2. */
    @Test
    void handCheckedErrorMemoryOfClientZero() {
        FedAvgErrorFeedback alg = FedAvgErrorFeedback.builder().localTraining(LocalTraining.fullBatchSteps(2))
                .localLearningRate(0.5).build();
        FederatedDataset data = twoClients().as(Precision.FLOAT64);
        Model model = new LeastSquares(3);
        AlgorithmSetup setup = new AlgorithmSetup(3, data.clientSizes(), Precision.FLOAT64, new Top1(), new Top1());
        FedAvgErrorFeedback.ClientState state = alg.initClientState(0, setup);
        SeedTree seeds = new SeedTree(1);
        INDArray x = Nd4j.zeros(DataType.DOUBLE, 3);
        Channel up = new Channel(Direction.UPLINK, 1, 0, new Top1(), new RandomStream(5));
        state = alg.client().train(Message.of(x), state,
                new ClientContext(0, 1, data.client(0), model, seeds, up, Precision.FLOAT64)).state();
        assertArrayEquals(new double[] {0, 0.875, 0}, Tensors.toDoubleArray(up.message().vector(0)), 1e-15);
        assertArrayEquals(new double[] {0.4375, 0, 0}, Tensors.toDoubleArray(state.error()), 1e-15);
        INDArray x1 = Nd4j.createFromArray(0.0, 7.0 / 12, 0.75);
        Channel up2 = new Channel(Direction.UPLINK, 2, 0, new Top1(), new RandomStream(6));
        state = alg.client().train(Message.of(x1), state,
                new ClientContext(0, 2, data.client(0), model, seeds, up2, Precision.FLOAT64)).state();
        assertArrayEquals(new double[] {0.875, 0, 0}, Tensors.toDoubleArray(up2.message().vector(0)), 1e-15);
        assertArrayEquals(new double[] {0, 119.0 / 192, 0}, Tensors.toDoubleArray(state.error()), 1e-15);
    }

    /**
     * With the identity uplink e stays exactly 0 (Delta + 0 - Delta = 0), so every bit equals FedAvg's: reports,
     * ledger and final model, here under partial participation and minibatches.
     */
    @Test
    void identityUplinkIsFedAvgBitForBit() {
        FederatedDataset data = SyntheticFedProx.builder().clients(20).build()
                .generate(new SeedTree(5).stream(Purpose.DATA_GENERATION));
        SimulationConfig cfg = SimulationConfig.builder().rounds(8).clientsPerRound(5).threads(2).seed(5).evalEvery(2)
                .build();
        for (WeightedMean.Weighting w : WeightedMean.Weighting.values()) {
            SimulationResult<?> a = Simulation.builder(FedAvg.builder().localSteps(4, 10).localLearningRate(0.05)
                    .serverLearningRate(0.7).weighting(w).build()).config(cfg).model(new SoftmaxRegression(60, 10))
                    .data(data).build().run();
            SimulationResult<?> b = Simulation.builder(FedAvgErrorFeedback.builder().localSteps(4, 10)
                    .localLearningRate(0.05).serverLearningRate(0.7).weighting(w).build()).config(cfg)
                    .model(new SoftmaxRegression(60, 10)).data(data).uplinkCompressor(Compressors.identity()).build()
                    .run();
            assertArrayEquals(bits(a.finalParameters()), bits(b.finalParameters()), w.name());
            for (int i = 0; i < a.reports().size(); i++) {
                assertEquals(a.reports().get(i).withoutTimings(), b.reports().get(i).withoutTimings(), w.name());
            }
            assertEquals(a.ledger().entries(), b.ledger().entries());
        }
    }

    /**
     * After one round from e = 0, the upload is C(Delta) and the memory is Delta - C(Delta), where Delta is FedAvg's
     * upload for the same client, round and seed (same minibatches); here with the library's Top-K at 10%.
     */
    @Test
    void errorMemoryAfterARoundIsDeltaMinusCompressedDelta() {
        FederatedDataset data = SyntheticFedProx.builder().clients(4).dimension(10).classes(3).fixedSamples(40)
                .build().generate(new SeedTree(9).stream(Purpose.DATA_GENERATION)).as(Precision.FLOAT32);
        Model model = new SoftmaxRegression(10, 3);
        long d = model.dimension();
        Compressor topK = Compressors.topK(0.1);
        AlgorithmSetup setup = new AlgorithmSetup(d, data.clientSizes(), Precision.FLOAT32, topK,
                IdentityCompressor.INSTANCE);
        INDArray x = Tensors.zeros(Precision.FLOAT32, d);
        model.initialParameters(new RandomStream(3), x);
        SeedTree seeds = new SeedTree(17);
        FedAvg plain = FedAvg.builder().localSteps(5, 8).localLearningRate(0.2).build();
        FedAvgErrorFeedback ef = FedAvgErrorFeedback.builder().localSteps(5, 8).localLearningRate(0.2).build();
        for (int client = 0; client < 4; client++) {
            Channel identity = new Channel(Direction.UPLINK, 3, client, IdentityCompressor.INSTANCE,
                    new RandomStream(1));
            ClientResult<NoState> r = plain.client().train(Message.of(x), NoState.INSTANCE,
                    new ClientContext(client, 3, data.client(client), model, seeds, identity, Precision.FLOAT32));
            INDArray delta = identity.message().vector(0);
            INDArray expectedSent = Tensors.zeros(Precision.FLOAT32, d);
            topK.compress(delta, expectedSent, new RandomStream(1));
            Channel compressed = new Channel(Direction.UPLINK, 3, client, topK, new RandomStream(1));
            ClientResult<FedAvgErrorFeedback.ClientState> e = ef.client().train(Message.of(x),
                    ef.initClientState(client, setup),
                    new ClientContext(client, 3, data.client(client), model, seeds, compressed, Precision.FLOAT32));
            assertEquals(r.trainLoss(), e.trainLoss());
            assertArrayEquals(Tensors.toDoubleArray(expectedSent),
                    Tensors.toDoubleArray(compressed.message().vector(0)), 0.0);
            double[] want = Tensors.toDoubleArray(delta.sub(expectedSent));
            assertArrayEquals(want, Tensors.toDoubleArray(e.state().error()), 0.0);
            int nonZero = 0;
            for (double v : want) {
                nonZero += v != 0 ? 1 : 0;
            }
            assertTrue(nonZero > 0, "Top-10% must drop something");
        }
    }

    /** The server ignores a round without uploads. */
    @Test
    void emptyRoundLeavesTheModelUnchanged() {
        FedAvgErrorFeedback alg = (FedAvgErrorFeedback) algorithm();
        AlgorithmSetup setup = new AlgorithmSetup(3, new int[] {1, 1}, Precision.FLOAT64, new Top1(), new Top1());
        FedAvg.ServerState s = alg.initServerState(Nd4j.createFromArray(1.0, 2.0, 3.0), setup);
        ServerContext ctx = new ServerContext(1, new int[] {1, 1}, new int[0], new SeedTree(1), Precision.FLOAT64);
        alg.server().apply(s, List.of(), ctx);
        assertArrayEquals(new double[] {1, 2, 3}, Tensors.toDoubleArray(s.model()), 0.0);
    }

    @Test
    void nonContractiveUplinkIsRejectedNamingBoth() {
        FedAvgErrorFeedback alg = (FedAvgErrorFeedback) algorithm();
        IllegalArgumentException unbiased = assertThrows(IllegalArgumentException.class,
                () -> alg.checkCompressors(Compressors.randK(0.1), IdentityCompressor.INSTANCE));
        assertTrue(unbiased.getMessage().startsWith("FedAvg-EF(") && unbiased.getMessage().contains(
                Compressors.randK(0.1).name()) && unbiased.getMessage().contains("unbiased"), unbiased.getMessage());
        IllegalArgumentException sign = assertThrows(IllegalArgumentException.class,
                () -> alg.checkCompressors(Compressors.sign(), IdentityCompressor.INSTANCE));
        assertTrue(sign.getMessage().contains("FedAvg-EF(") && sign.getMessage().contains(Compressors.sign().name())
                && sign.getMessage().contains("BIASED"), sign.getMessage());
        IllegalArgumentException biased = assertThrows(IllegalArgumentException.class,
                () -> alg.checkCompressors(new DeclaredCompressor("no-guarantee", CompressionClass.biased()), null));
        assertTrue(biased.getMessage().contains("no-guarantee"), biased.getMessage());
        // accepted: lossless, contractive, and an unbiased operator scaled for EF.
        alg.checkCompressors(IdentityCompressor.INSTANCE, IdentityCompressor.INSTANCE);
        alg.checkCompressors(Compressors.topK(0.01), IdentityCompressor.INSTANCE);
        alg.checkCompressors(new DeclaredCompressor("lossless", CompressionClass.lossless()), IdentityCompressor.INSTANCE);
        alg.checkCompressors(Compressors.scaledForEf(Compressors.randK(0.1)), IdentityCompressor.INSTANCE);
        // and through the simulation builder
        IllegalArgumentException viaBuilder = assertThrows(IllegalArgumentException.class,
                () -> Simulation.builder(alg).config(SimulationConfig.builder().rounds(1).clientsPerRound(2).build())
                        .model(new LeastSquares(3)).data(twoClients()).uplinkCompressor(Compressors.qsgd(4)).build());
        assertTrue(viaBuilder.getMessage().contains(Compressors.qsgd(4).name()), viaBuilder.getMessage());
    }

    @Test
    void badHyperParametersAreNamed() {
        assertEquals("localLearningRate must be > 0 and finite, was -0.1", assertThrows(
                IllegalArgumentException.class,
                () -> FedAvgErrorFeedback.builder().localSteps(1, 1).localLearningRate(-0.1).build()).getMessage());
        assertEquals("localLearningRate must be > 0 and finite, was NaN", assertThrows(IllegalArgumentException.class,
                () -> FedAvgErrorFeedback.builder().localSteps(1, 1).build()).getMessage());
        assertEquals("serverLearningRate must be > 0 and finite, was Infinity", assertThrows(
                IllegalArgumentException.class, () -> FedAvgErrorFeedback.builder().localSteps(1, 1)
                        .localLearningRate(0.1).serverLearningRate(Double.POSITIVE_INFINITY).build()).getMessage());
        assertEquals("weighting must not be null", assertThrows(IllegalArgumentException.class,
                () -> FedAvgErrorFeedback.builder().localSteps(1, 1).localLearningRate(0.1).weighting(null).build())
                .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> FedAvgErrorFeedback.builder().localLearningRate(0.1).build()).getMessage()
                .contains("localSteps"));
    }
}
