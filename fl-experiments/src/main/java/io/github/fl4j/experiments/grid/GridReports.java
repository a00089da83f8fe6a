package io.github.fl4j.experiments.grid;

import io.github.fl4j.core.sim.CsvReportWriter;
import io.github.fl4j.core.sim.RoundReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The output files of a grid: {@code rounds.csv}, {@code summary.csv}, {@code summary.md} and, per (participation,
 * heterogeneity), {@code accuracy-rounds__<p>__<h>.png} and {@code accuracy-uplink__<p>__<h>.png} (one line per
 * strategy/compressor, mean over seeds).
 *
 * <p>A timed grid (one with a system axis) has a figure per (participation, heterogeneity, system), named with a
 * {@code __<system>} suffix, and adds {@code accuracy-time__<p>__<h>__<s>.png} (accuracy against virtual time, the
 * mean over seeds of each seed's latest evaluated accuracy, over the time range every seed covers) and
 * {@code staleness__<p>__<h>__<s>.png} (a bar chart per strategy/compressor: the share of applied updates by
 * staleness, pooled over seeds and versions; staleness values are grouped in ranges when the largest is 25 or
 * more). Its tables gain the system column, virtual time to target and final virtual time; {@code rounds.csv} gains
 * the system column and the run files' timed columns.
 *
 * <p>A grid with an aggregator, attack or privacy axis has those columns after the heterogeneity (and system) in
 * {@code rounds.csv} and the summaries, and its figures' lines are labelled strategy / compressor / aggregator /
 * attack / privacy (the parts of the axes it has); without them every file is as before.
 */
public final class GridReports {
    /** Columns of summary.csv; the wall-time columns come last (the only ones that are not reproducible). */
    public static final String SUMMARY_HEADER = "strategy,compressor,participation,heterogeneity,seeds,"
            + "final_accuracy_mean,final_accuracy_ci95,tail_accuracy_mean,tail_accuracy_ci95,rounds_to_target_mean,rounds_to_target_ci95,"
            + "uplink_bits_to_target_mean,uplink_bits_to_target_ci95,reached,diverged,wall_seconds_mean,wall_seconds_ci95";

    /**
     * Columns of summary.csv of a timed grid: the system after the heterogeneity, virtual seconds to target and
     * final virtual seconds after the uplink bits; the wall-time columns still last.
     */
    public static final String TIMED_SUMMARY_HEADER = "strategy,compressor,participation,heterogeneity,system,seeds,"
            + "final_accuracy_mean,final_accuracy_ci95,tail_accuracy_mean,tail_accuracy_ci95,rounds_to_target_mean,"
            + "rounds_to_target_ci95,uplink_bits_to_target_mean,uplink_bits_to_target_ci95,time_to_target_mean,"
            + "time_to_target_ci95,final_time_mean,final_time_ci95,reached,diverged,wall_seconds_mean,"
            + "wall_seconds_ci95";

    /** Largest number of bars per strategy in a staleness chart; wider ranges are grouped. */
    static final int MAX_STALENESS_BARS = 25;

    private GridReports() {
    }

    /**
     * Writes every output file into {@code dir}, each atomically (a temporary file in {@code dir}, then an atomic
     * move), so a kill leaves each report whole: the previous version or the new one.
     */
    public static void writeAll(GridResult result, Path dir, boolean plots) {
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(dir.resolve("rounds.csv"), roundsCsv(result));
            AtomicFiles.write(dir.resolve("summary.csv"), summaryCsv(result));
            AtomicFiles.write(dir.resolve("summary.md"), summaryMarkdown(result));
            if (plots) {
                writePlots(result, dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write grid reports into " + dir, e);
        }
    }

    /**
     * Every round of every run: the cell keys, the seed and CsvReportWriter's columns; when timed, the system after
     * the heterogeneity and the run files' timed columns ({@code virtual_time,staleness_counts,wasted_updates}) at
     * the end; the aggregator, attack and privacy (of the axes the grid has) before the seed.
     */
    public static String roundsCsv(GridResult result) {
        boolean timed = result.timed();
        StringBuilder sb = new StringBuilder("strategy,compressor,participation,heterogeneity,")
                .append(timed ? "system," : "").append(axisColumns(result)).append("seed,")
                .append(timed ? RunFiles.TIMED_HEADER : CsvReportWriter.HEADER).append('\n');
        for (RunResult r : result.runs()) {
            RunKey k = r.key();
            String prefix = csv(k.strategy()) + "," + csv(k.compressor()) + "," + csv(k.participation()) + ","
                    + csv(k.heterogeneity()) + "," + (timed ? csv(k.system()) + "," : "")
                    + String.join("", extras(result, k.cell()).stream().map(x -> csv(x) + ",").toList())
                    + k.seed() + ",";
            for (int i = 0; i < r.reports().size(); i++) {
                sb.append(prefix).append(CsvReportWriter.line(r.reports().get(i)));
                if (timed) {
                    sb.append(',').append(RunFiles.timedColumns(r.timings().get(i)));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * The header of {@link #summaryCsv}: {@link #SUMMARY_HEADER} ({@link #TIMED_SUMMARY_HEADER} for a timed grid)
     * with, after the heterogeneity (and system), the columns of the aggregator, attack and privacy axes the grid
     * has, and with a privacy axis the final privacy loss epsilon ({@code final_epsilon_mean,final_epsilon_ci95},
     * NaN for non-private cells) before {@code reached}.
     */
    public static String summaryHeader(GridResult result) {
        String h = result.timed() ? TIMED_SUMMARY_HEADER : SUMMARY_HEADER;
        if (result.privacyAxis()) {
            int at = h.indexOf("reached,");
            h = h.substring(0, at) + "final_epsilon_mean,final_epsilon_ci95," + h.substring(at);
        }
        String axes = axisColumns(result);
        if (axes.isEmpty()) {
            return h;
        }
        int at = h.indexOf("seeds,");
        return h.substring(0, at) + axes + h.substring(at);
    }

    /** "aggregator,attack,privacy," restricted to the axes the grid has ("" when none). */
    static String axisColumns(GridResult result) {
        return (result.aggregatorAxis() ? "aggregator," : "") + (result.attackAxis() ? "attack," : "")
                + (result.privacyAxis() ? "privacy," : "");
    }

    /** The cell's names on the aggregator, attack and privacy axes the grid has, in that order. */
    static List<String> extras(GridResult result, RunKey.Cell c) {
        List<String> out = new ArrayList<>(3);
        if (result.aggregatorAxis()) {
            out.add(c.aggregator());
        }
        if (result.attackAxis()) {
            out.add(c.attack());
        }
        if (result.privacyAxis()) {
            out.add(c.privacy());
        }
        return out;
    }

    /**
     * One line per cell: means and 95% CI half-widths; NaN where no seed reached the target. Columns
     * {@link #summaryHeader}.
     */
    public static String summaryCsv(GridResult result) {
        boolean timed = result.timed();
        StringBuilder sb = new StringBuilder(summaryHeader(result)).append('\n');
        for (GridResult.CellSummary s : result.summaries()) {
            RunKey.Cell c = s.cell();
            sb.append(csv(c.strategy())).append(',').append(csv(c.compressor())).append(',')
                    .append(csv(c.participation())).append(',').append(csv(c.heterogeneity())).append(',');
            if (timed) {
                sb.append(csv(c.system())).append(',');
            }
            for (String extra : extras(result, c)) {
                sb.append(csv(extra)).append(',');
            }
            sb.append(s.seeds()).append(',')
                    .append(num(s.finalAccuracy().mean())).append(',').append(num(s.finalAccuracy().halfWidth()))
                    .append(',').append(num(s.tailAccuracy().mean())).append(',')
                    .append(num(s.tailAccuracy().halfWidth()))
                    .append(',').append(num(s.roundsToTarget().mean())).append(',')
                    .append(num(s.roundsToTarget().halfWidth())).append(',')
                    .append(num(s.bitsToTarget().mean())).append(',').append(num(s.bitsToTarget().halfWidth()));
            if (timed) {
                sb.append(',').append(num(s.timeToTarget().mean())).append(',')
                        .append(num(s.timeToTarget().halfWidth())).append(',')
                        .append(num(s.finalTime().mean())).append(',').append(num(s.finalTime().halfWidth()));
            }
            if (result.privacyAxis()) {
                sb.append(',').append(num(s.finalEpsilon().mean())).append(',')
                        .append(num(s.finalEpsilon().halfWidth()));
            }
            sb.append(',').append(s.reached()).append(',').append(s.diverged()).append(',')
                    .append(num(s.wallSeconds().mean())).append(',').append(num(s.wallSeconds().halfWidth()))
                    .append('\n');
        }
        return sb.toString();
    }

    /**
     * The summary as a Markdown table, "not reached" where no seed reached the target; a timed grid adds the system,
     * virtual seconds to target and final virtual seconds.
     */
    public static String summaryMarkdown(GridResult result) {
        boolean timed = result.timed();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "# Grid summary%n%nMean ± 95%% confidence half-width (Student t) over "
                + "seeds; target accuracy %s. Rounds and uplink bits to target are over the seeds that reached it. "
                + "Tail accuracy: mean over the evaluations in the last 10%% of the rounds.%n%n",
                result.targetAccuracy()));
        if (timed) {
            sb.append(String.format(Locale.ROOT, "Simulations with time: virtual seconds on the simulated clock "
                    + "(device, network and availability models), to the target over the seeds that reached it, "
                    + "and at the last round. For asynchronous strategies a round is a server version.%n%n"));
        }
        List<String> axisNames = new ArrayList<>();
        for (String col : axisColumns(result).split(",")) {
            if (!col.isEmpty()) {
                axisNames.add(col);
            }
        }
        sb.append("| strategy | compressor | participation | heterogeneity | ").append(timed ? "system | " : "")
                .append(String.join("", axisNames.stream().map(x -> x + " | ").toList()))
                .append("seeds | final accuracy | tail accuracy | rounds to target | uplink Mbit to target | ")
                .append(timed ? "virtual s to target | final virtual s | " : "")
                .append(result.privacyAxis() ? "final ε | " : "").append("reached | wall s |\n");
        sb.append("| --- | --- | --- | --- | ").append(timed ? "--- | " : "").append("--- | ".repeat(axisNames.size()))
                .append("---: | ---: | ---: | ---: | ---: | ").append(timed ? "---: | ---: | " : "")
                .append(result.privacyAxis() ? "---: | " : "")
                .append("---: | ---: |\n");
        for (GridResult.CellSummary s : result.summaries()) {
            RunKey.Cell c = s.cell();
            sb.append("| ").append(c.strategy()).append(" | ").append(c.compressor()).append(" | ")
                    .append(c.participation()).append(" | ").append(c.heterogeneity()).append(" | ");
            if (timed) {
                sb.append(c.system()).append(" | ");
            }
            for (String extra : extras(result, c)) {
                sb.append(extra).append(" | ");
            }
            sb.append(s.seeds()).append(" | ").append(pm(s.finalAccuracy(), 1, "%.4f")).append(" | ")
                    .append(pm(s.tailAccuracy(), 1, "%.4f")).append(" | ")
                    .append(pm(s.roundsToTarget(), 1, "%.1f")).append(" | ")
                    .append(pm(s.bitsToTarget(), 1e-6, "%.3f")).append(" | ");
            if (timed) {
                sb.append(pm(s.timeToTarget(), 1, "%.4g")).append(" | ").append(pm(s.finalTime(), 1, "%.4g"))
                        .append(" | ");
            }
            if (result.privacyAxis()) {
                sb.append(s.finalEpsilon().n() == 0 ? "∞" : pm(s.finalEpsilon(), 1, "%.3g")).append(" | ");
            }
            sb.append(s.reached()).append('/').append(s.seeds())
                    .append(s.diverged() == 0 ? "" : " (" + s.diverged() + " diverged)").append(" | ")
                    .append(pm(s.wallSeconds(), 1, "%.2f")).append(" |\n");
        }
        List<Paired> paired = pairedDifferences(result);
        if (!paired.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%n## Paired differences to the baseline%n%nFinal accuracy of each "
                    + "strategy minus that of the baseline strategy (%s, the grid's first) in the same cell and with "
                    + "the same seed: strategies share their random numbers per seed (data, participation, "
                    + "initial model), so the difference is paired. Mean ± 95%% paired t half-width over the n "
                    + "seeds both finished; * where the interval excludes 0.%n%n", paired.get(0).baseline()));
            sb.append("| strategy | cell | n | mean difference | 95% interval |\n| --- | --- | ---: | ---: | --- |\n");
            for (Paired d : paired) {
                Stats st = d.difference();
                boolean excludesZero = st.n() >= 2 && (st.low() > 0 || st.high() < 0);
                sb.append("| ").append(d.cell().strategy()).append(" | ").append(cellOthers(d.cell())).append(" | ")
                        .append(st.n()).append(" | ")
                        .append(st.n() == 0 ? "-" : String.format(Locale.ROOT, "%+.4f", st.mean()))
                        .append(excludesZero ? " *" : "").append(" | ")
                        .append(st.n() < 2 ? "-" : String.format(Locale.ROOT, "[%+.4f, %+.4f]", st.low(), st.high()))
                        .append(" |\n");
            }
        }
        List<RunResult> diverged = result.divergedRuns();
        if (!diverged.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%n## Diverged runs%n%nThese runs failed before their last round; "
                    + "the statistics above leave them out (their rounds before the failure are in rounds.csv "
                    + "and runs/).%n%n| run | rounds completed | reason |%n| --- | ---: | --- |%n"));
            for (RunResult r : diverged) {
                sb.append("| ").append(r.key().fileName().replaceFirst("\\.csv$", "")).append(" | ")
                        .append(r.reports().size()).append(" | ").append(r.diverged().replace("|", "\\|"))
                        .append(" |\n");
            }
        }
        return sb.toString();
    }

    /**
     * The paired comparison of one cell with the baseline.
     *
     * @param cell       the cell
     * @param baseline   the baseline strategy
     * @param difference statistics of the per-seed differences of final accuracy (cell minus baseline)
     */
    public record Paired(RunKey.Cell cell, String baseline, Stats difference) {
    }

    /**
     * Final accuracy of every cell minus the baseline cell's (same axes, the grid's first strategy), paired by seed
     * over the seeds both ran to the end. Strategies share the random numbers of a seed (data, participation,
     * initial model), so d_s = a_s - b_s removes the between-seed variation: the 95% interval is the paired
     * t-interval mean(d) &plusmn; t_{0.975, n-1} sd(d) / sqrt(n) ({@link Stats} of the differences).
     */
    public static List<Paired> pairedDifferences(GridResult result) {
        List<Paired> out = new ArrayList<>();
        if (result.runs().isEmpty()) {
            return out;
        }
        String baseline = result.runs().get(0).key().strategy();
        Map<RunKey.Cell, List<RunResult>> cells = result.byCell();
        for (Map.Entry<RunKey.Cell, List<RunResult>> e : cells.entrySet()) {
            RunKey.Cell c = e.getKey();
            if (c.strategy().equals(baseline)) {
                continue;
            }
            RunKey.Cell b = new RunKey.Cell(baseline, c.compressor(), c.participation(), c.heterogeneity(),
                    c.system(), c.aggregator(), c.attack(), c.privacy());
            List<RunResult> base = cells.get(b);
            if (base == null) {
                continue;
            }
            Map<Long, Double> byseed = new LinkedHashMap<>();
            for (RunResult r : base) {
                if (!r.isDiverged()) {
                    byseed.put(r.key().seed(), r.finalAccuracy());
                }
            }
            List<Double> d = new ArrayList<>();
            for (RunResult r : e.getValue()) {
                Double a0 = byseed.get(r.key().seed());
                if (!r.isDiverged() && a0 != null) {
                    d.add(r.finalAccuracy() - a0);
                }
            }
            out.add(new Paired(c, baseline, Stats.of(d.stream().mapToDouble(Double::doubleValue).toArray())));
        }
        return out;
    }

    private static String cellOthers(RunKey.Cell c) {
        List<String> parts = new ArrayList<>(List.of(c.compressor()));
        for (String axis : List.of(c.aggregator(), c.attack(), c.privacy())) {
            if (!axis.equals(RunKey.NONE)) {
                parts.add(axis);
            }
        }
        parts.add(c.participation());
        parts.add(c.heterogeneity());
        if (c.timed()) {
            parts.add(c.system());
        }
        return String.join(", ", parts).replace("|", "\\|");
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
        Map<List<String>, Map<String, List<RunResult>>> figures = new LinkedHashMap<>();
        for (Map.Entry<RunKey.Cell, List<RunResult>> e : result.byCell().entrySet()) {
            RunKey.Cell c = e.getKey();
            List<String> fig = c.timed() ? List.of(c.participation(), c.heterogeneity(), c.system())
                    : List.of(c.participation(), c.heterogeneity());
            // the mean of the runs that finished; a cell whose every run diverged shows the rounds before the failure
            List<RunResult> finished = e.getValue().stream().filter(r -> !r.isDiverged()).toList();
            int diverged = e.getValue().size() - finished.size();
            String label = diverged == 0 ? c.label()
                    : c.label() + " (" + diverged + "/" + e.getValue().size() + " diverged)";
            figures.computeIfAbsent(fig, x -> new LinkedHashMap<>()).put(label,
                    finished.isEmpty() ? e.getValue() : finished);
        }
        for (Map.Entry<List<String>, Map<String, List<RunResult>>> f : figures.entrySet()) {
            List<String> fig = f.getKey();
            boolean timed = fig.size() == 3;
            String suffix = String.join("__", fig.stream().map(RunKey::safe).toList());
            String title = String.join(", ", fig);
            XYChart byRound = chart("Accuracy vs rounds (" + title + "), mean and 95% interval over seeds",
                    timed ? "round (server version)" : "round");
            XYChart byBits = chart("Accuracy vs uplink bits (" + title + "), mean and 95% interval over seeds",
                    "cumulative uplink Mbit (log scale)");
            byBits.getStyler().setXAxisLogarithmic(true);
            XYChart byTime = chart("Accuracy vs virtual time (" + title + "), mean over seeds", "virtual time (s)");
            int index = 0;
            for (Map.Entry<String, List<RunResult>> line : f.getValue().entrySet()) {
                double[][] curve = meanCurve(line.getValue());
                if (curve[0].length == 0) {
                    continue;
                }
                Style st = style(index++);
                band(byRound, line.getKey(), curve[0], curve[3], curve[4], st);
                st.apply(byRound.addSeries(line.getKey(), curve[0], curve[2]));
                double[][] positive = positiveX(curve);
                if (positive[0].length > 0) {
                    band(byBits, line.getKey(), positive[1], positive[3], positive[4], st);
                    st.apply(byBits.addSeries(line.getKey(), positive[1], positive[2]));
                }
                double[][] overTime = timed ? meanOverTime(line.getValue()) : null;
                if (timed && overTime[0].length > 0) {
                    st.apply(byTime.addSeries(line.getKey(), overTime[0], overTime[1]));
                }
            }
            savePng(byRound, dir.resolve("accuracy-rounds__" + suffix + ".png"));
            savePng(byBits, dir.resolve("accuracy-uplink__" + suffix + ".png"));
            if (timed) {
                savePng(byTime, dir.resolve("accuracy-time__" + suffix + ".png"));
                CategoryChart staleness = stalenessChart("Staleness of applied updates (" + title + ")",
                        f.getValue());
                if (staleness != null) {
                    savePng(staleness, dir.resolve("staleness__" + suffix + ".png"));
                }
            }
        }
    }

    /** Writes a chart as a PNG and, beside it, as an SVG (vector, for papers), each atomically. */
    private static void savePng(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file)
            throws IOException {
        AtomicFiles.write(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        java.io.ByteArrayOutputStream svg = new java.io.ByteArrayOutputStream();
        VectorGraphicsEncoder.saveVectorGraphic(chart, svg, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        AtomicFiles.write(file.resolveSibling(file.getFileName().toString().replaceFirst("\\.png$", ".svg")),
                svg.toByteArray());
    }

    /**
     * The look of the i-th line of a figure: colours of the Okabe-Ito palette (distinguishable with colour-vision
     * deficiencies), four dash patterns and five markers, cycled with co-prime periods so that neighbouring lines
     * differ in all three.
     */
    record Style(java.awt.Color color, java.awt.BasicStroke stroke, org.knowm.xchart.style.markers.Marker marker) {
        void apply(org.knowm.xchart.XYSeries s) {
            s.setLineColor(color);
            s.setMarkerColor(color);
            s.setLineStyle(stroke);
            s.setMarker(marker);
        }
    }

    private static final java.awt.Color[] PALETTE = {new java.awt.Color(0, 114, 178),
        new java.awt.Color(213, 94, 0), new java.awt.Color(0, 158, 115), new java.awt.Color(204, 121, 167),
        new java.awt.Color(230, 159, 0), new java.awt.Color(86, 180, 233), new java.awt.Color(0, 0, 0)};

    static Style style(int i) {
        java.awt.BasicStroke[] strokes = {SeriesLines.SOLID, SeriesLines.DASH_DASH, SeriesLines.DOT_DOT,
            SeriesLines.DASH_DOT};
        org.knowm.xchart.style.markers.Marker[] markers = {SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE,
            SeriesMarkers.DIAMOND, SeriesMarkers.TRIANGLE_UP, SeriesMarkers.CROSS};
        return new Style(PALETTE[i % PALETTE.length], strokes[i % strokes.length], markers[i % markers.length]);
    }

    /** The 95% band of a line: a translucent polygon from the lower ends forward and the upper ends back. */
    private static void band(XYChart chart, String name, double[] x, double[] low, double[] high, Style st) {
        List<double[]> pts = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(low[i]) && Double.isFinite(high[i])) {
                pts.add(new double[] {x[i], low[i], high[i]});
            }
        }
        if (pts.size() < 2) {
            return; // one seed (no interval) or a single point
        }
        double[] px = new double[2 * pts.size()];
        double[] py = new double[2 * pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            px[i] = pts.get(i)[0];
            py[i] = pts.get(i)[1];
            px[px.length - 1 - i] = pts.get(i)[0];
            py[py.length - 1 - i] = pts.get(i)[2];
        }
        org.knowm.xchart.XYSeries s = chart.addSeries(name + " (95% interval)", px, py);
        s.setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.PolygonArea);
        s.setFillColor(new java.awt.Color(st.color().getRed(), st.color().getGreen(), st.color().getBlue(), 50));
        s.setLineColor(new java.awt.Color(0, 0, 0, 0));
        s.setMarker(SeriesMarkers.NONE);
        s.setShowInLegend(false);
    }

    /** The points of a mean curve whose x (cumulative uplink Mbit, row 1) is positive, for a logarithmic axis. */
    static double[][] positiveX(double[][] curve) {
        int n = 0;
        for (double x : curve[1]) {
            n += x > 0 ? 1 : 0;
        }
        double[][] out = new double[curve.length][n];
        int j = 0;
        for (int i = 0; i < curve[1].length; i++) {
            if (curve[1][i] > 0) {
                for (int r = 0; r < curve.length; r++) {
                    out[r][j] = curve[r][i];
                }
                j++;
            }
        }
        return out;
    }

    /**
     * Bars per line: the share of its applied updates (pooled over seeds) in each staleness bucket; one bucket per
     * value up to {@link #MAX_STALENESS_BARS}, ranges of equal width beyond. Null when no update was applied.
     */
    static CategoryChart stalenessChart(String title, Map<String, List<RunResult>> lines) {
        Map<String, long[]> pooled = new LinkedHashMap<>();
        int values = 0;
        for (Map.Entry<String, List<RunResult>> line : lines.entrySet()) {
            long[] h = pooledStaleness(line.getValue());
            if (java.util.Arrays.stream(h).sum() > 0) {
                pooled.put(line.getKey(), h);
                values = Math.max(values, h.length);
            }
        }
        if (pooled.isEmpty()) {
            return null;
        }
        int width = (values + MAX_STALENESS_BARS - 1) / MAX_STALENESS_BARS;
        List<String> buckets = new ArrayList<>();
        for (int lo = 0; lo < values; lo += width) {
            int hi = Math.min(lo + width, values) - 1;
            buckets.add(hi == lo ? Integer.toString(lo) : lo + "-" + hi);
        }
        CategoryChart chart = new CategoryChartBuilder().width(900).height(600).title(title)
                .xAxisTitle("staleness (server versions)").yAxisTitle("share of applied updates").build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setXAxisLabelRotation(buckets.size() > 12 ? 45 : 0);
        chart.getStyler().setYAxisMin(0.0);
        for (Map.Entry<String, long[]> line : pooled.entrySet()) {
            double[] share = stalenessShares(line.getValue(), width, buckets.size());
            List<Double> y = new ArrayList<>(share.length);
            for (double v : share) {
                y.add(v);
            }
            chart.addSeries(line.getKey(), buckets, y);
        }
        return chart;
    }

    /** The staleness counts of the runs, summed. */
    static long[] pooledStaleness(List<RunResult> runs) {
        long[] h = new long[0];
        for (RunResult r : runs) {
            long[] c = r.stalenessHistogram();
            if (c.length > h.length) {
                h = java.util.Arrays.copyOf(h, c.length);
            }
            for (int i = 0; i < c.length; i++) {
                h[i] += c[i];
            }
        }
        return h;
    }

    /** The shares of {@code counts} in {@code buckets} consecutive ranges of {@code width} staleness values. */
    static double[] stalenessShares(long[] counts, int width, int buckets) {
        double total = 0;
        for (long c : counts) {
            total += c;
        }
        double[] share = new double[buckets];
        for (int s = 0; s < counts.length; s++) {
            share[s / width] += counts[s] / total;
        }
        return share;
    }

    private static XYChart chart(String title, String xTitle) {
        XYChart chart = new XYChartBuilder().width(900).height(600).title(title).xAxisTitle(xTitle)
                .yAxisTitle("test accuracy").build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        return chart;
    }

    /**
     * Accuracy against virtual time, averaged over seeds: at each time at which some seed was evaluated, the mean
     * over the seeds of their last evaluated accuracy at or before it, over the times every seed covers (from the
     * latest first evaluation to the earliest last one). Seeds run different numbers of versions in the same time,
     * so averaging by version would mix seeds at different times. Rows: times, accuracies (empty when the seeds'
     * ranges do not overlap).
     */
    static double[][] meanOverTime(List<RunResult> runs) {
        List<double[][]> curves = new ArrayList<>();
        double from = Double.NEGATIVE_INFINITY;
        double to = Double.POSITIVE_INFINITY;
        java.util.TreeSet<Double> times = new java.util.TreeSet<>();
        for (RunResult r : runs) {
            List<double[]> pts = new ArrayList<>();
            for (int i = 0; i < r.reports().size(); i++) {
                RoundReport rep = r.reports().get(i);
                if (rep.evaluated() && r.timed()) {
                    pts.add(new double[] {r.timings().get(i).time(), rep.testAccuracy()});
                }
            }
            if (pts.isEmpty()) {
                return new double[2][0];
            }
            from = Math.max(from, pts.get(0)[0]);
            to = Math.min(to, pts.get(pts.size() - 1)[0]);
            pts.forEach(pt -> times.add(pt[0]));
            curves.add(pts.toArray(new double[0][]));
        }
        List<double[]> out = new ArrayList<>();
        int[] at = new int[curves.size()];
        for (double t : times.subSet(from, true, to, true)) {
            double sum = 0;
            for (int c = 0; c < curves.size(); c++) {
                double[][] pts = curves.get(c);
                while (at[c] + 1 < pts.length && pts[at[c] + 1][0] <= t) {
                    at[c]++;
                }
                sum += pts[at[c]][1];
            }
            out.add(new double[] {t, sum / curves.size()});
        }
        double[][] rows = new double[2][out.size()];
        for (int i = 0; i < out.size(); i++) {
            rows[0][i] = out.get(i)[0];
            rows[1][i] = out.get(i)[1];
        }
        return rows;
    }

    /**
     * Rounds, mean cumulative uplink Mbit, mean accuracy over the seeds evaluated at each round, and the ends of the
     * 95% Student-t interval of that mean ({@link Stats}; NaN where fewer than two seeds were evaluated).
     */
    static double[][] meanCurve(List<RunResult> runs) {
        Map<Integer, List<double[]>> acc = new java.util.TreeMap<>();
        for (RunResult r : runs) {
            for (RoundReport rep : r.reports()) {
                if (rep.evaluated()) {
                    acc.computeIfAbsent(rep.round(), x -> new ArrayList<>())
                            .add(new double[] {rep.testAccuracy(), rep.cumulativeUplink() / 1e6});
                }
            }
        }
        double[][] out = new double[5][acc.size()];
        int i = 0;
        for (Map.Entry<Integer, List<double[]>> e : acc.entrySet()) {
            double[] a = e.getValue().stream().mapToDouble(v -> v[0]).toArray();
            double bits = e.getValue().stream().mapToDouble(v -> v[1]).sum() / a.length;
            Stats st = Stats.of(a);
            out[0][i] = e.getKey();
            out[1][i] = bits;
            out[2][i] = java.util.Arrays.stream(a).sum() / a.length;
            out[3][i] = st.low();
            out[4][i] = st.high();
            i++;
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
