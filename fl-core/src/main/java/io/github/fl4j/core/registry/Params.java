package io.github.fl4j.core.registry;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Typed access to the parameters of a {@link Spec}, for the factory that builds the component. Every accessor records
 * the key as <em>known</em> (whether or not the spec gives it), so that after construction
 * {@link #requireAllUsed()} can reject a spec with a key no accessor asked for (a typo such as {@code lrr=0.1}),
 * listing the known keys. The {@link Registry} calls it after every factory.
 *
 * <p>Value syntax: numbers as Java writes them ({@code 0.05}, {@code 1e-3}, {@code -2}; {@code inf} and
 * {@code -inf} for infinities, never NaN), integers in decimal, booleans {@code true}/{@code false}, lists separated
 * by {@code ';'} ({@code 0.1;0.2}), words compared case-insensitively with {@code '-'} and {@code '_'} equivalent
 * ({@code sample-count} names {@code SAMPLE_COUNT}), paths as given (relative paths resolve against the working
 * directory of the JVM that builds the component).
 *
 * <p>Every bad value fails with a {@link SpecException} naming the component, the key and the value, e.g.
 * {@code fedavg: lr must be a number, was 'abc'}; a missing required key names the keys given. Range checks are left
 * to the component's own builder.
 *
 * <p>Not thread-safe: one instance per build.
 */
public final class Params {
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");

    private final Spec spec;
    private final Registry registry;
    private final SortedSet<String> known = new TreeSet<>();

    /** Parameters of {@code spec}, built outside a registry ({@link #registry()} is the standard one). */
    public Params(Spec spec) {
        this(spec, null);
    }

    Params(Spec spec, Registry registry) {
        if (spec == null) {
            throw new IllegalArgumentException("spec must not be null");
        }
        this.spec = spec;
        this.registry = registry;
    }

    /** The spec. */
    public Spec spec() {
        return spec;
    }

    /** The component's name (the spec's). */
    public String name() {
        return spec.name();
    }

    /**
     * The registry that is building the component, for nested specs (e.g. a compressor built from another
     * compressor's spec); {@link Registry#standard()} for parameters made with {@link #Params(Spec)}.
     */
    public Registry registry() {
        return registry != null ? registry : Registry.standard();
    }

    /** True if the spec gives {@code key}; records the key as known. */
    public boolean has(String key) {
        known.add(key);
        return spec.params().containsKey(key);
    }

    // ---- strings ----------------------------------------------------------------------------------------------

    /**
     * The value as text.
     *
     * @throws SpecException if absent
     */
    public String getString(String key) {
        return require(key);
    }

    /** The value as text, or {@code defaultValue} when absent. */
    public String getString(String key, String defaultValue) {
        return has(key) ? raw(key) : defaultValue;
    }

    // ---- numbers ----------------------------------------------------------------------------------------------

    /**
     * The value as a number.
     *
     * @throws SpecException if absent or not a number
     */
    public double getDouble(String key) {
        return toDouble(key, require(key));
    }

    /**
     * The value as a number, or {@code defaultValue} when absent.
     *
     * @throws SpecException if not a number
     */
    public double getDouble(String key, double defaultValue) {
        return has(key) ? toDouble(key, raw(key)) : defaultValue;
    }

    /**
     * The value as an int.
     *
     * @throws SpecException if absent or not an integer in int range
     */
    public int getInt(String key) {
        return toInt(key, require(key));
    }

    /** The value as an int, or {@code defaultValue} when absent. */
    public int getInt(String key, int defaultValue) {
        return has(key) ? toInt(key, raw(key)) : defaultValue;
    }

    /**
     * The value as a long.
     *
     * @throws SpecException if absent or not an integer in long range
     */
    public long getLong(String key) {
        return toLong(key, require(key));
    }

    /** The value as a long, or {@code defaultValue} when absent. */
    public long getLong(String key, long defaultValue) {
        return has(key) ? toLong(key, raw(key)) : defaultValue;
    }

    /**
     * The value as a boolean ({@code true} or {@code false}).
     *
     * @throws SpecException if absent or another word
     */
    public boolean getBoolean(String key) {
        return toBoolean(key, require(key));
    }

    /** The value as a boolean, or {@code defaultValue} when absent. */
    public boolean getBoolean(String key, boolean defaultValue) {
        return has(key) ? toBoolean(key, raw(key)) : defaultValue;
    }

    // ---- lists ------------------------------------------------------------------------------------------------

    /** The value as a list of numbers separated by ';' (one number is a list of one). */
    public double[] getDoubles(String key) {
        return toDoubles(key, require(key));
    }

    /** The list of numbers, or {@code defaultValue} (not copied) when absent. */
    public double[] getDoubles(String key, double[] defaultValue) {
        return has(key) ? toDoubles(key, raw(key)) : defaultValue;
    }

    /** The value as a list of integers separated by ';'. */
    public int[] getInts(String key) {
        return toInts(key, require(key));
    }

    /** The list of integers, or {@code defaultValue} (not copied) when absent. */
    public int[] getInts(String key, int[] defaultValue) {
        return has(key) ? toInts(key, raw(key)) : defaultValue;
    }

    // ---- paths, words, nested specs ---------------------------------------------------------------------------

    /**
     * The value as a file path.
     *
     * @throws SpecException if absent or not a valid path
     */
    public Path getPath(String key) {
        String v = require(key);
        try {
            return Path.of(v);
        } catch (InvalidPathException e) {
            throw bad(key, v, "a file path (" + e.getReason() + ")");
        }
    }

    /** The file path, or {@code defaultValue} when absent. */
    public Path getPath(String key, Path defaultValue) {
        return has(key) ? getPath(key) : defaultValue;
    }

    /**
     * The value as one of {@code choices} (compared case-insensitively, '-' and '_' equivalent), returned as the
     * choice is spelled; {@code defaultValue} when absent.
     *
     * @throws SpecException naming the choices if the value is none of them
     */
    public String getChoice(String key, String defaultValue, String... choices) {
        if (!has(key)) {
            return defaultValue;
        }
        String v = raw(key);
        for (String c : choices) {
            if (normalise(c).equals(normalise(v))) {
                return c;
            }
        }
        throw bad(key, v, "one of " + String.join(", ", choices));
    }

    /**
     * The value as a constant of {@code type}: {@code sample-count} (any case, '-' or '_') names
     * {@code SAMPLE_COUNT}; {@code defaultValue} when absent.
     *
     * @throws SpecException listing the constants (lower-case, with '-') if the value names none
     */
    public <E extends Enum<E>> E getEnum(String key, Class<E> type, E defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        return toEnum(key, raw(key), type);
    }

    /**
     * The value as a constant of {@code type}.
     *
     * @throws SpecException if absent or no constant
     */
    public <E extends Enum<E>> E getEnum(String key, Class<E> type) {
        return toEnum(key, require(key), type);
    }

    /** The spelling of an enum constant in specs: lower case with '-' ({@code SAMPLE_COUNT -> sample-count}). */
    public static String word(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The value as a nested spec, e.g. {@code inner=topk(k=10)}.
     *
     * @throws SpecException if absent or malformed
     */
    public Spec getSpec(String key) {
        String v = require(key);
        try {
            return Spec.parse(v);
        } catch (SpecException e) {
            throw new SpecException(name() + ": " + key + " must be a component spec, " + e.getMessage(), v,
                    e.position());
        }
    }

    /** The nested spec, or {@code defaultValue} when absent. */
    public Spec getSpec(String key, Spec defaultValue) {
        return has(key) ? getSpec(key) : defaultValue;
    }

    // ---- bookkeeping ------------------------------------------------------------------------------------------

    /** The keys asked for so far (present or not), sorted. */
    public SortedSet<String> knownKeys() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(known));
    }

    /** The keys of the spec that no accessor asked for, sorted. */
    public SortedSet<String> unusedKeys() {
        SortedSet<String> unused = new TreeSet<>(spec.params().keySet());
        unused.removeAll(known);
        return unused;
    }

    /**
     * Fails if the spec has a key that no accessor asked for.
     *
     * @throws SpecException naming the unknown keys and listing the known ones, e.g.
     *                       {@code fedavg: unknown parameter 'lrr'; known: batch, clip, epochs, lr, ...}
     */
    public void requireAllUsed() {
        SortedSet<String> unused = unusedKeys();
        if (unused.isEmpty()) {
            return;
        }
        List<String> quoted = new ArrayList<>();
        for (String k : unused) {
            quoted.add("'" + k + "'");
        }
        String suggestion = "";
        if (unused.size() == 1) {
            String near = Registry.nearest(unused.first(), known);
            if (near != null) {
                suggestion = " (did you mean '" + near + "'?)";
            }
        }
        throw new SpecException(name() + ": unknown parameter" + (unused.size() > 1 ? "s " : " ")
                + String.join(", ", quoted) + suggestion + "; known: "
                + (known.isEmpty() ? "none (" + name() + " takes no parameters)" : String.join(", ", known)));
    }

    /**
     * A {@link SpecException} for a value of {@code key} that is not {@code expected}, e.g.
     * {@code bad("lr", "abc", "a number")} gives {@code fedavg: lr must be a number, was 'abc'}. For factories that
     * check more than the syntax.
     */
    public SpecException bad(String key, String value, String expected) {
        return new SpecException(name() + ": " + key + " must be " + expected + ", was '" + value + "'");
    }

    @Override
    public String toString() {
        return "Params[" + spec + ", known=" + known + "]";
    }

    // ---- conversions ------------------------------------------------------------------------------------------

    private String raw(String key) {
        return spec.params().get(key);
    }

    private String require(String key) {
        if (!has(key)) {
            Set<String> given = spec.params().keySet();
            throw new SpecException(name() + ": missing parameter '" + key + "'"
                    + (given.isEmpty() ? "" : " (given: " + String.join(", ", given) + ")"));
        }
        return raw(key);
    }

    private double toDouble(String key, String v) {
        Double d = parseNumber(v.strip());
        if (d == null) {
            throw bad(key, v, "a number");
        }
        return d;
    }

    private static Double parseNumber(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "inf", "+inf", "infinity", "+infinity":
                return Double.POSITIVE_INFINITY;
            case "-inf", "-infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        if (!NUMBER.matcher(s).matches()) {
            return null;
        }
        return Double.parseDouble(s);
    }

    private int toInt(String key, String v) {
        long l = toLong(key, v, "an integer");
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw bad(key, v, "an integer in [" + Integer.MIN_VALUE + ", " + Integer.MAX_VALUE + "]");
        }
        return (int) l;
    }

    private long toLong(String key, String v) {
        return toLong(key, v, "an integer");
    }

    private long toLong(String key, String v, String expected) {
        String s = v.strip();
        if (!INTEGER.matcher(s).matches()) {
            throw bad(key, v, expected);
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw bad(key, v, "an integer in [" + Long.MIN_VALUE + ", " + Long.MAX_VALUE + "]");
        }
    }

    private boolean toBoolean(String key, String v) {
        String s = v.strip().toLowerCase(Locale.ROOT);
        if (s.equals("true")) {
            return true;
        }
        if (s.equals("false")) {
            return false;
        }
        throw bad(key, v, "true or false");
    }

    private double[] toDoubles(String key, String v) {
        String[] items = items(key, v, "a list of numbers separated by ';'");
        double[] out = new double[items.length];
        for (int i = 0; i < items.length; i++) {
            Double d = parseNumber(items[i]);
            if (d == null) {
                throw bad(key, v, "a list of numbers separated by ';' (item " + (i + 1) + " is '" + items[i] + "')");
            }
            out[i] = d;
        }
        return out;
    }

    private int[] toInts(String key, String v) {
        String[] items = items(key, v, "a list of integers separated by ';'");
        int[] out = new int[items.length];
        for (int i = 0; i < items.length; i++) {
            String s = items[i];
            long l;
            try {
                l = INTEGER.matcher(s).matches() ? Long.parseLong(s) : Long.MIN_VALUE;
            } catch (NumberFormatException e) {
                l = Long.MIN_VALUE;
            }
            if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
                throw bad(key, v, "a list of integers separated by ';' (item " + (i + 1) + " is '" + s + "')");
            }
            out[i] = (int) l;
        }
        return out;
    }

    private String[] items(String key, String v, String expected) {
        String[] items = v.split(";", -1);
        for (int i = 0; i < items.length; i++) {
            items[i] = items[i].strip();
            if (items[i].isEmpty()) {
                throw bad(key, v, expected + " (item " + (i + 1) + " is empty)");
            }
        }
        return items;
    }

    private <E extends Enum<E>> E toEnum(String key, String v, Class<E> type) {
        List<String> words = new ArrayList<>();
        for (E c : type.getEnumConstants()) {
            if (normalise(c.name()).equals(normalise(v))) {
                return c;
            }
            words.add(word(c));
        }
        throw bad(key, v, "one of " + String.join(", ", words));
    }

    private static String normalise(String s) {
        return s.strip().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
