package io.github.fl4j.core.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.ClientResult;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.NoState;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The engine's round loop, tested with FedSGD (one full-gradient upload per client) written against the contracts. */
class SimulationTest {

    /** FedSGD: clients upload grad f_n(x); the server steps x <- x - lr * sum_n w_n g_n (uniform weights). */
    static class FedSgd implements FederatedAlgorithm<INDArray, NoState> {
        final double lr;

        FedSgd(double lr) {
            this.lr = lr;
        }

        @Override
        public String name() {
            return "FedSGD";
        }

        @Override
        public INDArray initServerState(INDArray initialParameters, AlgorithmSetup setup) {
            return initialParameters.dup();
        }

        @Override
        public NoState initClientState(int clientId, AlgorithmSetup setup) {
            return NoState.INSTANCE;
        }

        @Override
        public Server<INDArray> server() {
            return new Server<>() {
                @Override
                public Message broadcast(INDArray x, ServerContext ctx) {
                    return Message.of(x);
                }

                @Override
                public INDArray apply(INDArray x, List<Upload> uploads, ServerContext ctx) {
                    INDArray g = x.ulike();
                    WeightedMean.uniform().aggregate(uploads, 0, g, ctx);
                    Tensors.axpy(-lr, g, x);
                    return x;
                }

                @Override
                public INDArray model(INDArray x) {
                    return x;
                }
            };
        }

        @Override
        public Client<NoState> client() {
            return (down, state, ctx) -> {
                INDArray g = down.vector(0).ulike();
                double loss = ctx.model().lossAndGradient(down.vector(0), ctx.data(), g);
                ctx.uplink().send(g);
                return new ClientResult<>(state, loss);
            };
        }

        @Override
        public StateCodec<INDArray> serverStateCodec() {
            return new StateCodec<>() {
                @Override
                public void write(INDArray s, DataOutput out) throws IOException {
                    out.writeByte(1);
                    Tensors.write(s, out);
                }

                @Override
                public INDArray read(DataInput in) throws IOException {
                    StateCodec.checkVersion("FedSGD", 1, in.readUnsignedByte());
                    return Tensors.read(in);
                }
            };
        }

        @Override
        public StateCodec<NoState> clientStateCodec() {
            return NoState.CODEC;
        }

        @Override
        public int downlinkVectors() {
            return 1;
        }

        @Override
        public int uplinkVectors() {
            return 1;
        }
    }

    /** Client n holds one sample a = 1, y = n: f_n(x) = (x - n)^2 / 2, gradient x - n. */
    static FederatedDataset scalarClients(int n) {
        List<Dataset> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            parts.add(new Dataset(Nd4j.createFromArray(new double[][] {{1}}),
                    Nd4j.createFromArray(new double[][] {{i}})));
        }
        return new FederatedDataset(parts, parts.get(0));
    }

    static Simulation.Builder<INDArray, NoState> sim(double lr, int rounds, int perRound) {
        return Simulation.builder(new FedSgd(lr)).model(new LeastSquares(1)).data(scalarClients(4))
                .initialParameters(Nd4j.zeros(DataType.DOUBLE, 1))
                .config(SimulationConfig.builder().rounds(rounds).clientsPerRound(perRound).seed(5)
                        .precision(Precision.FLOAT64).build());
    }

    @Test
    void fullParticipationFedSgdIsGradientDescentOnTheMean() {
        // f = (1/4) sum_n (x - n)^2 / 2 over n = 0..3: gradient x - 1.5; GD with lr 0.5 halves x - 1.5 each round,
        // so from x = 0: x^t = 1.5 (1 - 2^-t); after 3 rounds 1.3125.
        SimulationResult<INDArray> r = sim(0.5, 3, 4).build().run();
        assertEquals(1.3125, r.finalParameters().getDouble(0), 0);
        // Train loss of round 1 at x = 0: mean of n^2/2 = (0 + 0.5 + 2 + 4.5) / 4 = 1.75.
        assertEquals(1.75, r.reports().get(0).trainLoss(), 0);
        assertArrayEquals(new int[] {3, 3, 3, 3}, r.participationCounts());
        // Float64, d = 1: 64 bits per vector per participant per round.
        assertEquals(64 * 4 * 3, r.uplinkBits());
        assertEquals(64 * 4 * 3, r.downlinkBits());
        assertEquals(256, r.reports().get(1).uplinkBits());
        assertEquals(512, r.reports().get(1).cumulativeUplink());
    }

    @Test
    void listenersSeeEveryRoundAndSinksWriteThem(@TempDir Path dir) throws IOException {
        List<RoundReport> seen = new ArrayList<>();
        Path csv = dir.resolve("out/run.csv");
        Path jsonl = dir.resolve("run.jsonl");
        SimulationResult<INDArray> r = sim(0.5, 5, 2)
                .listener(seen::add)
                .listener(new CsvReportWriter(csv))
                .listener(new JsonLinesReportWriter(jsonl))
                .build().run();
        assertEquals(r.reports(), seen);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(6, lines.size());
        assertEquals(CsvReportWriter.HEADER, lines.get(0));
        assertTrue(lines.get(5).startsWith("5,2,"), lines.get(5));
        List<String> json = Files.readAllLines(jsonl);
        assertEquals(5, json.size());
        assertTrue(json.get(0).startsWith("{\"round\":1,\"participants\":2,"), json.get(0));
    }

    @Test
    void participationIsUniformAndCountsAreReported() {
        SimulationResult<INDArray> r = sim(0.1, 400, 1).build().run();
        int total = 0;
        for (int c : r.participationCounts()) {
            total += c;
            // Binomial(400, 1/4): mean 100, sd 8.7; 5 sd = 43.
            assertTrue(Math.abs(c - 100) < 43, "count " + c);
        }
        assertEquals(400, total);
        assertEquals(0.25, r.participationRates()[0], 0.11);
    }

    @Test
    void evaluationFollowsThePeriod() {
        SimulationResult<INDArray> r = sim(0.5, 7, 4)
                .config(SimulationConfig.builder().rounds(7).clientsPerRound(4).evalEvery(3).seed(1)
                        .precision(Precision.FLOAT64).build())
                .build().run();
        boolean[] evaluated = new boolean[7];
        for (int i = 0; i < 7; i++) {
            evaluated[i] = r.reports().get(i).evaluated();
        }
        assertArrayEquals(new boolean[] {false, false, true, false, false, true, true}, evaluated);
    }

    @Test
    void divergenceNamesRoundClientAndSeed() {
        // lr 3 on curvature 1: x - 1.5 is multiplied by (1 - 3) = -2 each round, so |x| ~ 1.5 * 2^t. A client's loss
        // (x - n)^2 / 2 overflows float64 (max 1.8e308) once |x| > 1.9e154 ~ 2^512: in round 513 (x^512 ~ 1.5 * 2^512
        // is the model the clients receive), before the model itself overflows near round 1024.
        SimulationException e = assertThrows(SimulationException.class, () -> sim(3, 2000, 4).build().run());
        assertEquals(513, e.round());
        assertEquals(0, e.client(), "the first client in id order reports it");
        assertTrue(e.getMessage().startsWith("round 513, client 0, seed 5: the training loss diverged to Infinity"),
                e.getMessage());
    }

    @Test
    void failingClientIsNamed() {
        FedSgd broken = new FedSgd(0.1) {
            @Override
            public Client<NoState> client() {
                return (down, state, ctx) -> {
                    if (ctx.clientId() == 2 && ctx.round() == 3) {
                        throw new IllegalStateException("disk full");
                    }
                    return super.client().train(down, state, ctx);
                };
            }
        };
        SimulationException e = assertThrows(SimulationException.class,
                () -> Simulation.builder(broken).model(new LeastSquares(1)).data(scalarClients(4))
                        .config(SimulationConfig.builder().rounds(5).clientsPerRound(4).threads(2).seed(8)
                                .precision(Precision.FLOAT64).build()).build().run());
        assertEquals(3, e.round());
        assertEquals(2, e.client());
        assertTrue(e.getMessage().startsWith("round 3, client 2, seed 8: the client failed"), e.getMessage());
    }

    @Test
    void clientThatSendsTheWrongNumberOfVectorsIsRejected() {
        FedSgd chatty = new FedSgd(0.1) {
            @Override
            public Client<NoState> client() {
                return (down, state, ctx) -> {
                    ctx.uplink().send(down.vector(0));
                    return super.client().train(down, state, ctx);
                };
            }
        };
        SimulationException e = assertThrows(SimulationException.class,
                () -> Simulation.builder(chatty).model(new LeastSquares(1)).data(scalarClients(2))
                        .config(SimulationConfig.builder().rounds(1).clientsPerRound(2).build()).build().run());
        assertTrue(e.getMessage().contains("declares 1 uplink vectors but the client sent 2"), e.getMessage());
    }

    @Test
    void buildErrorsNameTheField() {
        assertEquals("config must be set", assertThrows(IllegalArgumentException.class,
                () -> Simulation.builder(new FedSgd(1)).model(new LeastSquares(1)).data(scalarClients(2)).build())
                .getMessage());
        assertEquals("initialParameters length must be 1 (the model dimension), was 3",
                assertThrows(IllegalArgumentException.class, () -> sim(0.1, 1, 1)
                        .initialParameters(Nd4j.zeros(DataType.DOUBLE, 3)).build()).getMessage());
        assertEquals("clientsPerRound must be <= the number of clients 4, was 5",
                assertThrows(IllegalArgumentException.class, () -> sim(0.1, 1, 5).build()).getMessage());
        Simulation<INDArray, NoState> once = sim(0.1, 1, 1).build();
        once.run();
        assertThrows(IllegalStateException.class, once::run);
        assertEquals(4, once.data().clientCount());
    }

    @Test
    void explicitParticipationDecidesUnlessTheConfigContradictsIt() {
        // clientsPerRound(1) with all() on 4 clients used to run 4 and ignore the field; now it is a conflict
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sim(0.5, 3, 1).participation(Participation.all()).build());
        assertTrue(e.getMessage().contains("clientsPerRound is 1") && e.getMessage().contains("all"), e.getMessage());
        SimulationResult<INDArray> r = sim(0.5, 3, 4).participation(Participation.all()).build().run();
        assertEquals(4, r.reports().get(0).participants());
    }

    /**
     * FedSGD with a streaming server: g = sum_n (1/|S|) g_n folds into a scratch buffer as uploads arrive; x moves in
     * finish. {@code failAt} makes the fold of that client throw (-1: never).
     */
    static final class StreamingFedSgd extends FedSgd {
        final int failAt;
        /** The state handed to the last begin. */
        INDArray begun;

        StreamingFedSgd(double lr, int failAt) {
            super(lr);
            this.failAt = failAt;
        }

        @Override
        public Server<INDArray> server() {
            Server<INDArray> plain = super.server();
            return new Server<>() {
                @Override
                public Message broadcast(INDArray x, ServerContext ctx) {
                    return plain.broadcast(x, ctx);
                }

                @Override
                public INDArray apply(INDArray x, List<Upload> uploads, ServerContext ctx) {
                    return plain.apply(x, uploads, ctx);
                }

                @Override
                public io.github.fl4j.core.api.RoundAccumulator<INDArray> begin(INDArray x, ServerContext ctx) {
                    begun = x;
                    INDArray g = x.ulike();
                    io.github.fl4j.core.api.Aggregator.Fold fold = WeightedMean.uniform().fold(0, g, ctx);
                    return new io.github.fl4j.core.api.StreamingAccumulator<>(ctx) {
                        @Override
                        protected void fold(int k, Upload u) {
                            if (u.clientId() == failAt) {
                                throw new IllegalStateException("fold fails at client " + failAt);
                            }
                            fold.add(u);
                        }

                        @Override
                        protected INDArray complete() {
                            fold.finish();
                            Tensors.axpy(-lr, g, x);
                            return x;
                        }
                    };
                }

                @Override
                public INDArray model(INDArray x) {
                    return x;
                }
            };
        }
    }

    /** An engine that records the number of tasks of every execute call. */
    static final class ChunkRecordingEngine implements ExecutionEngine {
        final LocalExecutionEngine inner = new LocalExecutionEngine(2);
        final List<Integer> sizes = new ArrayList<>();

        @Override
        public <C> List<ClientOutcome<C>> execute(RoundWork<C> work) {
            sizes.add(work.tasks().size());
            return inner.execute(work);
        }

        @Override
        public int parallelism() {
            return inner.parallelism();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void chunksOfAnySizeGiveTheHandDerivedResultAndTheEngineSeesTheChunks() {
        // as fullParticipationFedSgdIsGradientDescentOnTheMean: x^3 = 1.5 (1 - 2^-3) = 1.3125, for both servers
        for (FedSgd alg : new FedSgd[] {new FedSgd(0.5), new StreamingFedSgd(0.5, -1)}) {
            for (int chunk : new int[] {1, 3, 4, Integer.MAX_VALUE}) {
                ChunkRecordingEngine engine = new ChunkRecordingEngine();
                SimulationResult<INDArray> r = Simulation.builder((FederatedAlgorithm<INDArray, NoState>) alg)
                        .model(new LeastSquares(1)).data(scalarClients(4))
                        .initialParameters(Nd4j.zeros(DataType.DOUBLE, 1)).engine(engine).chunkSize(chunk)
                        .config(SimulationConfig.builder().rounds(3).clientsPerRound(4).seed(5)
                                .precision(Precision.FLOAT64).build())
                        .build().run();
                engine.close();
                assertEquals(1.3125, r.finalParameters().getDouble(0), 0, alg.name() + " chunk " + chunk);
                assertEquals(1.75, r.reports().get(0).trainLoss(), 0);
                List<Integer> perRound = chunk == 1 ? List.of(1, 1, 1, 1) : chunk == 3 ? List.of(3, 1) : List.of(4);
                List<Integer> expected = new ArrayList<>();
                for (int t = 0; t < 3; t++) {
                    expected.addAll(perRound);
                }
                assertEquals(expected, engine.sizes, "tasks per execute call with chunks of " + chunk);
            }
        }
    }

    @Test
    void theDefaultChunkIsBoundedByMemoryAndAtLeastTwiceTheThreads() {
        Simulation<INDArray, NoState> s = sim(0.5, 1, 4).build();
        LocalExecutionEngine two = new LocalExecutionEngine(2);
        // d = 1 in float64: 8 bytes an upload, 64 MiB / 8 = 2^23 participants per chunk
        assertEquals(1 << 23, s.chunkSize(two));
        two.close();
        assertEquals(7, sim(0.5, 1, 4).chunkSize(7).build().chunkSize(new LocalExecutionEngine(1)));
    }

    @Test
    void aFoldThatFailsMidRoundLeavesTheServerStateAsItWas() {
        // chunks of 1: clients 0 and 1 are folded (and their states written), client 2's fold throws in round 1;
        // the run stops naming the server and x, handed to begin, is still the initial 0 (not 0 - lr * partial sum)
        StreamingFedSgd alg = new StreamingFedSgd(0.5, 2);
        SimulationException e = assertThrows(SimulationException.class, () -> Simulation.builder(
                (FederatedAlgorithm<INDArray, NoState>) alg).model(new LeastSquares(1)).data(scalarClients(4))
                .initialParameters(Nd4j.zeros(DataType.DOUBLE, 1)).chunkSize(1)
                .config(SimulationConfig.builder().rounds(3).clientsPerRound(4).seed(5)
                        .precision(Precision.FLOAT64).build())
                .build().run());
        assertTrue(e.getMessage().contains("fold fails at client 2"), e.getMessage());
        assertEquals(1, e.round());
        assertEquals(0.0, alg.begun.getDouble(0), 0);
    }

    @Test
    void chunkSizeMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sim(0.5, 1, 4).chunkSize(0));
        assertEquals("chunkSize must be >= 1, was 0", e.getMessage());
    }
}
