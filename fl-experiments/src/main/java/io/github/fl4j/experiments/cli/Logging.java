package io.github.fl4j.experiments.cli;

/**
 * Log levels for the command line when Logback is the SLF4J binding (the launcher's); without it nothing happens
 * (the command line never needs Logback to start).
 */
public final class Logging {
    private Logging() {
    }

    /** Sets the level of the named loggers (e.g. "WARN"); a no-op without Logback. */
    public static void level(String level, String... loggers) {
        try {
            for (String name : loggers) {
                if (org.slf4j.LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger l) {
                    l.setLevel(ch.qos.logback.classic.Level.toLevel(level));
                }
            }
        } catch (LinkageError e) {
            // no Logback on the class path: keep whatever binding there is
        }
    }
}
