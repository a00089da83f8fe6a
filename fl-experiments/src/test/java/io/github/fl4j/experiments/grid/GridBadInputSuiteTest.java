package io.github.fl4j.experiments.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The grid file's bad-input suite: every top-level field and every field of a system setting gets at least one bad
 * value, and the error must name the field (with its path) and the value; a field added to the grid format without a
 * case here fails {@link #everyGridFieldHasABadValueCase()} (the known fields are read from GridSpec). See
 * docs/reliability.md.
 */
class GridBadInputSuiteTest {
    private static final String VALID = """
            {
              "strategies": {"FedAvg": {"algorithm": "fedavg", "localSteps": 2, "batch": 10, "lr": 0.05}},
              "compressors": ["identity"],
              "participation": ["uniform:10"],
              "heterogeneity": ["synthetic:1:1"],
              "model": "softmax",
              "seeds": [1],
              "rounds": 5,
              "targetAccuracy": 0.5,
              "output": "out"
            }
            """;

    /** field (or "systems.FIELD") -> list of {bad JSON value, fragments...}. */
    private static Map<String, List<String[]>> cases() {
        Map<String, List<String[]>> c = new LinkedHashMap<>();
        add(c, "strategies", "{}", "strategies");
        add(c, "strategies", "{\"A\": {\"algorithm\": \"fedavg\", \"lr\": \"fast\"}}", "strategies.A.lr", "fast");
        add(c, "strategies", "{\"A\": {\"algorithm\": \"fedprox\", \"mu\": -1}}", "strategies.A", "-1");
        add(c, "compressors", "[\"gzip\"]", "compressors[0]", "gzip");
        add(c, "participation", "[\"uniform:0\"]", "participation[0]", "uniform:0");
        add(c, "participation", "[\"cyclic:0\"]", "participation[0]", "cyclic:0");
        add(c, "heterogeneity", "[\"synthetic:x:1\"]", "heterogeneity[0]", "synthetic:x:1");
        add(c, "model", "\"transformer\"", "model", "transformer");
        add(c, "seeds", "[1, \"two\"]", "seeds[1]", "two");
        add(c, "rounds", "0", "rounds", "0");
        add(c, "rounds", "2147483648", "rounds", "2147483648");
        add(c, "targetAccuracy", "70", "targetAccuracy", "70");
        add(c, "output", "5", "output", "5");
        add(c, "parallelism", "0", "parallelism", "0");
        add(c, "maxUplinkBits", "-1", "maxUplinkBits", "-1");
        add(c, "maxVirtualTime", "-1", "maxVirtualTime", "-1");
        add(c, "evalEvery", "-1", "evalEvery", "-1");
        add(c, "data", "5", "data", "5");
        add(c, "aggregators", "[\"median:x\"]", "aggregators[0]", "median:x");
        add(c, "attacks", "[\"flip\"]", "attacks[0]", "flip");
        add(c, "privacy", "[\"dp:x\"]", "privacy[0]", "dp:x");
        add(c, "systems", "{\"S\": {\"devices\": \"warp\"}}", "systems.S.devices", "warp");
        add(c, "systems.devices", "{\"S\": {\"devices\": \"constant:0:1:1\"}}", "systems.S.devices", "constant:0:1:1");
        add(c, "systems.availability", "{\"S\": {\"availability\": \"bernoulli:1:2\"}}", "systems.S.availability",
                "bernoulli:1:2");
        add(c, "systems.dropout", "{\"S\": {\"dropout\": \"probability:2\"}}", "systems.S.dropout", "probability:2");
        add(c, "systems.rounds", "{\"S\": {\"rounds\": \"deadline:-1\"}}", "systems.S.rounds", "deadline:-1");
        return c;
    }

    private static void add(Map<String, List<String[]>> c, String field, String value, String... fragments) {
        String[] row = new String[fragments.length + 1];
        row[0] = value;
        System.arraycopy(fragments, 0, row, 1, fragments.length);
        c.computeIfAbsent(field, k -> new ArrayList<>()).add(row);
    }

    @TestFactory
    List<DynamicTest> everyBadFieldEndsInAClearError() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, List<String[]>> e : cases().entrySet()) {
            String top = e.getKey().startsWith("systems.") ? "systems" : e.getKey();
            for (String[] row : e.getValue()) {
                tests.add(DynamicTest.dynamicTest(e.getKey() + " <- " + row[0], () -> {
                    ObjectMapper m = new ObjectMapper();
                    ObjectNode root = (ObjectNode) m.readTree(VALID);
                    root.set(top, m.readTree(row[0]));
                    String json = m.writeValueAsString(root);
                    try {
                        GridSpec.parse(json, Path.of(".")).build();
                        fail(e.getKey() + " accepted the bad value " + row[0]);
                    } catch (IllegalArgumentException ex) {
                        for (int i = 1; i < row.length; i++) {
                            assertTrue(ex.getMessage().contains(row[i]), e.getKey() + " <- " + row[0]
                                    + ": the message should contain '" + row[i] + "': " + ex.getMessage());
                        }
                    }
                }));
            }
        }
        return tests;
    }

    @SuppressWarnings("unchecked")
    private static Set<String> known(String name) throws ReflectiveOperationException {
        Field f = GridSpec.class.getDeclaredField(name);
        f.setAccessible(true);
        return (Set<String>) f.get(null);
    }

    @Test
    void everyGridFieldHasABadValueCase() throws ReflectiveOperationException {
        Set<String> fields = new TreeSet<>(known("TOP"));
        for (String s : known("SYSTEM_FIELDS")) {
            fields.add("systems." + s);
        }
        Set<String> missing = new TreeSet<>(fields);
        missing.removeAll(cases().keySet());
        Set<String> stale = new TreeSet<>(cases().keySet());
        stale.removeAll(fields);
        int count = cases().values().stream().mapToInt(List::size).sum();
        System.out.println("bad-input suite (grid file): " + count + " cases over " + fields.size() + " fields");
        assertEquals(Set.of(), missing, "grid fields without a bad-value case");
        assertEquals(Set.of(), stale, "cases naming no grid field");
    }
}
