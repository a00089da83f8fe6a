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

    /**
     * A snapshot of the machine's CPU time counters, for {@link #cpuShareSince}: the first line of Linux's
     * {@code /proc/stat} (all cores, in clock ticks) and this JVM's CPU time; null where there is no such file.
     */
    public static long[] cpuTimes() {
        try {
            String line = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0);
            String[] f = line.trim().split("\\s+");
            if (!f[0].equals("cpu") || f.length < 9) {
                return null;
            }
            long[] t = new long[9];
            for (int i = 0; i < 8; i++) { // user nice system idle iowait irq softirq steal
                t[i] = Long.parseLong(f[i + 1]);
            }
            t[8] = processCpuNanos();
            return t;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * What else used the machine since {@code before} ({@link #cpuTimes}): the share of all cores' time the
     * hypervisor gave to other guests (steal) and the share other processes of this guest were busy (all busy time
     * less this JVM's CPU time), e.g. {@code "steal 12%, other processes 3%"}; empty where that cannot be read. The
     * kernel counts in clock ticks, taken as 1/100 s (USER_HZ on Linux).
     */
    public static String cpuShareSince(long[] before) {
        return cpuShare(before, before == null ? null : cpuTimes());
    }

    /** {@link #cpuShareSince} between two snapshots ({@link #cpuTimes}); empty when either is null. */
    static String cpuShare(long[] before, long[] now) {
        if (before == null || now == null) {
            return "";
        }
        long total = 0;
        for (int i = 0; i < 8; i++) {
            total += now[i] - before[i];
        }
        if (total <= 0) {
            return "";
        }
        long idle = (now[3] - before[3]) + (now[4] - before[4]);
        long steal = now[7] - before[7];
        double tick = 1e7; // ns per tick
        double ours = before[8] < 0 || now[8] < 0 ? 0 : (now[8] - before[8]) / tick;
        double others = Math.max(0, total - idle - steal - ours);
        return String.format(java.util.Locale.ROOT, "steal %.0f%%, other processes %.0f%%", 100.0 * steal / total,
                100.0 * others / total);
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean b ? b.getProcessCpuTime() : -1;
    }
}
