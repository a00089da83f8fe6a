package io.github.fl4j.core.sim;

import java.util.Locale;

/** Human-readable formatting of reports (log lines and summaries). */
public final class ReportFormat {
    private ReportFormat() {
    }

    /** Bits as a short string with a binary-free SI unit: "812 bit", "1.95 Mbit", "3.20 Gbit". */
    public static String bits(long bits) {
        if (bits < 1000) {
            return bits + " bit";
        }
        String[] units = {"kbit", "Mbit", "Gbit", "Tbit", "Pbit"};
        double v = bits;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }

    /** One line per round, as logged. */
    public static String line(RoundReport r, int rounds) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "round %d/%d | %d clients | train loss %.5f", r.round(), rounds,
                r.participants(), r.trainLoss()));
        if (r.evaluated()) {
            sb.append(String.format(Locale.ROOT, " | test loss %.5f", r.testLoss()));
            if (!Double.isNaN(r.testAccuracy())) {
                sb.append(String.format(Locale.ROOT, " acc %.4f", r.testAccuracy()));
            }
        }
        sb.append(" | up ").append(bits(r.uplinkBits())).append(" (").append(bits(r.cumulativeUplink()))
                .append(") | down ").append(bits(r.downlinkBits())).append(" (")
                .append(bits(r.cumulativeDownlink())).append(')');
        if (r.accountsPrivacy()) {
            sb.append(String.format(Locale.ROOT, " | eps %.4f", r.epsilon()));
        }
        sb.append(String.format(Locale.ROOT, " | %.1f ms", r.wallNanos() / 1e6));
        return sb.toString();
    }

    /** A multi-line summary of a finished run. */
    public static String summary(SimulationResult<?> res) {
        RoundReport last = res.lastReport();
        StringBuilder sb = new StringBuilder();
        sb.append(res.algorithm()).append(" finished ").append(res.reports().size()).append(" rounds (seed ")
                .append(res.config().seed()).append(", ").append(res.config().precision()).append(")\n");
        if (last.evaluated()) {
            sb.append(String.format(Locale.ROOT, "  final test loss      %.5f%n", last.testLoss()));
            if (!Double.isNaN(last.testAccuracy())) {
                sb.append(String.format(Locale.ROOT, "  final test accuracy  %.4f%n", last.testAccuracy()));
            }
        }
        sb.append(String.format(Locale.ROOT, "  final train loss     %.5f%n", last.trainLoss()));
        sb.append("  uplink               ").append(bits(res.uplinkBits())).append('\n');
        sb.append("  downlink             ").append(bits(res.downlinkBits())).append('\n');
        if (last.accountsPrivacy()) {
            sb.append(String.format(Locale.ROOT, "  privacy spent        epsilon %.4f%n", last.epsilon()));
        }
        double[] rates = res.participationRates();
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        double sum = 0;
        for (double r : rates) {
            min = Math.min(min, r);
            max = Math.max(max, r);
            sum += r;
        }
        sb.append(String.format(Locale.ROOT, "  participation rate   mean %.4f per client (min %.4f, max %.4f)%n",
                sum / rates.length, min, max));
        sb.append(String.format(Locale.ROOT, "  train time per round %.2f ms (evaluation excluded)",
                res.meanTrainMillisPerRound()));
        return sb.toString();
    }
}
