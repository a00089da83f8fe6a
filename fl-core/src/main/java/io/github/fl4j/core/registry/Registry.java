package io.github.fl4j.core.registry;

import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.api.ServerOptimizer;
import io.github.fl4j.core.data.FederatedData;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.sim.ExecutionEngine;
import io.github.fl4j.core.time.AsyncAlgorithm;
import io.github.fl4j.core.time.AvailabilityModel;
import io.github.fl4j.core.time.DeviceModel;
import io.github.fl4j.core.time.DropoutModel;
import io.github.fl4j.core.time.Schedule;
import io.github.fl4j.core.time.StalenessFunction;
import io.github.fl4j.core.tensor.Precision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Named factories of every kind of component ({@link Kind}: algorithms, models, datasets, compressors, participation
 * patterns, aggregators, server optimizers, asynchronous algorithms, the time models and execution engines): the
 * registry turns a {@link Spec} into an object, so that a run can be described as data ({@link RunDescription}) and
 * rebuilt in another JVM.
 *
 * <pre>{@code
 * Registry r = Registry.standard();
 * FederatedAlgorithm<?, ?> alg = r.algorithm(Spec.parse("fedavg(lr=0.05,steps=10,batch=10)"));
 * FederatedData data = r.data(Spec.parse("synthetic(alpha=1,beta=1)"), seed, Precision.FLOAT32);
 * Model model = r.model(Spec.parse("softmax"), data);
 * Compressor up = r.compressor(Spec.parse("topk(fraction=0.1)"));
 * Participation p = r.participation(Spec.parse("uniform(m=10)"), data.clientCount());
 * }</pre>
 *
 * <p>{@link #standard()} holds every {@link ComponentProvider} on the class path (found by
 * {@link java.util.ServiceLoader}); {@link #builder()} makes a custom registry, e.g. the standard components plus
 * one's own: {@code Registry.standard().toBuilder().algorithm("mine", "lr (required)", p -> ...).build()}.
 *
 * <p>Errors: an unknown name fails with an {@link IllegalArgumentException} naming the kind, the name and the known
 * names ({@code unknown algorithm 'fedavgg' (did you mean 'fedavg'?); known: compressed-gd, econtrol, ...}); a bad
 * or unknown parameter with a {@link SpecException} naming the component and the key; any other
 * {@link IllegalArgumentException} of a factory (e.g. a builder's range check) is re-thrown prefixed with the kind and
 * the spec, unless the spec also has a key the factory did not read, which is then reported instead (the failure is
 * attached as suppressed); an {@link IOException} of a data factory becomes an {@link UncheckedIOException} naming the spec. After
 * every factory the registry calls {@link Params#requireAllUsed()}.
 *
 * <p>Immutable and thread-safe; {@link #standard()} is loaded once, on first use.
 */
public final class Registry {
    private static volatile Registry standard;

    private final Map<Kind, SortedMap<String, Entry>> entries;

    private Registry(Map<Kind, SortedMap<String, Entry>> entries) {
        EnumMap<Kind, SortedMap<String, Entry>> copy = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            copy.put(k, Collections.unmodifiableSortedMap(new TreeMap<>(entries.getOrDefault(k, new TreeMap<>()))));
        }
        this.entries = Collections.unmodifiableMap(copy);
    }

    /**
     * The registry of every {@link ComponentProvider} listed in {@code META-INF/services} on the class path of this
     * class's class loader, loaded on the first call and shared afterwards (thread-safe).
     *
     * @throws IllegalStateException    if a provider cannot be loaded
     * @throws IllegalArgumentException if two providers register the same name for one kind (naming both)
     */
    public static Registry standard() {
        Registry r = standard;
        if (r == null) {
            synchronized (Registry.class) {
                r = standard;
                if (r == null) {
                    r = builder().addServiceProviders(Registry.class.getClassLoader()).build();
                    standard = r;
                }
            }
        }
        return r;
    }

    /** An empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this registry's entries, to add more (a name already present fails). */
    public Builder toBuilder() {
        Builder b = new Builder();
        for (SortedMap<String, Entry> m : entries.values()) {
            for (Entry e : m.values()) {
                b.put(e);
            }
        }
        return b;
    }

    // ---- building ---------------------------------------------------------------------------------------------

    /** The algorithm of {@code spec}. */
    public FederatedAlgorithm<?, ?> algorithm(Spec spec) {
        return build(Kind.ALGORITHM, spec, (f, p) -> ((AlgorithmFactory) f).create(p));
    }

    /** The model of {@code spec} for {@code data} (which fixes its feature and class counts). */
    public Model model(Spec spec, FederatedData data) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        return build(Kind.MODEL, spec, (f, p) -> ((ModelFactory) f).create(p, data));
    }

    /**
     * The data of {@code spec} for a run seed, in float32: {@code data(spec, seed, Precision.FLOAT32)}. Use the
     * three-argument form for a float64 run, so that values are rounded once from their exact form.
     */
    public FederatedData data(Spec spec, long seed) {
        return data(spec, seed, Precision.FLOAT32);
    }

    /**
     * The data of {@code spec} for a run seed and precision: the same arguments give bit-identical data in every JVM.
     *
     * @throws UncheckedIOException if a file cannot be read (the message names the spec)
     */
    public FederatedData data(Spec spec, long seed, Precision precision) {
        if (precision == null) {
            throw new IllegalArgumentException("precision must not be null");
        }
        return build(Kind.DATA, spec, (f, p) -> ((DataFactory) f).create(p, seed, precision));
    }

    /** The compressor of {@code spec}. */
    public Compressor compressor(Spec spec) {
        return build(Kind.COMPRESSOR, spec, (f, p) -> ((CompressorFactory) f).create(p));
    }

    /** The participation pattern of {@code spec} for {@code population} clients. */
    public Participation participation(Spec spec, int population) {
        if (population < 1) {
            throw new IllegalArgumentException("population must be >= 1, was " + population);
        }
        return build(Kind.PARTICIPATION, spec, (f, p) -> ((ParticipationFactory) f).create(p, population));
    }

    /** The aggregator of {@code spec}. */
    public Aggregator aggregator(Spec spec) {
        return build(Kind.AGGREGATOR, spec, (f, p) -> ((AggregatorFactory) f).create(p));
    }

    /** The server optimizer of {@code spec}. */
    public ServerOptimizer serverOptimizer(Spec spec) {
        return build(Kind.SERVER_OPTIMIZER, spec, (f, p) -> ((ServerOptimizerFactory) f).create(p));
    }

    /** The asynchronous algorithm of {@code spec}. */
    public AsyncAlgorithm<?, ?> asyncAlgorithm(Spec spec) {
        return component(Kind.ASYNC_ALGORITHM, AsyncAlgorithm.class, spec);
    }

    /** The device model of {@code spec}. */
    public DeviceModel devices(Spec spec) {
        return component(Kind.DEVICES, DeviceModel.class, spec);
    }

    /** The availability model of {@code spec}. */
    public AvailabilityModel availability(Spec spec) {
        return component(Kind.AVAILABILITY, AvailabilityModel.class, spec);
    }

    /** The dropout model of {@code spec}. */
    public DropoutModel dropout(Spec spec) {
        return component(Kind.DROPOUT, DropoutModel.class, spec);
    }

    /** The schedule (round rule or arrival model) of {@code spec}. */
    public Schedule schedule(Spec spec) {
        return component(Kind.SCHEDULE, Schedule.class, spec);
    }

    /** The staleness function of {@code spec}. */
    public StalenessFunction staleness(Spec spec) {
        return component(Kind.STALENESS, StalenessFunction.class, spec);
    }

    /** The execution engine of {@code spec} for {@code threads} worker threads (the caller closes it). */
    public ExecutionEngine engine(Spec spec, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, was " + threads);
        }
        return build(Kind.ENGINE, spec, (f, p) -> ((EngineFactory) f).create(p, threads));
    }

    private <T> T component(Kind kind, Class<T> type, Spec spec) {
        return type.cast(build(kind, spec, (f, p) -> ((ComponentFactory<?>) f).create(p)));
    }

    @FunctionalInterface
    private interface Call<T> {
        T apply(Object factory, Params params) throws IOException;
    }

    private <T> T build(Kind kind, Spec spec, Call<T> call) {
        if (spec == null) {
            throw new IllegalArgumentException(kind.label() + " spec must not be null");
        }
        Entry e = entry(kind, spec.name());
        Params params = new Params(spec, this);
        T out;
        try {
            out = call.apply(e.factory(), params);
        } catch (SpecException ex) {
            throw ex;
        } catch (IllegalArgumentException ex) {
            IllegalArgumentException wrapped = new IllegalArgumentException(kind.label() + " " + spec + ": "
                    + ex.getMessage(), ex);
            if (!params.unusedKeys().isEmpty()) {
                // A misspelt key is the likelier cause (e.g. 'client=5' left 'clients' at its default).
                try {
                    params.requireAllUsed();
                } catch (SpecException unknown) {
                    unknown.addSuppressed(wrapped);
                    throw unknown;
                }
            }
            throw wrapped;
        } catch (IOException ex) {
            throw new UncheckedIOException(kind.label() + " " + spec + ": " + ex.getMessage(), ex);
        }
        if (out == null) {
            throw new IllegalStateException("the factory of " + kind.label() + " '" + spec.name() + "' ("
                    + e.provider() + ") returned null for " + spec);
        }
        params.requireAllUsed();
        return out;
    }

    // ---- introspection ----------------------------------------------------------------------------------------

    /** The registered names of a kind, sorted. */
    public SortedSet<String> names(Kind kind) {
        return Collections.unmodifiableSortedSet(new TreeSet<>(entries.get(kind).keySet()));
    }

    /** True if {@code name} is registered for {@code kind}. */
    public boolean contains(Kind kind, String name) {
        return entries.get(kind).containsKey(name);
    }

    /**
     * The one-line description of a component's parameters, e.g. {@code lr (required), steps=10, batch=10, ...}.
     *
     * @throws IllegalArgumentException for an unknown name (listing the known ones)
     */
    public String describe(Kind kind, String name) {
        return entry(kind, name).description();
    }

    /** Who registered a component: the provider's class name (or the class that called the builder). */
    public String provider(Kind kind, String name) {
        return entry(kind, name).provider();
    }

    /** A plain-text help of one kind: a heading, then one line per name with its description. */
    public String help(Kind kind) {
        SortedMap<String, Entry> m = entries.get(kind);
        int width = 0;
        for (String n : m.keySet()) {
            width = Math.max(width, n.length());
        }
        StringBuilder sb = new StringBuilder(kind.label()).append(" (").append(m.size()).append("):\n");
        for (Entry e : m.values()) {
            sb.append("  ").append(e.name()).append(" ".repeat(width - e.name().length() + 2))
                    .append(e.description()).append('\n');
        }
        return sb.toString();
    }

    /** The help of every kind, in {@link Kind} order. */
    public String help() {
        StringBuilder sb = new StringBuilder();
        for (Kind k : Kind.values()) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(help(k));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Registry[");
        for (Kind k : Kind.values()) {
            sb.append(k.label()).append('=').append(entries.get(k).keySet()).append(k.ordinal() == Kind.values().length - 1
                    ? "]" : ", ");
        }
        return sb.toString();
    }

    private Entry entry(Kind kind, String name) {
        if (kind == null) {
            throw new IllegalArgumentException("kind must not be null");
        }
        Entry e = entries.get(kind).get(name);
        if (e == null) {
            SortedSet<String> known = new TreeSet<>(entries.get(kind).keySet());
            String near = nearest(name, known);
            throw new IllegalArgumentException("unknown " + kind.label() + " '" + name + "'"
                    + (near != null ? " (did you mean '" + near + "'?)" : "") + "; known: "
                    + (known.isEmpty() ? "none" : String.join(", ", known)));
        }
        return e;
    }

    /**
     * The candidate closest to {@code word} by Levenshtein distance, if it is close: at most 2 edits and fewer than
     * half the length of the longer word ({@code rouds} gives {@code rounds}); else null (also for a null word). The
     * "did you mean" of every error about a name or key, in the registry and in run files.
     *
     * @param word       the misspelt name
     * @param candidates the valid names
     * @return the nearest valid name, or null when none is close
     */
    public static String nearest(String word, Collection<String> candidates) {
        if (word == null) {
            return null;
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = editDistance(word, c);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best != null && bestDistance <= 2 && 2 * bestDistance < Math.max(word.length(), best.length())
                ? best : null;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** One registration. */
    private record Entry(Kind kind, String name, String description, String provider, Object factory) {
    }

    /**
     * Collects registrations; {@link #build()} makes the immutable registry. A name may be registered once per kind:
     * a second registration fails naming both providers. Not thread-safe.
     */
    public static final class Builder {
        private final EnumMap<Kind, TreeMap<String, Entry>> entries = new EnumMap<>(Kind.class);
        private String currentProvider;

        private Builder() {
            for (Kind k : Kind.values()) {
                entries.put(k, new TreeMap<>());
            }
        }

        /**
         * Registers an algorithm.
         *
         * @param name        a lower-case identifier ({@link Spec#isIdentifier})
         * @param description one line describing the parameters and their defaults, for help texts
         * @param factory     builds the algorithm from the spec's parameters
         * @throws IllegalArgumentException on a bad name or description, or a name already registered
         */
        public Builder algorithm(String name, String description, AlgorithmFactory factory) {
            return put(Kind.ALGORITHM, name, description, factory);
        }

        /** Registers a model (see {@link #algorithm} for the arguments). */
        public Builder model(String name, String description, ModelFactory factory) {
            return put(Kind.MODEL, name, description, factory);
        }

        /** Registers a dataset (see {@link #algorithm} for the arguments; see {@link DataFactory} for determinism). */
        public Builder data(String name, String description, DataFactory factory) {
            return put(Kind.DATA, name, description, factory);
        }

        /** Registers a compressor (see {@link #algorithm} for the arguments). */
        public Builder compressor(String name, String description, CompressorFactory factory) {
            return put(Kind.COMPRESSOR, name, description, factory);
        }

        /** Registers a participation pattern (see {@link #algorithm} for the arguments). */
        public Builder participation(String name, String description, ParticipationFactory factory) {
            return put(Kind.PARTICIPATION, name, description, factory);
        }

        /** Registers an aggregator (see {@link #algorithm} for the arguments). */
        public Builder aggregator(String name, String description, AggregatorFactory factory) {
            return put(Kind.AGGREGATOR, name, description, factory);
        }

        /** Registers a server optimizer (see {@link #algorithm} for the arguments). */
        public Builder serverOptimizer(String name, String description, ServerOptimizerFactory factory) {
            return put(Kind.SERVER_OPTIMIZER, name, description, factory);
        }

        /** Registers an asynchronous algorithm (see {@link #algorithm} for the arguments). */
        public Builder asyncAlgorithm(String name, String description,
                                      ComponentFactory<? extends AsyncAlgorithm<?, ?>> factory) {
            return put(Kind.ASYNC_ALGORITHM, name, description, factory);
        }

        /** Registers a device model (see {@link #algorithm} for the arguments). */
        public Builder devices(String name, String description, ComponentFactory<? extends DeviceModel> factory) {
            return put(Kind.DEVICES, name, description, factory);
        }

        /** Registers an availability model (see {@link #algorithm} for the arguments). */
        public Builder availability(String name, String description,
                                    ComponentFactory<? extends AvailabilityModel> factory) {
            return put(Kind.AVAILABILITY, name, description, factory);
        }

        /** Registers a dropout model (see {@link #algorithm} for the arguments). */
        public Builder dropout(String name, String description, ComponentFactory<? extends DropoutModel> factory) {
            return put(Kind.DROPOUT, name, description, factory);
        }

        /** Registers a schedule (see {@link #algorithm} for the arguments). */
        public Builder schedule(String name, String description, ComponentFactory<? extends Schedule> factory) {
            return put(Kind.SCHEDULE, name, description, factory);
        }

        /** Registers a staleness function (see {@link #algorithm} for the arguments). */
        public Builder staleness(String name, String description,
                                 ComponentFactory<? extends StalenessFunction> factory) {
            return put(Kind.STALENESS, name, description, factory);
        }

        /** Registers an execution engine (see {@link #algorithm} for the arguments). */
        public Builder engine(String name, String description, EngineFactory factory) {
            return put(Kind.ENGINE, name, description, factory);
        }

        /** Lets {@code provider} register its factories (their provider is its class name). */
        public Builder add(ComponentProvider provider) {
            if (provider == null) {
                throw new IllegalArgumentException("provider must not be null");
            }
            String previous = currentProvider;
            currentProvider = provider.getClass().getName();
            try {
                provider.register(this);
            } finally {
                currentProvider = previous;
            }
            return this;
        }

        /**
         * Adds every {@link ComponentProvider} that {@link ServiceLoader} finds through {@code loader}.
         *
         * @throws IllegalStateException if a listed provider cannot be loaded or instantiated
         */
        public Builder addServiceProviders(ClassLoader loader) {
            try {
                for (ComponentProvider p : ServiceLoader.load(ComponentProvider.class, loader)) {
                    add(p);
                }
            } catch (ServiceConfigurationError e) {
                throw new IllegalStateException("cannot load a component provider listed in META-INF/services/"
                        + ComponentProvider.class.getName() + ": " + e.getMessage(), e);
            }
            return this;
        }

        /** Adds every {@link ComponentProvider} found through the current thread's context class loader. */
        public Builder addServiceProviders() {
            ClassLoader cl = Thread.currentThread().getContextClassLoader();
            return addServiceProviders(cl != null ? cl : Registry.class.getClassLoader());
        }

        /** The registry of everything registered so far. */
        public Registry build() {
            return new Registry(new EnumMap<>(entries));
        }

        private Builder put(Kind kind, String name, String description, Object factory) {
            if (!Spec.isIdentifier(name)) {
                throw new IllegalArgumentException(kind.label() + " name must be a lower-case identifier (letters, "
                        + "digits and single '-', starting with a letter), was " + (name == null ? "null"
                        : "'" + name + "'"));
            }
            if (description == null || description.isBlank() || description.indexOf('\n') >= 0
                    || description.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("the description of " + kind.label() + " '" + name
                        + "' must be one non-blank line, was " + (description == null ? "null"
                        : "'" + description + "'"));
            }
            if (factory == null) {
                throw new IllegalArgumentException("the factory of " + kind.label() + " '" + name
                        + "' must not be null");
            }
            String provider = currentProvider != null ? currentProvider : caller();
            return put(new Entry(kind, name, description.strip(), provider, factory));
        }

        private Builder put(Entry e) {
            Entry old = entries.get(e.kind()).get(e.name());
            if (old != null) {
                throw new IllegalArgumentException(e.kind().label() + " '" + e.name() + "' is registered twice: by "
                        + old.provider() + " and by " + e.provider());
            }
            entries.get(e.kind()).put(e.name(), e);
            return this;
        }

        /** The first class on the stack outside this builder (who registered directly). */
        private static String caller() {
            return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                    .walk(frames -> frames.map(StackWalker.StackFrame::getDeclaringClass)
                            .filter(c -> c != Builder.class)
                            .findFirst().map(Class::getName).orElse("unknown"));
        }
    }
}
