package io.github.fl4j.core.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.NoState;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.state.CheckpointFile;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Checkpoint files: naming, retention, resume, and every way a checkpoint can be wrong. */
class CheckpointTest {

    private static Simulation.Builder<INDArray, NoState> sim(double lr, int rounds) {
        return Simulation.builder(new SimulationTest.FedSgd(lr)).model(new LeastSquares(1))
                .data(SimulationTest.scalarClients(6)).initialParameters(Nd4j.zeros(DataType.DOUBLE, 1))
                .participation(Participation.markov(new double[] {0.3, 0.5, 0.7, 0.2, 0.9, 0.4}, 0.3))
                .config(SimulationConfig.builder().rounds(rounds).clientsPerRound(2).seed(5)
                        .precision(Precision.FLOAT64).evalEvery(1).build());
    }

    @Test
    void checkpointsAreNamedByRoundAndOnlyTheNewestAreKept(@TempDir Path dir) throws IOException {
        sim(0.5, 7).checkpoints(CheckpointPolicy.every(2, dir).keeping(2)).build().run();
        // rounds 2, 4, 6 and the last (7); the two newest stay
        assertEquals(List.of(dir.resolve("checkpoint-000006.fl4j"), dir.resolve("checkpoint-000007.fl4j")),
                Checkpoints.complete(dir));
        try (var s = Files.list(dir)) {
            assertFalse(s.anyMatch(p -> p.toString().endsWith(".tmp")), "no temporary file is left");
        }
    }

    @Test
    void resumingExtendsARunToMoreRoundsWithTheSameBits(@TempDir Path dir) throws IOException {
        sim(0.5, 4).checkpointEvery(4, dir).build().run();
        SimulationResult<INDArray> resumed = sim(0.5, 9).build().resume(dir);
        SimulationResult<INDArray> full = sim(0.5, 9).build().run();
        assertEquals(9, resumed.reports().size());
        assertArrayEquals(Tensors.toDoubleArray(full.finalParameters()),
                Tensors.toDoubleArray(resumed.finalParameters()), 0);
        assertEquals(full.ledger().entries(), resumed.ledger().entries());
        for (int t = 0; t < 9; t++) {
            assertEquals(full.reports().get(t).withoutTimings(), resumed.reports().get(t).withoutTimings());
        }
    }

    @Test
    void anotherAlgorithmOrConfigurationIsRefusedNamingBoth(@TempDir Path dir) throws IOException {
        sim(0.5, 3).checkpointEvery(3, dir).build().run();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Simulation.builder(new SimulationTest.FedSgd(0.5) {
                    @Override
                    public String name() {
                        return "FedSGD-other";
                    }
                }).model(new LeastSquares(1)).data(SimulationTest.scalarClients(6))
                        .participation(Participation.markov(new double[] {0.3, 0.5, 0.7, 0.2, 0.9, 0.4}, 0.3))
                        .config(SimulationConfig.builder().rounds(5).clientsPerRound(2).seed(5)
                                .precision(Precision.FLOAT64).build())
                        .build().resume(dir));
        assertTrue(e.getMessage().contains("algorithm is 'FedSGD' in the checkpoint but 'FedSGD-other'"),
                e.getMessage());
        IllegalArgumentException seed = assertThrows(IllegalArgumentException.class, () -> sim(0.5, 5)
                .config(SimulationConfig.builder().rounds(5).clientsPerRound(2).seed(6).precision(Precision.FLOAT64)
                        .build()).build().resume(dir));
        assertTrue(seed.getMessage().contains("seed is '5' in the checkpoint but '6'"), seed.getMessage());
        assertTrue(seed.getMessage().contains("configuration hash"), seed.getMessage());
    }

    @Test
    void aCheckpointAfterTheConfiguredRoundsIsRefused(@TempDir Path dir) throws IOException {
        sim(0.5, 6).checkpointEvery(6, dir).build().run();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sim(0.5, 4).build().resume(dir));
        assertTrue(e.getMessage().contains("round 6") && e.getMessage().contains("rounds 4"), e.getMessage());
    }

    @Test
    void noCheckpointIsAClearError(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> sim(0.5, 3).build().resume(dir));
        assertTrue(e.getMessage().contains("no complete checkpoint") && e.getMessage().contains(dir.toString()),
                e.getMessage());
    }

    @Test
    void aTruncatedCheckpointNamesTheFileAndTheOffset(@TempDir Path dir) throws IOException {
        sim(0.5, 3).checkpointEvery(3, dir).build().run();
        Path file = dir.resolve("checkpoint-000003.fl4j");
        long size = Files.size(file);
        for (long keep : new long[] {0, 5, 12, 20, size / 2, size - 1}) {
            Path cut = dir.resolve("cut-" + keep + ".fl4j");
            Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(file), (int) keep));
            IOException e = assertThrows(IOException.class, () -> sim(0.5, 3).build().resumeFrom(cut));
            assertTrue(e.getMessage().contains(cut.toString()) && e.getMessage().contains("byte offset"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void aCorruptedCheckpointNamesTheFileTheSectionAndTheOffset(@TempDir Path dir) throws IOException {
        sim(0.5, 3).checkpointEvery(3, dir).build().run();
        Path file = dir.resolve("checkpoint-000003.fl4j");
        long size = Files.size(file);
        for (long at : new long[] {40, size / 3, size / 2, size - 30}) {
            Path bad = dir.resolve("bad-" + at + ".fl4j");
            Files.copy(file, bad);
            try (RandomAccessFile f = new RandomAccessFile(bad.toFile(), "rw")) {
                f.seek(at);
                int b = f.read();
                f.seek(at);
                f.write(b ^ 0x10);
            }
            // verify checks lengths and CRCs but does not interpret section names: a flip inside a name shows as
            // a different list of names (and resume, below, refuses the file)
            java.util.List<String> names = null;
            try {
                names = CheckpointFile.Reader.verify(bad);
            } catch (IOException e) {
                assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("byte offset"),
                        e.getMessage());
            }
            if (names != null) {
                assertNotEquals(CheckpointFile.Reader.verify(file), names, "flip at " + at + " of " + size);
            }
            Exception resume = assertThrows(Exception.class, () -> sim(0.5, 3).build().resumeFrom(bad));
            assertTrue(resume.getMessage().contains(bad.toString()), resume.getMessage());
        }
    }

    @Test
    void notACheckpointIsNamed(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("x.fl4j");
        Files.writeString(f, "hello, this is not a checkpoint");
        IOException e = assertThrows(IOException.class, () -> CheckpointFile.Reader.verify(f));
        assertTrue(e.getMessage().contains("not an fl4j checkpoint") && e.getMessage().contains(f.toString()),
                e.getMessage());
    }

    @Test
    void badPoliciesNameTheField() {
        assertThrows(IllegalArgumentException.class, () -> CheckpointPolicy.every(0, Path.of("x")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CheckpointPolicy.every(1, Path.of("x")).keeping(0));
        assertEquals("checkpoint keep must be >= 1, was 0", e.getMessage());
    }
}
