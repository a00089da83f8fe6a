package io.github.fl4j.benchmarks.grid;

import io.github.fl4j.core.sim.CsvReportWriter;
import io.github.fl4j.core.sim.RoundReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The output files of a grid: {@code rounds.csv}, {@code summary.csv}, {@code summary.md} and, per (participation,
 * heterogeneity), {@code accuracy-rounds__<p>__<h>.png} and {@code accuracy-uplink__<p>__<h>.png} (one line per
 * strategy/compressor, mean over seeds).
 */
public final class GridReports {
    /** Columns of summary.csv; the wall-time columns come last (the only ones that are not reproducible). */
    public static final String SUMMARY_HEADER = "strategy,compressor,participation,heterogeneity,seeds,"
            + "final_accuracy_mean,final_accuracy_ci95,tail_accuracy_mean,tail_accuracy_ci95,rounds_to_target_mean,rounds_to_target_ci95,"
            + "uplink_bits_to_target_mean,uplink_bits_to_target_ci95,reached,wall_seconds_mean,wall_seconds_ci95";

    private GridReports() {
    }

    /** Writes every output file into {@code dir}. */
    public static void writeAll(GridResult result, Path dir, boolean plots) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("rounds.csv"), roundsCsv(result), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("summary.csv"), summaryCsv(result), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("summary.md"), summaryMarkdown(result), StandardCharsets.UTF_8);
            if (plots) {
                writePlots(result, dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write grid reports into " + dir, e);
        }
    }

    /** Every round of every run: the cell keys, the seed and CsvReportWriter's columns. */
    public static String roundsCsv(GridResult result) {
        StringBuilder sb = new StringBuilder("strategy,compressor,participation,heterogeneity,seed,")
                .append(CsvReportWriter.HEADER).append('\n');
        for (RunResult r : result.runs()) {
            RunKey k = r.key();
            String prefix = csv(k.strategy()) + "," + csv(k.compressor()) + "," + csv(k.participation()) + ","
                    + csv(k.heterogeneity()) + "," + k.seed() + ",";
            for (RoundReport rep : r.reports()) {
                sb.append(prefix).append(CsvReportWriter.line(rep)).append('\n');
            }
        }
        return sb.toString();
    }

    /** One line per cell: means and 95% CI half-widths; NaN where no seed reached the target. */
    public static String summaryCsv(GridResult result) {
        StringBuilder sb = new StringBuilder(SUMMARY_HEADER).append('\n');
        for (GridResult.CellSummary s : result.summaries()) {
            RunKey.Cell c = s.cell();
            sb.append(csv(c.strategy())).append(',').append(csv(c.compressor())).append(',')
                    .append(csv(c.participation())).append(',').append(csv(c.heterogeneity())).append(',')
                    .append(s.seeds()).append(',')
                    .append(num(s.finalAccuracy().mean())).append(',').append(num(s.finalAccuracy().halfWidth()))
                    .append(',').append(num(s.tailAccuracy().mean())).append(',')
                    .append(num(s.tailAccuracy().halfWidth()))
                    .append(',').append(num(s.roundsToTarget().mean())).append(',')
                    .append(num(s.roundsToTarget().halfWidth())).append(',')
                    .append(num(s.bitsToTarget().mean())).append(',').append(num(s.bitsToTarget().halfWidth()))
                    .append(',').append(s.reached()).append(',')
                    .append(num(s.wallSeconds().mean())).append(',').append(num(s.wallSeconds().halfWidth()))
                    .append('\n');
        }
        return sb.toString();
    }

    /** The summary as a Markdown table, "not reached" where no seed reached the target. */
    public static String summaryMarkdown(GridResult result) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "# Grid summary%n%nMean ± 95%% confidence half-width (Student t) over "
                + "seeds; target accuracy %s. Rounds and uplink bits to target are over the seeds that reached it. "
                + "Tail accuracy: mean over the evaluations in the last 10%% of the rounds.%n%n",
                result.targetAccuracy()));
        sb.append("| strategy | compressor | participation | heterogeneity | seeds | final accuracy "
                + "| tail accuracy | rounds to target | uplink Mbit to target | reached | wall s |\n");
        sb.append("| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (GridResult.CellSummary s : result.summaries()) {
            RunKey.Cell c = s.cell();
            sb.append("| ").append(c.strategy()).append(" | ").append(c.compressor()).append(" | ")
                    .append(c.participation()).append(" | ").append(c.heterogeneity()).append(" | ")
                    .append(s.seeds()).append(" | ").append(pm(s.finalAccuracy(), 1, "%.4f")).append(" | ")
                    .append(pm(s.tailAccuracy(), 1, "%.4f")).append(" | ")
                    .append(pm(s.roundsToTarget(), 1, "%.1f")).append(" | ")
                    .append(pm(s.bitsToTarget(), 1e-6, "%.3f")).append(" | ")
                    .append(s.reached()).append('/').append(s.seeds()).append(" | ")
                    .append(pm(s.wallSeconds(), 1, "%.2f")).append(" |\n");
        }
        return sb.toString();
    }

    private static String pm(Stats s, double scale, String fmt) {
        if (s.n() == 0) {
            return "not reached";
        }
        String m = String.format(Locale.ROOT, fmt, s.mean() * scale);
        return Double.isNaN(s.halfWidth()) ? m : m + " ± " + String.format(Locale.ROOT, fmt, s.halfWidth() * scale);
    }

    private static void writePlots(GridResult result, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Map<String, Map<String, List<RunResult>>> figures = new LinkedHashMap<>();
        for (Map.Entry<RunKey.Cell, List<RunResult>> e : result.byCell().entrySet()) {
            RunKey.Cell c = e.getKey();
            figures.computeIfAbsent(c.participation() + "\u0000" + c.heterogeneity(), x -> new LinkedHashMap<>())
                    .put(c.label(), e.getValue());
        }
        for (Map.Entry<String, Map<String, List<RunResult>>> f : figures.entrySet()) {
            String[] ph = f.getKey().split("\u0000", 2);
            String suffix = RunKey.safe(ph[0]) + "__" + RunKey.safe(ph[1]);
            String title = ph[0] + ", " + ph[1];
            XYChart byRound = chart("Accuracy vs rounds (" + title + ")", "round");
            XYChart byBits = chart("Accuracy vs uplink bits (" + title + ")", "cumulative uplink Mbit");
            for (Map.Entry<String, List<RunResult>> line : f.getValue().entrySet()) {
                double[][] curve = meanCurve(line.getValue());
                if (curve[0].length == 0) {
                    continue;
                }
                byRound.addSeries(line.getKey(), curve[0], curve[2]).setMarker(SeriesMarkers.NONE);
                byBits.addSeries(line.getKey(), curve[1], curve[2]).setMarker(SeriesMarkers.NONE);
            }
            BitmapEncoder.saveBitmap(byRound, dir.resolve("accuracy-rounds__" + suffix + ".png").toString(),
                    BitmapEncoder.BitmapFormat.PNG);
            BitmapEncoder.saveBitmap(byBits, dir.resolve("accuracy-uplink__" + suffix + ".png").toString(),
                    BitmapEncoder.BitmapFormat.PNG);
        }
    }

    private static XYChart chart(String title, String xTitle) {
        XYChart chart = new XYChartBuilder().width(900).height(600).title(title).xAxisTitle(xTitle)
                .yAxisTitle("test accuracy").build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        return chart;
    }

    /** Rounds, mean cumulative uplink Mbit and mean accuracy over the seeds evaluated at each round. */
    static double[][] meanCurve(List<RunResult> runs) {
        Map<Integer, double[]> acc = new java.util.TreeMap<>();
        for (RunResult r : runs) {
            for (RoundReport rep : r.reports()) {
                if (rep.evaluated()) {
                    double[] a = acc.computeIfAbsent(rep.round(), x -> new double[3]);
                    a[0] += rep.testAccuracy();
                    a[1] += rep.cumulativeUplink() / 1e6;
                    a[2]++;
                }
            }
        }
        List<double[]> pts = new ArrayList<>();
        for (Map.Entry<Integer, double[]> e : acc.entrySet()) {
            double[] a = e.getValue();
            pts.add(new double[] {e.getKey(), a[1] / a[2], a[0] / a[2]});
        }
        double[][] out = new double[3][pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            for (int j = 0; j < 3; j++) {
                out[j][i] = pts.get(i)[j];
            }
        }
        return out;
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "NaN" : Double.toString(v);
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
