package io.github.fl4j.algorithms.resume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.algorithms.fedspeed.FedSpeed;
import io.github.fl4j.core.sim.RoundReport;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.state.CheckpointFile;
import io.github.fl4j.core.state.StateStoreFactory;
import io.github.fl4j.core.tensor.Tensors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run is started in a forked JVM, killed with SIGKILL while it writes the checkpoint of round 5 (after the section
 * of the client states, before the file is complete), and resumed here from what is on disk: the newest complete
 * checkpoint is round 4's, the half-written file is ignored, and the resumed run reaches the same final bits as an
 * uninterrupted one.
 */
class CheckpointKillTest {

    @Test
    void killedWhileWritingACheckpointResumesToTheSameBits(@TempDir Path dir) throws Exception {
        killAndResume(dir, null);
    }

    /**
     * The same with the client states and FedSpeed's duals on disk: the child is killed with its store files open (in
     * the middle of a checkpoint, after the clients section), and the resume, with a disk store on the same folder,
     * refills it from round 4's checkpoint and reaches the bits of an uninterrupted in-memory run.
     */
    @Test
    void killedWhileWritingACheckpointWithTheDiskStoreResumesToTheSameBits(@TempDir Path dir) throws Exception {
        killAndResume(dir.resolve("checkpoints"), dir.resolve("stores"));
    }

    private static void killAndResume(Path dir, Path stores) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                KilledRun.class.getName(), dir.toString(), "5"));
        if (stores != null) {
            command.add(stores.toString());
        }
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectErrorStream(true);
        Process child = pb.start();
        List<String> output = new ArrayList<>();
        String paused = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            String line;
            while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
                output.add(line);
                if (line.startsWith(KilledRun.PAUSED)) {
                    paused = line;
                    break;
                }
            }
            assertNotNull(paused, "the child never reached the checkpoint of round 5; its output:\n"
                    + String.join("\n", output));
            child.destroyForcibly(); // SIGKILL on Unix: no shutdown hook, no finally block runs
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not die");
        } finally {
            child.destroyForcibly();
        }
        assertEquals(137, child.exitValue(), "exit status of a process killed by SIGKILL");

        Path partial = dir.resolve("checkpoint-000005.fl4j.tmp");
        assertTrue(Files.exists(partial), "the half-written checkpoint is on disk");
        assertFalse(Files.exists(dir.resolve("checkpoint-000005.fl4j")), "round 5 was never completed");
        assertTrue(Files.exists(dir.resolve("checkpoint-000004.fl4j")), "round 4's checkpoint is intact");
        assertEquals(List.of("header", "run", "server", "clients", "tables", "participation", "ledger", "reports"),
                CheckpointFile.Reader.verify(dir.resolve("checkpoint-000004.fl4j")));
        IOException e = assertThrows(IOException.class, () -> CheckpointFile.Reader.verify(partial));
        assertTrue(e.getMessage().contains(partial.toString()) && e.getMessage().contains("byte offset"),
                e.getMessage());

        if (stores != null) {
            assertTrue(Files.exists(stores.resolve("clients.log")) && Files.exists(stores.resolve("fedspeed.duals.log")),
                    "the child's stores are on disk");
        }
        var resumedBuilder = KilledRun.builder(1);
        if (stores != null) {
            resumedBuilder.stateStores(StateStoreFactory.onDisk(stores, 1024));
        }
        SimulationResult<FedSpeed.ServerState> resumed = resumedBuilder.build().resume(dir);
        SimulationResult<FedSpeed.ServerState> full = KilledRun.builder(1).build().run();
        assertEquals(KilledRun.ROUNDS, resumed.reports().size());
        List<RoundReport> a = new ArrayList<>();
        List<RoundReport> b = new ArrayList<>();
        full.reports().forEach(r -> a.add(r.withoutTimings()));
        resumed.reports().forEach(r -> b.add(r.withoutTimings()));
        assertEquals(a, b);
        assertArrayEquals(Tensors.toDoubleArray(full.finalParameters()),
                Tensors.toDoubleArray(resumed.finalParameters()), 0);
        assertEquals(full.ledger().entries(), resumed.ledger().entries());
    }
}
