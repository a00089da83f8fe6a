package io.github.fl4j.algorithms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.registry.Kind;
import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.RunDescription;
import io.github.fl4j.core.registry.Spec;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.tensor.Precision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/registry.md} in step with the standard registry: the component tables between its markers are
 * generated from {@link Registry#describe}, and its sample run description is {@link #sample()}'s text. Run with
 * {@code -Dfl4j.updateDocs=true} to rewrite the tables after changing a component.
 */
class RegistryDocsTest {
    static final String BEGIN = "<!-- BEGIN GENERATED: component tables (RegistryDocsTest) -->";
    static final String END = "<!-- END GENERATED -->";

    private static final Path DOC = Path.of("..", "docs", "registry.md");

    /** The run description the page shows. */
    static RunDescription sample() {
        return new RunDescription(Spec.parse("fedavg(lr=0.05,steps=10,batch=10)"), Spec.of("softmax"),
                Spec.parse("mnist(dir=/data/mnist,clients=100,split=dirichlet,alpha=0.1)"),
                Spec.parse("uniform(m=10)"), Spec.parse("topk(fraction=0.1)"), Spec.of("identity"),
                SimulationConfig.builder().rounds(200).clientsPerRound(10).threads(2).seed(1).evalEvery(5)
                        .precision(Precision.FLOAT32).build());
    }

    /** The generated tables: one per kind, name, module and parameters. */
    static String tables(Registry r) {
        StringBuilder sb = new StringBuilder();
        for (Kind k : Kind.values()) {
            sb.append("\n### ").append(switch (k) {
                case ALGORITHM -> "Algorithms";
                case MODEL -> "Models";
                case DATA -> "Data";
                case COMPRESSOR -> "Compressors";
                case PARTICIPATION -> "Participation patterns";
                case AGGREGATOR -> "Aggregators";
                case SERVER_OPTIMIZER -> "Server optimizers";
                case ASYNC_ALGORITHM -> "Asynchronous algorithms";
                case DEVICES -> "Devices";
                case AVAILABILITY -> "Availability";
                case DROPOUT -> "Dropout";
                case SCHEDULE -> "Schedules (round rules and arrival models)";
                case STALENESS -> "Staleness functions";
                case ENGINE -> "Execution engines";
            }).append("\n\n");
            sb.append("| Name | Module | Parameters (defaults after `=`) |\n|---|---|---|\n");
            for (String name : r.names(k)) {
                sb.append("| `").append(name).append("` | ").append(module(r.provider(k, name))).append(" | ")
                        .append(cell(r.describe(k, name))).append(" |\n");
            }
        }
        return sb.append('\n').toString();
    }

    /** A description as a table cell: '|' escaped, '<' and '>' as entities (so that {@code <from data>} shows). */
    private static String cell(String description) {
        return description.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String module(String provider) {
        if (provider.startsWith("io.github.fl4j.core.")) {
            return "fl-core";
        }
        if (provider.startsWith("io.github.fl4j.compression.")) {
            return "fl-compression";
        }
        if (provider.startsWith("io.github.fl4j.algorithms.")) {
            return "fl-algorithms";
        }
        return provider;
    }

    @Test
    void docsShowEveryRegisteredComponentAndTheSampleText() throws IOException {
        assertTrue(Files.isRegularFile(DOC), "missing " + DOC.toAbsolutePath().normalize());
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertTrue(begin >= 0 && end > begin, "docs/registry.md must hold the markers " + BEGIN + " and " + END);
        String generated = tables(Registry.standard());
        String current = doc.substring(begin + BEGIN.length(), end);
        if (Boolean.getBoolean("fl4j.updateDocs") && !generated.equals(current)) {
            Files.writeString(DOC, doc.substring(0, begin + BEGIN.length()) + generated + doc.substring(end),
                    StandardCharsets.UTF_8);
            current = generated;
        }
        assertEquals(generated, current, "docs/registry.md is out of date; rewrite its tables with: mvn -pl "
                + "fl-algorithms -am test -Dtest=RegistryDocsTest -Dsurefire.failIfNoSpecifiedTests=false "
                + "-Dfl4j.updateDocs=true");
        assertTrue(doc.contains("```\n" + sample().toText() + "```"), "docs/registry.md must show the text of "
                + "RegistryDocsTest.sample():\n" + sample().toText());
    }
}
