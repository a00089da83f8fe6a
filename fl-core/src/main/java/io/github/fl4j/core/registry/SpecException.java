package io.github.fl4j.core.registry;

/**
 * A malformed component spec or a bad parameter value: thrown by {@link Spec#parse} (with the text and the position
 * of the offending character) and by {@link Params} (naming the component, the key and the value). Its message is
 * complete for a user; the {@link Registry} passes it on unchanged, whereas other exceptions of a factory are
 * prefixed with the kind and the spec.
 */
public class SpecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String text;
    private final int position;

    /** A parameter error (no position). */
    public SpecException(String message) {
        this(message, null, -1);
    }

    /**
     * A syntax error.
     *
     * @param message  the complete message
     * @param text     the text that was parsed
     * @param position the 0-based index of the offending character ({@code text.length()} for "unexpected end")
     */
    public SpecException(String message, String text, int position) {
        super(message);
        this.text = text;
        this.position = position;
    }

    /** The parsed text of a syntax error, or null for a parameter error. */
    public String text() {
        return text;
    }

    /** The 0-based index of the offending character of a syntax error, or -1. */
    public int position() {
        return position;
    }
}
