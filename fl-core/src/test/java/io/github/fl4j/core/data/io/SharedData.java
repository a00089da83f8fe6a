package io.github.fl4j.core.data.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the shared real-data folder ({@code shared/data}, described by its README.md) for tests that use real files.
 * Such tests must skip, with a message, when the folder is absent (a fresh clone has no data): use {@link #require}.
 *
 * <p>Lookup order: the system property {@code fl4j.sharedData}; else the first {@code shared/data} directory found
 * walking up from the working directory (the checkout is {@code <root>/main} and the data {@code <root>/shared/data},
 * so from a module directory such as {@code <root>/main/fl-core} it is found two levels up).
 */
public final class SharedData {
    /** System property that overrides the lookup. */
    public static final String PROPERTY = "fl4j.sharedData";

    private SharedData() {
    }

    /** The shared data folder, if found. */
    public static Optional<Path> dir() {
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank()) {
            Path p = Path.of(prop.trim()).toAbsolutePath().normalize();
            return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("shared").resolve("data");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The file {@code relative} (e.g. {@code "mnist/train-images-idx3-ubyte.gz"}) in the shared folder, if present. */
    public static Optional<Path> file(String relative) {
        return dir().map(d -> d.resolve(relative)).filter(Files::isRegularFile);
    }

    /**
     * The file {@code relative} in the shared folder; skips the calling test (JUnit assumption) with a message when the
     * folder or the file is absent.
     */
    public static Path require(String relative) {
        Optional<Path> f = file(relative);
        Assumptions.assumeTrue(f.isPresent(), () -> {
            String prop = System.getProperty(PROPERTY);
            String where = prop != null && !prop.isBlank() ? "-D" + PROPERTY + "=" + prop
                    : dir().map(Path::toString).orElse("no shared/data folder found above "
                            + Path.of("").toAbsolutePath() + "; set -D" + PROPERTY + "=<folder>");
            return "shared data file " + relative + " not found (" + where + "): skipping";
        });
        return f.get();
    }
}
