package io.github.fl4j.algorithms.scaffold;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.api.AlgorithmContractTest;
import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.ClientContext;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.comm.Channel;
import io.github.fl4j.core.comm.Direction;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.participation.UniformParticipation;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
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

/** SCAFFOLD option II (the default): the algorithm contract, the round-1 reduction, the c = mean c_n invariant. */
class ScaffoldTest extends AlgorithmContractTest {

    @Override
    protected FederatedAlgorithm<?, ?> algorithm() {
        return Scaffold.builder().localSteps(3, 8).localLearningRate(0.1).build();
    }

    /**
     * Reduction: in round 1, c = c_n = 0, so the correction c - c_n is exactly zero and SCAFFOLD's
     * Delta y and x-update are FedAvg's with uniform weights, bit for bit (same minibatches, same participants).
     */
    @ParameterizedTest
    @EnumSource(Scaffold.Option.class)
    void firstRoundEqualsFedAvgWithUniformWeightsBitForBit(Scaffold.Option option) {
        for (double serverLr : new double[] {1.0, 0.7}) {
            Scaffold s = Scaffold.builder().localSteps(3, 8).localLearningRate(0.1).serverLearningRate(serverLr)
                    .option(option).build();
            FedAvg f = FedAvg.builder().localSteps(3, 8).localLearningRate(0.1).serverLearningRate(serverLr)
                    .weighting(WeightedMean.Weighting.UNIFORM).build();
            long[] a = bits(runDefault(s, 1));
            assertArrayEquals(bits(runDefault(f, 1)), a, "server lr " + serverLr);
            assertFalse(Arrays.equals(bits(runDefault(f, 2)), bits(runDefault(s, 2))),
                    "from round 2 on the control variates should make a difference");
        }
    }

    private INDArray runDefault(FederatedAlgorithm<?, ?> alg, int rounds) {
        return Simulation.builder(alg).config(config(1).toBuilder().rounds(rounds).build()).model(model())
                .data(data()).build().run().finalParameters();
    }

    /**
     * Invariant: c = (1/N) sum_n c_n after every round, with 3 of 10 clients, stochastic minibatches
     * and an epoch-based K_n that differs between clients (sizes 12 here, so B = 5 gives K_n = 2 * 3 = 6). The halves
     * are driven round by round so that every client's c_n can be read.
     */
    @ParameterizedTest
    @EnumSource(Scaffold.Option.class)
    void serverControlIsTheMeanOfTheClientControlsAtEveryRound(Scaffold.Option option) {
        Quadratics q = Quadratics.fiveDimensional();
        Scaffold alg = Scaffold.builder().localEpochs(2, 5).localLearningRate(0.2 / q.lMax).option(option).build();
        Model model = new LeastSquares(q.dimension);
        FederatedDataset data = q.data;
        int n = data.clientCount();
        Precision p = Precision.FLOAT64;
        SeedTree seeds = new SeedTree(5);
        AlgorithmSetup setup = new AlgorithmSetup(q.dimension, data.clientSizes(), p, IdentityCompressor.INSTANCE,
                IdentityCompressor.INSTANCE);
        Scaffold.ServerState s = alg.initServerState(Nd4j.zeros(DataType.DOUBLE, q.dimension), setup);
        Scaffold.ClientState[] cs = new Scaffold.ClientState[n];
        for (int i = 0; i < n; i++) {
            cs[i] = alg.initClientState(i, setup);
        }
        UniformParticipation participation = new UniformParticipation(3);
        for (int t = 1; t <= 30; t++) {
            int[] ids = participation.select(t, n, seeds.stream(Purpose.PARTICIPATION, t, SeedTree.GLOBAL));
            ServerContext sctx = new ServerContext(t, data.clientSizes(), ids, seeds, p);
            Message down = alg.server().broadcast(s, sctx);
            List<Upload> uploads = new ArrayList<>();
            for (int id : ids) {
                Channel up = new Channel(Direction.UPLINK, t, id, IdentityCompressor.INSTANCE, new RandomStream(id));
                ClientContext ctx = new ClientContext(id, t, data.client(id), model, seeds, up, p);
                cs[id] = alg.client().train(down, cs[id], ctx).state();
                uploads.add(new Upload(id, data.client(id).size(), up.message()));
            }
            s = alg.server().apply(s, uploads, sctx);
            double[] mean = new double[q.dimension];
            for (Scaffold.ClientState c : cs) {
                double[] v = Tensors.toDoubleArray(c.control());
                for (int j = 0; j < mean.length; j++) {
                    mean[j] += v[j] / n;
                }
            }
            assertArrayEquals(mean, Tensors.toDoubleArray(s.control()), 1e-12, "round " + t);
            assertFalse(Tensors.norm2(s.control()) == 0, "round " + t);
        }
    }

    @Test
    void badHyperParametersAreNamed() {
        assertEquals("localLearningRate must be > 0 and finite, was NaN", assertThrows(
                IllegalArgumentException.class, () -> Scaffold.builder().localSteps(1, 1).build()).getMessage());
        assertEquals("serverLearningRate must be > 0 and finite, was -1.0", assertThrows(
                IllegalArgumentException.class, () -> Scaffold.builder().localSteps(1, 1).localLearningRate(0.1)
                        .serverLearningRate(-1).build()).getMessage());
        assertEquals("option must not be null", assertThrows(IllegalArgumentException.class,
                () -> Scaffold.builder().localSteps(1, 1).localLearningRate(0.1).option(null).build()).getMessage());
        assertEquals("oneVectorUplink requires option II, was I", assertThrows(IllegalArgumentException.class,
                () -> Scaffold.builder().localSteps(1, 1).localLearningRate(0.1).option(Scaffold.Option.I)
                        .oneVectorUplink(true).build()).getMessage());
        assertEquals("oneVectorUplink requires fixed local steps (localSteps(K, B)) so that every client runs the"
                        + " same K known to the server, was E=2,B=8",
                assertThrows(IllegalArgumentException.class, () -> Scaffold.builder().localEpochs(2, 8)
                        .localLearningRate(0.1).oneVectorUplink(true).build()).getMessage());
        assertEquals("local training must be set: localSteps(K, B) or localEpochs(E, B)", assertThrows(
                IllegalArgumentException.class, () -> Scaffold.builder().localLearningRate(0.1).build())
                .getMessage());
        assertEquals("SCAFFOLD-II(K=3,B=8, lr=0.1)", algorithm().name());
        assertEquals(LocalTraining.steps(3, 8), ((Scaffold) algorithm()).training());
    }
}
