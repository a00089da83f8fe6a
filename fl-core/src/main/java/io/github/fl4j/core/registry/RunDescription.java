package io.github.fl4j.core.registry;

import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.tensor.Precision;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A whole run as data: the specs of its components and its {@link SimulationConfig}. Every component is a name with
 * parameters that a {@link Registry} turns into an object, never a lambda, so a description can be written to a
 * file, sent to another JVM ({@link #toBytes()}) and rebuilt there:
 *
 * <pre>{@code
 * RunDescription d = RunDescription.fromBytes(bytes);
 * Registry r = Registry.standard();
 * FederatedAlgorithm<?, ?> alg = r.algorithm(d.algorithm());
 * FederatedData data = r.data(d.data(), d.config().seed(), d.config().precision());
 * Model m = r.model(d.model(), data);
 * Compressor up = r.compressor(d.uplink());
 * Compressor down = r.compressor(d.downlink());
 * Participation p = r.participation(d.participation(), data.clientCount());
 * }</pre>
 *
 * <h2>Text form</h2>
 * {@link #toText()} writes one {@code key = value} line per field, always all twelve, in this order:
 * <pre>
 * algorithm = fedavg(batch=10,lr=0.05,steps=10)
 * model = softmax
 * data = synthetic(alpha=1,beta=1,clients=30)
 * participation = uniform(m=10)
 * uplink = topk(fraction=0.1)
 * downlink = identity
 * rounds = 100
 * clientsPerRound = 10
 * threads = 1
 * seed = 0
 * evalEvery = 1
 * precision = float32
 * </pre>
 * Specs are in their canonical form ({@link Spec#toString()}). {@link #parse} reads the same form: lines in any order,
 * blank lines and lines starting with {@code '#'} ignored, spaces around {@code '='} optional. {@code algorithm},
 * {@code model} and {@code data} are required; {@code participation} defaults to {@code uniform(m=<clientsPerRound>)}
 * (m of N clients uniformly each round, the engine's default), {@code uplink} and {@code downlink} to
 * {@code identity}, and the configuration keys to {@link SimulationConfig#builder()}'s defaults. Errors name the line
 * and the key, e.g. {@code line 7 (rounds): must be an integer, was 'ten'}.
 *
 * <h2>Binary form</h2>
 * {@link #toBytes()} is the UTF-8 text after a version line {@code fl4j-run-description 1}; {@link #fromBytes}
 * checks the version. {@code fromBytes(d.toBytes()).equals(d)} and {@code parse(d.toText()).equals(d)} for every
 * description.
 *
 * @param algorithm     the algorithm ({@link Kind#ALGORITHM})
 * @param model         the model ({@link Kind#MODEL})
 * @param data          the federated data ({@link Kind#DATA})
 * @param participation who takes part in each round ({@link Kind#PARTICIPATION}); null means
 *                      {@code uniform(m=<clientsPerRound>)}
 * @param uplink        the clients' message compressor ({@link Kind#COMPRESSOR}); null means {@code identity}
 * @param downlink      the server's broadcast compressor; null means {@code identity}
 * @param config        rounds, clients per round, threads, seed, evaluation period, precision
 */
public record RunDescription(Spec algorithm, Spec model, Spec data, Spec participation, Spec uplink, Spec downlink,
                             SimulationConfig config) {

    /** The version written by {@link #toBytes()} and the newest one {@link #fromBytes} reads. */
    public static final int FORMAT_VERSION = 1;

    /** The first line of the binary form, before the version number. */
    public static final String MAGIC = "fl4j-run-description";

    /** The keys of the text form, in the order {@link #toText()} writes them. */
    public static final List<String> KEYS = List.of("algorithm", "model", "data", "participation", "uplink",
            "downlink", "rounds", "clientsPerRound", "threads", "seed", "evalEvery", "precision");

    private static final Spec IDENTITY = Spec.of("identity");

    /**
     * Fills the defaults of absent specs.
     *
     * @throws IllegalArgumentException if algorithm, model, data or config is null
     */
    public RunDescription {
        requireNonNull("algorithm", algorithm);
        requireNonNull("model", model);
        requireNonNull("data", data);
        requireNonNull("config", config);
        if (participation == null) {
            participation = defaultParticipation(config.clientsPerRound());
        }
        if (uplink == null) {
            uplink = IDENTITY;
        }
        if (downlink == null) {
            downlink = IDENTITY;
        }
    }

    /** A description with the default participation and identity compressors. */
    public static RunDescription of(Spec algorithm, Spec model, Spec data, SimulationConfig config) {
        return new RunDescription(algorithm, model, data, null, null, null, config);
    }

    /** The participation of a description that names none: {@code uniform(m=clientsPerRound)}. */
    public static Spec defaultParticipation(int clientsPerRound) {
        return Spec.of("uniform").with("m", clientsPerRound);
    }

    /** This description with another algorithm. */
    public RunDescription withAlgorithm(Spec v) {
        return new RunDescription(v, model, data, participation, uplink, downlink, config);
    }

    /** This description with another model. */
    public RunDescription withModel(Spec v) {
        return new RunDescription(algorithm, v, data, participation, uplink, downlink, config);
    }

    /** This description with other data. */
    public RunDescription withData(Spec v) {
        return new RunDescription(algorithm, model, v, participation, uplink, downlink, config);
    }

    /** This description with another participation pattern (null: the default). */
    public RunDescription withParticipation(Spec v) {
        return new RunDescription(algorithm, model, data, v, uplink, downlink, config);
    }

    /** This description with another uplink compressor (null: identity). */
    public RunDescription withUplink(Spec v) {
        return new RunDescription(algorithm, model, data, participation, v, downlink, config);
    }

    /** This description with another downlink compressor (null: identity). */
    public RunDescription withDownlink(Spec v) {
        return new RunDescription(algorithm, model, data, participation, uplink, v, config);
    }

    /** This description with another configuration (the participation spec is kept as it is). */
    public RunDescription withConfig(SimulationConfig v) {
        return new RunDescription(algorithm, model, data, participation, uplink, downlink, v);
    }

    /** This description with another root seed. */
    public RunDescription withSeed(long seed) {
        return withConfig(config.toBuilder().seed(seed).build());
    }

    // ---- text ---------------------------------------------------------------------------------------------------

    /** The text form: twelve {@code key = value} lines in {@link #KEYS} order, each ending with a newline. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        line(sb, "algorithm", algorithm.toString());
        line(sb, "model", model.toString());
        line(sb, "data", data.toString());
        line(sb, "participation", participation.toString());
        line(sb, "uplink", uplink.toString());
        line(sb, "downlink", downlink.toString());
        line(sb, "rounds", Integer.toString(config.rounds()));
        line(sb, "clientsPerRound", Integer.toString(config.clientsPerRound()));
        line(sb, "threads", Integer.toString(config.threads()));
        line(sb, "seed", Long.toString(config.seed()));
        line(sb, "evalEvery", Integer.toString(config.evalEvery()));
        line(sb, "precision", config.precision().name().toLowerCase(Locale.ROOT));
        return sb.toString();
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(key).append(" = ").append(value).append('\n');
    }

    /** The text form; see {@link #toText()}. */
    @Override
    public String toString() {
        return toText();
    }

    /**
     * Reads the text form (see the class comment).
     *
     * @throws IllegalArgumentException naming the line and the key of the first problem: a line without '=', an
     *                                  unknown or repeated key, a malformed spec or number, a bad configuration
     *                                  value, or a missing required key
     */
    public static RunDescription parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("run description text must not be null");
        }
        Map<String, String> values = new HashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        String[] lines = text.split("\r\n|\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("line " + lineNo + ": expected 'key = value', was '" + line + "'");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (!KEYS.contains(key)) {
                String near = Registry.nearest(key, KEYS);
                throw new IllegalArgumentException("line " + lineNo + ": unknown key '" + key + "'"
                        + (near != null ? " (did you mean '" + near + "'?)" : "") + "; known: "
                        + String.join(", ", KEYS));
            }
            if (values.containsKey(key)) {
                throw new IllegalArgumentException("line " + lineNo + ": key '" + key + "' is given twice (first on "
                        + "line " + lineOf.get(key) + ")");
            }
            if (value.isEmpty()) {
                throw new IllegalArgumentException("line " + lineNo + " (" + key + "): missing value");
            }
            values.put(key, value);
            lineOf.put(key, lineNo);
        }
        for (String required : List.of("algorithm", "model", "data")) {
            if (!values.containsKey(required)) {
                throw new IllegalArgumentException("missing key '" + required + "' (required: algorithm, model, "
                        + "data)");
            }
        }
        Reader r = new Reader(values, lineOf);
        SimulationConfig.Builder b = SimulationConfig.builder();
        SimulationConfig defaults = b.build();
        b.rounds(r.integer("rounds", defaults.rounds()))
                .clientsPerRound(r.integer("clientsPerRound", defaults.clientsPerRound()))
                .threads(r.integer("threads", defaults.threads()))
                .seed(r.longValue("seed", defaults.seed()))
                .evalEvery(r.integer("evalEvery", defaults.evalEvery()))
                .precision(r.precision("precision", defaults.precision()));
        SimulationConfig config;
        try {
            config = b.build();
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage() == null ? "" : e.getMessage();
            for (String key : KEYS) {
                if (msg.startsWith(key + " ") && lineOf.containsKey(key)) {
                    throw new IllegalArgumentException(r.where(key) + msg, e);
                }
            }
            throw e;
        }
        return new RunDescription(r.spec("algorithm"), r.spec("model"), r.spec("data"), r.spec("participation"),
                r.spec("uplink"), r.spec("downlink"), config);
    }

    /** Typed reading of the collected values, with errors naming the line and key. */
    private record Reader(Map<String, String> values, Map<String, Integer> lineOf) {
        String where(String key) {
            return "line " + lineOf.get(key) + " (" + key + "): ";
        }

        Spec spec(String key) {
            String v = values.get(key);
            if (v == null) {
                return null;
            }
            try {
                return Spec.parse(v);
            } catch (SpecException e) {
                throw new IllegalArgumentException(where(key) + e.getMessage(), e);
            }
        }

        int integer(String key, int defaultValue) {
            long v = longValue(key, defaultValue);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(where(key) + "must be an integer in int range, was '"
                        + values.get(key) + "'");
            }
            return (int) v;
        }

        long longValue(String key, long defaultValue) {
            String v = values.get(key);
            if (v == null) {
                return defaultValue;
            }
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where(key) + "must be an integer, was '" + v + "'");
            }
        }

        Precision precision(String key, Precision defaultValue) {
            String v = values.get(key);
            if (v == null) {
                return defaultValue;
            }
            for (Precision p : Precision.values()) {
                if (p.name().equalsIgnoreCase(v)) {
                    return p;
                }
            }
            throw new IllegalArgumentException(where(key) + "must be float32 or float64, was '" + v + "'");
        }
    }

    // ---- bytes --------------------------------------------------------------------------------------------------

    /** The binary form: UTF-8 of {@code "fl4j-run-description 1\n"} followed by {@link #toText()}. */
    public byte[] toBytes() {
        return (MAGIC + " " + FORMAT_VERSION + "\n" + toText()).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads the binary form.
     *
     * @throws IllegalArgumentException if the bytes are not UTF-8, do not start with the version line, have a newer
     *                                  version, or hold a malformed description
     */
    public static RunDescription fromBytes(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("bytes must not be null");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("a run description must be UTF-8 text: " + e.getMessage(), e);
        }
        int nl = text.indexOf('\n');
        String first = (nl < 0 ? text : text.substring(0, nl)).strip();
        String[] parts = first.split(" ");
        if (parts.length != 2 || !parts[0].equals(MAGIC)) {
            throw new IllegalArgumentException("not a run description: the first line must be '" + MAGIC + " "
                    + FORMAT_VERSION + "', was '" + (first.length() > 60 ? first.substring(0, 60) + "..." : first)
                    + "'");
        }
        int version;
        try {
            version = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("run description version must be an integer, was '" + parts[1] + "'");
        }
        if (version < 1 || version > FORMAT_VERSION) {
            throw new IllegalArgumentException("run description version " + version + " is not supported (this fl4j "
                    + "reads versions 1 to " + FORMAT_VERSION + ")");
        }
        // The version line becomes a comment, so that errors name the lines of the bytes as given.
        return parse("# " + text);
    }

    private static void requireNonNull(String field, Object v) {
        if (v == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
    }
}
