package io.github.fl4j.core.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.ForwardingAlgorithm;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.NoState;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.comm.Direction;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.tensor.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A failed run keeps what it computed: the exception carries the partial result (reports of the completed rounds, the
 * last finite server model, ledger, counts), the listeners get onFailure with it and the report writers close their
 * files. The run is SimulationTest's FedSGD on f_n(x) = (x - n)^2 / 2 over 4 clients with lr 0.5 from x = 0, so
 * x^t = 1.5 (1 - 2^-t): after 2 rounds 1.125; every round sends 64 bits per client and direction.
 */
class FailedRunTest {
    private static final double X2 = 1.125;

    enum Fault { CLIENT_NAN, CLIENT_THROWS, CLIENT_OUT_OF_MEMORY, SERVER_NAN }

    /** FedSGD that fails in round 3 (client 2, or the server) as told. */
    static final class Faulty extends ForwardingAlgorithm<INDArray, NoState> {
        private final Fault fault;

        Faulty(Fault fault) {
            super(new SimulationTest.FedSgd(0.5));
            this.fault = fault;
        }

        @Override
        public Client<NoState> client() {
            Client<NoState> inner = super.client();
            return (down, state, ctx) -> {
                if (ctx.round() == 3 && ctx.clientId() == 2) {
                    switch (fault) {
                        case CLIENT_NAN -> {
                            ctx.uplink().send(down.vector(0).ulike().assign(Double.NaN));
                            return new io.github.fl4j.core.api.ClientResult<>(state, 0.0);
                        }
                        case CLIENT_THROWS -> throw new IllegalStateException("client 2 broke");
                        case CLIENT_OUT_OF_MEMORY -> throw new OutOfMemoryError(
                                "Cannot allocate new LongPointer(8): totalBytes = 1K, physicalBytes = 9G");
                        default -> { }
                    }
                }
                return inner.train(down, state, ctx);
            };
        }

        @Override
        public Server<INDArray> server() {
            Server<INDArray> inner = super.server();
            return new Server<>() {
                @Override
                public Message broadcast(INDArray x, ServerContext ctx) {
                    return inner.broadcast(x, ctx);
                }

                @Override
                public INDArray apply(INDArray x, List<Upload> uploads, ServerContext ctx) {
                    INDArray next = inner.apply(x, uploads, ctx); // in place: x itself
                    if (fault == Fault.SERVER_NAN && ctx.round() == 3) {
                        next.assign(Double.NaN);
                    }
                    return next;
                }

                @Override
                public INDArray model(INDArray x) {
                    return x;
                }
            };
        }
    }

    private static Simulation.Builder<INDArray, NoState> sim(Fault fault, int threads) {
        return Simulation.builder((io.github.fl4j.core.api.FederatedAlgorithm<INDArray, NoState>) new Faulty(fault))
                .model(new LeastSquares(1)).data(SimulationTest.scalarClients(4))
                .initialParameters(Nd4j.zeros(DataType.DOUBLE, 1))
                .config(SimulationConfig.builder().rounds(6).clientsPerRound(4).threads(threads).seed(5)
                        .precision(Precision.FLOAT64).build());
    }

    /** Records onFailure. */
    static final class Recorder implements RoundListener {
        final List<Integer> rounds = new ArrayList<>();
        RuntimeException failure;
        SimulationResult<?> partial;
        int finishes;

        @Override
        public void onRound(RoundReport report) {
            rounds.add(report.round());
        }

        @Override
        public void onFinish(SimulationResult<?> result) {
            finishes++;
        }

        @Override
        public void onFailure(RuntimeException f, SimulationResult<?> p) {
            failure = f;
            partial = p;
        }
    }

    private static void assertTwoRoundsKept(SimulationResult<?> p) {
        assertEquals(2, p.reports().size());
        assertEquals(List.of(1, 2), p.reports().stream().map(RoundReport::round).toList());
        assertEquals(X2, p.finalParameters().getDouble(0), 0.0, "the last finite server model, after round 2");
        // train loss of round 1 at x = 0: mean of n^2 / 2 = 1.75 (as SimulationTest)
        assertEquals(1.75, p.reports().get(0).trainLoss(), 0.0);
        // 2 rounds x 4 clients x 64 bits x 2 directions
        assertEquals(2 * 4 * 64 * 2, p.ledger().roundBits(1, Direction.UPLINK) + p.ledger().roundBits(2,
                Direction.UPLINK) + p.ledger().roundBits(1, Direction.DOWNLINK) + p.ledger().roundBits(2,
                Direction.DOWNLINK));
    }

    @Test
    void divergenceOfAClientKeepsTheCompletedRounds(@TempDir Path dir) throws IOException {
        for (int threads : new int[] {1, 2}) {
            Path csv = dir.resolve("t" + threads + ".csv");
            CsvReportWriter writer = new CsvReportWriter(csv);
            Recorder rec = new Recorder();
            SimulationException e = assertThrows(SimulationException.class,
                    () -> sim(Fault.CLIENT_NAN, threads).listener(writer).listener(rec).build().run());
            assertEquals(3, e.round());
            assertEquals(2, e.client());
            assertTrue(e.getMessage().contains("not finite"), e.getMessage());
            SimulationResult<?> p = e.partialResult().orElseThrow();
            assertTwoRoundsKept(p);
            // the client failed before the round's bits were recorded
            assertEquals(2 * 4 * 64, p.uplinkBits());
            assertArrayEquals(new int[] {2, 2, 2, 2}, p.participationCounts());
            assertEquals(List.of(1, 2), rec.rounds);
            assertEquals(0, rec.finishes);
            assertTrue(rec.failure == e && rec.partial == p, "the listener got the exception and its partial result");
            // the CSV sink is closed and holds the header and both rounds
            List<String> lines = Files.readAllLines(csv);
            assertEquals(3, lines.size(), lines.toString());
            assertTrue(lines.get(2).startsWith("2,4,"), lines.get(2));
            assertThrows(IllegalStateException.class, () -> writer.onRound(p.reports().get(0)), "closed");
        }
    }

    @Test
    void aNonFiniteServerModelKeepsTheLastFiniteOne() {
        // the server updates its state in place, so the state itself is NaN: the partial result's model is the copy
        // taken after round 2
        for (int threads : new int[] {1, 2}) {
            SimulationException e = assertThrows(SimulationException.class,
                    () -> sim(Fault.SERVER_NAN, threads).build().run());
            assertEquals(3, e.round());
            assertEquals(SimulationException.SERVER, e.client());
            SimulationResult<?> p = e.partialResult().orElseThrow();
            assertTwoRoundsKept(p);
            assertTrue(Double.isNaN(((INDArray) p.serverState()).getDouble(0)), "the state as the failure left it");
        }
    }

    @Test
    void aClientExceptionKeepsTheCompletedRounds() {
        for (int threads : new int[] {1, 2}) {
            SimulationException e = assertThrows(SimulationException.class,
                    () -> sim(Fault.CLIENT_THROWS, threads).build().run());
            assertEquals(3, e.round());
            assertEquals(2, e.client());
            assertTrue(e.getMessage().contains("client 2 broke"), e.getMessage());
            assertTwoRoundsKept(e.partialResult().orElseThrow());
        }
    }

    @Test
    void runningOutOfMemoryIsASimulationExceptionNamingRoundClientAndAllocation() {
        for (int threads : new int[] {1, 2}) {
            SimulationException e = assertThrows(SimulationException.class,
                    () -> sim(Fault.CLIENT_OUT_OF_MEMORY, threads).build().run());
            assertEquals(3, e.round());
            assertEquals(2, e.client());
            String m = e.getMessage();
            assertTrue(m.startsWith("round 3, client 2, seed 5: out of memory (Cannot allocate new LongPointer(8)"),
                    m);
            assertTrue(m.contains("resident against a limit of") && m.contains("maxPhysicalBytes"), m);
            assertTrue(e.getCause() instanceof OutOfMemoryError);
            assertTwoRoundsKept(e.partialResult().orElseThrow());
        }
    }

    @Test
    void aCancelledRunKeepsTheCompletedRounds() {
        for (int threads : new int[] {1, 2}) {
            Recorder rec = new Recorder();
            RoundListener interruptAfterTwo = new RoundListener() {
                @Override
                public void onRound(RoundReport report) {
                    if (report.round() == 2) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            RunCancelledException e = assertThrows(RunCancelledException.class,
                    () -> sim(Fault.CLIENT_THROWS, threads).listener(interruptAfterTwo).listener(rec).build().run());
            assertTrue(Thread.interrupted(), "the flag stays set (cleared here)");
            assertEquals(3, e.round());
            SimulationResult<?> p = e.partialResult().orElseThrow();
            assertTwoRoundsKept(p);
            assertTrue(rec.failure == e && rec.partial == p);
        }
    }

    @Test
    void aFinishedRunHasNoPartialResultAndTheTypedAccessorFilters() {
        SimulationException e = new SimulationException(1, 0, 5, "x", null);
        assertEquals(Optional.empty(), e.partialResult());
        e.withPartialResult("not a result");
        assertEquals(Optional.empty(), e.partialResult());
        assertEquals(Optional.of("not a result"), e.partialResult(String.class));
    }

    // ---- the same with time (the synchronous adapter: one server version per round)

    private static io.github.fl4j.core.time.TimedSimulation.Builder<?, NoState> timed(Fault fault, int threads) {
        return io.github.fl4j.core.time.TimedSimulation.synchronous(new Faulty(fault))
                .model(new LeastSquares(1)).data(SimulationTest.scalarClients(4))
                .initialParameters(Nd4j.zeros(DataType.DOUBLE, 1))
                .config(SimulationConfig.builder().rounds(6).clientsPerRound(4).threads(threads).seed(5)
                        .precision(Precision.FLOAT64).build());
    }

    @Test
    void aFailedTimedRunKeepsTheCompletedVersionsAndClosesItsSinks(@TempDir Path dir) throws IOException {
        for (Fault fault : new Fault[] {Fault.SERVER_NAN, Fault.CLIENT_THROWS, Fault.CLIENT_OUT_OF_MEMORY}) {
            for (int threads : new int[] {1, 2}) {
                Path csv = dir.resolve(fault + "-" + threads + ".csv");
                io.github.fl4j.core.time.TimeCsvWriter writer = new io.github.fl4j.core.time.TimeCsvWriter(csv);
                SimulationException e = assertThrows(SimulationException.class,
                        () -> timed(fault, threads).listener(writer).build().run());
                String where = fault + ", " + threads + " threads: " + e.getMessage();
                assertEquals(3, e.round(), where);
                assertEquals(fault == Fault.SERVER_NAN ? SimulationException.SERVER : 2, e.client(), where);
                if (fault == Fault.CLIENT_OUT_OF_MEMORY) {
                    assertTrue(e.getMessage().contains("out of memory (Cannot allocate new LongPointer(8)"), where);
                }
                assertTrue(e.partialResult().isEmpty(), "not a SimulationResult");
                io.github.fl4j.core.time.TimedResult<?> p =
                        e.partialResult(io.github.fl4j.core.time.TimedResult.class).orElseThrow();
                assertEquals(2, p.reports().size(), where);
                assertEquals(X2, p.finalParameters().getDouble(0), 0.0, where);
                List<String> lines = Files.readAllLines(csv);
                assertEquals(3, lines.size(), where + " " + lines);
                assertThrows(IllegalStateException.class, () -> writer.onVersion(p.reports().get(0)), "closed");
            }
        }
    }

    @Test
    void aProcessPastTheMemoryLimitStopsBeforeTheNextRound() {
        // the bound is checked before every round; 1 MB is below any JVM's resident size
        Recorder rec = new Recorder();
        RoundListener tighten = new RoundListener() {
            @Override
            public void onRound(RoundReport report) {
                if (report.round() == 2) {
                    System.setProperty(io.github.fl4j.core.tensor.NativeMemory.MAX_RESIDENT_BYTES, "1m");
                }
            }
        };
        try {
            SimulationException e = assertThrows(SimulationException.class,
                    () -> sim(Fault.CLIENT_THROWS, 1).listener(tighten).listener(rec).build().run());
            assertEquals(3, e.round());
            assertEquals(SimulationException.SERVER, e.client());
            assertTrue(e.getMessage().startsWith("round 3, server, seed 5: out of memory before the round: the "
                    + "process is ") && e.getMessage().contains("against a limit of 1024K (fl4j.maxResidentBytes)"),
                    e.getMessage());
            assertTwoRoundsKept(e.partialResult().orElseThrow());
            assertTrue(rec.partial != null);
        } finally {
            System.clearProperty(io.github.fl4j.core.tensor.NativeMemory.MAX_RESIDENT_BYTES);
        }
    }
}
