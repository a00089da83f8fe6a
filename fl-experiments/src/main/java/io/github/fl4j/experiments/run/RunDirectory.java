package io.github.fl4j.experiments.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.comm.Direction;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.FederatedData;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.RunDescription;
import io.github.fl4j.core.sim.ExecutionEngine;
import io.github.fl4j.core.sim.ReportFormat;
import io.github.fl4j.core.sim.RoundListener;
import io.github.fl4j.core.sim.RoundReport;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.time.AsyncAlgorithm;
import io.github.fl4j.core.time.TimeListener;
import io.github.fl4j.core.time.TimeReport;
import io.github.fl4j.core.time.TimedResult;
import io.github.fl4j.core.time.TimedSimulation;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runs a {@link ResolvedRun} into its output directory, and resumes one from its checkpoints. The directory holds:
 * <ul>
 *   <li>{@code run.yaml}: the resolved run file (every default written out; {@code fl4j run run.yaml} runs it again,
 *       {@code fl4j resume DIR} continues it);</li>
 *   <li>{@code build.json}: the fl4j version and git revision, the Java version;</li>
 *   <li>{@code rounds.csv} and {@code rounds.jsonl}: one row per round (per server version for runs in time), written
 *       with Jackson's CSV and JSON writers;</li>
 *   <li>{@code summary.json} and {@code summary.txt}: the final numbers, and a SHA-256 of the final parameters' bits
 *       (two runs with the same hash ended with bit-identical models);</li>
 *   <li>{@code checkpoints/}: when {@code checkpointEvery} &gt; 0.</li>
 * </ul>
 * Outputs are written when the run ends, each through a temporary file and a rename, so a killed run leaves no half
 * file (only its checkpoints).
 */
public final class RunDirectory {
    /** The resolved run file in a run directory. */
    public static final String RUN_FILE = "run.yaml";

    private RunDirectory() {
    }

    /**
     * The outcome of a run.
     *
     * @param directory the run directory
     * @param summary   the summary text
     * @param rows      the per-round rows (column name to value)
     * @param sha256    the SHA-256 of the final parameters (as float64 bits)
     */
    public record Outcome(Path directory, String summary, List<Map<String, Object>> rows, String sha256) {
    }

    /**
     * Runs {@code run} from round 1.
     *
     * @param force   overwrite an existing run directory
     * @param out     progress lines (one per round) and the summary; null for silence
     * @throws RunFileException    when the output directory already holds a run (without force) or a component's
     *                             parameters are bad (naming the file and the path)
     * @throws UncheckedIOException when the outputs cannot be written
     */
    public static Outcome run(ResolvedRun run, Registry registry, boolean force, PrintStream out) {
        Path dir = run.output();
        if (Files.exists(dir.resolve(RUN_FILE)) && !force) {
            throw new RunFileException(run.file() + ": output: " + dir + " already holds a run; continue it with "
                    + "'fl4j resume " + dir + "', or choose another folder (--set output=DIR), or overwrite it "
                    + "(--force)");
        }
        try {
            if (force && Files.isDirectory(dir)) {
                deleteOutputs(dir);
            }
            Files.createDirectories(dir);
            write(dir.resolve(RUN_FILE), run.toYaml());
            write(dir.resolve("build.json"), buildJson());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + dir + ": " + e.getMessage(), e);
        }
        return execute(run, registry, out, false);
    }

    /**
     * Continues the run in {@code dir} from its newest checkpoint up to its rounds; the outputs then equal those of
     * an uninterrupted run (except wall times).
     *
     * @throws RunFileException    if {@code dir} holds no run file or no checkpoint
     */
    public static Outcome resume(Path dir, Registry registry, PrintStream out) {
        Path file = dir.resolve(RUN_FILE);
        if (!Files.isRegularFile(file)) {
            throw new RunFileException(dir + ": not a run directory (no " + RUN_FILE + "); 'fl4j run FILE' makes one");
        }
        ResolvedRun run = RunFile.read(file, List.of()).resolve(file.toString(), "run", registry).withOutput(dir);
        if (run.checkpointEvery() == 0 || !Files.isDirectory(dir.resolve("checkpoints"))) {
            throw new RunFileException(file + ": checkpointEvery: the run wrote no checkpoints, so it cannot be "
                    + "resumed; run it again with --set checkpointEvery=N");
        }
        return execute(run, registry, out, true);
    }

    private static Outcome execute(ResolvedRun run, Registry registry, PrintStream out, boolean resume) {
        RunDescription d = run.description();
        SimulationConfig c = d.config();
        String f = run.file();
        FederatedData data = RunFile.at(f, "data", () -> registry.data(d.data(), c.seed(), c.precision()));
        Model model = RunFile.at(f, "model", () -> registry.model(d.model(), data));
        Compressor up = RunFile.at(f, "uplink", () -> registry.compressor(d.uplink()));
        Compressor down = RunFile.at(f, "downlink", () -> registry.compressor(d.downlink()));
        Path checkpoints = run.output().resolve("checkpoints");
        try (ExecutionEngine engine = RunFile.at(f, "engine", () -> registry.engine(run.engine(), c.threads()))) {
            if (run.time() == null) {
                FederatedAlgorithm<?, ?> alg = RunFile.at(f, "algorithm", () -> registry.algorithm(d.algorithm()));
                Participation part = RunFile.at(f, "participation",
                        () -> registry.participation(d.participation(), data.clientCount()));
                Simulation.Builder<?, ?> b = RunFile.at(f, "algorithm", () -> Simulation.builder(alg));
                b.config(c).data(data).model(model).participation(part).uplinkCompressor(up).downlinkCompressor(down)
                        .description(d).engine(engine);
                if (run.checkpointEvery() > 0) {
                    b.checkpointEvery(run.checkpointEvery(), checkpoints);
                }
                if (out != null) {
                    b.listener(new RoundListener() {
                        @Override
                        public void onRound(RoundReport r) {
                            out.println(ReportFormat.line(r, c.rounds()));
                        }
                    });
                }
                Simulation<?, ?> sim = RunFile.at(f, "algorithm", b::build);
                SimulationResult<?> res = resume ? sim.resume(checkpoints) : sim.run();
                return finish(run, rows(res.reports()), ReportFormat.summary(res), res.finalParameters(),
                        summaryJson(run, res.algorithm(), res.reports().isEmpty() ? null : res.lastReport(), null,
                                res.uplinkBits(), res.downlinkBits()), out);
            }
            return timed(run, registry, data, model, up, down, engine, checkpoints, out, resume);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private static Outcome timed(ResolvedRun run, Registry registry, FederatedData data, Model model, Compressor up,
                                 Compressor down, ExecutionEngine engine, Path checkpoints, PrintStream out,
                                 boolean resume) throws IOException {
        RunDescription d = run.description();
        SimulationConfig c = d.config();
        String f = run.file();
        ResolvedRun.TimeOptions t = run.time();
        TimedSimulation.Builder<?, ?> b;
        if (run.async()) {
            AsyncAlgorithm<?, ?> alg = RunFile.at(f, "algorithm", () -> registry.asyncAlgorithm(d.algorithm()));
            b = TimedSimulation.builder(alg);
        } else {
            FederatedAlgorithm<?, ?> alg = RunFile.at(f, "algorithm", () -> registry.algorithm(d.algorithm()));
            b = TimedSimulation.synchronous(alg);
            b.participation(RunFile.at(f, "participation",
                    () -> registry.participation(d.participation(), data.clientCount())));
        }
        b.config(c).data(data).model(model).uplinkCompressor(up).downlinkCompressor(down)
                .schedule(RunFile.at(f, "time.schedule", () -> registry.schedule(t.schedule())))
                .devices(RunFile.at(f, "time.devices", () -> registry.devices(t.devices())))
                .availability(RunFile.at(f, "time.availability", () -> registry.availability(t.availability())))
                .dropout(RunFile.at(f, "time.dropout", () -> registry.dropout(t.dropout())));
        if (t.maxTime() != null) {
            b.maxTime(t.maxTime());
        }
        if (run.checkpointEvery() > 0) {
            b.checkpointEvery(run.checkpointEvery(), checkpoints);
        }
        if (out != null) {
            b.listener(new TimeListener() {
                @Override
                public void onVersion(TimeReport r) {
                    out.printf(Locale.ROOT, "version %d/%d | t %.2f s | %d arrivals | train loss %.5f | test acc %s%n",
                            r.version(), c.rounds(), r.time(), r.arrivals(), r.trainLoss(),
                            Double.isNaN(r.testAccuracy()) ? "-" : String.format(Locale.ROOT, "%.4f",
                                    r.testAccuracy()));
                }
            });
        }
        TimedSimulation<?, ?> sim = RunFile.at(f, "algorithm", b::build);
        TimedResult<?> res = resume ? sim.resume(checkpoints) : sim.run();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (TimeReport r : res.reports()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", r.version());
            m.put("time", r.time());
            m.put("arrivals", r.arrivals());
            m.put("train_loss", r.trainLoss());
            m.put("staleness_mean", r.stalenessMean());
            m.put("staleness_max", r.stalenessMax());
            m.put("in_flight", r.inFlight());
            m.put("test_loss", r.testLoss());
            m.put("test_accuracy", r.testAccuracy());
            m.put("uplink_bits", r.uplinkBits());
            m.put("downlink_bits", r.downlinkBits());
            m.put("cumulative_uplink_bits", r.cumulativeUplink());
            m.put("cumulative_downlink_bits", r.cumulativeDownlink());
            m.put("wasted_updates", r.wastedUpdates());
            m.put("wasted_bits", r.wastedBits());
            m.put("wall_ms", r.wallNanos() / 1e6);
            rows.add(m);
        }
        TimeReport last = res.reports().isEmpty() ? null : res.reports().get(res.reports().size() - 1);
        String summary = String.format(Locale.ROOT, "%s finished %d versions at virtual time %.3f s (seed %d, %s)%n"
                        + "  final test accuracy  %s%n  uplink               %s%n  downlink             %s%n",
                res.algorithm(), res.reports().size(), res.virtualTime(), c.seed(), c.precision(),
                last == null || Double.isNaN(last.testAccuracy()) ? "-" : String.format(Locale.ROOT, "%.4f",
                        last.testAccuracy()), ReportFormat.bits(res.ledger().totalBits(Direction.UPLINK)),
                ReportFormat.bits(res.ledger().totalBits(Direction.DOWNLINK)));
        ObjectNode s = summaryJson(run, res.algorithm(), null, last, res.ledger().totalBits(Direction.UPLINK),
                res.ledger().totalBits(Direction.DOWNLINK));
        s.put("virtualTime", res.virtualTime());
        return finish(run, rows, summary, res.finalParameters(), s, out);
    }

    private static List<Map<String, Object>> rows(List<RoundReport> reports) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (RoundReport r : reports) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("round", r.round());
            m.put("participants", r.participants());
            m.put("train_loss", r.trainLoss());
            m.put("test_loss", r.testLoss());
            m.put("test_accuracy", r.testAccuracy());
            m.put("uplink_bits", r.uplinkBits());
            m.put("downlink_bits", r.downlinkBits());
            m.put("cumulative_uplink_bits", r.cumulativeUplink());
            m.put("cumulative_downlink_bits", r.cumulativeDownlink());
            m.put("epsilon", r.epsilon());
            m.put("wall_ms", r.wallNanos() / 1e6);
            rows.add(m);
        }
        return rows;
    }

    private static ObjectNode summaryJson(ResolvedRun run, String algorithm, RoundReport last, TimeReport lastTime,
                                          long up, long down) {
        ObjectNode s = RunFile.object();
        s.put("algorithm", algorithm);
        s.put("spec", run.algorithm().toString());
        s.put("seed", run.description().config().seed());
        s.put("rounds", run.description().config().rounds());
        if (last != null) {
            s.put("finalTrainLoss", last.trainLoss());
            s.put("finalTestLoss", last.testLoss());
            s.put("finalTestAccuracy", last.testAccuracy());
        }
        if (lastTime != null) {
            s.put("versions", lastTime.version());
            s.put("finalTrainLoss", lastTime.trainLoss());
            s.put("finalTestLoss", lastTime.testLoss());
            s.put("finalTestAccuracy", lastTime.testAccuracy());
        }
        s.put("uplinkBits", up);
        s.put("downlinkBits", down);
        return s;
    }

    private static Outcome finish(ResolvedRun run, List<Map<String, Object>> rows, String summary,
                                  INDArray parameters, ObjectNode summaryJson, PrintStream out) {
        Path dir = run.output();
        String sha = sha256(parameters);
        summaryJson.put("parameterCount", parameters.length());
        summaryJson.put("parametersSha256", sha);
        ObjectMapper json = RunFile.jsonMapper();
        try {
            for (Map<String, Object> r : rows) {
                // not evaluated (or no accountant): null in JSON, an empty CSV cell
                r.replaceAll((k, v) -> v instanceof Double x && Double.isNaN(x) ? null : v);
            }
            StringBuilder lines = new StringBuilder();
            for (Map<String, Object> r : rows) {
                lines.append(json.writeValueAsString(r)).append('\n');
            }
            write(dir.resolve("rounds.jsonl"), lines.toString());
            write(dir.resolve("rounds.csv"), csv(rows));
            write(dir.resolve("summary.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(summaryJson)
                    + "\n");
            write(dir.resolve("summary.txt"), summary + "  parameters sha-256   " + sha + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the outputs to " + dir + ": " + e.getMessage(), e);
        }
        if (!summary.endsWith("\n")) {
            summary = summary + "\n";
        }
        if (out != null) {
            out.println();
            out.print(summary);
            out.println("  outputs              " + dir);
        }
        return new Outcome(dir, summary, rows, sha);
    }

    private static String csv(List<Map<String, Object>> rows) throws JsonProcessingException {
        CsvMapper m = new CsvMapper();
        if (rows.isEmpty()) {
            return "";
        }
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        for (String col : rows.get(0).keySet()) {
            schema.addColumn(col);
        }
        return m.writer(schema.build()).writeValueAsString(rows);
    }

    /** SHA-256 of the parameters as float64 bits, in order. */
    static String sha256(INDArray parameters) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer b = ByteBuffer.allocate(8);
            for (double v : parameters.toDoubleVector()) {
                b.clear();
                b.putLong(Double.doubleToRawLongBits(v));
                md.update(b.array());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String buildJson() throws JsonProcessingException {
        BuildInfo b = BuildInfo.current();
        ObjectNode n = RunFile.object();
        n.put("fl4jVersion", b.version());
        n.put("gitRevision", b.revision());
        n.put("java", System.getProperty("java.version"));
        return RunFile.jsonMapper().writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n";
    }

    private static void deleteOutputs(Path dir) throws IOException {
        for (String name : List.of(RUN_FILE, "build.json", "rounds.csv", "rounds.jsonl", "summary.json",
                "summary.txt")) {
            Files.deleteIfExists(dir.resolve(name));
        }
        Path ck = dir.resolve("checkpoints");
        if (Files.isDirectory(ck)) {
            try (Stream<Path> s = Files.list(ck)) {
                for (Path p : s.toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Writes through a temporary file and an atomic rename. */
    static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
