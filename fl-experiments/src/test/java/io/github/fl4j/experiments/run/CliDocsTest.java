package io.github.fl4j.experiments.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.registry.Kind;
import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The run-file examples of docs/cli.md and examples/runs are valid: every spec they show builds or resolves. */
class CliDocsTest {
    private static final Registry R = Registry.standard();
    private static final Path DOC = Path.of("..", "docs", "cli.md");

    private static List<String> yamlBlocks() throws IOException {
        String doc = Files.readString(DOC);
        List<String> blocks = new ArrayList<>();
        int at = 0;
        while ((at = doc.indexOf("```yaml\n", at)) >= 0) {
            int end = doc.indexOf("```", at + 8);
            blocks.add(doc.substring(at + 8, end));
            at = end + 3;
        }
        return blocks;
    }

    @Test
    void theTwoFormsOfTheSameRunAreTheSameRun() throws IOException {
        List<String> blocks = yamlBlocks();
        assertTrue(blocks.size() >= 3, "docs/cli.md shows the text form, the map form and one example per kind");
        ResolvedRun text = RunFile.parse("a.yaml", blocks.get(0), List.of()).resolve("a.yaml", "a", R);
        ResolvedRun map = RunFile.parse("b.yaml", blocks.get(1), List.of()).resolve("b.yaml", "b", R);
        assertEquals(text.description(), map.description());
    }

    /** Each line of the "one example per kind" block builds with the registry (the libsvm file is not read). */
    @Test
    void everyExamplePerKindBuilds() throws IOException {
        Map<String, Kind> kinds = Map.of("algorithm", Kind.ALGORITHM, "model", Kind.MODEL, "data", Kind.DATA,
                "participation", Kind.PARTICIPATION, "uplink", Kind.COMPRESSOR, "engine", Kind.ENGINE,
                "schedule", Kind.SCHEDULE, "devices", Kind.DEVICES, "availability", Kind.AVAILABILITY,
                "dropout", Kind.DROPOUT);
        String block = yamlBlocks().get(2);
        int checked = 0;
        for (String line : block.split("\n")) {
            String l = line.strip();
            int hash = l.indexOf(" #");
            if (hash >= 0) {
                l = l.substring(0, hash).strip();
            }
            int colon = l.indexOf(": ");
            if (l.startsWith("#") || colon < 0) {
                continue;
            }
            String key = l.substring(0, colon);
            String value = l.substring(colon + 2);
            if (key.equals("maxTime")) {
                continue;
            }
            Kind kind = kinds.get(key);
            assertNotNull(kind, "unexpected key in docs/cli.md: " + key);
            Spec spec = Spec.parse(value);
            if (kind == Kind.ALGORITHM && R.contains(Kind.ASYNC_ALGORITHM, spec.name())) {
                assertNotNull(R.asyncAlgorithm(spec), value);
            } else {
                switch (kind) {
                    case ALGORITHM -> assertNotNull(R.algorithm(spec), value);
                    case MODEL -> assertNotNull(R.model(spec, R.data(Spec.parse("synthetic(clients=3,samples=20,"
                            + "classes=2)"), 1)), value);
                    case DATA -> assertTrue(R.contains(Kind.DATA, spec.name()), value);
                    case PARTICIPATION -> assertNotNull(R.participation(spec, 10), value);
                    case COMPRESSOR -> assertNotNull(R.compressor(spec), value);
                    case ENGINE -> R.engine(spec, 1).close();
                    case SCHEDULE -> assertNotNull(R.schedule(spec), value);
                    case DEVICES -> assertNotNull(R.devices(spec), value);
                    case AVAILABILITY -> assertNotNull(R.availability(spec), value);
                    case DROPOUT -> assertNotNull(R.dropout(spec), value);
                    default -> throw new AssertionError(kind);
                }
            }
            checked++;
        }
        assertTrue(checked >= 15, "checked " + checked + " lines");
    }

    @Test
    void theExampleRunFilesResolve() throws IOException {
        try (var files = Files.list(Path.of("..", "examples", "runs"))) {
            for (Path f : files.toList()) {
                ResolvedRun r = RunFile.read(f, List.of()).resolve(f.toString(), "x", R);
                assertNotNull(r.description());
                assertNotNull(R.contains(Kind.ALGORITHM, r.algorithm().name())
                        ? R.algorithm(r.algorithm()) : R.asyncAlgorithm(r.algorithm()), f.toString());
            }
        }
    }
}
