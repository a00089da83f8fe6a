package io.github.fl4j.benchmarks.memory;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.core.api.Evaluation;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.ForwardingAlgorithm;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.sim.RoundReport;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A memory check of streaming aggregation (not a timing): FedAvg on a model of dimension d with P participants in a
 * round, through the streaming fold (the server's {@code begin}, chunks of the default size) or through the
 * collecting path (the same FedAvg whose server only has {@code apply}: every upload of the round is held until the
 * server applies them). Prints the peak Java heap, the peak and final resident memory (VmHWM and VmRSS of
 * /proc/self/status, which include ND4J's native buffers) and the round time.
 *
 * <p>The model is the cheapest one with d parameters: {@code f(x; B) = (1/2d) sum_j (x_j - ybar_B)^2} (ybar_B the
 * mean label of the batch), gradient {@code (x - ybar_B) / d}; each client has one sample. Expected memory: streaming
 * O(d (chunk + a few)), collecting O(d P); with d = 10^6 in float32 an upload is 4 MB, so P = 10^4 uploads would be
 * 40 GB on the collecting path.
 *
 * <p>Run each mode in its own JVM (VmHWM is per process), e.g.
 * <pre>
 * mvn -B -q -pl fl-benchmarks -am compile exec:java -Dexec.mainClass=io.github.fl4j.benchmarks.memory.StreamingMemoryBenchmark \
 *     -Dexec.args="mode=streaming participants=10000 dimension=1000000 threads=2"
 * </pre>
 * or with {@code java -Xmx256m -cp ...} to bound the heap (ND4J's off-heap limit follows -Xmx unless set).
 * Arguments: mode=streaming|collecting, participants (P, default 10000), dimension (d, default 1000000), threads
 * (default 2), rounds (default 1), chunk (participants per chunk, default: the engine's default).
 */
public final class StreamingMemoryBenchmark {
    private StreamingMemoryBenchmark() {
    }

    /** The benchmark's model: distance to the batch's mean label in every coordinate. */
    static final class MeanTargetModel implements Model {
        private final long d;

        MeanTargetModel(long d) {
            this.d = d;
        }

        @Override
        public long dimension() {
            return d;
        }

        @Override
        public void initialParameters(RandomStream rng, INDArray out) {
            Tensors.fillZero(out);
        }

        @Override
        public double lossAndGradient(INDArray params, Dataset batch, INDArray gradientOut) {
            double ybar = batch.labels().meanNumber().doubleValue();
            Tensors.copy(params, gradientOut);
            gradientOut.subi(ybar);
            double norm = Tensors.norm2(gradientOut);
            Tensors.scale(1.0 / d, gradientOut);
            return norm * norm / (2.0 * d);
        }

        @Override
        public double loss(INDArray params, Dataset batch) {
            INDArray g = Tensors.zeros(Precision.of(params.dataType()), d);
            return lossAndGradient(params, batch, g);
        }

        @Override
        public Evaluation evaluate(INDArray params, Dataset data) {
            return new Evaluation(loss(params, data), Double.NaN, data.size());
        }

        @Override
        public String toString() {
            return "MeanTargetModel(d=" + d + ")";
        }
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("arguments are key=value, got '" + arg + "'");
            }
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        String mode = a.getOrDefault("mode", "streaming");
        if (!mode.equals("streaming") && !mode.equals("collecting")) {
            throw new IllegalArgumentException("mode must be streaming or collecting, was " + mode);
        }
        int participants = Integer.parseInt(a.getOrDefault("participants", "10000"));
        long d = Long.parseLong(a.getOrDefault("dimension", "1000000"));
        int threads = Integer.parseInt(a.getOrDefault("threads", "2"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "1"));
        int chunk = Integer.parseInt(a.getOrDefault("chunk", "0"));

        List<Dataset> clients = new ArrayList<>(participants);
        for (int i = 0; i < participants; i++) {
            INDArray x = Nd4j.create(new float[] {1f}, new long[] {1, 1});
            INDArray y = Nd4j.create(new float[] {(i % 7) / 7f}, new long[] {1});
            clients.add(new Dataset(x, y));
        }
        Dataset test = new Dataset(Nd4j.create(new float[] {1f}, new long[] {1, 1}),
                Nd4j.create(new float[] {0.5f}, new long[] {1}));
        FederatedDataset data = new FederatedDataset(clients, test);
        FedAvg fedavg = FedAvg.builder().localTraining(LocalTraining.steps(1, 1)).localLearningRate(0.5).build();
        FederatedAlgorithm<FedAvg.ServerState, ?> alg = mode.equals("collecting")
                ? ForwardingAlgorithm.collecting(fedavg) : fedavg;
        SimulationConfig cfg = SimulationConfig.builder().rounds(rounds).clientsPerRound(participants)
                .threads(threads).seed(1).evalEvery(rounds).build();
        var builder = Simulation.builder(alg).config(cfg).model(new MeanTargetModel(d)).data(data);
        if (chunk > 0) {
            builder.chunkSize(chunk);
        }
        long t0 = System.nanoTime();
        SimulationResult<FedAvg.ServerState> r = builder.build().run();
        double seconds = (System.nanoTime() - t0) / 1e9;
        RoundReport last = r.reports().get(r.reports().size() - 1);

        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peakHeap += pool.getPeakUsage().getUsed();
            }
        }
        Map<String, String> status = procStatus();
        System.out.printf("mode=%s participants=%d dimension=%d threads=%d rounds=%d chunk=%s maxHeap=%.0fMB%n",
                mode, participants, d, threads, rounds, chunk > 0 ? Integer.toString(chunk) : "default",
                Runtime.getRuntime().maxMemory() / 1048576.0);
        System.out.printf("peakHeap=%.1fMB VmHWM=%s VmRSS=%s javacppPhysicalBytes=%.1fMB%n", peakHeap / 1048576.0,
                status.getOrDefault("VmHWM", "?"), status.getOrDefault("VmRSS", "?"),
                org.bytedeco.javacpp.Pointer.physicalBytes() / 1048576.0);
        System.out.printf("seconds=%.1f (%.2f ms per client-round) trainLoss=%s x[0]=%s%n", seconds,
                seconds * 1000 / ((double) participants * rounds), last.trainLoss(),
                r.finalParameters().getDouble(0));
    }

    private static Map<String, String> procStatus() throws IOException {
        Map<String, String> m = new HashMap<>();
        Path p = Path.of("/proc/self/status");
        if (!Files.exists(p)) {
            return m;
        }
        for (String line : Files.readAllLines(p)) {
            int c = line.indexOf(':');
            if (c > 0) {
                m.put(line.substring(0, c), line.substring(c + 1).trim());
            }
        }
        return m;
    }
}
