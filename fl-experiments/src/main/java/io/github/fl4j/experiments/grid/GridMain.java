package io.github.fl4j.experiments.grid;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs a JSON grid file (format: {@link GridSpec}) and writes its output directory. From the repository root:
 * {@code mvn -B -q -pl examples -am test-compile exec:java -Dexec.mainClass=io.github.fl4j.experiments.grid.GridMain
 * -Dexec.args="examples/grids/quick.json"}. A relative grid path is resolved against the working directory, then
 * against its parent (Maven may run from the module folder); the output path is resolved against the same folder.
 * Finished runs in {@code <output>/runs} are loaded, not re-run, while their configuration (its SHA-256) is unchanged;
 * diverged runs are reported, not fatal.
 */
public final class GridMain {
    private GridMain() {
    }

    /** Runs the grid file given as the only argument and prints its summary. */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: GridMain <grid.json>, got " + args.length + " arguments");
        }
        Path file = Path.of(args[0]);
        Path base = Path.of("").toAbsolutePath();
        if (!file.isAbsolute() && !Files.exists(base.resolve(file)) && base.getParent() != null
                && Files.exists(base.getParent().resolve(file))) {
            base = base.getParent();
        }
        file = base.resolve(file);
        Grid grid = GridSpec.parse(file, base).build();
        // One log line per round of every run would bury the progress bar: keep the simulations' warnings only.
        io.github.fl4j.experiments.cli.Logging.level("WARN", "io.github.fl4j.core.sim", "io.github.fl4j.core.time");
        long t0 = System.nanoTime();
        GridResult r = grid.run();
        System.out.println(GridReports.summaryMarkdown(r));
        System.out.printf("%d runs (%d executed, %d loaded, %d diverged) in %.1f s; output in %s%n",
                r.runs().size(), r.executedRuns(), r.runs().size() - r.executedRuns(), r.divergedRuns().size(),
                (System.nanoTime() - t0) / 1e9, grid.output());
    }
}
