package io.github.fl4j.algorithms.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.algorithms.scaffold.Scaffold;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.model.Mlp;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Soak test of native memory: 500 small simulations in one JVM, one after another as a sweep runs them (FedAvg and
 * SCAFFOLD, an Mlp and a softmax regression, one and two worker threads, each run building its own model and
 * algorithm over one shared data set), sampling the resident size (VmRSS of /proc/self/status) after a garbage
 * collection every 20 runs. Resident memory must stop growing: over the last 200 runs it may grow by at most
 * {@value #BOUND_MB} MB.
 *
 * <p>Measured on the 2-core reference machine ({@code -Xmx4g}), VmRSS after runs 20 / 300 / 500: before the fixes
 * 178 / 526 / 741 MB, growing by about 1.2 MB per run without end (each Mlp used on the calling thread stayed
 * reachable with its native activation blocks, 3.1 MB for the 1000-row test set at 60-256-256-10, and every
 * one-thread run left its workspaces on the calling thread); after them 136 / 180 / 186 MB, flat from run 60 on
 * (within +-8 MB of heap noise).
 *
 * <p>Not a timing test. Linux only (skips where /proc/self/status is absent). About a minute.
 */
class NativeMemorySoakIT {
    static final int RUNS = 500;
    static final int EVERY = 20;
    static final int BOUND_MB = 32;

    @Test
    void residentMemoryStopsGrowing() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")),
                "needs /proc/self/status");
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.github.fl4j"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        long[] rss = soak(RUNS, EVERY);
        StringBuilder trace = new StringBuilder();
        for (int i = 0; i < rss.length; i++) {
            trace.append(String.format(Locale.ROOT, " %d:%.1f", (i + 1) * EVERY, rss[i] / 1048576.0));
        }
        System.out.println("VmRSS MB after runs:" + trace);
        int at300 = 300 / EVERY - 1;
        long max = 0;
        for (int i = at300; i < rss.length; i++) {
            max = Math.max(max, rss[i]);
        }
        double growthMb = (max - rss[at300]) / 1048576.0;
        System.out.printf(Locale.ROOT, "growth over runs 300..500: %.1f MB (first sample %.1f MB, last %.1f MB)%n",
                growthMb, rss[0] / 1048576.0, rss[rss.length - 1] / 1048576.0);
        assertTrue(growthMb < BOUND_MB, "resident memory grew by " + growthMb + " MB over the last 200 runs:"
                + trace);
    }

    /** Runs {@code runs} simulations and returns VmRSS (bytes) after a GC every {@code every} runs. */
    static long[] soak(int runs, int every) throws Exception {
        FederatedDataset data = SyntheticFedProx.builder().clients(10).dimension(60).classes(10).fixedSamples(500)
                .build().generate(new SeedTree(3).stream(Purpose.DATA_GENERATION));
        List<Long> samples = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            boolean scaffold = i % 2 == 1;
            boolean mlp = (i / 2) % 2 == 0;
            int threads = (i / 4) % 2 + 1;
            Model model = mlp ? new Mlp(60, new int[] {256, 256}, 10) : new SoftmaxRegression(60, 10);
            FederatedAlgorithm<?, ?> alg = scaffold
                    ? Scaffold.builder().localSteps(3, 8).localLearningRate(0.05).build()
                    : FedAvg.builder().localSteps(3, 8).localLearningRate(0.05).build();
            SimulationConfig cfg = SimulationConfig.builder().rounds(3).clientsPerRound(4).threads(threads)
                    .seed(100 + i).evalEvery(3).build();
            SimulationResult<?> r = Simulation.builder(alg).config(cfg).model(model).data(data).build().run();
            assertEquals(3, r.reports().size());
            if ((i + 1) % every == 0) {
                for (int k = 0; k < 3; k++) {
                    System.gc();
                    Thread.sleep(100);
                }
                samples.add(vmRss());
            }
        }
        return samples.stream().mapToLong(Long::longValue).toArray();
    }

    /** VmRSS of this process in bytes. */
    static long vmRss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }

    /** Standalone: {@code runs every}; prints the samples in MB. */
    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.github.fl4j"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        long t0 = System.nanoTime();
        long[] rss = soak(Integer.parseInt(args[0]), Integer.parseInt(args[1]));
        StringBuilder b = new StringBuilder();
        for (long v : rss) {
            b.append(String.format(Locale.ROOT, " %.1f", v / 1048576.0));
        }
        System.out.println("VmRSS MB:" + b + "  (" + (System.nanoTime() - t0) / 1e9 + " s)");
    }
}
