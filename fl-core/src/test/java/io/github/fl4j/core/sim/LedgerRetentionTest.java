package io.github.fl4j.core.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.NoState;
import io.github.fl4j.core.comm.Direction;
import io.github.fl4j.core.comm.LedgerFile;
import io.github.fl4j.core.comm.LedgerOptions;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A run's ledger options change what is kept, never the run: same reports, totals and bits; the file resumes. */
class LedgerRetentionTest {

    private static Simulation.Builder<INDArray, NoState> sim(int rounds) {
        return Simulation.builder(new SimulationTest.FedSgd(0.5)).model(new LeastSquares(1))
                .data(SimulationTest.scalarClients(6)).initialParameters(Nd4j.zeros(DataType.DOUBLE, 1))
                .participation(Participation.markov(new double[] {0.3, 0.5, 0.7, 0.2, 0.9, 0.4}, 0.3))
                .config(SimulationConfig.builder().rounds(rounds).clientsPerRound(2).seed(5)
                        .precision(Precision.FLOAT64).evalEvery(1).build());
    }

    @Test
    void totalsOnlyWithAnEntryFileGivesTheSameRunAsKeepingEverything(@TempDir Path dir) throws IOException {
        SimulationResult<INDArray> kept = sim(30).ledger(LedgerOptions.keepAll()).build().run();
        Path file = dir.resolve("ledger.bin");
        SimulationResult<INDArray> bounded = sim(30).ledger(LedgerOptions.totalsOnly().writingEntriesTo(file))
                .build().run();
        assertFalse(bounded.ledger().keepsEntries());
        assertTrue(kept.ledger().keepsEntries());
        assertTrue(kept.ledger().sameAs(bounded.ledger()));
        assertEquals(kept.uplinkBits(), bounded.uplinkBits());
        assertEquals(kept.downlinkBits(), bounded.downlinkBits());
        for (int t = 0; t < 30; t++) {
            assertEquals(kept.reports().get(t).withoutTimings(), bounded.reports().get(t).withoutTimings());
        }
        for (int c = 0; c < 6; c++) {
            assertEquals(kept.ledger().clientBits(c, Direction.UPLINK), bounded.ledger().clientBits(c,
                    Direction.UPLINK));
        }
        assertArrayEquals(Tensors.toDoubleArray(kept.finalParameters()),
                Tensors.toDoubleArray(bounded.finalParameters()), 0);
        assertEquals(kept.ledger().entries(), LedgerFile.read(file).entries());
        assertEquals(bounded.ledger().size(), LedgerFile.count(file));
    }

    @Test
    void aResumedRunContinuesItsEntryFileByteForByte(@TempDir Path dir) throws IOException {
        Path wholeFile = dir.resolve("whole.bin");
        sim(12).ledger(LedgerOptions.totalsOnly().writingEntriesTo(wholeFile)).build().run();

        Path checkpoints = dir.resolve("checkpoints");
        Path file = dir.resolve("resumed.bin");
        LedgerOptions options = LedgerOptions.keepUpTo(10).writingEntriesTo(file);
        // the first run stops after round 7 with a checkpoint at round 6; its file holds round 7 too
        sim(7).ledger(options).checkpointEvery(6, checkpoints).build().run();
        Files.delete(checkpoints.resolve("checkpoint-000007.fl4j"));
        assertTrue(LedgerFile.count(file) > 0);
        SimulationResult<INDArray> resumed = sim(12).ledger(options).build().resume(checkpoints);
        assertArrayEquals(Files.readAllBytes(wholeFile), Files.readAllBytes(file));
        SimulationResult<INDArray> whole = sim(12).ledger(LedgerOptions.keepAll()).build().run();
        assertTrue(whole.ledger().sameAs(resumed.ledger()));
    }
}
