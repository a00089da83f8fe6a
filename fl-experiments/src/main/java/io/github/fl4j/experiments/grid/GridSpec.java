package io.github.fl4j.experiments.grid;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.fl4j.algorithms.async.Afa;
import io.github.fl4j.algorithms.async.FedAsync;
import io.github.fl4j.algorithms.async.FedBuff;
import io.github.fl4j.algorithms.async.FedCompass;
import io.github.fl4j.algorithms.async.FedFix;
import io.github.fl4j.algorithms.async.MixingMode;
import io.github.fl4j.algorithms.fedau.FedAu;
import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.algorithms.secagg.SecAggParams;
import io.github.fl4j.algorithms.secagg.SecureAggregation;
import io.github.fl4j.algorithms.fedprox.FedProx;
import io.github.fl4j.algorithms.fedspeed.FedSpeed;
import io.github.fl4j.algorithms.scaffold.Scaffold;
import io.github.fl4j.compression.Compressors;
import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.ServerOptimizer;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.Labels;
import io.github.fl4j.core.data.PartitionReport;
import io.github.fl4j.core.data.Partitioners;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.data.io.IdxReader;
import io.github.fl4j.core.model.Mlp;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.optim.ServerOptimizers;
import io.github.fl4j.core.participation.CyclicParticipation;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.participation.ParticipationProbabilities;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.time.AsyncAlgorithm;
import io.github.fl4j.core.time.AvailabilityModel;
import io.github.fl4j.core.time.AvailabilityModels;
import io.github.fl4j.core.time.DeviceModel;
import io.github.fl4j.core.time.Devices;
import io.github.fl4j.core.time.DropoutModel;
import io.github.fl4j.core.time.Dropouts;
import io.github.fl4j.core.time.Schedule;
import io.github.fl4j.core.time.Staleness;
import io.github.fl4j.core.time.StalenessFunction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Parses a JSON grid file into a {@link Grid.Builder}. Every error names the field (as a path, e.g.
 * {@code strategies.FedAvg.lr}) and the offending value.
 *
 * <pre>{@code
 * {
 *   "strategies": {
 *     "FedAvg":   {"algorithm": "fedavg", "localSteps": 10, "batch": 10, "lr": 0.05},
 *     "SCAFFOLD": "scaffold",
 *     "FedProx":  {"algorithm": "fedprox", "mu": 0.01}
 *   },
 *   "compressors": ["identity", "topk:0.05"],
 *   "participation": ["uniform:10"],
 *   "heterogeneity": ["synthetic:1:1"],
 *   "model": "softmax",
 *   "seeds": [1, 2, 3],
 *   "rounds": 50,
 *   "targetAccuracy": 0.7,
 *   "output": "grid-out/quick",
 *   "parallelism": 2
 * }
 * }</pre>
 *
 * <p>Strategies (defaults localSteps 10, batch 10, lr 0.05, serverLr 1, clip none: the largest norm of a local
 * step's direction, {@link LocalTraining#withGradientClipping}): {@code fedavg} (serverMomentum; and
 * secureAggregation {@code B:K:R[:DROPOUT]}: Bonawitz et al.'s protocol simulated over its uploads, with b modulus
 * bits, k fractional bits, clip range R and the drop probability; its protocol messages count in the bits),
 * {@code scaffold} (option "I"/"II"), {@code fedprox} (mu >= 0, default 0.01), {@code fedspeed} (rho >= 0,
 * alpha in [0, 1], lambda),
 * {@code fedau} (aggregation: "adaptive" (default), "participating", "all", "mifa" or "fedvarp"; cutoff K, default
 * none). {@code fedavg}, {@code fedprox}, {@code scaffold} and {@code fedbuff} also take {@code serverOptimizer}
 * instead of serverLr (and serverMomentum): {@code sgd:LR}, {@code momentum:LR:BETA}, {@code adagrad:LR[:TAU]},
 * {@code adam:LR[:BETA1:BETA2:TAU]} or {@code yogi:LR[:BETA1:BETA2:TAU]} (defaults beta1 0.9, beta2 0.99, tau 1e-3;
 * {@link ServerOptimizers}), e.g. {@code "serverOptimizer": "adam:0.01"}. Compressors: {@code identity},
 * {@code topk:F}, {@code randk:F} (F a fraction of the dimension), {@code qsgd:S}.
 *
 * <p>Participation: {@code all}, {@code uniform:M}, {@code bernoulli:P}, {@code bernoulli-linear:LO:HI} (p_n linear
 * from LO to HI), {@code markov:Q[:LO:HI]} and {@code cyclic:C[:LO:HI]} (p_n linear, default 0.02 to 0.5); and with
 * rates correlated with each client's labels as in FedAU's experiments (Wang and Ji, ICLR 2024: p_n = max(PMIN, PBAR C
 * &lt;q_n, u&gt;), u ~ Dirichlet(ALPHAP), drawn from the run seed's PARTICIPATION stream, so every strategy of a seed
 * sees the same rates): {@code bernoulli-labels[:PBAR:PMIN:ALPHAP]}, {@code markov-labels:Q[:PBAR:PMIN:ALPHAP]},
 * {@code cyclic-labels:C[:PBAR:PMIN:ALPHAP]} (defaults 0.1, 0.02, 0.1). The cyclic patterns use the FedAU reference
 * code's rounding ({@code CyclicParticipation.withNearestRates}: client n is active round(C p_n) of every C rounds).
 *
 * <p>Heterogeneity: {@code synthetic:ALPHA:BETA[:CLIENTS]} (FedProx's Synthetic, 100 clients by default); MNIST
 * (normalised, float32; loaded once from the folder {@code data}/mnist, split per seed with its PARTITION stream):
 * {@code mnist:iid[:CLIENTS]}, {@code mnist:dirichlet:ALPHA[:CLIENTS]} (label skew, per-client proportions),
 * {@code mnist:fedau:ALPHA[:CLIENTS]} (FedAU's per-class Dirichlet split), {@code mnist:shards[:CLIENTS]}
 * (McMahan's 2 shards per client); 100 clients by default. {@code data} (top level) is the folder holding
 * {@code mnist/} (or the four MNIST files themselves), relative to the grid file's base directory; without it the
 * property {@code fl4j.mnist} or a {@code shared/data} folder beside the project is used when present, else MNIST is
 * found or downloaded by {@link io.github.fl4j.core.data.io.MnistDatasets} (environment variable {@code FL4J_MNIST},
 * else the verified cache {@code ~/.fl4j/datasets/mnist}, else a download into it). Model: {@code softmax[:CLASSES]} or
 * {@code mlp:H1,H2,...[:CLASSES]} (ReLU hidden layers), 10 classes by default. Optional: maxUplinkBits, evalEvery (1),
 * parallelism (the number of processors), seeds as a count n (seeds 1..n).
 *
 * <p>Systems (optional; with them every run is a simulation with time, see {@link SystemSetting}): an object of
 * name: spec, where a spec is a device string alone or an object with any of {@code devices} (default
 * {@code equal}), {@code availability} ({@code always}), {@code dropout} ({@code none}) and {@code rounds}
 * ({@code all}), or an array of device strings (each its own name):
 * <pre>{@code
 * "systems": {
 *   "equal": "equal",
 *   "lognormal": {"devices": "lognormal:200:1.0:2e6:1.0:2e7:1.0", "availability": "markov:3600:1800",
 *                 "dropout": "probability:0.05", "rounds": "deadline:30,overselect:1.3"}
 * }
 * }</pre>
 * Devices ({@link Devices}; speeds in training samples per second, bandwidths in bits per second, {@code inf} for
 * unlimited): {@code equal} (1 sample/s, unlimited bandwidth), {@code constant:SPEED:UP:DOWN},
 * {@code lognormal:SPEED:SIGMA_SPEED:UP:SIGMA_UP:DOWN:SIGMA_DOWN} (medians and log standard deviations),
 * {@code uniform:MIN_SPEED:MAX_SPEED:MIN_UP:MAX_UP:MIN_DOWN:MAX_DOWN}, {@code file:PATH} (a device trace, relative
 * to the base directory), and the decorators {@code slow-label:LABEL:FACTOR[:DEVICES]} (clients whose most frequent
 * label is LABEL compute FACTOR times slower; equal devices when DEVICES is left out), {@code jitter:SIGMA:DEVICES}
 * and {@code latency:SECONDS:DEVICES}, e.g. {@code slow-label:3:10:lognormal:200:1:2e6:1:2e7:1}. Availability
 * ({@link AvailabilityModels}, seconds): {@code always}, {@code bernoulli:PERIOD:P},
 * {@code markov:MEAN_ONLINE:MEAN_OFFLINE}, {@code diurnal:PERIOD:DAY:MEAN:AMPLITUDE}, {@code file:PATH}. Dropout
 * ({@link Dropouts}): {@code none}, {@code probability:Q}, {@code hazard:RATE} (per second). Rounds (synchronous
 * strategies): {@code all}, or a comma-separated combination of {@code deadline:SECONDS}, {@code first:K} and
 * {@code overselect:FACTOR} (over-selection needs participation {@code uniform:M} or {@code all}). With systems,
 * {@code maxVirtualTime} (seconds) may bound each run's virtual time.
 *
 * <p>Asynchronous strategies (they need systems; {@code rounds} counts their server versions; they have no
 * participation pattern, so the grid then takes at most one, for its synchronous strategies, and none is needed
 * without them) are objects with the local work (localSteps, batch, lr, clip as above), their arrival model,
 * {@code "concurrency": C} (C sessions in flight) or {@code "schedule"}: {@code closed:C}, {@code poisson:RATE}
 * (starts per virtual second) or {@code interval:SECONDS}, optionally {@code "maxStaleness": TAU}, and their own
 * options (s(tau) is {@code "staleness"}: {@code constant}, {@code polynomial:A} (default 0.5), {@code hinge:A:B},
 * {@code threshold:C:VALUE} or {@code nvflare}; {@code "mode"} is {@code mix} (default) or {@code delta}):
 * {@code fedasync} (alpha 0.9, staleness, mode, rho: the proximal weight, 0), {@code fedbuff} (K 10, staleness,
 * serverLr 1 or serverOptimizer), {@code fedfix} (period: seconds, required; serverLr 1; clientWeights
 * {@code samples} or {@code uniform}; unbiased true), {@code fedcompass} (minLocalSteps: Q_min, required, Q_max being
 * localSteps; alpha 0.9, staleness, lambda 1.5, speedMomentum 0.9, mode), {@code afa-cd} and {@code afa-cs} (m: the
 * arrivals per server step, required; serverLr 1), e.g.
 * {@code "FedBuff": {"algorithm": "fedbuff", "K": 10, "concurrency": 100, "staleness": "polynomial:0.5"}}.
 */
public final class GridSpec {
    private static final Set<String> TOP = Set.of("strategies", "compressors", "participation", "heterogeneity",
            "systems", "model", "seeds", "rounds", "targetAccuracy", "output", "parallelism", "maxUplinkBits",
            "maxVirtualTime", "evalEvery", "data", "aggregators", "attacks", "privacy");
    private static final Set<String> SYSTEM_FIELDS = Set.of("devices", "availability", "dropout", "rounds");
    private static final String DEVICES_USAGE = "equal, constant:SPEED:UP:DOWN, "
            + "lognormal:SPEED:SIGMA_SPEED:UP:SIGMA_UP:DOWN:SIGMA_DOWN, "
            + "uniform:MIN_SPEED:MAX_SPEED:MIN_UP:MAX_UP:MIN_DOWN:MAX_DOWN, file:PATH, "
            + "slow-label:LABEL:FACTOR[:DEVICES], jitter:SIGMA:DEVICES, latency:SECONDS:DEVICES";
    private static final String AVAILABILITY_USAGE = "always, bernoulli:PERIOD:P, markov:MEAN_ONLINE:MEAN_OFFLINE, "
            + "diurnal:PERIOD:DAY:MEAN:AMPLITUDE, file:PATH";
    private static final String DROPOUT_USAGE = "none, probability:Q, hazard:RATE";
    private static final String ROUNDS_USAGE = "all, or a comma-separated combination of deadline:SECONDS, first:K, "
            + "overselect:FACTOR";

    private GridSpec() {
    }

    /** " (did you mean 'x'?)" for the nearest valid field ({@link Registry#nearest}), or "". */
    private static String didYouMean(String field, Set<String> known) {
        String near = Registry.nearest(field, known);
        return near == null ? "" : " (did you mean '" + near + "'?)";
    }

    /** Parses a grid file; {@code output} is resolved against {@code baseDir} when relative. */
    public static Grid.Builder parse(Path file, Path baseDir) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read grid file " + file, e);
        }
        try {
            return parse(text, baseDir);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses grid JSON text. A key given twice in one object fails, naming the key, where it is and both values
     * (a JSON reader would otherwise keep one silently). The builder gets a {@link Grid.Builder#runConfig} that
     * describes each run by the parts of this text it depends on (see {@link #runConfig}).
     */
    public static Grid.Builder parse(String json, Path baseDir) {
        JsonNode root;
        try (JsonParser parser = new ObjectMapper().getFactory().createParser(json)) {
            JsonToken first = parser.nextToken();
            root = first == null ? null : readStrict(parser, "");
            if (root != null && parser.nextToken() != null) {
                throw new IllegalArgumentException("not valid JSON: text after the grid object at line "
                        + parser.currentLocation().getLineNr() + ", column " + parser.currentLocation().getColumnNr());
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the grid must be a JSON object, was " + root);
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!TOP.contains(f)) {
                throw new IllegalArgumentException("unknown field '" + f + "'" + didYouMean(f, TOP)
                        + "; known fields: " + new java.util.TreeSet<>(TOP));
            }
        }
        Grid.Builder b = Grid.builder();
        JsonNode strategies = required(root, "strategies");
        if (strategies.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = strategies.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                addStrategy(b, e.getKey(), "strategies." + e.getKey(), e.getValue());
            }
        } else if (strategies.isArray()) {
            for (int i = 0; i < strategies.size(); i++) {
                JsonNode s = strategies.get(i);
                String name = s.isTextual() ? s.asText() : s.path("name").asText(s.path("algorithm").asText());
                addStrategy(b, name, "strategies[" + i + "]", s);
            }
        } else {
            throw new IllegalArgumentException("strategies must be an object of name: spec, was " + strategies);
        }
        if (strategies.isEmpty()) {
            throw new IllegalArgumentException("strategies must not be empty, was " + strategies);
        }
        if (root.has("compressors")) {
            List<String> cs = strings(root, "compressors");
            for (int i = 0; i < cs.size(); i++) {
                b.compressor(cs.get(i), compressor("compressors[" + i + "]", cs.get(i)));
            }
        }
        // optional: a grid of asynchronous strategies alone has no participation pattern
        List<String> ps = root.has("participation") ? strings(root, "participation") : List.of();
        for (int i = 0; i < ps.size(); i++) {
            b.participationFor(ps.get(i), participation("participation[" + i + "]", ps.get(i)));
        }
        if (root.has("systems")) {
            systems(root.get("systems"), baseDir, b);
        }
        if (root.has("aggregators")) {
            List<String> as = strings(root, "aggregators");
            for (int i = 0; i < as.size(); i++) {
                java.util.Optional<Aggregator> a = aggregator("aggregators[" + i + "]", as.get(i));
                if (a.isPresent()) {
                    b.aggregator(as.get(i), a.get());
                } else {
                    b.defaultAggregator(as.get(i));
                }
            }
        }
        if (root.has("attacks")) {
            List<String> as = strings(root, "attacks");
            for (int i = 0; i < as.size(); i++) {
                b.attack(as.get(i), attack("attacks[" + i + "]", as.get(i)));
            }
        }
        if (root.has("privacy")) {
            List<String> ps2 = strings(root, "privacy");
            for (int i = 0; i < ps2.size(); i++) {
                b.privacy(ps2.get(i), privacy("privacy[" + i + "]", ps2.get(i)));
            }
        }
        MnistSource mnist = new MnistSource(dataDir(root, baseDir));
        List<String> hs = strings(root, "heterogeneity");
        for (int i = 0; i < hs.size(); i++) {
            b.heterogeneity(hs.get(i), heterogeneity("heterogeneity[" + i + "]", hs.get(i), mnist));
        }
        b.model(model(required(root, "model")));
        JsonNode seeds = required(root, "seeds");
        long[] sv;
        if (seeds.isInt()) {
            int n = seeds.asInt();
            if (n < 1) {
                throw new IllegalArgumentException("seeds must be a positive count or an array of integers, was "
                        + seeds);
            }
            sv = new long[n];
            for (int i = 0; i < n; i++) {
                sv[i] = i + 1;
            }
        } else if (seeds.isArray() && !seeds.isEmpty()) {
            sv = new long[seeds.size()];
            for (int i = 0; i < sv.length; i++) {
                if (!seeds.get(i).isIntegralNumber()) {
                    throw new IllegalArgumentException("seeds[" + i + "] must be an integer, was " + seeds.get(i));
                }
                sv[i] = seeds.get(i).asLong();
            }
        } else {
            throw new IllegalArgumentException("seeds must be a positive count or an array of integers, was "
                    + seeds);
        }
        b.seeds(sv);
        b.rounds(positiveInt(root, "rounds"));
        JsonNode target = required(root, "targetAccuracy");
        if (!target.isNumber() || target.asDouble() < 0 || target.asDouble() > 1) {
            throw new IllegalArgumentException("targetAccuracy must be a number in [0, 1], was " + target);
        }
        b.targetAccuracy(target.asDouble());
        JsonNode out = required(root, "output");
        if (!out.isTextual() || out.asText().isBlank()) {
            throw new IllegalArgumentException("output must be a directory path, was " + out);
        }
        b.output(baseDir.resolve(out.asText()));
        b.parallelism(root.has("parallelism") ? positiveInt(root, "parallelism")
                : Runtime.getRuntime().availableProcessors());
        if (root.has("maxUplinkBits")) {
            JsonNode v = root.get("maxUplinkBits");
            if (!v.isNumber() || v.asDouble() < 1) {
                throw new IllegalArgumentException("maxUplinkBits must be a positive number, was " + v);
            }
            b.maxUplinkBits((long) v.asDouble());
        }
        if (root.has("maxVirtualTime")) {
            JsonNode v = root.get("maxVirtualTime");
            if (!v.isNumber() || !(v.asDouble() > 0) || !Double.isFinite(v.asDouble())) {
                throw new IllegalArgumentException("maxVirtualTime must be a positive number of seconds, was " + v);
            }
            if (!root.has("systems")) {
                throw new IllegalArgumentException("maxVirtualTime needs a \"systems\" axis (virtual time), was "
                        + v);
            }
            b.maxVirtualTime(v.asDouble());
        }
        if (root.has("evalEvery")) {
            JsonNode v = root.get("evalEvery");
            if (!v.isInt() || v.asInt() < 0) {
                throw new IllegalArgumentException("evalEvery must be an integer >= 0, was " + v);
            }
            b.evalEvery(v.asInt());
        }
        b.runConfig(runConfig(root));
        return b;
    }

    /**
     * The value tree of the JSON value at the parser's current token, failing on a key given twice in an object
     * (naming the key, the object's path, both values and the line).
     */
    private static JsonNode readStrict(JsonParser p, String path) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                int line = p.currentLocation().getLineNr();
                p.nextToken();
                JsonNode v = readStrict(p, path.isEmpty() ? key : path + "." + key);
                JsonNode before = o.get(key);
                if (before != null) {
                    throw new IllegalArgumentException("key \"" + key + "\" is given twice in "
                            + (path.isEmpty() ? "the grid object" : path) + ": first " + before + ", then " + v
                            + " (line " + line + "); keep one");
                }
                o.set(key, v);
            }
            return o;
        }
        if (t == JsonToken.START_ARRAY) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                a.add(readStrict(p, path + "[" + i++ + "]"));
            }
            return a;
        }
        return p.readValueAsTree();
    }

    /** Top-level fields that do not change any run's result (or are a run's own axis entries, added per run). */
    private static final Set<String> NOT_RUN_CONFIG = Set.of("strategies", "compressors", "participation",
            "heterogeneity", "systems", "aggregators", "attacks", "privacy", "seeds", "output", "parallelism",
            "targetAccuracy");

    /**
     * The configuration text of each run of the grid {@code root}: the run's own strategy spec and system spec as
     * written (the other axes' entries are their names, which the grid already hashes), and every top-level field
     * that is not an axis nor one of output, parallelism, targetAccuracy and seeds (model, rounds, budgets,
     * evalEvery, data, and any field added later), each as canonical JSON (keys sorted, numbers as doubles), so
     * that reordering keys or writing 0.05 as 5e-2 does not count as a change, while any changed value does.
     * Adding or removing another strategy or system leaves a run's text unchanged. The contents of files the spec
     * names (data, device or availability files) are not part of it.
     */
    static java.util.function.Function<RunKey, String> runConfig(JsonNode root) {
        java.util.TreeMap<String, String> common = new java.util.TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!NOT_RUN_CONFIG.contains(e.getKey())) {
                common.put(e.getKey(), canonical(e.getValue()));
            }
        }
        Map<String, String> strategies = entries(root.get("strategies"));
        Map<String, String> systems = entries(root.get("systems"));
        StringBuilder sb = new StringBuilder();
        common.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        String fixed = sb.toString();
        return k -> "strategySpec=" + strategies.getOrDefault(k.strategy(), "\"" + k.strategy() + "\"") + "\n"
                + "systemSpec=" + (k.timed() ? systems.getOrDefault(k.system(), "\"" + k.system() + "\"") : "-")
                + "\n" + fixed;
    }

    /** Name to canonical spec of an axis given as an object of name: spec, or an array of names or named specs. */
    private static Map<String, String> entries(JsonNode axis) {
        Map<String, String> out = new java.util.HashMap<>();
        if (axis == null) {
            return out;
        }
        if (axis.isObject()) {
            axis.fields().forEachRemaining(e -> out.put(e.getKey(), canonical(e.getValue())));
        } else if (axis.isArray()) {
            for (JsonNode s : axis) {
                String name = s.isTextual() ? s.asText() : s.path("name").asText(s.path("algorithm").asText());
                out.put(name, canonical(s));
            }
        }
        return out;
    }

    /** JSON with object keys sorted and every number written as a double ({@link Double#toString}). */
    static String canonical(JsonNode n) {
        if (n.isObject()) {
            java.util.TreeMap<String, JsonNode> sorted = new java.util.TreeMap<>();
            n.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
            StringBuilder sb = new StringBuilder("{");
            sorted.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "")
                    .append(JsonNodeFactory.instance.textNode(k)).append(':').append(canonical(v)));
            return sb.append('}').toString();
        }
        if (n.isArray()) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < n.size(); i++) {
                sb.append(i > 0 ? "," : "").append(canonical(n.get(i)));
            }
            return sb.append(']').toString();
        }
        if (n.isNumber()) {
            // integers beyond 2^53 would lose digits as doubles: those keep their own digits
            boolean exact = !n.isIntegralNumber() || (n.canConvertToLong() && Math.abs(n.asLong()) <= 1L << 53);
            return exact ? Double.toString(n.asDouble()) : n.bigIntegerValue().toString();
        }
        return n.toString();
    }

    /**
     * The system axis: an object of name: spec, where a spec is a device string or an object with {@code devices},
     * {@code availability}, {@code dropout} and {@code rounds} (each optional); or an array of device strings, each
     * its own name.
     */
    private static void systems(JsonNode systems, Path baseDir, Grid.Builder b) {
        if (systems.isObject() && !systems.isEmpty()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = systems.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                b.system(e.getKey(), system("systems." + e.getKey(), e.getValue(), baseDir));
            }
        } else if (systems.isArray() && !systems.isEmpty()) {
            for (int i = 0; i < systems.size(); i++) {
                JsonNode s = systems.get(i);
                if (!s.isTextual()) {
                    throw new IllegalArgumentException("systems[" + i + "] must be a device string (or use an "
                            + "object of name: spec for the other fields), was " + s);
                }
                b.system(s.asText(), system("systems[" + i + "]", s, baseDir));
            }
        } else {
            throw new IllegalArgumentException("systems must be a non-empty object of name: spec, was " + systems);
        }
    }

    /** One system: a device string, or an object with devices, availability, dropout and rounds. */
    static SystemSetting system(String path, JsonNode spec, Path baseDir) {
        if (spec.isTextual()) {
            return SystemSetting.of(devices(path, spec.asText(), baseDir));
        }
        if (!spec.isObject()) {
            throw new IllegalArgumentException(path + " must be a device string or an object with "
                    + new java.util.TreeSet<>(SYSTEM_FIELDS) + ", was " + spec);
        }
        for (Iterator<String> it = spec.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!SYSTEM_FIELDS.contains(f)) {
                throw new IllegalArgumentException(path + "." + f + " is not a field of a system"
                        + didYouMean(f, SYSTEM_FIELDS) + " (known: " + new java.util.TreeSet<>(SYSTEM_FIELDS)
                        + "), was " + spec.get(f));
            }
        }
        SystemSetting s = SystemSetting.of(devices(path + ".devices", text(spec, path, "devices", "equal"), baseDir));
        s = s.withAvailability(availability(path + ".availability", text(spec, path, "availability", "always"),
                baseDir));
        s = s.withDropout(dropout(path + ".dropout", text(spec, path, "dropout", "none")));
        return s.withRounds(rounds(path + ".rounds", text(spec, path, "rounds", "all")));
    }

    private static String text(JsonNode node, String path, String field, String def) {
        JsonNode v = node.get(field);
        if (v == null) {
            return def;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(path + "." + field + " must be a string, was " + v);
        }
        return v.asText();
    }

    /**
     * A device model for a run's data from {@code equal}, {@code constant:SPEED:UP:DOWN},
     * {@code lognormal:SPEED:SIGMA_SPEED:UP:SIGMA_UP:DOWN:SIGMA_DOWN},
     * {@code uniform:MIN_SPEED:MAX_SPEED:MIN_UP:MAX_UP:MIN_DOWN:MAX_DOWN}, {@code file:PATH},
     * {@code slow-label:LABEL:FACTOR[:DEVICES]}, {@code jitter:SIGMA:DEVICES} or {@code latency:SECONDS:DEVICES}.
     * Everything that does not need the data is built (and checked) now.
     */
    static Function<FederatedDataset, DeviceModel> devices(String path, String spec, Path baseDir) {
        String[] a = spec.split(":", -1);
        try {
            switch (a[0]) {
                case "equal":
                    if (a.length == 1) {
                        return fixed(SystemSetting.EQUAL_DEVICES);
                    }
                    break;
                case "constant":
                    if (a.length == 4) {
                        return fixed(Devices.constant(number(path, spec, a[1]), number(path, spec, a[2]),
                                number(path, spec, a[3])));
                    }
                    break;
                case "lognormal":
                    if (a.length == 7) {
                        double[] v = numbers(path, spec, a, 1);
                        return fixed(Devices.logNormal(v[0], v[1], v[2], v[3], v[4], v[5]));
                    }
                    break;
                case "uniform":
                    if (a.length == 7) {
                        double[] v = numbers(path, spec, a, 1);
                        return fixed(Devices.uniform(v[0], v[1], v[2], v[3], v[4], v[5]));
                    }
                    break;
                case "file":
                    if (a.length >= 2 && !spec.substring(5).isBlank()) {
                        Path file = baseDir.resolve(spec.substring(5)).normalize();
                        try {
                            return fixed(Devices.fromFile(file));
                        } catch (IOException e) {
                            throw new IllegalArgumentException("cannot read the device file " + file + ": " + e);
                        }
                    }
                    break;
                case "slow-label":
                    if (a.length >= 3) {
                        int label = intArg(path, spec, a[1], 0);
                        double factor = number(path, spec, a[2]);
                        if (!(factor >= 1) || Double.isInfinite(factor)) {
                            throw new IllegalArgumentException("FACTOR must be a finite number >= 1, was " + a[2]);
                        }
                        Function<FederatedDataset, DeviceModel> base = a.length == 3
                                ? fixed(SystemSetting.EQUAL_DEVICES) : devices(path, rest(spec, 3), baseDir);
                        return d -> Devices.slowForLabel(base.apply(d), d, label, factor);
                    }
                    break;
                case "jitter":
                    if (a.length >= 3) {
                        double sigma = number(path, spec, a[1]);
                        Devices.withJitter(SystemSetting.EQUAL_DEVICES, sigma); // checks sigma now
                        Function<FederatedDataset, DeviceModel> base = devices(path, rest(spec, 2), baseDir);
                        return d -> Devices.withJitter(base.apply(d), sigma);
                    }
                    break;
                case "latency":
                    if (a.length >= 3) {
                        double seconds = number(path, spec, a[1]);
                        Devices.withLatency(SystemSetting.EQUAL_DEVICES, seconds); // checks seconds now
                        Function<FederatedDataset, DeviceModel> base = devices(path, rest(spec, 2), baseDir);
                        return d -> Devices.withLatency(base.apply(d), seconds);
                    }
                    break;
                default:
                    break;
            }
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(path)) {
                throw e;
            }
            throw new IllegalArgumentException(path + " \"" + spec + "\": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(path + " must be one of " + DEVICES_USAGE + ", was \"" + spec + "\"");
    }

    private static Function<FederatedDataset, DeviceModel> fixed(DeviceModel m) {
        return d -> m;
    }

    /** {@code spec} after its first {@code fields} ':'-separated fields. */
    private static String rest(String spec, int fields) {
        int at = -1;
        for (int i = 0; i < fields; i++) {
            at = spec.indexOf(':', at + 1);
        }
        return spec.substring(at + 1);
    }

    private static double[] numbers(String path, String spec, String[] a, int from) {
        double[] v = new double[a.length - from];
        for (int i = from; i < a.length; i++) {
            v[i - from] = number(path, spec, a[i]);
        }
        return v;
    }

    /**
     * An availability model from {@code always}, {@code bernoulli:PERIOD:P}, {@code markov:MEAN_ONLINE:MEAN_OFFLINE},
     * {@code diurnal:PERIOD:DAY:MEAN:AMPLITUDE} or {@code file:PATH} (an availability trace).
     */
    static AvailabilityModel availability(String path, String spec, Path baseDir) {
        String[] a = spec.split(":", -1);
        try {
            switch (a[0]) {
                case "always":
                    if (a.length == 1) {
                        return AvailabilityModels.always();
                    }
                    break;
                case "bernoulli":
                    if (a.length == 3) {
                        return AvailabilityModels.bernoulli(number(path, spec, a[1]), number(path, spec, a[2]));
                    }
                    break;
                case "markov":
                    if (a.length == 3) {
                        return AvailabilityModels.markov(number(path, spec, a[1]), number(path, spec, a[2]));
                    }
                    break;
                case "diurnal":
                    if (a.length == 5) {
                        double[] v = numbers(path, spec, a, 1);
                        return AvailabilityModels.diurnal(v[0], v[1], v[2], v[3]);
                    }
                    break;
                case "file":
                    if (a.length >= 2 && !spec.substring(5).isBlank()) {
                        Path file = baseDir.resolve(spec.substring(5)).normalize();
                        try {
                            return AvailabilityModels.replayFile(file);
                        } catch (IOException e) {
                            throw new IllegalArgumentException("cannot read the availability file " + file + ": "
                                    + e);
                        }
                    }
                    break;
                default:
                    break;
            }
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(path)) {
                throw e;
            }
            throw new IllegalArgumentException(path + " \"" + spec + "\": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(path + " must be one of " + AVAILABILITY_USAGE + ", was \"" + spec
                + "\"");
    }

    /** A dropout model from {@code none}, {@code probability:Q} or {@code hazard:RATE} (failures per second). */
    static DropoutModel dropout(String path, String spec) {
        String[] a = spec.split(":", -1);
        try {
            if (a[0].equals("none") && a.length == 1) {
                return Dropouts.none();
            }
            if (a[0].equals("probability") && a.length == 2) {
                return Dropouts.probability(number(path, spec, a[1]));
            }
            if (a[0].equals("hazard") && a.length == 2) {
                return Dropouts.hazard(number(path, spec, a[1]));
            }
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(path)) {
                throw e;
            }
            throw new IllegalArgumentException(path + " \"" + spec + "\": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(path + " must be one of " + DROPOUT_USAGE + ", was \"" + spec + "\"");
    }

    /**
     * The round rule of synchronous strategies: {@code all} (wait for every selected client), or a comma-separated
     * combination of {@code deadline:SECONDS}, {@code first:K} and {@code overselect:FACTOR}, each at most once
     * (e.g. {@code deadline:30,overselect:1.3}).
     */
    static Schedule rounds(String path, String spec) {
        Schedule s = Schedule.rounds();
        if (spec.equals("all")) {
            return s;
        }
        Set<String> seen = new java.util.HashSet<>();
        for (String part : spec.split(",", -1)) {
            String[] a = part.trim().split(":", -1);
            if (a.length != 2 || !seen.add(a[0])) {
                throw new IllegalArgumentException(path + " must be " + ROUNDS_USAGE + (a.length == 2
                        ? " (" + a[0] + " given twice)" : "") + ", was \"" + spec + "\"");
            }
            try {
                s = switch (a[0]) {
                    case "deadline" -> s.deadline(number(path, spec, a[1]));
                    case "first" -> s.firstK(intArg(path, spec, a[1], 1));
                    case "overselect" -> s.overSelection(number(path, spec, a[1]));
                    default -> throw new IllegalArgumentException(path + " must be " + ROUNDS_USAGE + ", was \""
                            + spec + "\"");
                };
            } catch (IllegalArgumentException e) {
                if (e.getMessage() != null && e.getMessage().startsWith(path)) {
                    throw e;
                }
                throw new IllegalArgumentException(path + " \"" + spec + "\": " + e.getMessage(), e);
            }
        }
        return s;
    }

    private static JsonNode required(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(field + " is required");
        }
        return v;
    }

    private static int positiveInt(JsonNode root, String field) {
        JsonNode v = required(root, field);
        if (!v.isInt() || v.asInt() < 1) {
            throw new IllegalArgumentException(field + " must be a positive integer, was " + v);
        }
        return v.asInt();
    }

    private static List<String> strings(JsonNode root, String field) {
        JsonNode v = required(root, field);
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            out.add(v.asText());
            return out;
        }
        if (!v.isArray() || v.isEmpty()) {
            throw new IllegalArgumentException(field + " must be a non-empty array of strings, was " + v);
        }
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                throw new IllegalArgumentException(field + "[" + i + "] must be a string, was " + v.get(i));
            }
            out.add(v.get(i).asText());
        }
        return out;
    }

    /** Adds a synchronous or an asynchronous strategy, by its algorithm's name. */
    private static void addStrategy(Grid.Builder b, String name, String path, JsonNode spec) {
        JsonNode a = spec.isObject() ? spec.get("algorithm") : spec;
        if (a != null && a.isTextual() && ASYNC_ALGORITHMS.contains(a.asText())) {
            AsyncStrategy s = asyncStrategy(path, spec);
            b.asyncStrategy(name, s.algorithm(), s.schedule());
        } else {
            SyncStrategy s = syncStrategy(path, spec);
            if (s.averaging() != null) {
                b.strategy(name, s.averaging());
            } else {
                b.strategy(name, s.supplier());
            }
        }
    }

    /** The hyper-parameters of a strategy spec: a registry name, or an object with "algorithm". */
    private static Params params(String path, JsonNode spec) {
        Params p;
        if (spec.isTextual()) {
            p = new Params(path, null);
            p.algorithm = spec.asText();
        } else if (spec.isObject()) {
            p = new Params(path, spec);
            JsonNode a = spec.get("algorithm");
            if (a == null || !a.isTextual()) {
                throw new IllegalArgumentException(path + ".algorithm must be one of " + ALGORITHMS + " or "
                        + ASYNC_ALGORITHMS + ", was " + a);
            }
            p.algorithm = a.asText();
        } else {
            throw new IllegalArgumentException(path + " must be an algorithm name or an object, was " + spec);
        }
        return p;
    }

    /** A synchronous strategy from its spec: a registry name, or an object with "algorithm" and hyper-parameters. */
    static Supplier<FederatedAlgorithm<?, ?>> strategy(String path, JsonNode spec) {
        return syncStrategy(path, spec).supplier();
    }

    /**
     * A parsed synchronous strategy.
     *
     * @param supplier  a fresh algorithm per run
     * @param averaging the same strategy with any aggregator (fedavg, fedprox, scaffold), or null
     */
    record SyncStrategy(Supplier<FederatedAlgorithm<?, ?>> supplier, AveragingStrategy averaging) {
    }

    /** A synchronous strategy, and for the averaging ones (fedavg, fedprox, scaffold) its aggregator form. */
    static SyncStrategy syncStrategy(String path, JsonNode spec) {
        Params p = params(path, spec);
        int steps = p.positiveInt("localSteps", 10);
        int batch = p.positiveInt("batch", 10);
        double lr = p.positive("lr", 0.05);
        double serverLr = p.positive("serverLr", 1.0);
        double clip = p.positive("clip", LocalTraining.NO_CLIPPING);
        Supplier<FederatedAlgorithm<?, ?>> s = null;
        Function<io.github.fl4j.core.api.Aggregator, FederatedAlgorithm<?, ?>> withAggregator = null;
        switch (p.algorithm) {
            case "fedavg" -> {
                double momentum = p.number("serverMomentum", 0.0);
                ServerOptimizer opt = serverOptimizer(p, "serverLr", "serverMomentum");
                String secAgg = p.text("secureAggregation", null);
                Function<io.github.fl4j.core.api.Aggregator, FedAvg> fedAvg = a -> {
                    FedAvg.Builder b = FedAvg.builder().localSteps(steps, batch).localLearningRate(lr)
                            .gradientClipping(clip).aggregator(a);
                    return (opt == null ? b.serverLearningRate(serverLr).serverMomentum(momentum)
                            : b.serverOptimizer(opt)).build();
                };
                if (secAgg == null) {
                    withAggregator = fedAvg::apply;
                } else {
                    SecAggParams params = secAggParams(path + ".secureAggregation", secAgg);
                    s = () -> SecureAggregation.wrap(fedAvg.apply(null), params);
                }
            }
            case "scaffold" -> {
                String o = p.text("option", "II");
                if (!o.equals("I") && !o.equals("II")) {
                    throw new IllegalArgumentException(path + ".option must be \"I\" or \"II\", was \"" + o + "\"");
                }
                Scaffold.Option option = Scaffold.Option.valueOf(o);
                ServerOptimizer opt = serverOptimizer(p, "serverLr");
                withAggregator = a -> {
                    Scaffold.Builder b = Scaffold.builder().localSteps(steps, batch).localLearningRate(lr)
                            .gradientClipping(clip).option(option).aggregator(a);
                    return (opt == null ? b.serverLearningRate(serverLr) : b.serverOptimizer(opt)).build();
                };
            }
            case "fedprox" -> {
                double mu = p.nonNegative("mu", 0.01); // FedProx takes mu >= 0 (0: FedAvg's local step)
                ServerOptimizer opt = serverOptimizer(p, "serverLr");
                withAggregator = a -> {
                    FedProx.Builder b = FedProx.builder().localSteps(steps, batch).localLearningRate(lr)
                            .gradientClipping(clip).proximalWeight(mu).aggregator(a);
                    return (opt == null ? b.serverLearningRate(serverLr) : b.serverOptimizer(opt)).build();
                };
            }
            case "fedspeed" -> {
                double rho = p.nonNegative("rho", 0.1); // FedSpeed takes rho >= 0 and alpha in [0, 1]
                double alpha = p.nonNegative("alpha", 1.0);
                if (alpha > 1) {
                    throw new IllegalArgumentException(path + ".alpha must be in [0, 1], was " + alpha);
                }
                double lambda = p.positive("lambda", 10.0);
                s = () -> FedSpeed.builder().localSteps(steps, batch).localLearningRate(lr).gradientClipping(clip)
                        .rho(rho).alpha(alpha).lambda(lambda).build();
            }
            case "fedau" -> {
                String agg = p.text("aggregation", "adaptive");
                FedAu.Aggregation aggregation = switch (agg) {
                    case "adaptive" -> FedAu.Aggregation.ADAPTIVE;
                    case "participating" -> FedAu.Aggregation.AVERAGE_PARTICIPATING;
                    case "all" -> FedAu.Aggregation.AVERAGE_ALL;
                    case "mifa" -> FedAu.Aggregation.MIFA;
                    case "fedvarp" -> FedAu.Aggregation.FEDVARP;
                    default -> throw new IllegalArgumentException(path + ".aggregation must be one of adaptive, "
                            + "participating, all, mifa, fedvarp (known probabilities need the rates: use the Java "
                            + "builder), was \"" + agg + "\"");
                };
                int cutoff = p.positiveInt("cutoff", Integer.MAX_VALUE);
                s = () -> {
                    FedAu.Builder fb = FedAu.builder().localSteps(steps, batch).localLearningRate(lr)
                            .gradientClipping(clip).serverLearningRate(serverLr).aggregation(aggregation);
                    return (cutoff == Integer.MAX_VALUE ? fb : fb.cutoff(cutoff)).build();
                };
            }
            default -> throw new IllegalArgumentException(path + (spec.isTextual() ? "" : ".algorithm")
                    + " must be one of " + ALGORITHMS + " or " + ASYNC_ALGORITHMS + ", was \"" + p.algorithm
                    + "\"");
        }
        p.checkAllUsed();
        AveragingStrategy averaging = null;
        if (withAggregator != null) {
            Function<io.github.fl4j.core.api.Aggregator, FederatedAlgorithm<?, ?>> f = withAggregator;
            s = () -> f.apply(null);
            averaging = AveragingStrategy.of(f, LocalTraining.steps(steps, batch).withGradientClipping(clip), lr);
        }
        s.get(); // validates the hyper-parameters now, not in a pool thread
        return new SyncStrategy(s, averaging);
    }

    /**
     * Secure aggregation's parameters from {@code MODULUS_BITS:FRACTIONAL_BITS:CLIP_RANGE[:DROPOUT]} (b, k, R and the
     * probability that a participant drops between masking and unmasking).
     */
    static SecAggParams secAggParams(String path, String spec) {
        String[] a = spec.split(":", -1);
        if (a.length != 3 && a.length != 4) {
            throw new IllegalArgumentException(path + " must be MODULUS_BITS:FRACTIONAL_BITS:CLIP_RANGE[:DROPOUT], "
                    + "e.g. \"32:16:100\", was \"" + spec + "\"");
        }
        try {
            SecAggParams.Builder b = SecAggParams.builder().modulusBits(Integer.parseInt(a[0]))
                    .fractionalBits(Integer.parseInt(a[1])).clipRange(Double.parseDouble(a[2]));
            if (a.length == 4) {
                b.dropoutProbability(Double.parseDouble(a[3]));
            }
            return b.build();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(path + " \"" + spec + "\": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + " \"" + spec + "\": " + e.getMessage(), e);
        }
    }

    private static final List<String> ALGORITHMS = List.of("fedavg", "scaffold", "fedprox", "fedspeed", "fedau");
    private static final List<String> ASYNC_ALGORITHMS = List.of("fedasync", "fedbuff", "fedfix", "fedcompass",
            "afa-cd", "afa-cs");

    /**
     * An asynchronous strategy: a fresh algorithm per run and its schedule.
     *
     * @param algorithm the algorithm
     * @param schedule  its arrival model
     */
    record AsyncStrategy(Supplier<AsyncAlgorithm<?, ?>> algorithm, Schedule schedule) {
    }

    /**
     * An asynchronous strategy from an object with "algorithm" (fedasync, fedbuff, fedfix, fedcompass, afa-cd,
     * afa-cs), its schedule ("concurrency": C, or "schedule": closed:C, poisson:RATE or interval:SECONDS, and
     * optionally "maxStaleness") and hyper-parameters.
     */
    static AsyncStrategy asyncStrategy(String path, JsonNode spec) {
        Params p = params(path, spec);
        if (!spec.isObject()) {
            throw new IllegalArgumentException(path + " \"" + p.algorithm + "\" is asynchronous: give an object with "
                    + "its schedule, e.g. {\"algorithm\": \"" + p.algorithm + "\", \"concurrency\": 10}");
        }
        int steps = p.positiveInt("localSteps", 10);
        int batch = p.positiveInt("batch", 10);
        double lr = p.positive("lr", 0.05);
        double clip = p.positive("clip", LocalTraining.NO_CLIPPING);
        Schedule schedule = asyncSchedule(p);
        Supplier<AsyncAlgorithm<?, ?>> s;
        switch (p.algorithm) {
            case "fedasync" -> {
                double alpha = p.positive("alpha", 0.9);
                StalenessFunction st = staleness(p);
                MixingMode mode = mixingMode(p);
                double rho = p.nonNegative("rho", 0.0);
                s = () -> FedAsync.builder().localSteps(steps, batch).localLearningRate(lr).gradientClipping(clip)
                        .alpha(alpha).staleness(st).mode(mode).proximalWeight(rho).build();
            }
            case "fedbuff" -> {
                int k = p.positiveInt("K", 10);
                StalenessFunction st = staleness(p);
                double serverLr = p.positive("serverLr", 1.0);
                ServerOptimizer opt = serverOptimizer(p, "serverLr");
                s = () -> {
                    FedBuff.Builder b = FedBuff.builder().localSteps(steps, batch).localLearningRate(lr)
                            .gradientClipping(clip).bufferSize(k).staleness(st);
                    return (opt == null ? b.serverLearningRate(serverLr) : b.serverOptimizer(opt)).build();
                };
            }
            case "fedfix" -> {
                double period = p.positive("period", Double.NaN);
                if (Double.isNaN(period)) {
                    throw new IllegalArgumentException(path + ".period (the aggregation period in virtual seconds) "
                            + "is required for fedfix");
                }
                double serverLr = p.positive("serverLr", 1.0);
                String w = p.text("clientWeights", "samples");
                FedFix.ClientWeights weights = switch (w) {
                    case "samples" -> FedFix.ClientWeights.SAMPLE_COUNT;
                    case "uniform" -> FedFix.ClientWeights.UNIFORM;
                    default -> throw new IllegalArgumentException(path + ".clientWeights must be \"samples\" or "
                            + "\"uniform\", was \"" + w + "\"");
                };
                boolean unbiased = p.bool("unbiased", true);
                s = () -> FedFix.builder().localSteps(steps, batch).localLearningRate(lr).gradientClipping(clip)
                        .period(period).serverLearningRate(serverLr).clientWeights(weights).unbiased(unbiased)
                        .build();
            }
            case "fedcompass" -> {
                int qMin = p.positiveInt("minLocalSteps", Integer.MIN_VALUE);
                if (qMin == Integer.MIN_VALUE) {
                    throw new IllegalArgumentException(path + ".minLocalSteps (Q_min; Q_max is localSteps) is "
                            + "required for fedcompass");
                }
                double alpha = p.positive("alpha", 0.9);
                StalenessFunction st = staleness(p);
                double lambda = p.positive("lambda", 1.5);
                double mu = p.positive("speedMomentum", 0.9);
                MixingMode mode = mixingMode(p);
                s = () -> FedCompass.builder().localSteps(steps, batch).localLearningRate(lr).gradientClipping(clip)
                        .minLocalSteps(qMin).alpha(alpha).staleness(st).latestTimeFactor(lambda).speedMomentum(mu)
                        .mode(mode).build();
            }
            case "afa-cd", "afa-cs" -> {
                int m = p.positiveInt("m", Integer.MIN_VALUE);
                if (m == Integer.MIN_VALUE) {
                    throw new IllegalArgumentException(path + ".m (the arrivals per server step) is required for "
                            + p.algorithm);
                }
                double serverLr = p.positive("serverLr", 1.0);
                boolean cd = p.algorithm.equals("afa-cd");
                s = () -> (cd ? Afa.cd() : Afa.cs()).localSteps(steps, batch).localLearningRate(lr)
                        .gradientClipping(clip).arrivalsPerStep(m).serverLearningRate(serverLr).build();
            }
            default -> throw new IllegalArgumentException(path + ".algorithm must be one of " + ASYNC_ALGORITHMS
                    + ", was \"" + p.algorithm + "\"");
        }
        p.checkAllUsed();
        try {
            s.get(); // validates the hyper-parameters now, not in a pool thread
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + " (" + p.algorithm + "): " + e.getMessage(), e);
        }
        return new AsyncStrategy(s, schedule);
    }

    /**
     * The arrival model of an asynchronous strategy: {@code "concurrency": C} (closed) or {@code "schedule"}:
     * {@code closed:C}, {@code poisson:RATE} (starts per virtual second) or {@code interval:SECONDS}; optionally
     * {@code "maxStaleness": TAU}.
     */
    private static Schedule asyncSchedule(Params p) {
        String usage = "closed:C, poisson:RATE or interval:SECONDS";
        String path = p.path;
        boolean hasConcurrency = p.node.has("concurrency");
        String spec = p.text("schedule", null);
        Schedule s;
        if (hasConcurrency && spec != null) {
            throw new IllegalArgumentException(path + ".concurrency must not be given with " + path + ".schedule "
                    + "(\"" + spec + "\"), was " + p.node.get("concurrency"));
        }
        if (hasConcurrency) {
            s = Schedule.closed(p.positiveInt("concurrency", 1));
        } else if (spec != null) {
            String[] a = spec.split(":", -1);
            String field = path + ".schedule";
            if (a.length != 2) {
                throw new IllegalArgumentException(field + " must be one of " + usage + ", was \"" + spec + "\"");
            }
            try {
                s = switch (a[0]) {
                    case "closed" -> Schedule.closed(intArg(field, spec, a[1], 1));
                    case "poisson" -> Schedule.poisson(number(field, spec, a[1]));
                    case "interval" -> Schedule.everyInterval(number(field, spec, a[1]));
                    default -> throw new IllegalArgumentException(field + " must be one of " + usage + ", was \""
                            + spec + "\"");
                };
            } catch (IllegalArgumentException e) {
                if (e.getMessage() != null && e.getMessage().startsWith(field)) {
                    throw e;
                }
                throw new IllegalArgumentException(field + " \"" + spec + "\": " + e.getMessage(), e);
            }
        } else {
            throw new IllegalArgumentException(path + " (" + p.algorithm + ") needs its arrival model: "
                    + "\"concurrency\": C (sessions in flight) or \"schedule\": " + usage);
        }
        JsonNode tau = p.get("maxStaleness");
        if (tau != null) {
            if (!tau.isIntegralNumber() || tau.asLong() < 0) {
                throw new IllegalArgumentException(path + ".maxStaleness must be an integer >= 0, was " + tau);
            }
            s = s.maxStaleness(tau.asLong());
        }
        return s;
    }

    /**
     * s(tau) from {@code "staleness"}: {@code constant}, {@code polynomial:A}, {@code hinge:A:B},
     * {@code threshold:C:VALUE} or {@code nvflare} (default polynomial:0.5, the algorithms' own default).
     */
    private static StalenessFunction staleness(Params p) {
        String spec = p.text("staleness", "polynomial:0.5");
        String field = p.path + ".staleness";
        String[] a = spec.split(":", -1);
        try {
            switch (a[0]) {
                case "constant":
                    if (a.length == 1) {
                        return Staleness.constant();
                    }
                    break;
                case "polynomial":
                    if (a.length == 2) {
                        return Staleness.polynomial(number(field, spec, a[1]));
                    }
                    break;
                case "hinge":
                    if (a.length == 3) {
                        return Staleness.hinge(number(field, spec, a[1]), number(field, spec, a[2]));
                    }
                    break;
                case "threshold":
                    if (a.length == 3) {
                        return Staleness.threshold(intArg(field, spec, a[1], 0), number(field, spec, a[2]));
                    }
                    break;
                case "nvflare":
                    if (a.length == 1) {
                        return Staleness.nvflare();
                    }
                    break;
                default:
                    break;
            }
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(field)) {
                throw e;
            }
            throw new IllegalArgumentException(field + " \"" + spec + "\": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(field + " must be one of constant, polynomial:A, hinge:A:B, "
                + "threshold:C:VALUE, nvflare, was \"" + spec + "\"");
    }

    /** {@code "mode"}: {@code mix} (default) or {@code delta}. */
    private static MixingMode mixingMode(Params p) {
        String m = p.text("mode", "mix");
        return switch (m) {
            case "mix" -> MixingMode.MIX;
            case "delta" -> MixingMode.DELTA;
            default -> throw new IllegalArgumentException(p.path + ".mode must be \"mix\" or \"delta\", was \"" + m
                    + "\"");
        };
    }

    /**
     * The strategy's {@code serverOptimizer}, or null when absent; fails naming the field when one of the shorthand
     * fields it replaces is also given.
     */
    private static ServerOptimizer serverOptimizer(Params p, String... shorthands) {
        String spec = p.text("serverOptimizer", null);
        if (spec == null) {
            return null;
        }
        for (String f : shorthands) {
            if (p.node.has(f)) {
                throw new IllegalArgumentException(p.path + "." + f + " must not be given with " + p.path
                        + ".serverOptimizer (set the rate in the optimizer), was " + p.node.get(f));
            }
        }
        return serverOptimizer(p.path + ".serverOptimizer", spec);
    }

    /**
     * A server optimizer from {@code sgd:LR}, {@code momentum:LR:BETA}, {@code adagrad:LR[:TAU]},
     * {@code adam:LR[:BETA1:BETA2:TAU]} or {@code yogi:LR[:BETA1:BETA2:TAU]}.
     */
    static ServerOptimizer serverOptimizer(String path, String spec) {
        String[] a = spec.split(":");
        double[] v = new double[a.length - 1];
        for (int i = 1; i < a.length; i++) {
            v[i - 1] = number(path, spec, a[i]);
        }
        try {
            switch (a[0]) {
                case "sgd":
                    if (v.length == 1) {
                        return ServerOptimizers.sgd(v[0]);
                    }
                    break;
                case "momentum":
                    if (v.length == 2) {
                        return ServerOptimizers.momentum(v[0], v[1]);
                    }
                    break;
                case "adagrad":
                    if (v.length == 1 || v.length == 2) {
                        return v.length == 1 ? ServerOptimizers.adagrad(v[0]) : ServerOptimizers.adagrad(v[0], v[1]);
                    }
                    break;
                case "adam":
                    if (v.length == 1 || v.length == 4) {
                        return v.length == 1 ? ServerOptimizers.adam(v[0])
                                : ServerOptimizers.adam(v[0], v[1], v[2], v[3]);
                    }
                    break;
                case "yogi":
                    if (v.length == 1 || v.length == 4) {
                        return v.length == 1 ? ServerOptimizers.yogi(v[0])
                                : ServerOptimizers.yogi(v[0], v[1], v[2], v[3]);
                    }
                    break;
                default:
                    break;
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + " \"" + spec + "\": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(path + " must be one of sgd:LR, momentum:LR:BETA, adagrad:LR[:TAU], "
                + "adam:LR[:BETA1:BETA2:TAU], yogi:LR[:BETA1:BETA2:TAU], was \"" + spec + "\"");
    }

    /** The hyper-parameters of one strategy object, tracking which were read. */
    private static final class Params {
        private final String path;
        private final JsonNode node;
        private final Set<String> used = new java.util.HashSet<>(Set.of("algorithm", "name"));
        private String algorithm;

        Params(String path, JsonNode node) {
            this.path = path;
            this.node = node;
        }

        JsonNode get(String f) {
            used.add(f);
            return node == null ? null : node.get(f);
        }

        double number(String f, double def) {
            JsonNode v = get(f);
            if (v == null) {
                return def;
            }
            if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                throw new IllegalArgumentException(path + "." + f + " must be a number, was " + v);
            }
            return v.asDouble();
        }

        double positive(String f, double def) {
            JsonNode v = get(f);
            if (v == null) {
                return def;
            }
            if (!v.isNumber() || !(v.asDouble() > 0) || !Double.isFinite(v.asDouble())) {
                throw new IllegalArgumentException(path + "." + f + " must be a positive number, was " + v);
            }
            return v.asDouble();
        }

        double nonNegative(String f, double def) {
            JsonNode v = get(f);
            if (v == null) {
                return def;
            }
            if (!v.isNumber() || !(v.asDouble() >= 0) || !Double.isFinite(v.asDouble())) {
                throw new IllegalArgumentException(path + "." + f + " must be a number >= 0, was " + v);
            }
            return v.asDouble();
        }

        boolean bool(String f, boolean def) {
            JsonNode v = get(f);
            if (v == null) {
                return def;
            }
            if (!v.isBoolean()) {
                throw new IllegalArgumentException(path + "." + f + " must be true or false, was " + v);
            }
            return v.asBoolean();
        }

        int positiveInt(String f, int def) {
            JsonNode v = get(f);
            if (v == null) {
                return def;
            }
            if (!v.isInt() || v.asInt() < 1) {
                throw new IllegalArgumentException(path + "." + f + " must be a positive integer, was " + v);
            }
            return v.asInt();
        }

        String text(String f, String def) {
            JsonNode v = get(f);
            if (v == null) {
                return def;
            }
            if (!v.isTextual()) {
                throw new IllegalArgumentException(path + "." + f + " must be a string, was " + v);
            }
            return v.asText();
        }

        void checkAllUsed() {
            if (node == null) {
                return;
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!used.contains(f)) {
                    throw new IllegalArgumentException(path + "." + f + " is not a parameter of " + algorithm
                            + ", was " + node.get(f));
                }
            }
        }
    }

    static final String AGGREGATORS_USAGE = "mean, median, trimmed-mean:BETA, krum:F, multi-krum:F:M, "
            + "geometric-median, centered-clipping:TAU:ITERATIONS, norm-bound:MAX_NORM";
    static final String ATTACKS_USAGE = "none, sign-flip:FRACTION, scale:FACTOR:FRACTION, "
            + "gaussian:SIGMA:FRACTION, label-flip:CLASSES:FRACTION, alie:FRACTION, ipm:EPSILON:FRACTION";
    static final String PRIVACY_USAGE = "none, dp:NOISE_MULTIPLIER:CLIP:SAMPLING_RATE, "
            + "dp-adaptive:NOISE_MULTIPLIER:CLIP:SAMPLING_RATE:BIT_NOISE";

    /**
     * An aggregator from {@code mean} (the strategies' own weighted mean: empty), {@code median},
     * {@code trimmed-mean:BETA}, {@code krum:F}, {@code multi-krum:F:M}, {@code geometric-median},
     * {@code centered-clipping:TAU:ITERATIONS} or {@code norm-bound:MAX_NORM} (the sample-weighted mean of the
     * uploads scaled down to norm at most MAX_NORM).
     */
    static java.util.Optional<Aggregator> aggregator(String path, String spec) {
        String[] a = spec.split(":", -1);
        String usage = path + " must be one of " + AGGREGATORS_USAGE + ", was \"" + spec + "\"";
        try {
            switch (a[0]) {
                case "mean":
                    if (a.length == 1) {
                        return java.util.Optional.empty();
                    }
                    break;
                case "median":
                    if (a.length == 1) {
                        return java.util.Optional.of(RobustComponents.median());
                    }
                    break;
                case "trimmed-mean":
                    if (a.length == 2) {
                        double beta = number(path, spec, a[1]);
                        if (!(beta >= 0 && beta < 0.5)) {
                            throw new IllegalArgumentException(path + " \"" + spec + "\": BETA (the share trimmed "
                                    + "at each end) must be in [0, 0.5), was " + a[1]);
                        }
                        return java.util.Optional.of(RobustComponents.trimmedMean(beta));
                    }
                    break;
                case "krum":
                    if (a.length == 2) {
                        return java.util.Optional.of(RobustComponents.krum(intArg(path, spec, a[1], 0)));
                    }
                    break;
                case "multi-krum":
                    if (a.length == 3) {
                        return java.util.Optional.of(RobustComponents.multiKrum(intArg(path, spec, a[1], 0),
                                intArg(path, spec, a[2], 1)));
                    }
                    break;
                case "geometric-median":
                    if (a.length == 1) {
                        return java.util.Optional.of(RobustComponents.geometricMedian());
                    }
                    break;
                case "centered-clipping":
                    if (a.length == 3) {
                        double tau = number(path, spec, a[1]);
                        if (!(tau > 0) || Double.isInfinite(tau)) {
                            throw new IllegalArgumentException(path + " \"" + spec + "\": TAU must be a positive "
                                    + "number, was " + a[1]);
                        }
                        return java.util.Optional.of(RobustComponents.centeredClipping(tau,
                                intArg(path, spec, a[2], 1)));
                    }
                    break;
                case "norm-bound":
                    if (a.length == 2) {
                        double max = number(path, spec, a[1]);
                        if (!(max > 0) || Double.isInfinite(max)) {
                            throw new IllegalArgumentException(path + " \"" + spec + "\": MAX_NORM must be a "
                                    + "positive number, was " + a[1]);
                        }
                        return java.util.Optional.of(RobustComponents.normBound(max));
                    }
                    break;
                default:
                    break;
            }
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(path)) {
                throw e;
            }
            throw new IllegalArgumentException(path + " \"" + spec + "\": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(usage);
    }

    /**
     * An attack from {@code none}, {@code sign-flip:FRACTION}, {@code scale:FACTOR:FRACTION},
     * {@code gaussian:SIGMA:FRACTION}, {@code label-flip:CLASSES:FRACTION}, {@code alie:FRACTION} or
     * {@code ipm:EPSILON:FRACTION}; FRACTION, the share of Byzantine clients, is in (0, 0.5].
     */
    static AttackSetting attack(String path, String spec) {
        String[] a = spec.split(":", -1);
        String usage = path + " must be one of " + ATTACKS_USAGE + ", was \"" + spec + "\"";
        int params = switch (a[0]) {
            case "none" -> -1;
            case "sign-flip", "alie" -> 0;
            case "scale", "gaussian", "ipm", "label-flip" -> 1;
            default -> throw new IllegalArgumentException(usage);
        };
        if (params < 0) {
            if (a.length != 1) {
                throw new IllegalArgumentException(usage);
            }
            return AttackSetting.none();
        }
        if (a.length != params + 2) {
            throw new IllegalArgumentException(usage);
        }
        double fraction = number(path, spec, a[a.length - 1]);
        if (!(fraction > 0 && fraction <= 0.5)) {
            throw new IllegalArgumentException(path + " \"" + spec + "\": FRACTION (the share of Byzantine clients) "
                    + "must be in (0, 0.5], was " + a[a.length - 1]);
        }
        double v = params == 1 ? number(path, spec, a[1]) : Double.NaN;
        if (params == 1 && !Double.isFinite(v)) {
            throw new IllegalArgumentException(path + " \"" + spec + "\": '" + a[1] + "' must be a finite number");
        }
        if (a[0].equals("gaussian") && !(v > 0)) {
            throw new IllegalArgumentException(path + " \"" + spec + "\": SIGMA must be a positive number, was "
                    + a[1]);
        }
        try {
            return RobustComponents.attack(a[0], v, fraction);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + " \"" + spec + "\": " + e.getMessage(), e);
        }
    }

    /**
     * A privacy setting from {@code none}, {@code dp:NOISE_MULTIPLIER:CLIP:SAMPLING_RATE} (DP-FedAvg with noise
     * multiplier z, clip norm S and Poisson rate q) or {@code dp-adaptive:NOISE_MULTIPLIER:CLIP:SAMPLING_RATE:BIT_NOISE}
     * (adaptive clipping from the initial norm S, bit noise sigma_b).
     */
    static PrivacySetting privacy(String path, String spec) {
        String[] a = spec.split(":", -1);
        String usage = path + " must be one of " + PRIVACY_USAGE + ", was \"" + spec + "\"";
        if (a[0].equals("none") && a.length == 1) {
            return PrivacySetting.none();
        }
        boolean adaptive = a[0].equals("dp-adaptive");
        if (!(a[0].equals("dp") || adaptive) || a.length != (adaptive ? 5 : 4)) {
            throw new IllegalArgumentException(usage);
        }
        double z = number(path, spec, a[1]);
        if (!(z >= 0) || Double.isInfinite(z)) {
            throw new IllegalArgumentException(path + " \"" + spec + "\": NOISE_MULTIPLIER must be a number >= 0, "
                    + "was " + a[1]);
        }
        double clip = number(path, spec, a[2]);
        if (!(clip > 0) || Double.isInfinite(clip)) {
            throw new IllegalArgumentException(path + " \"" + spec + "\": CLIP must be a positive number, was "
                    + a[2]);
        }
        double q = number(path, spec, a[3]);
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException(path + " \"" + spec + "\": SAMPLING_RATE must be in (0, 1], was "
                    + a[3]);
        }
        double bitNoise = adaptive ? number(path, spec, a[4]) : 0;
        if (adaptive && !(bitNoise > 0 && Double.isFinite(bitNoise))) {
            throw new IllegalArgumentException(path + " \"" + spec + "\": BIT_NOISE must be a positive number, was "
                    + a[4]);
        }
        try {
            return RobustComponents.privacy(z, clip, q, bitNoise);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + " \"" + spec + "\": " + e.getMessage(), e);
        }
    }

    /** A compressor from {@code identity}, {@code topk:F}, {@code randk:F}, {@code qsgd:S}. */
    static Compressor compressor(String path, String spec) {
        String[] a = spec.split(":");
        switch (a[0]) {
            case "identity":
                if (a.length == 1) {
                    return Compressors.identity();
                }
                break;
            case "topk":
                if (a.length == 2) {
                    return Compressors.topK(fraction(path, spec, a[1]));
                }
                break;
            case "randk":
                if (a.length == 2) {
                    return Compressors.randK(fraction(path, spec, a[1]));
                }
                break;
            case "qsgd":
                if (a.length == 2) {
                    return Compressors.qsgd(intArg(path, spec, a[1], 1));
                }
                break;
            default:
                break;
        }
        throw new IllegalArgumentException(path + " must be one of identity, topk:FRACTION, randk:FRACTION, "
                + "qsgd:LEVELS, was \"" + spec + "\"");
    }

    /** A participation pattern for a run's data and seed. */
    static Grid.ParticipationFactory participation(String path, String spec) {
        String[] a = spec.split(":");
        String usage = path + " must be one of all, uniform:M, bernoulli:P, bernoulli-linear:LO:HI, markov:Q[:LO:HI],"
                + " cyclic:C[:LO:HI], bernoulli-labels[:PBAR:PMIN:ALPHAP], markov-labels:Q[:PBAR:PMIN:ALPHAP],"
                + " cyclic-labels:C[:PBAR:PMIN:ALPHAP], was \"" + spec + "\"";
        if (a[0].endsWith("-labels")) {
            return labelCorrelated(path, spec, a, usage);
        }
        Function<Integer, Participation> forPopulation = byPopulation(path, spec, a);
        if (forPopulation == null) {
            throw new IllegalArgumentException(usage);
        }
        return (data, seed) -> forPopulation.apply(data.clientCount());
    }

    /** FedAU's label-correlated rates (Wang and Ji, ICLR 2024) under a Bernoulli, Markov or cyclic pattern. */
    private static Grid.ParticipationFactory labelCorrelated(String path, String spec, String[] a, String usage) {
        String kind = a[0].substring(0, a[0].length() - "-labels".length());
        int first = kind.equals("bernoulli") ? 1 : 2; // index of PBAR
        if (!(kind.equals("bernoulli") || kind.equals("markov") || kind.equals("cyclic"))
                || (a.length != first && a.length != first + 3)) {
            throw new IllegalArgumentException(usage);
        }
        double q = kind.equals("markov") ? probability(path, spec, a[1]) : 0;
        int cycle = kind.equals("cyclic") ? intArg(path, spec, a[1], 1) : 0;
        boolean given = a.length == first + 3;
        double pBar = given ? probability(path, spec, a[first]) : 0.1;
        double pMin = given ? probability(path, spec, a[first + 1]) : 0.02;
        double alphaP = given ? number(path, spec, a[first + 2]) : 0.1;
        if (!(alphaP > 0) || !Double.isFinite(alphaP)) {
            throw new IllegalArgumentException(path + " \"" + spec + "\": ALPHAP must be a positive number, was "
                    + alphaP);
        }
        return (data, seed) -> {
            int classes = Labels.classCount(Labels.classIndices(data.test()));
            for (Dataset c : data.clients()) {
                classes = Math.max(classes, Labels.classCount(Labels.classIndices(c)));
            }
            double[] p = ParticipationProbabilities.correlatedWithLabels(
                    PartitionReport.of(data, classes).histograms(), alphaP, pBar, pMin,
                    new SeedTree(seed).stream(Purpose.PARTICIPATION));
            return switch (kind) {
                case "bernoulli" -> Participation.bernoulli(p);
                case "markov" -> Participation.markov(p, q);
                default -> CyclicParticipation.withNearestRates(p, cycle);
            };
        };
    }

    /** The patterns that need only the number of clients, or null when {@code a} is none of them. */
    private static Function<Integer, Participation> byPopulation(String path, String spec, String[] a) {
        switch (a[0]) {
            case "all":
                if (a.length == 1) {
                    return n -> Participation.all();
                }
                break;
            case "uniform":
                if (a.length == 2) {
                    int m = intArg(path, spec, a[1], 1);
                    return n -> {
                        if (m > n) {
                            throw new IllegalArgumentException(path + " \"" + spec + "\" asks for " + m
                                    + " clients per round of " + n);
                        }
                        return Participation.uniform(m);
                    };
                }
                break;
            case "bernoulli":
                if (a.length == 2) {
                    double p = probability(path, spec, a[1]);
                    return n -> Participation.bernoulli(ParticipationProbabilities.linear(n, p, p));
                }
                break;
            case "bernoulli-linear":
                if (a.length == 3) {
                    double lo = probability(path, spec, a[1]);
                    double hi = probability(path, spec, a[2]);
                    return n -> Participation.bernoulli(ParticipationProbabilities.linear(n, lo, hi));
                }
                break;
            case "markov":
                if (a.length == 2 || a.length == 4) {
                    double q = probability(path, spec, a[1]);
                    double lo = a.length == 4 ? probability(path, spec, a[2]) : 0.02;
                    double hi = a.length == 4 ? probability(path, spec, a[3]) : 0.5;
                    return n -> Participation.markov(ParticipationProbabilities.linear(n, lo, hi), q);
                }
                break;
            case "cyclic":
                if (a.length == 2 || a.length == 4) {
                    int c = intArg(path, spec, a[1], 1);
                    double lo = a.length == 4 ? probability(path, spec, a[2]) : 0.02;
                    double hi = a.length == 4 ? probability(path, spec, a[3]) : 0.5;
                    return n -> CyclicParticipation.withNearestRates(ParticipationProbabilities.linear(n, lo, hi), c);
                }
                break;
            default:
                break;
        }
        return null;
    }

    /**
     * The federated data of a seed: FedProx's Synthetic(alpha, beta) from {@code synthetic:ALPHA:BETA[:CLIENTS]}
     * (DATA_GENERATION stream), or an MNIST split from {@code mnist:iid|dirichlet:ALPHA|fedau:ALPHA|shards[:CLIENTS]}
     * (PARTITION stream).
     */
    static Function<Long, FederatedDataset> heterogeneity(String path, String spec, MnistSource mnist) {
        String[] a = spec.split(":");
        String usage = path + " must be one of synthetic:ALPHA:BETA[:CLIENTS], mnist:iid[:CLIENTS], "
                + "mnist:dirichlet:ALPHA[:CLIENTS], mnist:fedau:ALPHA[:CLIENTS], mnist:shards[:CLIENTS], was \""
                + spec + "\"";
        if (a[0].equals("synthetic") && (a.length == 3 || a.length == 4)) {
            double alpha = nonNegative(path, spec, a[1]);
            double beta = nonNegative(path, spec, a[2]);
            int clients = a.length == 4 ? intArg(path, spec, a[3], 1) : 100;
            SyntheticFedProx gen = SyntheticFedProx.builder().alpha(alpha).beta(beta).clients(clients).build();
            return seed -> gen.generate(new SeedTree(seed).stream(Purpose.DATA_GENERATION));
        }
        if (!a[0].equals("mnist") || a.length < 2) {
            throw new IllegalArgumentException(usage);
        }
        boolean withAlpha = a[1].equals("dirichlet") || a[1].equals("fedau");
        int base = withAlpha ? 3 : 2;
        if (!(a[1].equals("iid") || a[1].equals("shards") || withAlpha) || (a.length != base && a.length != base + 1)) {
            throw new IllegalArgumentException(usage);
        }
        double alpha = withAlpha ? number(path, spec, a[2]) : 0;
        if (withAlpha && (!(alpha > 0) || !Double.isFinite(alpha))) {
            throw new IllegalArgumentException(path + " \"" + spec + "\": ALPHA must be a positive number, was "
                    + a[2]);
        }
        int clients = a.length == base + 1 ? intArg(path, spec, a[base], 1) : 100;
        mnist.require(path, spec);
        String kind = a[1];
        return seed -> {
            Dataset train = mnist.train();
            Dataset test = mnist.test();
            var rng = new SeedTree(seed).stream(Purpose.PARTITION);
            return switch (kind) {
                case "iid" -> Partitioners.iid(train, test, clients, rng);
                case "dirichlet" -> Partitioners.dirichlet(train, test, MnistSource.CLASSES, clients, alpha, rng);
                case "fedau" -> Partitioners.toFederated(train, test, Partitioners.fedAuDirichletIndices(
                        mnist.trainLabels(), MnistSource.CLASSES, clients, alpha, rng));
                default -> Partitioners.shards(train, test, clients, 2, rng);
            };
        };
    }

    /** The model from {@code softmax[:CLASSES]} or {@code mlp:H1,H2,...[:CLASSES]}. */
    static Function<FederatedDataset, io.github.fl4j.core.api.Model> model(JsonNode node) {
        String spec = node.asText();
        String[] m = spec.split(":");
        String usage = "model must be softmax[:CLASSES] or mlp:H1,H2,...[:CLASSES], was \"" + spec + "\"";
        if (!node.isTextual()) {
            throw new IllegalArgumentException(usage);
        }
        if (m[0].equals("softmax") && m.length <= 2) {
            int classes = m.length == 2 ? intArg("model", spec, m[1], 2) : SyntheticFedProx.DEFAULT_CLASSES;
            return d -> new SoftmaxRegression(d.featureCount(), classes);
        }
        if (m[0].equals("mlp") && (m.length == 2 || m.length == 3)) {
            String[] hs = m[1].split(",");
            int[] hidden = new int[hs.length];
            for (int i = 0; i < hs.length; i++) {
                hidden[i] = intArg("model", spec, hs[i].trim(), 1);
            }
            int classes = m.length == 3 ? intArg("model", spec, m[2], 2) : SyntheticFedProx.DEFAULT_CLASSES;
            return d -> new Mlp(d.featureCount(), hidden, classes);
        }
        throw new IllegalArgumentException(usage);
    }

    /**
     * The folder that holds {@code mnist/} (or the MNIST files): the {@code data} field (relative to baseDir), else
     * {@code fl4j.mnist} or a {@code shared/data} folder beside the project when present, else null: MNIST is then
     * found or downloaded by {@link io.github.fl4j.core.data.io.MnistDatasets} when a run needs it.
     */
    private static Path dataDir(JsonNode root, Path baseDir) {
        JsonNode v = root.get("data");
        if (v == null) {
            Optional<Path> dir = io.github.fl4j.experiments.mnist.MnistFedAvgSetup.defaultDataDir();
            if (dir.isPresent()) {
                return dir.get().getParent();
            }
            Path shared = baseDir.resolve("../shared/data").normalize();
            return Files.isDirectory(shared.resolve("mnist")) ? shared : null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException("data must be a folder path, was " + v);
        }
        return baseDir.resolve(v.asText()).normalize();
    }

    /**
     * MNIST read once, on first use, from {@code dir/mnist} (or {@code dir} itself when it holds the training images),
     * normalised, float32; with no folder, from {@link io.github.fl4j.core.data.io.MnistDatasets} (found or
     * downloaded).
     */
    static final class MnistSource {
        static final int CLASSES = 10;
        private Path dir;
        private Dataset train;
        private Dataset test;
        private int[] trainLabels;

        /** @param dataDir the folder holding {@code mnist/} or the four files, or null to find or download MNIST */
        MnistSource(Path dataDir) {
            if (dataDir == null) {
                this.dir = null;
            } else if (Files.isRegularFile(dataDir.resolve("train-images-idx3-ubyte.gz"))
                    || Files.isRegularFile(dataDir.resolve("train-images-idx3-ubyte"))) {
                this.dir = dataDir;
            } else {
                this.dir = dataDir.resolve("mnist");
            }
        }

        /**
         * Fails now, naming the grid field, when the folder is missing (instead of in the middle of a grid); with no
         * folder, finds or downloads MNIST now (the error says what to do offline).
         */
        synchronized void require(String path, String spec) {
            if (dir == null) {
                try {
                    dir = io.github.fl4j.core.data.io.MnistDatasets.resolve(
                            io.github.fl4j.core.data.io.MnistDatasets.Variant.MNIST, null);
                } catch (IOException e) {
                    throw new IllegalArgumentException(path + " \"" + spec + "\" needs MNIST (or set \"data\" to "
                            + "the folder that holds mnist/): " + e.getMessage(), e);
                }
            }
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException(path + " \"" + spec + "\" needs MNIST, but there is no folder "
                        + dir + " (set \"data\" to the folder that holds mnist/)");
            }
        }

        synchronized Dataset train() {
            load();
            return train;
        }

        synchronized Dataset test() {
            load();
            return test;
        }

        synchronized int[] trainLabels() {
            load();
            return trainLabels;
        }

        private void load() {
            if (train != null) {
                return;
            }
            if (dir == null) {
                require("heterogeneity", "mnist");
            }
            try {
                train = IdxReader.mnist(dir, true, Precision.FLOAT32);
                test = IdxReader.mnist(dir, false, Precision.FLOAT32);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read MNIST from " + dir + ": " + e.getMessage(), e);
            }
            trainLabels = Labels.classIndices(train);
        }
    }

    private static double number(String path, String spec, String v) {
        if (v.equals("inf") || v.equals("Infinity")) {
            return Double.POSITIVE_INFINITY;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(path + " \"" + spec + "\": '" + v + "' is not a number");
        }
    }

    private static double fraction(String path, String spec, String v) {
        double f = number(path, spec, v);
        if (!(f > 0 && f <= 1)) {
            throw new IllegalArgumentException(path + " \"" + spec + "\": the fraction must be in (0, 1], was " + v);
        }
        return f;
    }

    private static double probability(String path, String spec, String v) {
        double f = number(path, spec, v);
        if (!(f > 0 && f <= 1)) {
            throw new IllegalArgumentException(path + " \"" + spec + "\": the probability must be in (0, 1], was "
                    + v);
        }
        return f;
    }

    private static double nonNegative(String path, String spec, String v) {
        double f = number(path, spec, v);
        if (!(f >= 0) || !Double.isFinite(f)) {
            throw new IllegalArgumentException(path + " \"" + spec + "\": must be a number >= 0, was " + v);
        }
        return f;
    }

    private static int intArg(String path, String spec, String v, int min) {
        int k;
        try {
            k = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(path + " \"" + spec + "\": '" + v + "' is not an integer");
        }
        if (k < min) {
            throw new IllegalArgumentException(path + " \"" + spec + "\": must be >= " + min + ", was " + v);
        }
        return k;
    }
}
