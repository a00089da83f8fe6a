package io.github.fl4j.core.registry;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A component named with parameters, as data: {@code fedavg(lr=0.05,steps=10,batch=10)}. A {@link Registry} turns a
 * spec into an object (an algorithm, a model, a dataset, a compressor, a participation pattern); a spec can be
 * written to text, stored in a run file and sent to another JVM, which builds the same object from it.
 *
 * <h2>Text form</h2>
 * <pre>
 *   spec   = name [ "(" [ param { "," param } ] ")" ]
 *   param  = key "=" value
 *   value  = quoted | raw
 *   quoted = "'" { any character except "'" | "''" } "'"       ('' stands for one quote)
 * </pre>
 * <ul>
 *   <li>Names and keys are lower-case identifiers: a letter, then letters and digits, with single {@code '-'}
 *       between them ({@code fedavg}, {@code compressed-gd}, {@code server-lr}). A key occurs at most once.</li>
 *   <li>A raw value runs up to the next {@code ','} or {@code ')'} that is not inside parentheses, so numbers,
 *       words, lists ({@code p=0.1;0.2;0.3}), label maps ({@code labels=1:-1;2:1}), most file paths and nested specs
 *       ({@code outer=topk(k=10)}) need no quotes. Whitespace around names, keys, values and punctuation is ignored.
 *       </li>
 *   <li>A value that is empty, contains whitespace, a quote, an {@code '='} or {@code ','} outside parentheses, or
 *       unbalanced parentheses must be quoted: {@code file='/data/my file.txt'}, {@code note='a=b'},
 *       {@code name='it''s'}. No value may hold a line break, so a spec's canonical text is always one line.</li>
 * </ul>
 * {@code name()} and {@code name} are the same spec. Parse errors are {@link SpecException}s naming the text and the
 * 1-based character position, e.g. {@code cannot parse 'fedavg(lr=)' at character 11: expected a value for 'lr'}.
 *
 * <h2>Canonical form</h2>
 * {@link #toString()} writes the name, then the parameters sorted by key, without spaces, quoting exactly the values
 * that need it; {@code Spec.parse(s.toString()).equals(s)} for every spec. Two specs are equal when their names and
 * parameter maps are equal: values are compared as text ({@code lr=0.1} and {@code lr=0.10} differ as specs, though
 * they build the same object).
 *
 * @param name   the component's name
 * @param params the parameters as text, sorted by key (unmodifiable)
 */
public record Spec(String name, SortedMap<String, String> params) {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    /**
     * @throws IllegalArgumentException if the name or a key is not a lower-case identifier, or a value is null or holds
     *                                  a line break (so that a spec is always one line of text)
     */
    public Spec {
        requireIdentifier("name", name);
        if (params == null) {
            throw new IllegalArgumentException("params must not be null (use an empty map)");
        }
        TreeMap<String, String> copy = new TreeMap<>();
        for (Map.Entry<String, String> e : params.entrySet()) {
            requireIdentifier("parameter key of " + name, e.getKey());
            if (e.getValue() == null) {
                throw new IllegalArgumentException(name + ": the value of '" + e.getKey() + "' must not be null");
            }
            if (e.getValue().indexOf('\n') >= 0 || e.getValue().indexOf('\r') >= 0) {
                throw new IllegalArgumentException(name + ": the value of '" + e.getKey() + "' must be one line, "
                        + "was '" + e.getValue().replace("\n", "\\n").replace("\r", "\\r") + "'");
            }
            copy.put(e.getKey(), e.getValue());
        }
        params = Collections.unmodifiableSortedMap(copy);
    }

    /** A spec without parameters. */
    public static Spec of(String name) {
        return new Spec(name, new TreeMap<>());
    }

    /** A spec with the given parameters (copied and sorted). */
    public static Spec of(String name, Map<String, String> params) {
        return new Spec(name, params == null ? null : new TreeMap<>(params));
    }

    /** True if {@code s} is a valid name or key: a lower-case identifier with single '-' between parts. */
    public static boolean isIdentifier(String s) {
        return s != null && IDENTIFIER.matcher(s).matches();
    }

    /** The value of a parameter, if present. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(params.get(key));
    }

    /** True if the parameter is present. */
    public boolean has(String key) {
        return params.containsKey(key);
    }

    /** This spec with {@code key} set to {@code value} (replacing any previous value). */
    public Spec with(String key, String value) {
        TreeMap<String, String> p = new TreeMap<>(params);
        p.put(key, value);
        return new Spec(name, p);
    }

    /** This spec with {@code key} set to a number (integral values without a fraction: 10, not 10.0). */
    public Spec with(String key, double value) {
        return with(key, number(value));
    }

    /** This spec with {@code key} set to an integer. */
    public Spec with(String key, long value) {
        return with(key, Long.toString(value));
    }

    /** This spec with {@code key} set to {@code true} or {@code false}. */
    public Spec with(String key, boolean value) {
        return with(key, Boolean.toString(value));
    }

    /** This spec with {@code key} set to a nested spec (its canonical text). */
    public Spec with(String key, Spec value) {
        return with(key, value.toString());
    }

    /** This spec with {@code key} set to a list of numbers separated by ';' (e.g. {@code 0.1;0.2}). */
    public Spec withList(String key, double... values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(';');
            }
            sb.append(number(values[i]));
        }
        return with(key, sb.toString());
    }

    /** This spec without {@code key} (itself if absent). */
    public Spec without(String key) {
        if (!params.containsKey(key)) {
            return this;
        }
        TreeMap<String, String> p = new TreeMap<>(params);
        p.remove(key);
        return new Spec(name, p);
    }

    /** The canonical text: name, then the parameters sorted by key, no spaces, values quoted where needed. */
    @Override
    public String toString() {
        if (params.isEmpty()) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name).append('(');
        boolean first = true;
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append(e.getKey()).append('=').append(quoteIfNeeded(e.getValue()));
        }
        return sb.append(')').toString();
    }

    /**
     * Parses the text form (see the class comment).
     *
     * @throws SpecException naming the text, the 1-based character position and what was expected
     */
    public static Spec parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("spec text must not be null");
        }
        return new Parser(text).spec();
    }

    /** The value as written in canonical text: raw when it reads back unchanged, quoted otherwise. */
    static String quoteIfNeeded(String value) {
        if (!needsQuoting(value)) {
            return value;
        }
        return "'" + value.replace("'", "''") + "'";
    }

    private static boolean needsQuoting(String v) {
        if (v.isEmpty()) {
            return true;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '\'') {
                return true;
            }
        }
        try {
            return new Parser(v).rawValueEnd(0, "value") != v.length();
        } catch (SpecException e) {
            return true;
        }
    }

    private static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v).toLowerCase(Locale.ROOT).replace("infinity", "inf");
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static void requireIdentifier(String what, String s) {
        if (s == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (!isIdentifier(s)) {
            throw new IllegalArgumentException(what + " must be a lower-case identifier (letters, digits and single"
                    + " '-', starting with a letter), was '" + s + "'");
        }
    }

    /** A recursive-descent parser of one spec. */
    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        Spec spec() {
            skipSpace();
            String name = identifier("a name");
            TreeMap<String, String> params = new TreeMap<>();
            skipSpace();
            boolean parens = pos < text.length() && text.charAt(pos) == '(';
            if (parens) {
                pos++;
                skipSpace();
                if (peek() == ')') {
                    pos++;
                } else {
                    while (true) {
                        skipSpace();
                        int keyStart = pos;
                        String key = identifier("a parameter name");
                        if (params.containsKey(key)) {
                            throw error(keyStart, "parameter '" + key + "' is given twice");
                        }
                        skipSpace();
                        expect('=', "'=' after '" + key + "'");
                        skipSpace();
                        params.put(key, value(key));
                        skipSpace();
                        char c = peek();
                        if (c == ',') {
                            pos++;
                        } else if (c == ')') {
                            pos++;
                            break;
                        } else {
                            throw expected(pos, "',' or ')' after the value of '" + key + "'");
                        }
                    }
                }
                skipSpace();
            }
            if (pos < text.length()) {
                throw parens ? error(pos, "unexpected text after the closing ')'")
                        : expected(pos, "'(' or the end after the name '" + name + "'");
            }
            return new Spec(name, params);
        }

        private String identifier(String what) {
            int start = pos;
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                        || c == '_') {
                    pos++;
                } else {
                    break;
                }
            }
            String word = text.substring(start, pos);
            if (word.isEmpty()) {
                throw expected(start, what);
            }
            if (!isIdentifier(word)) {
                throw error(start, "'" + word + "' is not a valid " + (what.startsWith("a ") ? what.substring(2)
                        : what) + ": use lower-case letters, digits and single '-', starting with a letter");
            }
            return word;
        }

        private String value(String key) {
            int start = pos;
            boolean quoted = peek() == '\'';
            String v = quoted ? quoted(key) : raw(key);
            int lineBreak = lineBreak(v, 0);
            if (lineBreak >= 0) {
                // a raw value starts at 'start'; a quoted one's first line break is its first after 'start'
                throw error(quoted ? lineBreak(text, start) : start + lineBreak,
                        "a line break in the value of '" + key + "' (a value is one line)");
            }
            return v;
        }

        private static int lineBreak(String s, int from) {
            for (int i = from; i < s.length(); i++) {
                if (s.charAt(i) == '\n' || s.charAt(i) == '\r') {
                    return i;
                }
            }
            return -1;
        }

        private String raw(String key) {
            int start = pos;
            int end = rawValueEnd(start, key);
            String v = text.substring(start, end).strip();
            if (v.isEmpty()) {
                throw expected(start, "a value for '" + key + "'");
            }
            pos = end;
            return v;
        }

        /** The end of a raw value starting at {@code start}: the first ',' or ')' outside parentheses. */
        int rawValueEnd(int start, String key) {
            int depth = 0;
            int i = start;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    if (depth == 0) {
                        return i;
                    }
                    depth--;
                } else if (c == ',' && depth == 0) {
                    return i;
                } else if (c == '\'') {
                    if (depth == 0) {
                        throw error(i, "a quote inside the value of '" + key + "': quote the whole value, e.g. "
                                + key + "='...', with '' for a quote");
                    }
                    i = quotedEnd(i) - 1;
                } else if (c == '=' && depth == 0) {
                    throw error(i, "unexpected '=' in the value of '" + key + "' (a missing ','? or quote the value)");
                }
                i++;
            }
            if (depth > 0) {
                throw error(text.length(), "unclosed '(' in the value of '" + key + "'");
            }
            return i;
        }

        /** The index just after the quoted section that opens at {@code open}. */
        private int quotedEnd(int open) {
            int i = open + 1;
            while (i < text.length()) {
                if (text.charAt(i) == '\'') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '\'') {
                        i += 2;
                        continue;
                    }
                    return i + 1;
                }
                i++;
            }
            throw error(text.length(), "unclosed quote opened at character " + (open + 1));
        }

        private String quoted(String key) {
            int open = pos;
            int end = quotedEnd(open);
            pos = end;
            return text.substring(open + 1, end - 1).replace("''", "'");
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        private void expect(char c, String what) {
            if (peek() != c) {
                throw expected(pos, what);
            }
            pos++;
        }

        private void skipSpace() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        private SpecException expected(int at, String what) {
            String found = at < text.length() ? "'" + text.charAt(at) + "'" : "the end";
            return error(at, "expected " + what + ", found " + found);
        }

        private SpecException error(int at, String problem) {
            return new SpecException("cannot parse '" + text + "' at character " + (at + 1) + ": " + problem, text,
                    at);
        }
    }
}
