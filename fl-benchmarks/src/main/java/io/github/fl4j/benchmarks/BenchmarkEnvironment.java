package io.github.fl4j.benchmarks;

import io.github.fl4j.core.tensor.NativeThreads;
import java.util.Arrays;
import org.nd4j.linalg.factory.Nd4j;

/** What a benchmark ran on: JVM, cores, ND4J backend, BLAS vendor, native thread settings. Printed by every runner. */
public final class BenchmarkEnvironment {
    private BenchmarkEnvironment() {
    }

    /** A multi-line description of the environment. */
    public static String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("JVM ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.version")).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch")).append('\n');
        sb.append("ND4J backend ").append(Nd4j.getBackend().getClass().getSimpleName())
                .append(", BLAS ").append(Nd4j.factory().blas().getBlasVendor())
                .append(", environment ").append(Nd4j.getEnvironment().isCPU() ? "CPU" : "GPU")
                .append(", native threads (ND4J loops, OpenMP, BLAS) = ")
                .append(Arrays.toString(NativeThreads.current()));
        String cpu = cpuModel();
        if (cpu != null) {
            sb.append('\n').append("CPU ").append(cpu);
        }
        return sb.toString();
    }

    private static String cpuModel() {
        try {
            java.util.List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"));
            String model = null;
            StringBuilder features = new StringBuilder();
            for (String l : lines) {
                if (model == null && l.startsWith("model name")) {
                    model = l.substring(l.indexOf(':') + 1).trim();
                }
                if (l.startsWith("flags")) {
                    for (String f : l.substring(l.indexOf(':') + 1).trim().split(" ")) {
                        if (f.startsWith("avx") || f.equals("fma") || f.startsWith("sse4")) {
                            features.append(features.length() > 0 ? " " : "").append(f);
                        }
                    }
                    break;
                }
            }
            return model == null ? null : model + " [" + features + "]";
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}
