package io.github.fl4j.core.sim;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar of a simulation on a console stream, redrawn in place after every round:
 * {@code label [==========>         ] 37/100 rounds  12.3 s  ETA 21.0 s  acc 0.8123}. The remaining time is the mean
 * wall time per round so far times the rounds left; the accuracy is the last evaluated one. It ends its line after
 * the last round, and on failure. While it is installed the simulation logs its per-round line at DEBUG
 * ({@link RoundListener#drawsProgress}), so the bar is not broken by log lines.
 *
 * <pre>{@code
 * Simulation.builder(alg)....listener(new ProgressBar("FedAvg", rounds, System.err)).build().run();
 * }</pre>
 *
 * <p>It only writes to the stream; it never changes a run's bits.
 */
public final class ProgressBar implements RoundListener {
    private static final int WIDTH = 30;

    private final String label;
    private final int rounds;
    private final PrintStream out;
    private long start;
    private double accuracy = Double.NaN;
    private boolean open;

    /**
     * @param label  what runs (printed first)
     * @param rounds the rounds of the run (the bar's 100 %)
     * @param out    the console stream, e.g. {@code System.err}
     * @throws IllegalArgumentException if {@code rounds} is not positive or an argument is null
     */
    public ProgressBar(String label, int rounds, PrintStream out) {
        if (label == null || out == null) {
            throw new IllegalArgumentException("label and out must not be null");
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1, was " + rounds);
        }
        this.label = label;
        this.rounds = rounds;
        this.out = out;
    }

    @Override
    public boolean drawsProgress() {
        return true;
    }

    @Override
    public void onStart(Simulation<?, ?> simulation) {
        start = System.nanoTime();
        draw(0);
    }

    @Override
    public void onRound(RoundReport report) {
        if (!Double.isNaN(report.testAccuracy())) {
            accuracy = report.testAccuracy();
        }
        draw(report.round());
        if (report.round() >= rounds) {
            end();
        }
    }

    @Override
    public void onFailure(RuntimeException failure, SimulationResult<?> partial) {
        end();
    }

    /** The bar after {@code done} rounds (package-private for tests). */
    String line(int done, double seconds) {
        int filled = (int) ((long) WIDTH * Math.min(done, rounds) / rounds);
        StringBuilder b = new StringBuilder(label).append(" [");
        for (int i = 0; i < WIDTH; i++) {
            b.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        b.append("] ").append(done).append('/').append(rounds).append(" rounds  ")
                .append(String.format(Locale.ROOT, "%.1f s", seconds));
        if (done > 0 && done < rounds) {
            b.append(String.format(Locale.ROOT, "  ETA %.1f s", seconds / done * (rounds - done)));
        }
        if (!Double.isNaN(accuracy)) {
            b.append(String.format(Locale.ROOT, "  acc %.4f", accuracy));
        }
        return b.toString();
    }

    private void draw(int done) {
        out.print('\r' + line(done, (System.nanoTime() - start) / 1e9));
        out.flush();
        open = true;
    }

    private void end() {
        if (open) {
            out.println();
            out.flush();
            open = false;
        }
    }
}
