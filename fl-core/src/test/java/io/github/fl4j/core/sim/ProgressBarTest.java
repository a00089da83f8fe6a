package io.github.fl4j.core.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class ProgressBarTest {

    @Test
    void theLineShowsTheBarTheCountTheTimeAndTheRemainingTime() {
        ProgressBar bar = new ProgressBar("FedAvg", 10, new PrintStream(new ByteArrayOutputStream()));
        // 3 of 10 rounds: 30 * 3 / 10 = 9 cells filled, the arrow in cell 10; 6 s so far, 2 s per round, 7 left
        assertEquals("FedAvg [=========>                    ] 3/10 rounds  6.0 s  ETA 14.0 s", bar.line(3, 6.0));
        assertEquals("FedAvg [==============================] 10/10 rounds  20.0 s", bar.line(10, 20.0));
        assertEquals("FedAvg [>                             ] 0/10 rounds  0.0 s", bar.line(0, 0.0));
        // after a report with a test accuracy, the line ends with it (and keeps it through rounds without one)
        bar.onRound(new RoundReport(3, 4, 0.5, 0.4, 0.8123, 0, 0, 0, 0, 0, 0, Double.NaN));
        bar.onRound(new RoundReport(4, 4, 0.5, Double.NaN, Double.NaN, 0, 0, 0, 0, 0, 0, Double.NaN));
        assertEquals("FedAvg [============>                 ] 4/10 rounds  8.0 s  ETA 12.0 s  acc 0.8123",
                bar.line(4, 8.0));
    }

    @Test
    void aRunWithTheBarHasTheSameBitsDrawsEveryRoundAndEndsItsLine() {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar("FedSGD", 6, new PrintStream(console, true, StandardCharsets.UTF_8));
        assertTrue(bar.drawsProgress());
        SimulationResult<?> with = run(bar);
        SimulationResult<?> without = run(null);
        assertArrayEquals(Tensors.toDoubleArray(without.finalParameters()),
                Tensors.toDoubleArray(with.finalParameters()));
        String text = console.toString(StandardCharsets.UTF_8);
        assertEquals(7, text.chars().filter(c -> c == '\r').count(), text); // rounds 0 (start) to 6
        assertTrue(text.endsWith("\n"), text);
        assertTrue(text.contains("6/6 rounds"), text);
        assertFalse(text.contains("acc "), text); // least squares has no accuracy
    }

    @Test
    void listenersDoNotDrawProgressByDefault() {
        assertFalse(((RoundListener) r -> { }).drawsProgress());
    }

    @Test
    void badArgumentsAreNamed() {
        PrintStream out = new PrintStream(new ByteArrayOutputStream());
        assertEquals("rounds must be >= 1, was 0",
                assertThrows(IllegalArgumentException.class, () -> new ProgressBar("x", 0, out)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ProgressBar(null, 3, out));
        assertThrows(IllegalArgumentException.class, () -> new ProgressBar("x", 3, null));
    }

    @SuppressWarnings("unchecked")
    private static SimulationResult<?> run(RoundListener listener) {
        Simulation.Builder<?, ?> b = Simulation.builder((FederatedAlgorithm<Object, Object>) TestAlgorithms.fedSgd(0.1))
                .model(new LeastSquares(1)).data(SimulationTest.scalarClients(4))
                .initialParameters(Nd4j.zeros(DataType.DOUBLE, 1))
                .config(SimulationConfig.builder().rounds(6).clientsPerRound(4).seed(5)
                        .precision(Precision.FLOAT64).build());
        if (listener != null) {
            b.listener(listener);
        }
        return b.build().run();
    }
}
