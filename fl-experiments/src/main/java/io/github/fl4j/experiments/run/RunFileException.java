package io.github.fl4j.experiments.run;

/**
 * Bad input in a run file or an override: the message names the file, the path of the value in it (e.g.
 * {@code algorithm.lr}) and the value, and suggests the nearest valid key when a key is unknown.
 */
public class RunFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** An exception with the full message. */
    public RunFileException(String message) {
        super(message);
    }

    /** An exception with the full message and its cause. */
    public RunFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
