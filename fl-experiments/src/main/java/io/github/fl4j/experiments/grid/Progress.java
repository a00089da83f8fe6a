package io.github.fl4j.experiments.grid;

import java.io.PrintStream;

/** A console progress bar with ETA, {@code [#####-----] 12/40 runs, ETA 1m23s}, redrawn when a run finishes. */
final class Progress {
    private static final int WIDTH = 30;
    private final int total;
    private final int preloaded;
    private final PrintStream out;
    private final long start = System.nanoTime();
    private int done;

    Progress(int total, int preloaded, PrintStream out) {
        this.total = total;
        this.preloaded = preloaded;
        this.done = preloaded;
        this.out = out;
        draw();
    }

    synchronized void finished() {
        done++;
        draw();
    }

    synchronized void close() {
        if (out != null) {
            out.println();
            out.flush();
        }
    }

    /** The bar's text for {@code done} of {@code total} runs with {@code etaSeconds} left (negative: unknown). */
    static String line(int done, int total, double etaSeconds) {
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        StringBuilder sb = new StringBuilder("[");
        sb.append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append("] ");
        sb.append(done).append('/').append(total).append(" runs, ETA ");
        sb.append(etaSeconds < 0 ? "?" : duration(etaSeconds));
        return sb.toString();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return (s / 3600) + "h" + (s % 3600 / 60) + "m";
        }
        return s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
    }

    private void draw() {
        if (out == null) {
            return;
        }
        int executed = done - preloaded;
        double elapsed = (System.nanoTime() - start) / 1e9;
        double eta = done == total ? 0 : executed == 0 ? -1 : elapsed / executed * (total - done);
        out.print("\r" + line(done, total, eta) + "   ");
        out.flush();
    }
}
