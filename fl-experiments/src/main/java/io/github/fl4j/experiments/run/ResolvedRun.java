package io.github.fl4j.experiments.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.fl4j.core.registry.RunDescription;
import io.github.fl4j.core.registry.Spec;
import io.github.fl4j.core.sim.SimulationConfig;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A run file with every default filled in and every spec parsed: the library's {@link RunDescription} plus the run
 * options. {@link #toYaml()} is the resolved run file a run directory keeps (reading it back gives this run again).
 *
 * @param file            the name of the file it came from, for messages
 * @param algorithm       the algorithm spec (also in the description)
 * @param async           true for an asynchronous algorithm (run on the virtual clock)
 * @param description     the components and the configuration
 * @param engine          the execution engine spec
 * @param output          the output directory
 * @param checkpointEvery rounds between checkpoints, 0 for none
 * @param time            the simulation-with-time options, or null for a plain synchronous run
 */
public record ResolvedRun(String file, Spec algorithm, boolean async, RunDescription description, Spec engine,
                          Path output, int checkpointEvery, TimeOptions time) {

    /**
     * The time options.
     *
     * @param schedule     the round rule or arrival model
     * @param devices      the device model
     * @param availability the availability model
     * @param dropout      the dropout model
     * @param maxTime      the virtual time limit in seconds, or null
     */
    public record TimeOptions(Spec schedule, Spec devices, Spec availability, Spec dropout, Double maxTime) {
    }

    /** The run with another output directory. */
    public ResolvedRun withOutput(Path dir) {
        return new ResolvedRun(file, algorithm, async, description, engine, dir, checkpointEvery, time);
    }

    /** The resolved run file as a tree, keys in {@link RunFile#KEYS} order, specs as canonical text. */
    public ObjectNode toTree() {
        ObjectNode n = RunFile.object();
        RunDescription d = description;
        SimulationConfig c = d.config();
        n.put("algorithm", d.algorithm().toString());
        n.put("model", d.model().toString());
        n.put("data", d.data().toString());
        n.put("participation", d.participation().toString());
        n.put("uplink", d.uplink().toString());
        n.put("downlink", d.downlink().toString());
        n.put("rounds", c.rounds());
        n.put("clientsPerRound", c.clientsPerRound());
        n.put("threads", c.threads());
        n.put("seed", c.seed());
        n.put("evalEvery", c.evalEvery());
        n.put("precision", c.precision().name().toLowerCase(Locale.ROOT));
        n.put("engine", engine.toString());
        n.put("output", output.toString().replace('\\', '/'));
        n.put("checkpointEvery", checkpointEvery);
        if (time != null) {
            ObjectNode t = n.putObject("time");
            t.put("schedule", time.schedule().toString());
            t.put("devices", time.devices().toString());
            t.put("availability", time.availability().toString());
            t.put("dropout", time.dropout().toString());
            if (time.maxTime() != null) {
                t.put("maxTime", time.maxTime());
            }
        }
        return n;
    }

    /** The resolved run file in YAML. */
    public String toYaml() {
        return RunFile.yaml(toTree());
    }
}
