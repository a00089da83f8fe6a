package io.github.fl4j.benchmarks.ef21;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.fl4j.core.model.LogisticRegression;
import io.github.fl4j.experiments.ef21.Ef21LibsvmSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BuildComparison} loads each build on its own: two probes of the same fl-core are different classes (their own
 * loaders, not this JVM's), and give the same results; bad arguments fail naming the argument. Needs the LIBSVM folder
 * (mushrooms) for the probes and skips without it.
 */
class BuildComparisonTest {
    private static String currentCore() throws Exception {
        return Path.of(LogisticRegression.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
    }

    @Test
    void eachBuildIsLoadedOnItsOwnAndTheSameBuildGivesTheSameResults() throws Exception {
        Optional<Path> dir = Ef21LibsvmSetup.defaultDataDir();
        assumeTrue(dir.isPresent() && Files.isRegularFile(dir.get().resolve("mushrooms.txt.gz")),
                "the LIBSVM folder with mushrooms is not here");
        Path data = dir.get().resolve("mushrooms.txt.gz");
        DoubleSupplier a = BuildComparison.probe(currentCore(), data, 5);
        DoubleSupplier b = BuildComparison.probe(currentCore(), data, 5);
        assertNotSame(a.getClass(), b.getClass());
        assertNotSame(ClientGradientProbe.class, a.getClass());
        assertNotSame(LogisticRegression.class.getClassLoader(), a.getClass().getClassLoader());
        assertTrue(a.getAsDouble() > 0 && b.getAsDouble() > 0);
        assertEquals(a.toString(), b.toString());
        String report = BuildComparison.run(new String[] {"a=" + currentCore(), "b=" + currentCore(),
            "file=mushrooms", "reps=3", "calls=5", "dir=" + dir.get()});
        assertTrue(report.startsWith("mushrooms, 3 repetitions of 5 client gradients: a "), report);
        assertTrue(report.contains("\nresults equal: a losses "), report);
    }

    @Test
    void badArgumentsAreNamed(@TempDir Path empty) throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BuildComparison.run(new String[] {"b=x"}));
        assertTrue(e.getMessage().contains("a=... and b=..."), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BuildComparison.run(new String[] {"reps=0"}));
        assertEquals("reps must be >= 1, was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BuildComparison.run(new String[] {"rounds=3"}));
        assertTrue(e.getMessage().startsWith("unknown argument 'rounds'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> BuildComparison.run(new String[] {"a=/no/such/dir", "b=/no/such/dir", "dir=" + empty}));
        assertTrue(e.getMessage().startsWith("file=w8a: neither w8a.txt.gz nor w8a.txt in "), e.getMessage());
        Files.createFile(empty.resolve("w8a.txt"));
        e = assertThrows(IllegalArgumentException.class,
                () -> BuildComparison.run(new String[] {"a=/no/such/dir", "b=/no/such/dir", "dir=" + empty}));
        assertEquals("a/b: fl-core classes not found at /no/such/dir", e.getMessage());
    }
}
