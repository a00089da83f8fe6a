package io.github.fl4j.benchmarks.ef21;

import io.github.fl4j.experiments.ef21.Ef21LibsvmSetup;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * Two builds of {@code fl-core} in ONE process, timed alternately on the same work: the full gradient of each client
 * of a LIBSVM file's EF21 split (sparse, float64, logistic regression with the non-convex regulariser), by
 * {@link ClientGradientProbe}. Each build gets its own class loader, which loads every {@code io.github.fl4j} class
 * itself (the given {@code fl-core} classes, and this module's and {@code fl-experiments}' classes from where this
 * JVM found them) and shares everything else (ND4J, the JDK) with this JVM.
 *
 * <p>Why: on a shared machine the speed of whole processes moves by up to 2x within minutes, so two builds timed in
 * separate processes can differ by more than any change being measured. Alternated in one process, both builds see
 * the same phases of the machine, and the median of the per-repetition ratios is stable to about 1-2 %. The two
 * builds' results are compared too: the last line says whether their losses and gradients have the same bits.
 *
 * <p>Run (after {@code mvn -pl fl-benchmarks -am package -DskipTests} in both checkouts):
 * <pre>
 * java --add-modules jdk.incubator.vector -cp fl-benchmarks/target/classes:$(cat cp.txt) \
 *     io.github.fl4j.benchmarks.ef21.BuildComparison a=OTHER/fl-core/target/classes b=fl-core/target/classes \
 *     [file=w8a] [reps=61] [calls=400] [dir=...]
 * </pre>
 * {@code a} and {@code b} are {@code fl-core} class folders (or jars); {@code calls} client gradients make one timed
 * repetition; {@code dir} is the LIBSVM folder (default {@link Ef21LibsvmSetup#defaultDataDir()}). Prints the
 * median microseconds per client of each build, the median and quartiles of the ratios b/a, and whether the results
 * are equal.
 */
public final class BuildComparison {
    private BuildComparison() {
    }

    /** Runs the comparison; arguments are key=value pairs (see the class comment). */
    public static void main(String[] args) throws Exception {
        System.out.print(run(args));
    }

    /** The comparison's report (two lines), for the arguments of {@link #main}. */
    static String run(String[] args) throws Exception {
        String a = null;
        String b = null;
        String file = "w8a";
        int reps = 61;
        int calls = 400;
        Path dir = Ef21LibsvmSetup.defaultDataDir().orElse(null);
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("arguments are key=value, was '" + arg + "'");
            }
            String key = arg.substring(0, eq);
            String value = arg.substring(eq + 1);
            switch (key) {
                case "a" -> a = value;
                case "b" -> b = value;
                case "file" -> file = value;
                case "reps" -> reps = positive(key, value);
                case "calls" -> calls = positive(key, value);
                case "dir" -> dir = Path.of(value);
                default -> throw new IllegalArgumentException("unknown argument '" + key
                        + "'; known: a, b, file, reps, calls, dir");
            }
        }
        if (a == null || b == null) {
            throw new IllegalArgumentException("a=... and b=... (the two fl-core class folders or jars) are required");
        }
        if (dir == null) {
            throw new IllegalArgumentException("no LIBSVM folder found; pass dir=...");
        }
        Path data = dir.resolve(file + ".txt.gz");
        if (!Files.isRegularFile(data)) {
            data = dir.resolve(file + ".txt");
        }
        if (!Files.isRegularFile(data)) {
            throw new IllegalArgumentException("file=" + file + ": neither " + file + ".txt.gz nor " + file
                    + ".txt in " + dir);
        }
        DoubleSupplier first = probe(a, data, calls);
        DoubleSupplier second = probe(b, data, calls);
        double[] ta = new double[reps];
        double[] tb = new double[reps];
        double[] ratio = new double[reps];
        for (int r = 0; r < reps; r++) {
            if (r % 2 == 0) { // alternate which goes first
                ta[r] = first.getAsDouble();
                tb[r] = second.getAsDouble();
            } else {
                tb[r] = second.getAsDouble();
                ta[r] = first.getAsDouble();
            }
            ratio[r] = tb[r] / ta[r];
        }
        Arrays.sort(ta);
        Arrays.sort(tb);
        Arrays.sort(ratio);
        String ra = first.toString();
        String rb = second.toString();
        return String.format(Locale.ROOT, "%s, %d repetitions of %d client gradients: a %.2f us, b %.2f us per client "
                + "(medians); b/a median %.3f, quartiles %.3f-%.3f%n", file, reps, calls, ta[reps / 2], tb[reps / 2],
                ratio[reps / 2], ratio[reps / 4], ratio[(3 * reps) / 4])
                + "results " + (ra.equals(rb) ? "equal" : "DIFFER") + ": a " + ra + "; b " + rb + "\n";
    }

    private static int positive(String key, String value) {
        int v = Integer.parseInt(value);
        if (v < 1) {
            throw new IllegalArgumentException(key + " must be >= 1, was " + v);
        }
        return v;
    }

    /** A {@link ClientGradientProbe} of the given fl-core build, loaded by a loader of its own. */
    static DoubleSupplier probe(String core, Path data, int calls) throws Exception {
        Path corePath = Path.of(core);
        if (!Files.exists(corePath)) {
            throw new IllegalArgumentException("a/b: fl-core classes not found at " + core);
        }
        List<URL> urls = new ArrayList<>();
        urls.add(corePath.toUri().toURL());
        // this module, fl-experiments and the modules the probe's setup reaches, from where this JVM found them
        for (Class<?> c : new Class<?>[] {BuildComparison.class, Ef21LibsvmSetup.class,
            io.github.fl4j.algorithms.ef.Ef21.class, io.github.fl4j.compression.Compressors.class}) {
            urls.add(location(c));
        }
        ClassLoader loader = new OwnClassesFirst(urls.toArray(new URL[0]), BuildComparison.class.getClassLoader());
        Class<?> probe = loader.loadClass(ClientGradientProbe.class.getName());
        return (DoubleSupplier) probe.getConstructor(Path.class, int.class).newInstance(data, calls);
    }

    private static URL location(Class<?> c) throws IOException {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toUri().toURL();
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the classes of " + c.getName(), e);
        }
    }

    /** Loads the {@code io.github.fl4j} classes from its own URLs, everything else from its parent. */
    private static final class OwnClassesFirst extends URLClassLoader {
        OwnClassesFirst(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("io.github.fl4j.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
