package io.github.fl4j.examples;

import io.github.fl4j.experiments.ef21.Ef21LibsvmSetup;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.io.LibSvmReader;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The EF21 paper's logistic-regression experiment on a LIBSVM file (see {@link Ef21LibsvmSetup}): 20 clients in
 * contiguous file order, non-convex regulariser lambda = 0.1, Top-k uplink, float64, EF21 vs EF14 vs EControl at the
 * EF21 theory step size times each multiplier. Prints ||grad f(x^t)||^2 against uplink bits per client at a few
 * checkpoints (bits count values, indices and nothing else; the EF21 paper's axis counts 32k per message, i.e. values
 * only, so its bit axis is 32/(32 + ceil(log2 d)) of ours).
 *
 * <p>EF21 and EControl start with g_i^0 = grad f_i(x^0), delivered exactly through counted Top-k warm-up rounds at
 * x^0 (ceil(d/k) rounds: the flat start of their curves).
 *
 * <p>Run: {@code mvn -q -pl examples -am test-compile exec:java -Dexec.mainClass=io.github.fl4j.examples.Ef21LibsvmExperiment}.
 * Arguments: {@code file} (default {@code ../shared/data/libsvm/mushrooms.txt.gz}), {@code k} (1), {@code rounds}
 * (3000), {@code multipliers} (1,4,16), {@code eta} (EControl feedback strength, 0.01), {@code seed} (1),
 * {@code storage} (auto: the file is read as a sparse dataset when under 25% of its entries are stored, as mushrooms,
 * a9a and w8a are; dense or sparse force the form; the iterates are the same bits either way).
 *
 * <p>EControl's eta must be of the order of the compressor's delta = k/d (its theory takes delta/400): on mushrooms with
 * Top-1 (delta = 1/112) eta = 0.1 diverges at every multiplier tried (||grad f||^2 back above 1.5 by round 3000 at
 * multiplier 16), while eta = 0.01 and 0.001 track EF21.
 */
public final class Ef21LibsvmExperiment {
    private Ef21LibsvmExperiment() {
    }

    public static void main(String[] args) throws Exception {
        // Many runs: keep the per-round log lines out of the table (examples' logback.xml reads this property).
        System.setProperty("fl4j.log.level", System.getProperty("fl4j.log.level", "WARN"));
        Args a = Args.parse(args);
        String file = a.value("file", null);
        Path path = file != null ? Path.of(file) : Ef21LibsvmSetup.defaultDataDir().orElseThrow(() ->
                new IllegalArgumentException("LIBSVM data not found: pass file=<path to a LIBSVM file>"))
                .resolve("mushrooms.txt.gz");
        int k = a.intValue("k", 1);
        int rounds = a.intValue("rounds", 3000);
        double eta = Double.parseDouble(a.value("eta", "0.01"));
        long seed = a.longValue("seed", 1);
        String storageName = a.value("storage", "auto");
        LibSvmReader.Storage storage;
        try {
            storage = LibSvmReader.Storage.valueOf(storageName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("storage must be auto, dense or sparse, was '" + storageName + "'", e);
        }
        FederatedDataset data = Ef21LibsvmSetup.load(path, storage);
        System.out.printf(Locale.ROOT, "%s: %s, Top-%d, %d rounds, theory step %.4g%n", path.getFileName(), data, k,
                rounds, Ef21LibsvmSetup.theoryStep(data, k, 1));
        int[] checkpoints = {0, rounds / 10, rounds / 4, rounds / 2, rounds};
        for (String m : a.value("multipliers", "1,4,16").split(",")) {
            double multiplier = Double.parseDouble(m.trim());
            double step = Ef21LibsvmSetup.theoryStep(data, k, multiplier);
            System.out.printf(Locale.ROOT, "%nmultiplier %s (step %.4g): ||grad f||^2 at rounds %s%n", m.trim(), step,
                    java.util.Arrays.toString(checkpoints));
            for (FederatedAlgorithm<?, ?> alg : Ef21LibsvmSetup.methods(step, eta)) {
                Ef21LibsvmSetup.Trajectory t = Ef21LibsvmSetup.run(alg, data, k, rounds, seed);
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %-34s", t.algorithm()));
                for (int c : checkpoints) {
                    row.append(String.format(Locale.ROOT, " %10.3e", t.gradNormSquared()[c]));
                }
                row.append(String.format(Locale.ROOT, "   (%.3g kbit/client)", t.bitsPerClient()[rounds] / 1e3));
                System.out.println(row);
            }
        }
    }
}
