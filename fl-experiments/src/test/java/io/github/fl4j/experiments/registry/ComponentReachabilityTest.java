package io.github.fl4j.experiments.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.api.ServerOptimizer;
import io.github.fl4j.core.data.FederatedData;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.registry.Kind;
import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.Spec;
import io.github.fl4j.core.sim.ExecutionEngine;
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
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every component of the library is reachable from a run file. The test enumerates the library's public component
 * classes (every public, concrete class of fl-core, fl-compression, fl-algorithms, fl-dl4j and fl-hazelcast that
 * implements an algorithm, model, compressor, participation, aggregator, server-optimizer or engine interface) and
 * the public factory methods of the time models (Devices, AvailabilityModels, Dropouts, Schedule, Staleness), builds
 * every registered name from a minimal spec, and fails naming any class or factory method no registered name gives
 * (a new component must register itself in its module's ComponentProvider, and get a minimal spec here).
 */
class ComponentReachabilityTest {
    private static final Registry R = Registry.standard();

    private static final List<Class<?>> COMPONENT_TYPES = List.of(FederatedAlgorithm.class, AsyncAlgorithm.class,
            Model.class, Compressor.class, Participation.class, Aggregator.class, ServerOptimizer.class,
            ExecutionEngine.class);

    /** Public component classes that are not components a run file names, each with the reason. */
    private static final Map<String, String> NOT_COMPONENTS = Map.of(
            "io.github.fl4j.algorithms.secagg.ModularEncoding", "the wire encoding inside secagg, not a compressor "
                    + "one chooses",
            "io.github.fl4j.core.comm.ProtocolMessage", "a protocol message, built by algorithms");

    /** A minimal spec of every registered name, per kind. */
    private static Map<Kind, Map<String, String>> minimal() {
        Map<Kind, Map<String, String>> m = new LinkedHashMap<>();
        m.put(Kind.ALGORITHM, Map.ofEntries(Map.entry("fedavg", "fedavg(lr=0.1)"),
                Map.entry("fedavg-ef", "fedavg-ef(lr=0.1)"), Map.entry("fedprox", "fedprox(lr=0.1,mu=0.1)"),
                Map.entry("scaffold", "scaffold(lr=0.1)"), Map.entry("fedspeed", "fedspeed(lr=0.1)"),
                Map.entry("fedau", "fedau(lr=0.1)"), Map.entry("ef21", "ef21(lr=0.1)"),
                Map.entry("ef14", "ef14(lr=0.1)"), Map.entry("econtrol", "econtrol(lr=0.1,eta=0.5)"),
                Map.entry("compressed-gd", "compressed-gd(lr=0.1)"),
                Map.entry("dp-fedavg", "dp-fedavg(lr=0.1,clip-norm=1,noise=1,q=0.5)"),
                Map.entry("secagg", "secagg(of=fedavg(lr=0.1))"),
                Map.entry("byzantine", "byzantine(of=fedavg(lr=0.1),attack=sign-flipping,ids=0)")));
        m.put(Kind.ASYNC_ALGORITHM, Map.of("fedasync", "fedasync(lr=0.1)", "fedbuff", "fedbuff(lr=0.1)",
                "fedfix", "fedfix(lr=0.1,period=1)", "fedcompass", "fedcompass(lr=0.1,min-steps=2)",
                "afa-cd", "afa-cd(lr=0.1,m=2)", "afa-cs", "afa-cs(lr=0.1,m=2)"));
        m.put(Kind.MODEL, Map.of("softmax", "softmax", "logistic", "logistic", "least-squares", "least-squares",
                "mlp", "mlp(hidden=4)", "dl4j-mlp", "dl4j-mlp(hidden=4)", "dl4j-mnist-cnn", "dl4j-mnist-cnn",
                "cnn", "cnn(arch=lenet5)"));
        m.put(Kind.COMPRESSOR, Map.of("identity", "identity", "topk", "topk(k=2)", "randk", "randk(k=2)",
                "bernoulli", "bernoulli(p=0.5)", "qsgd", "qsgd(levels=4)", "natural", "natural", "sign", "sign",
                "scaled-sign", "scaled-sign", "compose", "compose(outer=natural,inner=topk(k=2))",
                "ef-scaled", "ef-scaled(of=qsgd(levels=4))"));
        m.put(Kind.PARTICIPATION, Map.of("all", "all", "uniform", "uniform(m=2)", "bernoulli", "bernoulli(p=0.5)",
                "markov", "markov(p=0.5,q=0.5)", "cyclic", "cyclic(p=0.5,cycle=4)", "trace", "trace(file=TRACE)"));
        m.put(Kind.AGGREGATOR, Map.of("mean", "mean", "trimmed-mean", "trimmed-mean(beta=0.1)", "median", "median",
                "geometric-median", "geometric-median", "krum", "krum(f=1)", "multi-krum", "multi-krum(f=1,m=2)",
                "centered-clipping", "centered-clipping(tau=1)", "norm-bounding", "norm-bounding(max-norm=1)"));
        m.put(Kind.SERVER_OPTIMIZER, Map.of("sgd", "sgd", "momentum", "momentum(beta=0.9)", "adagrad",
                "adagrad(lr=0.1)", "adam", "adam(lr=0.1)", "yogi", "yogi(lr=0.1)"));
        m.put(Kind.ENGINE, Map.of("local", "local", "serializing", "serializing"));
        return m;
    }

    /** Registered names that are not built here, with the reason (and what stands in). */
    private static final Map<String, String> NOT_BUILT = Map.of(
            "engine hazelcast", "starts a cluster member; registered by fl-hazelcast, gives "
                    + "io.github.fl4j.hazelcast.HazelcastExecutionEngine (HazelcastExecutionEngineTest covers it)");

    @Test
    void everyPublicComponentClassIsBuiltByARegisteredName() throws Exception {
        Path trace = Files.createTempFile("fl4j-trace", ".txt");
        Files.writeString(trace, "0\n1\n");
        FederatedData data = R.data(Spec.parse("synthetic(clients=3,samples=20,dimension=784)"), 1);
        Set<String> produced = new TreeSet<>();
        List<String> missingSpec = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            if (kind == Kind.DATA || kind == Kind.DEVICES || kind == Kind.AVAILABILITY || kind == Kind.DROPOUT
                    || kind == Kind.SCHEDULE || kind == Kind.STALENESS) {
                continue; // data needs files; the time models are checked by their factory methods below
            }
            Map<String, String> specs = minimal().getOrDefault(kind, Map.of());
            for (String name : R.names(kind)) {
                if (NOT_BUILT.containsKey(kind.label() + " " + name)) {
                    produced.add("io.github.fl4j.hazelcast.HazelcastExecutionEngine");
                    continue;
                }
                String text = specs.get(name);
                if (text == null) {
                    missingSpec.add(kind.label() + " " + name);
                    continue;
                }
                Spec spec = Spec.parse(text.replace("TRACE", "'" + trace + "'"));
                Object o = switch (kind) {
                    case ALGORITHM -> R.algorithm(spec);
                    case ASYNC_ALGORITHM -> R.asyncAlgorithm(spec);
                    case MODEL -> R.model(spec, data);
                    case COMPRESSOR -> R.compressor(spec);
                    case PARTICIPATION -> R.participation(spec, 4);
                    case AGGREGATOR -> R.aggregator(spec);
                    case SERVER_OPTIMIZER -> R.serverOptimizer(spec);
                    case ENGINE -> {
                        ExecutionEngine e = R.engine(spec, 1);
                        e.close();
                        yield e;
                    }
                    default -> throw new AssertionError(kind);
                };
                for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
                    produced.add(c.getName());
                }
                // wrappers: the inner objects they hold are reachable too (e.g. the aggregator of norm-bounding)
            }
        }
        assertTrue(missingSpec.isEmpty(), "registered names without a minimal spec in this test: " + missingSpec);

        Map<String, Class<?>> unreachable = new TreeMap<>();
        int components = 0;
        for (Class<?> c : publicConcreteClasses()) {
            boolean component = COMPONENT_TYPES.stream().anyMatch(t -> t.isAssignableFrom(c));
            components += component ? 1 : 0;
            if (component && !produced.contains(c.getName()) && !NOT_COMPONENTS.containsKey(c.getName())) {
                unreachable.put(c.getName(), c);
            }
        }
        // 13 algorithms, 6 asynchronous, 5 models, 10 compressors, 6 participations, 8 aggregators, 5 optimizers,
        // 3 engines, and the two non-components: the scan must see at least these
        assertTrue(components >= 50, "the class scan found only " + components + " component classes");
        if (!unreachable.isEmpty()) {
            fail("public component classes no registered name builds (register them in their module's "
                    + "ComponentProvider): " + unreachable.keySet());
        }
    }

    /** Each public factory method of the time models, and the registered name that calls it. */
    @Test
    void everyTimeModelFactoryMethodHasARegisteredName() {
        Map<Class<?>, Map<String, String>> byMethod = new LinkedHashMap<>();
        byMethod.put(Devices.class, Map.of("constant", "devices constant", "logNormal", "devices log-normal",
                "uniform", "devices uniform", "fromFile", "devices file", "withJitter", "devices * jitter=",
                "withLatency", "devices * latency="));
        byMethod.put(AvailabilityModels.class, Map.of("always", "availability always", "bernoulli",
                "availability bernoulli", "markov", "availability markov", "diurnal", "availability diurnal",
                "replayFile", "availability replay"));
        byMethod.put(Dropouts.class, Map.of("none", "dropout none", "probability", "dropout probability",
                "hazard", "dropout hazard"));
        byMethod.put(Schedule.class, Map.of("rounds", "schedule rounds", "closed", "schedule closed", "poisson",
                "schedule poisson", "everyInterval", "schedule interval"));
        byMethod.put(Staleness.class, Map.of("constant", "staleness constant", "polynomial",
                "staleness polynomial", "hinge", "staleness hinge", "threshold", "staleness threshold",
                "nvflare", "staleness nvflare"));
        // Factory methods that take Java objects a run file cannot hold, with the reason.
        Map<String, String> javaOnly = Map.of(
                "Devices.of", "a list of Device objects (a run file uses devices file(file=...))",
                "Devices.slowerFor", "a Java predicate over client ids",
                "Devices.slowForLabel", "needs the run's data object (the grid's systems offer it)",
                "AvailabilityModels.replay", "a Java map (a run file uses availability replay(file=...))",
                "Schedule.replay", "arrays of times and clients (no trace file format yet)");
        Set<Class<?>> modelTypes = Set.of(DeviceModel.class, AvailabilityModel.class, DropoutModel.class,
                Schedule.class, StalenessFunction.class);
        List<String> unmapped = new ArrayList<>();
        for (Map.Entry<Class<?>, Map<String, String>> e : byMethod.entrySet()) {
            Set<String> seen = new HashSet<>();
            for (Method m : e.getKey().getMethods()) {
                if (!Modifier.isStatic(m.getModifiers()) || !modelTypes.contains(m.getReturnType())) {
                    continue;
                }
                String id = e.getKey().getSimpleName() + "." + m.getName();
                if (javaOnly.containsKey(id) || !seen.add(m.getName())) {
                    continue;
                }
                String target = e.getValue().get(m.getName());
                if (target == null) {
                    unmapped.add(id);
                    continue;
                }
                String[] kn = target.split(" ");
                Kind kind = Kind.valueOf(kn[0].toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
                if (kn[1].equals("*")) {
                    // a modifier every name of the kind takes as a parameter (e.g. jitter= on every devices model)
                    assertTrue(R.names(kind).stream().allMatch(n -> R.describe(kind, n).contains(kn[2])),
                            id + ": every " + kind.label() + " must take " + kn[2]);
                } else {
                    assertTrue(R.contains(kind, kn[1]), id + " -> " + target + " is not registered");
                }
            }
        }
        assertEquals(List.of(), unmapped, "time-model factory methods without a registered name");
    }

    /** The public concrete top-level classes of the library modules (from their class folders or jars). */
    private static List<Class<?>> publicConcreteClasses() throws IOException, URISyntaxException,
            ClassNotFoundException {
        List<Class<?>> anchors = new ArrayList<>(List.of(Registry.class,
                io.github.fl4j.compression.Compressors.class, io.github.fl4j.algorithms.AlgorithmComponents.class));
        for (String name : List.of("io.github.fl4j.dl4j.Dl4jModel", "io.github.fl4j.hazelcast.ClusterOptions")) {
            anchors.add(Class.forName(name));
        }
        List<Class<?>> out = new ArrayList<>();
        for (Class<?> anchor : anchors) {
            Path where = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            List<String> names = new ArrayList<>();
            if (Files.isDirectory(where)) {
                try (Stream<Path> files = Files.walk(where)) {
                    files.filter(f -> f.toString().endsWith(".class")).forEach(f -> names.add(
                            where.relativize(f).toString().replace('\\', '/')));
                }
            } else {
                try (JarFile jar = new JarFile(where.toFile())) {
                    for (Enumeration<JarEntry> en = jar.entries(); en.hasMoreElements(); ) {
                        String n = en.nextElement().getName();
                        if (n.endsWith(".class")) {
                            names.add(n);
                        }
                    }
                }
            }
            for (String n : names) {
                if (n.contains("$") || n.endsWith("package-info.class") || n.endsWith("module-info.class")) {
                    continue;
                }
                Class<?> c = Class.forName(n.substring(0, n.length() - 6).replace('/', '.'), false,
                        ComponentReachabilityTest.class.getClassLoader());
                if (Modifier.isPublic(c.getModifiers()) && !c.isInterface()
                        && !Modifier.isAbstract(c.getModifiers()) && !c.isEnum()) {
                    out.add(c);
                }
            }
        }
        return out;
    }
}
