package io.github.fl4j.experiments.run;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.github.fl4j.core.registry.Kind;
import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.RunDescription;
import io.github.fl4j.core.registry.Spec;
import io.github.fl4j.core.registry.SpecException;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.tensor.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A run file: one simulation in YAML or JSON, as a typed record. Components are specs, written either as spec text or
 * as an object with a {@code name} and the parameters (nested specs as nested objects, lists as arrays):
 *
 * <pre>{@code
 * algorithm: fedavg(lr=0.05,steps=10)        # or: algorithm: {name: fedavg, lr: 0.05, steps: 10}
 * model: softmax
 * data: synthetic(clients=30,alpha=1,beta=1)
 * participation: uniform(m=10)               # default uniform(m=clientsPerRound)
 * uplink: topk(fraction=0.1)                 # default identity
 * rounds: 100
 * seed: 1
 * output: runs/fedavg                        # default runs/<file name without extension>
 * }</pre>
 *
 * An asynchronous algorithm (or a synchronous one on the virtual clock) adds a {@code time} section:
 * {@code time: {schedule: closed(concurrency=10), devices: log-normal(speed=100,speed-sigma=1), availability: always,
 * dropout: none, maxTime: 3600}}.
 *
 * <p>Reading is strict: an unknown key, a key given twice and a value of the wrong type fail with a
 * {@link RunFileException} naming the file, the path of the value ({@code time.schedule}, {@code rounds}) and the
 * value, with the nearest valid key for a misspelt one ({@code unknown key 'rouds' (did you mean 'rounds'?)}).
 * Overrides ({@code --set rounds=300}, {@code --set algorithm.lr=0.1}) are applied to the parsed tree before the typed
 * binding, so they get the same checks.
 *
 * @param algorithm       the algorithm spec (a synchronous {@link Kind#ALGORITHM} or an {@link Kind#ASYNC_ALGORITHM})
 * @param model           the model spec
 * @param data            the data spec
 * @param participation   the participation spec (default {@code uniform(m=clientsPerRound)})
 * @param uplink          the uplink compressor spec (default {@code identity})
 * @param downlink        the downlink compressor spec (default {@code identity})
 * @param rounds          rounds (server versions for asynchronous algorithms), default 100
 * @param clientsPerRound clients per round, default 10
 * @param threads         worker threads, default 1 (the bits do not depend on it)
 * @param seed            the run's seed, default 0
 * @param evalEvery       evaluate the test set every this many rounds, default 1
 * @param precision       {@code float32} (default) or {@code float64}
 * @param engine          the execution engine spec, default {@code local}
 * @param output          the output directory, default {@code runs/<file name without extension>}
 * @param checkpointEvery write a checkpoint every this many rounds (0, the default: none; {@code fl4j resume} needs
 *                        them)
 * @param time            the simulation-with-time section, or null
 */
public record RunFile(JsonNode algorithm, JsonNode model, JsonNode data, JsonNode participation, JsonNode uplink,
                      JsonNode downlink, Integer rounds, Integer clientsPerRound, Integer threads, Long seed,
                      Integer evalEvery, String precision, JsonNode engine, String output, Integer checkpointEvery,
                      Time time) {

    /**
     * The time section.
     *
     * @param schedule     round rule or arrival model ({@link Kind#SCHEDULE}); required for an asynchronous
     *                     algorithm, default {@code rounds} for a synchronous one
     * @param devices      device model ({@link Kind#DEVICES}), default {@code constant(speed=1)} (1 sample per second,
     *                     unlimited bandwidth)
     * @param availability availability model, default {@code always}
     * @param dropout      dropout model, default {@code none}
     * @param maxTime      stop at this virtual time in seconds (default: none)
     */
    public record Time(JsonNode schedule, JsonNode devices, JsonNode availability, JsonNode dropout, Double maxTime) {
    }

    /** The keys of a run file, in the order the resolved file writes them. */
    public static final List<String> KEYS = List.of("algorithm", "model", "data", "participation", "uplink",
            "downlink", "rounds", "clientsPerRound", "threads", "seed", "evalEvery", "precision", "engine", "output",
            "checkpointEvery", "time");

    /** The keys of the time section. */
    public static final List<String> TIME_KEYS = List.of("schedule", "devices", "availability", "dropout",
            "maxTime");

    private static final ObjectMapper YAML = configure(YAMLMapper.builder(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)));
    private static final ObjectMapper JSON = configure(JsonMapper.builder());

    private static ObjectMapper configure(com.fasterxml.jackson.databind.cfg.MapperBuilder<?, ?> b) {
        return b.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
    }

    /**
     * Reads a run file and applies overrides.
     *
     * @param file      a {@code .yaml}/{@code .yml} or {@code .json} file (other names: JSON when the text starts with
     *                  '{', else YAML)
     * @param overrides {@code key.path=value} texts; the value is read as a YAML scalar (so {@code 300} is a number)
     * @throws RunFileException on any bad input, naming the file, the path and the value
     */
    public static RunFile read(Path file, List<String> overrides) {
        String name = file.toString();
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new RunFileException(name + ": no such file");
        } catch (IOException e) {
            throw new RunFileException(name + ": cannot read: " + e.getMessage(), e);
        }
        return parse(name, text, overrides);
    }

    /** Parses run-file text; {@code name} names it in messages (and picks YAML or JSON by its extension). */
    public static RunFile parse(String name, String text, List<String> overrides) {
        ObjectMapper m = isJson(name, text) ? JSON : YAML;
        JsonNode tree;
        try {
            tree = m.readTree(text);
        } catch (JsonProcessingException e) {
            throw new RunFileException(name + ": " + parseMessage(e), e);
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new RunFileException(name + ": the file is empty; it needs at least algorithm, model and data");
        }
        if (!tree.isObject()) {
            throw new RunFileException(name + ": a run file is a map of keys (algorithm, model, data, ...), was "
                    + tree.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        ObjectNode root = (ObjectNode) tree;
        for (String o : overrides) {
            applyOverride(name, root, o);
        }
        return bind(name, root);
    }

    private static boolean isJson(String name, String text) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".json")) {
            return true;
        }
        if (n.endsWith(".yaml") || n.endsWith(".yml")) {
            return false;
        }
        return text.stripLeading().startsWith("{");
    }

    private static String parseMessage(JsonProcessingException e) {
        String msg = e.getOriginalMessage();
        JsonLocation loc = e.getLocation();
        String where = loc != null && loc.getLineNr() > 0 ? "line " + loc.getLineNr() + ": " : "";
        if (msg != null && msg.startsWith("Duplicate field '")) {
            String key = msg.substring("Duplicate field '".length(), msg.indexOf('\'', "Duplicate field '".length()));
            return where + "key '" + key + "' is given twice";
        }
        return where + "cannot parse: " + msg;
    }

    /**
     * Applies {@code --set} overrides to a parsed file (a run file, or a grid file before it is read by the grid):
     * each {@code key.path=value} sets the value in the tree, reading it as a YAML scalar ({@code 300} is a number,
     * {@code true} a boolean), and inside a spec written as text sets that parameter ({@code algorithm.lr=0.1}).
     *
     * @param name      the file's name, for messages
     * @param root      the file's tree, changed in place
     * @param overrides the {@code key.path=value} texts, applied in order
     * @throws RunFileException naming the override and the path when one cannot be applied
     */
    public static void applyOverrides(String name, ObjectNode root, List<String> overrides) {
        for (String o : overrides) {
            applyOverride(name, root, o);
        }
    }

    /** Applies {@code a.b.c=value}: sets the value in the tree (inside spec text too: {@code algorithm.lr=0.1}). */
    static void applyOverride(String name, ObjectNode root, String override) {
        int eq = override.indexOf('=');
        if (eq <= 0) {
            throw new RunFileException("--set " + override + ": expected key.path=value (e.g. rounds=300 or "
                    + "algorithm.lr=0.1)");
        }
        String path = override.substring(0, eq).strip();
        String raw = override.substring(eq + 1).strip();
        JsonNode value;
        try {
            value = raw.isEmpty() ? TextNode.valueOf("") : YAML.readTree(raw);
        } catch (JsonProcessingException e) {
            value = TextNode.valueOf(raw);
        }
        if (value == null || value.isMissingNode()) {
            value = TextNode.valueOf(raw);
        }
        String[] parts = path.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            String at = String.join(".", List.of(parts).subList(0, i + 1));
            if (child == null || child.isNull()) {
                child = node.putObject(parts[i]);
            } else if (child.isTextual() && i == parts.length - 2) {
                // a parameter of a spec written as text: rewrite the spec
                Spec spec;
                try {
                    spec = Spec.parse(child.asText());
                } catch (SpecException e) {
                    throw new RunFileException(name + ": " + at + ": " + e.getMessage(), e);
                }
                String key = parts[parts.length - 1];
                if (!Spec.isIdentifier(key)) {
                    throw new RunFileException("--set " + override + ": '" + key + "' is not a parameter name");
                }
                node.put(parts[i], spec.with(key, value.isTextual() ? value.asText() : value.toString()).toString());
                return;
            } else if (!child.isObject()) {
                throw new RunFileException("--set " + override + ": " + at + " is " + describe(child)
                        + ", which has no key '" + parts[i + 1] + "'");
            }
            node = (ObjectNode) child;
        }
        node.set(parts[parts.length - 1], value);
    }

    private static RunFile bind(String name, ObjectNode root) {
        try {
            return YAML.treeToValue(root, RunFile.class);
        } catch (UnrecognizedPropertyException e) {
            String path = path(e);
            String key = e.getPropertyName();
            List<String> known = new ArrayList<>();
            for (Object k : e.getKnownPropertyIds()) {
                known.add(k.toString());
            }
            known.sort(null);
            throw new RunFileException(name + ": unknown key '" + (path.isEmpty() ? key : path) + "'"
                    + Suggest.didYouMean(key, known) + "; known" + (path.contains(".") ? " in "
                    + path.substring(0, path.lastIndexOf('.')) : "") + ": " + String.join(", ", known), e);
        } catch (InvalidFormatException e) {
            throw new RunFileException(name + ": " + path(e) + ": must be " + typeName(e.getTargetType()) + ", was "
                    + quote(e.getValue()), e);
        } catch (MismatchedInputException e) {
            String path = path(e);
            JsonNode v = root.at("/" + path.replace('.', '/'));
            throw new RunFileException(name + ": " + path + ": must be " + typeName(e.getTargetType()) + ", was "
                    + (v.isMissingNode() ? "of another type" : describe(v)), e);
        } catch (JsonProcessingException e) {
            throw new RunFileException(name + ": " + e.getOriginalMessage(), e);
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String typeName(Class<?> t) {
        if (t == Integer.class || t == int.class || t == Long.class || t == long.class) {
            return "an integer";
        }
        if (t == Double.class || t == double.class) {
            return "a number";
        }
        if (t == String.class) {
            return "a text";
        }
        if (t == Time.class) {
            return "a map (schedule, devices, availability, dropout, maxTime)";
        }
        return "a " + t.getSimpleName();
    }

    private static String quote(Object v) {
        return v instanceof String s ? "'" + s + "'" : String.valueOf(v);
    }

    private static String describe(JsonNode v) {
        if (v.isTextual()) {
            return "'" + v.asText() + "'";
        }
        if (v.isObject()) {
            return "a map " + v;
        }
        if (v.isArray()) {
            return "a list " + v;
        }
        return v.toString();
    }

    // ---- resolution -------------------------------------------------------------------------------------------------

    /**
     * Resolves this file: every spec parsed and its name checked against {@code registry}, defaults filled in.
     *
     * @param name the file name for messages
     * @param stem the default output folder name (the file name without its extension)
     * @throws RunFileException on a bad spec, an unknown component name or a bad value
     */
    public ResolvedRun resolve(String name, String stem, Registry registry) {
        Spec alg = spec(name, "algorithm", algorithm, true);
        boolean async = registry.contains(Kind.ASYNC_ALGORITHM, alg.name());
        if (!async && !registry.contains(Kind.ALGORITHM, alg.name())) {
            List<String> all = new ArrayList<>(registry.names(Kind.ALGORITHM));
            all.addAll(registry.names(Kind.ASYNC_ALGORITHM));
            all.sort(null);
            throw new RunFileException(name + ": algorithm: unknown algorithm '" + alg.name() + "'"
                    + Suggest.didYouMean(alg.name(), all) + "; known: " + String.join(", ", all));
        }
        Spec mod = checked(name, "model", spec(name, "model", model, true), Kind.MODEL, registry);
        Spec dat = checked(name, "data", spec(name, "data", data, true), Kind.DATA, registry);
        int cpr = positive(name, "clientsPerRound", clientsPerRound, SimulationConfig.DEFAULT_CLIENTS_PER_ROUND);
        Spec part = participation == null ? RunDescription.defaultParticipation(cpr)
                : checked(name, "participation", spec(name, "participation", participation, true),
                        Kind.PARTICIPATION, registry);
        Spec up = uplink == null ? Spec.of("identity")
                : checked(name, "uplink", spec(name, "uplink", uplink, true), Kind.COMPRESSOR, registry);
        Spec down = downlink == null ? Spec.of("identity")
                : checked(name, "downlink", spec(name, "downlink", downlink, true), Kind.COMPRESSOR, registry);
        Precision prec;
        String p = precision == null ? "float32" : precision.toLowerCase(Locale.ROOT);
        switch (p) {
            case "float32" -> prec = Precision.FLOAT32;
            case "float64" -> prec = Precision.FLOAT64;
            default -> throw new RunFileException(name + ": precision: must be float32 or float64, was '"
                    + precision + "'");
        }
        SimulationConfig config;
        try {
            config = SimulationConfig.builder().rounds(positive(name, "rounds", rounds, 100)).clientsPerRound(cpr)
                    .threads(positive(name, "threads", threads, 1)).seed(seed == null ? 0 : seed)
                    .evalEvery(positive(name, "evalEvery", evalEvery, 1)).precision(prec).build();
        } catch (RunFileException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new RunFileException(name + ": " + e.getMessage(), e);
        }
        Spec eng = engine == null ? Spec.of("local")
                : checked(name, "engine", spec(name, "engine", engine, true), Kind.ENGINE, registry);
        int ckpt = checkpointEvery == null ? 0 : checkpointEvery;
        if (ckpt < 0) {
            throw new RunFileException(name + ": checkpointEvery: must be >= 0 (0: no checkpoints), was " + ckpt);
        }
        String out = output == null || output.isBlank() ? "runs/" + stem : output;
        ResolvedRun.TimeOptions t = null;
        if (time != null || async) {
            Time tt = time == null ? new Time(null, null, null, null, null) : time;
            if (async && tt.schedule() == null) {
                throw new RunFileException(name + ": time.schedule: the asynchronous algorithm '" + alg.name()
                        + "' needs its arrival model, e.g. closed(concurrency=10), poisson(rate=1) or "
                        + "interval(seconds=1)");
            }
            Spec sched = tt.schedule() == null ? Spec.of("rounds")
                    : checked(name, "time.schedule", spec(name, "time.schedule", tt.schedule(), true), Kind.SCHEDULE,
                            registry);
            Spec dev = tt.devices() == null ? Spec.parse("constant(speed=1)")
                    : checked(name, "time.devices", spec(name, "time.devices", tt.devices(), true), Kind.DEVICES,
                            registry);
            Spec av = tt.availability() == null ? Spec.of("always")
                    : checked(name, "time.availability", spec(name, "time.availability", tt.availability(), true),
                            Kind.AVAILABILITY, registry);
            Spec dr = tt.dropout() == null ? Spec.of("none")
                    : checked(name, "time.dropout", spec(name, "time.dropout", tt.dropout(), true), Kind.DROPOUT,
                            registry);
            Double max = tt.maxTime();
            if (max != null && !(max > 0)) {
                throw new RunFileException(name + ": time.maxTime: must be > 0 seconds, was " + max);
            }
            t = new ResolvedRun.TimeOptions(sched, dev, av, dr, max);
        }
        return new ResolvedRun(name, alg, async, new RunDescription(alg, mod, dat, part, up, down, config), eng,
                Path.of(out), ckpt, t);
    }

    private static int positive(String name, String key, Integer v, int dflt) {
        if (v == null) {
            return dflt;
        }
        if (v < 1) {
            throw new RunFileException(name + ": " + key + ": must be >= 1, was " + v);
        }
        return v;
    }

    private static Spec checked(String name, String path, Spec s, Kind kind, Registry registry) {
        if (!registry.contains(kind, s.name())) {
            throw new RunFileException(name + ": " + path + ": unknown " + kind.label() + " '" + s.name() + "'"
                    + Suggest.didYouMean(s.name(), registry.names(kind)) + "; known: "
                    + String.join(", ", registry.names(kind)));
        }
        return s;
    }

    /** A spec from text or from an object with a name. */
    static Spec spec(String name, String path, JsonNode node, boolean required) {
        if (node == null || node.isNull()) {
            if (required) {
                throw new RunFileException(name + ": " + path + " is required");
            }
            return null;
        }
        if (node.isTextual()) {
            try {
                return Spec.parse(node.asText());
            } catch (SpecException e) {
                throw new RunFileException(name + ": " + path + ": " + e.getMessage(), e);
            }
        }
        if (node.isObject()) {
            JsonNode n = node.get("name");
            if (n == null || !n.isTextual() || !Spec.isIdentifier(n.asText())) {
                throw new RunFileException(name + ": " + path + ".name: a component written as a map needs its "
                        + "name (e.g. {name: fedavg, lr: 0.05}), was " + (n == null ? "missing" : describe(n)));
            }
            Spec s = Spec.of(n.asText());
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().equals("name")) {
                    continue;
                }
                String at = path + "." + f.getKey();
                if (!Spec.isIdentifier(f.getKey())) {
                    throw new RunFileException(name + ": " + at + ": parameter names are lower-case words with '-' "
                            + "(e.g. server-lr)");
                }
                JsonNode v = f.getValue();
                if (v.isObject()) {
                    s = s.with(f.getKey(), spec(name, at, v, true));
                } else if (v.isArray()) {
                    List<String> items = new ArrayList<>();
                    for (JsonNode x : (ArrayNode) v) {
                        if (!x.isValueNode()) {
                            throw new RunFileException(name + ": " + at + ": list items must be numbers or words, "
                                    + "was " + describe(x));
                        }
                        items.add(x.asText());
                    }
                    s = s.with(f.getKey(), String.join(";", items));
                } else if (v.isNull()) {
                    throw new RunFileException(name + ": " + at + ": has no value");
                } else {
                    s = s.with(f.getKey(), v.asText());
                }
            }
            return s;
        }
        throw new RunFileException(name + ": " + path + ": must be a component as text (e.g. fedavg(lr=0.05)) or "
                + "a map with a name (e.g. {name: fedavg, lr: 0.05}), was " + describe(node));
    }

    /** The YAML text of a tree (for the resolved run file). */
    static String yaml(JsonNode tree) {
        try {
            return YAML.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new empty tree node. */
    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /**
     * Runs {@code build} and, when it fails with bad input, names the file and the path of the component: a
     * parameter error of the registry ({@code fedavg: unknown parameter 'step' ...}) becomes
     * {@code run.yaml: algorithm.step: fedavg: unknown parameter 'step' ...}.
     */
    static <T> T at(String name, String path, Supplier<T> build) {
        try {
            return build.get();
        } catch (RunFileException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            String key = parameterOf(msg);
            throw new RunFileException(name + ": " + path + (key != null ? "." + key : "") + ": " + msg, e);
        } catch (java.io.UncheckedIOException e) {
            throw new RunFileException(name + ": " + path + ": " + e.getMessage(), e);
        }
    }

    /** The parameter a registry message is about, if it names one. */
    static String parameterOf(String msg) {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("^[a-z0-9-]+: (?:unknown parameter '([a-z0-9-]+)'|missing parameter '([a-z0-9-]+)'|"
                        + "([a-z0-9-]+) must be )").matcher(msg);
        if (m.find()) {
            for (int g = 1; g <= 3; g++) {
                if (m.group(g) != null) {
                    return m.group(g);
                }
            }
        }
        return null;
    }

    static ObjectMapper jsonMapper() {
        return JSON;
    }
}
