package io.github.fl4j.core.time;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.participation.Participation;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad configurations of a simulation with time fail when built, naming the field and the value. */
class TimedSimulationValidationTest {

    static TimedSimulation.Builder<BufferedDelta.State, io.github.fl4j.core.api.NoState> base() {
        return TimedSimulation.builder(new BufferedDelta(2, 1.0, Staleness.constant())).model(new LeastSquares(1))
                .data(TimedSimulationTest.scalar(0, 1, 2)).config(TimedSimulationTest.config(3, 1))
                .schedule(Schedule.closed(2));
    }

    record Case(String expected, Executable run) {
    }

    @Test
    void everyBadFieldIsNamed() {
        List<Case> cases = List.of(
                new Case("concurrency must be >= 1, was 0", () -> Schedule.closed(0)),
                new Case("concurrency must be <= the number of clients 3, was 5",
                        () -> base().schedule(Schedule.closed(5)).build()),
                new Case("ratePerSecond must be finite and > 0, was -1.0", () -> Schedule.poisson(-1)),
                new Case("interval seconds must be finite and > 0, was 0.0", () -> Schedule.everyInterval(0)),
                new Case("firstK must be >= 1, was 0", () -> Schedule.rounds().firstK(0)),
                new Case("deadline must be > 0 seconds, was -2.0", () -> Schedule.rounds().deadline(-2)),
                new Case("overSelection factor must be finite and >= 1, was 0.5",
                        () -> Schedule.rounds().overSelection(0.5)),
                new Case("maxStaleness must be >= 0, was -1", () -> Schedule.closed(2).maxStaleness(-1)),
                new Case("firstK applies to the rounds schedule, not to closed(concurrency 2)",
                        () -> Schedule.closed(2).firstK(1)),
                new Case("maxStaleness applies to asynchronous schedules", () -> Schedule.rounds().maxStaleness(3)),
                new Case("replay times must be finite, >= 0 and non-decreasing; times[1] was 1.0",
                        () -> Schedule.replay(new double[] {2, 1}, new int[] {0, 1})),
                new Case("replay start 0 names client 7, but there are 3 clients",
                        () -> base().schedule(Schedule.replay(new double[] {1}, new int[] {7})).build()),
                new Case("maxTime must be > 0 seconds, was 0.0", () -> base().maxTime(0)),
                new Case("schedule must be set", () -> TimedSimulation.builder(new BufferedDelta(2, 1.0,
                        Staleness.constant())).model(new LeastSquares(1)).data(TimedSimulationTest.scalar(0, 1))
                        .config(TimedSimulationTest.config(3, 1)).build()),
                new Case("is asynchronous; the rounds schedule runs synchronous algorithms",
                        () -> base().schedule(Schedule.rounds()).build()),
                new Case("a participation model applies to the rounds schedule",
                        () -> base().participation(Participation.all()).build()),
                new Case("initialParameters length must be 1 (the model dimension), was 2",
                        () -> base().initialParameters(org.nd4j.linalg.factory.Nd4j.zeros(2)).build()),
                new Case("a timer must be at a finite time >= now", () -> AsyncContext.forTesting(new int[] {1}, 1,
                        io.github.fl4j.core.tensor.Precision.FLOAT64, 5.0, (t, tag) -> { }).scheduleTimer(4, 0)),
                new Case("samplesPerSecond must be > 0, was 0.0", () -> new Device(0, 1, 1, 0)),
                new Case("staleness must be >= 0, was -1", () -> Staleness.constant().weight(-1)));
        for (Case c : cases) {
            Throwable e = assertThrows(IllegalArgumentException.class, c.run(), c.expected());
            assertTrue(e.getMessage().contains(c.expected()), "expected '" + c.expected() + "' in: " + e.getMessage());
        }
    }

    @Test
    void aRunIsOneShot() {
        TimedSimulation<?, ?> sim = base().build();
        sim.run();
        IllegalStateException e = assertThrows(IllegalStateException.class, sim::run);
        assertTrue(e.getMessage().contains("runs once"));
    }

    @Test
    void aDivergingClientNamesTheVersionTheClientAndTheSeed() {
        Supplier<TimedSimulation<?, ?>> sim = () -> TimedSimulation.builder(new BufferedDelta(1, 1.0,
                        Staleness.constant())).model(new LeastSquares(1))
                .data(TimedSimulationTest.scalar(1e200, 1)).config(TimedSimulationTest.config(3, 1))
                .schedule(Schedule.closed(2)).build();
        // a finite target of 1e200: the loss (x - 1e200)^2 / 2 overflows to infinity, a real divergence
        io.github.fl4j.core.sim.SimulationException e = assertThrows(io.github.fl4j.core.sim.SimulationException.class,
                () -> sim.get().run());
        assertTrue(e.getMessage().contains("client 0") && e.getMessage().contains("seed 7"), e.getMessage());
        // a NaN in the data is not a divergence: it is named (client, row, value) when the simulation is built
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> TimedSimulation.builder(
                new BufferedDelta(1, 1.0, Staleness.constant())).model(new LeastSquares(1))
                .data(TimedSimulationTest.scalar(Double.NaN, 1)).config(TimedSimulationTest.config(3, 1))
                .schedule(Schedule.closed(2)).build());
        assertTrue(bad.getMessage().contains("client 0") && bad.getMessage().contains("row 0")
                && bad.getMessage().contains("NaN"), bad.getMessage());
    }

    @Test
    void anInterruptStopsATimedRunBeforeTheNextEvent() {
        for (int threads : new int[] {1, 2}) {
            TimedSimulation<?, ?> sim = TimedSimulation.builder(new BufferedDelta(1, 1.0, Staleness.constant()))
                    .model(new LeastSquares(1)).data(TimedSimulationTest.scalar(0, 1, 2))
                    .config(TimedSimulationTest.config(10, threads)).schedule(Schedule.closed(2))
                    .listener(new TimeListener() {
                        @Override
                        public void onVersion(TimeReport r) {
                            if (r.version() == 3) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }).build();
            io.github.fl4j.core.sim.RunCancelledException e =
                    assertThrows(io.github.fl4j.core.sim.RunCancelledException.class, sim::run);
            assertTrue(Thread.interrupted());
            assertTrue(e.round() == 4 && e.getMessage().contains("before version 4"), e.getMessage());
        }
    }
}
