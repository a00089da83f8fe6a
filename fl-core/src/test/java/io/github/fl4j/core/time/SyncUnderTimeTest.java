package io.github.fl4j.core.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.ClientResult;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Synchronous algorithms under time: equal to the round engine, deadlines, first-K, over-selection, dropouts. */
class SyncUnderTimeTest {

    /**
     * x += eta * mean_i (b_i - x) over the round's uploads; each client counts its sessions in its state (so a lost
     * session must leave the count unchanged).
     */
    static final class MeanStep implements FederatedAlgorithm<INDArray, int[]> {
        private final double eta;
        private final boolean everyClient;

        MeanStep(double eta, boolean everyClient) {
            this.eta = eta;
            this.everyClient = everyClient;
        }

        @Override
        public String name() {
            return "MeanStep(eta=" + eta + ")";
        }

        @Override
        public INDArray initServerState(INDArray x0, AlgorithmSetup setup) {
            return x0.dup();
        }

        @Override
        public int[] initClientState(int clientId, AlgorithmSetup setup) {
            return new int[1];
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
                    for (Upload u : uploads) {
                        Tensors.axpy(eta / uploads.size(), u.vector(0), x);
                    }
                    return x;
                }

                @Override
                public INDArray model(INDArray x) {
                    return x;
                }
            };
        }

        @Override
        public Client<int[]> client() {
            return (down, state, ctx) -> {
                INDArray g = down.vector(0).ulike();
                double loss = ctx.model().lossAndGradient(down.vector(0), ctx.data(), g);
                Tensors.scale(-1, g);
                ctx.uplink().send(g);
                return new ClientResult<>(new int[] {state[0] + 1}, loss);
            };
        }

        @Override
        public StateCodec<INDArray> serverStateCodec() {
            return StateCodec.ofVector("meanstep", x -> x, x -> x);
        }

        @Override
        public StateCodec<int[]> clientStateCodec() {
            return new StateCodec<>() {
                @Override
                public void write(int[] s, DataOutput out) throws IOException {
                    out.writeInt(s[0]);
                }

                @Override
                public int[] read(DataInput in) throws IOException {
                    return new int[] {in.readInt()};
                }
            };
        }

        @Override
        public int downlinkVectors() {
            return 1;
        }

        @Override
        public int uplinkVectors() {
            return 1;
        }

        @Override
        public boolean requiresEveryClientEveryRound() {
            return everyClient;
        }
    }

    static SimulationConfig config(int rounds, int perRound) {
        return SimulationConfig.builder().rounds(rounds).clientsPerRound(perRound).seed(11).evalEvery(1)
                .precision(Precision.FLOAT64).build();
    }

    /** Client i computes at speed[i] samples per second; unlimited bandwidth. */
    static DeviceModel speeds(double... speed) {
        return new DeviceModel() {
            @Override
            public Device device(int client, SeedTree seeds) {
                return new Device(speed[client], Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 0);
            }

            @Override
            public String describe() {
                return "speeds" + java.util.Arrays.toString(speed);
            }
        };
    }

    static final double[] B = {0, 1, 2, 3, 4, 5};

    @Test
    void equalDevicesAndWaitingForAllIsTheRoundEngine() {
        MeanStep alg = new MeanStep(0.5, false);
        SimulationResult<INDArray> sync = Simulation.builder(alg).model(new LeastSquares(1))
                .data(TimedSimulationTest.scalar(B)).initialParameters(Nd4j.zeros(DataType.DOUBLE, 1))
                .config(config(10, 3)).build().run();
        TimedResult<?> timed = TimedSimulation.synchronous(alg).model(new LeastSquares(1))
                .data(TimedSimulationTest.scalar(B)).initialParameters(Nd4j.zeros(DataType.DOUBLE, 1))
                .config(config(10, 3)).build().run();
        assertEquals(sync.finalParameters(), timed.finalParameters());
        assertEquals(sync.ledger().entries(), timed.ledger().entries());
        for (int r = 0; r < 10; r++) {
            assertEquals(sync.reports().get(r).trainLoss(), timed.reports().get(r).trainLoss());
            assertEquals(sync.reports().get(r).testLoss(), timed.reports().get(r).testLoss());
            assertEquals(3, timed.reports().get(r).arrivals());
            // one sample per client at one sample per second: every round lasts 1 s
            assertEquals(r + 1.0, timed.reports().get(r).time());
        }
    }

    @Test
    void aDeadlineDropsTheLateAndLeavesTheirStateAlone() {
        // all 6 every round; clients 4 and 5 need 4 s, the deadline is 2 s
        TimedSimulationTest.Trace trace = new TimedSimulationTest.Trace(6);
        TimedSimulation<?, int[]> sim = TimedSimulation.synchronous(new MeanStep(1.0, false))
                .model(new LeastSquares(1)).data(TimedSimulationTest.scalar(B))
                .initialParameters(Nd4j.zeros(DataType.DOUBLE, 1)).config(config(3, 6))
                .schedule(Schedule.rounds().deadline(2)).devices(speeds(1, 1, 1, 1, 0.25, 0.25)).listener(trace)
                .build();
        TimedResult<?> r = sim.run();
        // round 1 closes at t = 2 with clients 0..3 (mean of b = 1.5); 4 and 5 arrive at t = 4, stale, dropped,
        // so round 2 (which starts at 2) can only select 0..3 (4, 5 still busy) and closes when they arrive at 3;
        // round 3 starts at 3 with 0..3 again (4, 5 busy until 4) and closes at 4.
        assertEquals(2.0, r.reports().get(0).time());
        assertEquals(4, r.reports().get(0).arrivals());
        assertEquals(3.0, r.reports().get(1).time());
        assertEquals(4.0, r.reports().get(2).time());
        assertEquals(1.5, r.finalParameters().getDouble(0), 1e-15);
        assertEquals(2, r.counts().droppedStale());
        assertTrue(trace.sessions.stream().anyMatch(s -> s.client() == 4
                && s.outcome() == SessionRecord.Outcome.DROPPED_STALE));
        assertEquals(0, r.appliedPerClient()[4]);
        assertEquals(3, r.appliedPerClient()[0]);
    }

    @Test
    void firstKClosesAtTheKthArrival() {
        TimedResult<?> r = TimedSimulation.synchronous(new MeanStep(1.0, false)).model(new LeastSquares(1))
                .data(TimedSimulationTest.scalar(B)).initialParameters(Nd4j.zeros(DataType.DOUBLE, 1))
                .config(config(1, 6)).schedule(Schedule.rounds().firstK(2)).devices(speeds(1, 2, 4, 8, 0.5, 0.1))
                .build().run();
        // arrivals at 1/8 (client 3), 1/4 (client 2): the round closes at 0.25 with b = 3, 2
        assertEquals(0.25, r.reports().get(0).time());
        assertEquals(2.5, r.finalParameters().getDouble(0), 1e-15);
    }

    @Test
    void overSelectionSelectsMoreAndWaitsForM() {
        TimedSimulationTest.Trace trace = new TimedSimulationTest.Trace(6);
        TimedResult<?> r = TimedSimulation.synchronous(new MeanStep(1.0, false)).model(new LeastSquares(1))
                .data(TimedSimulationTest.scalar(B)).initialParameters(Nd4j.zeros(DataType.DOUBLE, 1))
                .config(config(1, 3)).schedule(Schedule.rounds().overSelection(1.3))
                .devices(speeds(1, 2, 3, 4, 5, 6)).listener(trace).build().run();
        assertEquals(3, r.reports().get(0).arrivals());
        assertEquals(4, r.counts().started(), "ceil(1.3 x 3) = 4 selected");
    }

    @Test
    void dropoutsLoseTheWorkButCountTheDownload() {
        DropoutModel half = new DropoutModel() {
            @Override
            public FailurePoint draw(RandomStream rng) {
                return rng.nextDouble() < 0.5 ? new FailurePoint(Double.POSITIVE_INFINITY, 0.5) : FailurePoint.NONE;
            }

            @Override
            public String describe() {
                return "half";
            }
        };
        TimedSimulationTest.Trace trace = new TimedSimulationTest.Trace(6);
        TimedResult<?> r = TimedSimulation.synchronous(new MeanStep(1.0, false)).model(new LeastSquares(1))
                .data(TimedSimulationTest.scalar(B)).initialParameters(Nd4j.zeros(DataType.DOUBLE, 1))
                .config(config(20, 6)).dropout(half).listener(trace).build().run();
        long failed = trace.sessions.stream().filter(s -> s.outcome() == SessionRecord.Outcome.FAILED).count();
        assertEquals(r.counts().failed(), failed);
        assertTrue(failed > 20 && failed < 100, "about half of 120 sessions fail, was " + failed);
        for (SessionRecord s : trace.sessions) {
            if (s.outcome() == SessionRecord.Outcome.FAILED) {
                assertEquals(s.startTime() + 0.5, s.endTime(), 1e-12, "fails half way through its 1 s session");
            }
        }
        long sessions = trace.sessions.size();
        assertEquals(sessions * 64, r.ledger().totalBits(io.github.fl4j.core.comm.Direction.DOWNLINK));
        assertEquals((sessions - failed) * 64, r.ledger().totalBits(io.github.fl4j.core.comm.Direction.UPLINK));
        int applied = java.util.Arrays.stream(r.appliedPerClient()).sum();
        assertEquals(sessions - failed, applied);
    }

    @Test
    void anAlgorithmThatNeedsEveryClientRefusesASchedulerThatCannotPromiseIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                TimedSimulation.synchronous(new MeanStep(1.0, true)).model(new LeastSquares(1))
                        .data(TimedSimulationTest.scalar(B)).config(config(1, 6))
                        .schedule(Schedule.rounds().deadline(3)).build());
        assertTrue(e.getMessage().contains("MeanStep(eta=1.0)") && e.getMessage().contains("deadline 3.0 s"),
                e.getMessage());
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () ->
                TimedSimulation.synchronous(new MeanStep(1.0, true)).model(new LeastSquares(1))
                        .data(TimedSimulationTest.scalar(B)).config(config(1, 3)).build());
        assertTrue(f.getMessage().contains("fewer than all 6"), f.getMessage());
        // waiting for all of all clients is accepted
        TimedSimulation.synchronous(new MeanStep(1.0, true)).model(new LeastSquares(1))
                .data(TimedSimulationTest.scalar(B)).config(config(1, 6)).build();
        IllegalArgumentException g = assertThrows(IllegalArgumentException.class, () ->
                TimedSimulation.synchronous(new MeanStep(1.0, false)).model(new LeastSquares(1))
                        .data(TimedSimulationTest.scalar(B)).config(config(1, 6)).schedule(Schedule.closed(2))
                        .build());
        assertTrue(g.getMessage().contains("synchronous") && g.getMessage().contains("closed(concurrency 2)"),
                g.getMessage());
    }

    @Test
    void resumeInTheMiddleOfADeadlineRunIsBitExact(@TempDir Path dir) throws Exception {
        java.util.function.Supplier<TimedSimulation.Builder<?, int[]>> b = () -> TimedSimulation
                .synchronous(new MeanStep(0.7, false)).model(new LeastSquares(1))
                .data(TimedSimulationTest.scalar(B)).initialParameters(Nd4j.zeros(DataType.DOUBLE, 1))
                .config(config(12, 4)).schedule(Schedule.rounds().deadline(2.5))
                .devices(new TimedSimulationTest.ExponentialDurations(1, 1, 2, 2, 3, 3));
        TimedResult<?> full = b.get().checkpointEvery(4, dir).build().run();
        TimedResult<?> resumed = b.get().build().resumeFrom(io.github.fl4j.core.state.CheckpointDirectory
                .file(dir, 8));
        assertEquals(full.finalParameters(), resumed.finalParameters());
        assertEquals(TimedSimulationTest.strip(full.reports()), TimedSimulationTest.strip(resumed.reports()));
        assertEquals(full.ledger().entries(), resumed.ledger().entries());
        assertEquals(full.counts(), resumed.counts());
    }
}
