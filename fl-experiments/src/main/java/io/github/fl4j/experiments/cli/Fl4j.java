package io.github.fl4j.experiments.cli;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.github.fl4j.core.data.io.MnistDatasets;
import io.github.fl4j.core.registry.Kind;
import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.experiments.grid.Grid;
import io.github.fl4j.experiments.grid.GridReports;
import io.github.fl4j.experiments.grid.GridResult;
import io.github.fl4j.experiments.grid.GridSpec;
import io.github.fl4j.experiments.run.BuildInfo;
import io.github.fl4j.experiments.run.ResolvedRun;
import io.github.fl4j.experiments.run.RunDirectory;
import io.github.fl4j.experiments.run.RunFile;
import io.github.fl4j.experiments.run.RunFileException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code fl4j} command line. Exit codes: 0 success, 2 bad input (a bad run file, override, option or argument;
 * the message names the file, the path and the value), 1 a failure while running (e.g. a diverged run, a dataset
 * that cannot be downloaded). Errors print one line without a stack trace; {@code --debug} adds it.
 */
@Command(name = "fl4j", mixinStandardHelpOptions = true, versionProvider = Fl4j.Version.class,
        description = "Federated-learning simulations from run files.",
        subcommands = {Fl4j.Run.class, Fl4j.GridCommand.class, Fl4j.Resume.class, Fl4j.Data.class, Fl4j.ListCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Examples:", "  fl4j run examples/runs/quickstart.yaml", "  fl4j run run.yaml --set rounds=300 "
            + "--set algorithm.lr=0.1", "  fl4j list algorithm", "  fl4j data download mnist"})
public final class Fl4j implements Runnable {

    /** Bad input: a run file, override, option or argument. */
    public static final int EXIT_BAD_INPUT = 2;
    /** A failure while running. */
    public static final int EXIT_FAILURE = 1;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Runs the command line and exits with its code.
     *
     * @param args the command and its arguments, e.g. {@code run examples/runs/quickstart.yaml}
     */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(execute(args, System.out, System.err));
    }

    /**
     * Runs the command line with the given streams (for tests and embedding).
     *
     * @param args the command and its arguments
     * @param out  where help and version texts go
     * @param err  where error messages go
     * @return the exit code: 0, {@link #EXIT_BAD_INPUT} or {@link #EXIT_FAILURE}
     */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = commandLine(out, err);
        return cl.execute(args);
    }

    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Fl4j());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            boolean debug = false;
            for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
                debug |= p.hasMatchedOption("--debug");
            }
            PrintWriter e = cmd.getErr();
            Throwable cause = ex;
            int code;
            if (cause instanceof RunFileException || cause instanceof IllegalArgumentException) {
                code = EXIT_BAD_INPUT;
                e.println("fl4j: error: " + cause.getMessage());
            } else {
                code = EXIT_FAILURE;
                e.println("fl4j: failed: " + message(cause));
            }
            if (debug) {
                cause.printStackTrace(e);
            } else {
                e.println("(run with --debug for the stack trace)");
            }
            e.flush();
            return code;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter e = cmd.getErr();
            e.println("fl4j: error: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, e);
            e.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
            e.flush();
            return EXIT_BAD_INPUT;
        });
        return cl;
    }

    private static String message(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    /** The version line: fl4j version and git revision. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            BuildInfo b = BuildInfo.current();
            return new String[] {"fl4j " + b.version() + " (git " + b.revision() + ")",
                "Java " + System.getProperty("java.version")};
        }
    }

    static void quietSimulationLogs() {
        // One log line per round would repeat the progress lines: keep the simulations' warnings only.
        Logging.level("WARN", "io.github.fl4j.core.sim", "io.github.fl4j.core.time");
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = {"Run one simulation from a run file "
        + "(YAML or JSON) into its output folder: run.yaml (resolved), build.json, rounds.csv, rounds.jsonl, "
        + "summary.json, summary.txt, checkpoints/."})
    static final class Run implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The run file.")
        Path file;

        @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Override a value, e.g. "
            + "rounds=300, algorithm.lr=0.1, time.schedule=closed(concurrency=5). Repeatable.")
        List<String> set = new ArrayList<>();

        @Option(names = "--force", description = "Overwrite the outputs of an earlier run in the output folder.")
        boolean force;

        @Option(names = {"-q", "--quiet"}, description = "No per-round lines, only the summary.")
        boolean quiet;

        @Override
        public Integer call() {
            quietSimulationLogs();
            RunFile rf = RunFile.read(file, set);
            String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            ResolvedRun run = rf.resolve(file.toString(), stem, Registry.standard());
            PrintStream out = System.out;
            RunDirectory.Outcome o = RunDirectory.run(run, Registry.standard(), force, quiet ? null : out);
            if (quiet) {
                out.print(o.summary());
                out.println("  outputs              " + o.directory());
            }
            return 0;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Continue a run from the newest "
        + "checkpoint in its folder (written when checkpointEvery > 0); the outputs equal an uninterrupted run's.")
    static final class Resume implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "The run folder (holding run.yaml and checkpoints/).")
        Path dir;

        @Option(names = {"-q", "--quiet"}, description = "No per-round lines, only the summary.")
        boolean quiet;

        @Override
        public Integer call() {
            quietSimulationLogs();
            if (!Files.isDirectory(dir)) {
                throw new RunFileException(dir + ": no such folder");
            }
            RunDirectory.Outcome o = RunDirectory.resume(dir, Registry.standard(), quiet ? null : System.out);
            if (quiet) {
                System.out.print(o.summary());
            }
            return 0;
        }
    }

    @Command(name = "grid", mixinStandardHelpOptions = true, description = {"Run a grid of strategies x seeds from a "
        + "grid file (JSON or YAML; the format of examples/grids/*.json) and write its reports: summary.md, "
        + "rounds.csv, plots. Finished runs whose configuration is unchanged are loaded, not run again."})
    static final class GridCommand implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The grid file.")
        Path file;

        @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Override a value of the grid "
            + "file, e.g. --set rounds=300 --set strategies.FedAvg.lr=0.1 (repeatable).")
        List<String> overrides = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            quietSimulationLogs();
            Path abs = file.toAbsolutePath();
            if (!Files.isRegularFile(abs)) {
                throw new RunFileException(file + ": no such file");
            }
            Path base = Path.of("").toAbsolutePath();
            String text = Files.readString(abs);
            String n = file.toString().toLowerCase(Locale.ROOT);
            Grid grid;
            boolean yamlFile = n.endsWith(".yaml") || n.endsWith(".yml");
            if (yamlFile || !overrides.isEmpty()) {
                // one tree (repeated keys refused), the overrides applied to it, then the grid reader on its JSON
                ObjectMapper mapper = yamlFile
                        ? YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()
                        : JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
                JsonNode tree;
                try {
                    tree = mapper.readTree(text);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new RunFileException(file + ": " + e.getOriginalMessage(), e);
                }
                if (!overrides.isEmpty()) {
                    if (!(tree instanceof ObjectNode object)) {
                        throw new RunFileException(file + ": the grid must be an object, was " + tree);
                    }
                    RunFile.applyOverrides(file.toString(), object, overrides);
                }
                grid = wrap(file, () -> GridSpec.parse(tree.toString(), base).build());
            } else {
                grid = wrap(file, () -> GridSpec.parse(abs, base).build());
            }
            long t0 = System.nanoTime();
            GridResult r = grid.run();
            System.out.println(GridReports.summaryMarkdown(r));
            System.out.printf(Locale.ROOT, "%d runs (%d executed, %d loaded, %d diverged) in %.1f s; output in %s%n",
                    r.runs().size(), r.executedRuns(), r.runs().size() - r.executedRuns(), r.divergedRuns().size(),
                    (System.nanoTime() - t0) / 1e9, grid.output());
            return 0;
        }

        private static Grid wrap(Path file, java.util.function.Supplier<Grid> build) {
            try {
                return build.get();
            } catch (RunFileException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                String m = e.getMessage();
                throw new RunFileException(m != null && m.startsWith(file.toString()) ? m : file + ": " + m, e);
            }
        }
    }

    @Command(name = "data", mixinStandardHelpOptions = true, description = "Datasets.",
            subcommands = {Data.Download.class})
    static final class Data implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }

        @Command(name = "download", mixinStandardHelpOptions = true, description = {"Download a dataset into the "
            + "cache (~/.fl4j/datasets, or $FL4J_DATASETS, or -Dfl4j.datasets=DIR), checking each file's SHA-256, "
            + "and print its folder (give it to a run file: data: mnist(dir=FOLDER,...)). NAME: mnist or "
            + "fashion-mnist."})
        static final class Download implements Callable<Integer> {
            @Parameters(paramLabel = "NAME", description = "mnist or fashion-mnist")
            String name;

            @Override
            public Integer call() {
                MnistDatasets.Variant v = MnistDatasets.Variant.parse(name);
                Path dir;
                try {
                    dir = new MnistDatasets().folder(v, null);
                } catch (IOException e) {
                    throw new UncheckedIOException(e.getMessage(), e); // says what to do offline
                }
                System.out.println(dir);
                return 0;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = {"List the registered components with "
        + "their parameters and defaults: every kind, or one (algorithm, async-algorithm, model, data, compressor, "
        + "participation, aggregator, server-optimizer, devices, availability, dropout, schedule, staleness, "
        + "engine)."})
    static final class ListCommand implements Callable<Integer> {
        @Parameters(paramLabel = "KIND", arity = "0..1", description = "One kind only.")
        String kind;

        @Override
        public Integer call() {
            Registry r = Registry.standard();
            if (kind == null) {
                System.out.print(r.help());
                return 0;
            }
            for (Kind k : Kind.values()) {
                if (k.label().equals(kind.toLowerCase(Locale.ROOT)) || k.label().equals(kind.toLowerCase(Locale.ROOT)
                        .replaceAll("s$", ""))) {
                    System.out.print(r.help(k));
                    return 0;
                }
            }
            List<String> labels = new ArrayList<>();
            for (Kind k : Kind.values()) {
                labels.add(k.label());
            }
            throw new IllegalArgumentException("unknown kind '" + kind + "'; known: " + String.join(", ", labels));
        }
    }

}
