package io.github.fl4j.core.data;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a partition looks like: the size and label histogram of every client, and summaries of how far the clients'
 * label distributions are from the global one.
 *
 * <p>Definitions, with n_i the size of client i, h_i[c] its number of samples of class c, p_i[c] = h_i[c] / n_i its
 * label distribution and g[c] the label distribution of all the partitioned samples together (the union of the
 * clients, which may be a subset of the dataset):
 * <ul>
 *   <li>{@link #totalVariation(int)} = TV(p_i, g) = (1/2) sum_c |p_i[c] - g[c]|, in [0, 1): 0 when the client's
 *       label mix equals the global one (IID), close to 1 - g[c] when it holds only class c;</li>
 *   <li>{@link #dominantFraction(int)} = max_c p_i[c], the share of the client's most frequent class: about 1/k for
 *       an IID split of balanced labels, 1 for a client with a single class;</li>
 *   <li>{@link #meanTotalVariation()}, {@link #maxTotalVariation()} and {@link #meanDominantFraction()}: unweighted
 *       over the non-empty clients (an empty client has no label distribution; its values are 0 and it is left out
 *       of the means).</li>
 * </ul>
 * {@link #table()} prints one row per client (id, size, histogram, TV); {@link #toString()} is a one-line summary.
 *
 * <p>Immutable; accessors return copies.
 */
public final class PartitionReport {
    private final int[][] histograms;
    private final int[] sizes;
    private final int[] global;
    private final long total;
    private final double[] tv;
    private final double[] dominant;

    private PartitionReport(int[][] histograms) {
        this.histograms = histograms;
        int clients = histograms.length;
        int classes = histograms[0].length;
        sizes = new int[clients];
        global = new int[classes];
        long t = 0;
        for (int i = 0; i < clients; i++) {
            int s = 0;
            for (int c = 0; c < classes; c++) {
                s += histograms[i][c];
                global[c] += histograms[i][c];
            }
            sizes[i] = s;
            t += s;
        }
        total = t;
        tv = new double[clients];
        dominant = new double[clients];
        for (int i = 0; i < clients; i++) {
            if (sizes[i] == 0) {
                continue;
            }
            double sum = 0;
            int max = 0;
            for (int c = 0; c < classes; c++) {
                double pi = (double) histograms[i][c] / sizes[i];
                double g = (double) global[c] / total;
                sum += Math.abs(pi - g);
                max = Math.max(max, histograms[i][c]);
            }
            tv[i] = 0.5 * sum;
            dominant[i] = (double) max / sizes[i];
        }
    }

    /**
     * The report of a partition given as index lists.
     *
     * @param indices the sample indices of each client (at least one client; clients may be empty)
     * @param labels  the class of every sample of the partitioned dataset
     * @param classes k, {@code >= 1}; every label used must be in [0, k)
     * @throws IllegalArgumentException on a null argument, an index outside [0, labels.length) or a label outside
     *                                  [0, classes), naming the client, the index and the label
     */
    public static PartitionReport of(int[][] indices, int[] labels, int classes) {
        if (indices == null || indices.length == 0) {
            throw new IllegalArgumentException("indices must hold at least one client, was "
                    + (indices == null ? "null" : "empty"));
        }
        if (labels == null) {
            throw new IllegalArgumentException("labels must not be null");
        }
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, was " + classes);
        }
        int[][] h = new int[indices.length][classes];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] == null) {
                throw new IllegalArgumentException("client " + i + " indices must not be null");
            }
            for (int index : indices[i]) {
                if (index < 0 || index >= labels.length) {
                    throw new IllegalArgumentException("client " + i + " index must be in [0, " + labels.length
                            + "), was " + index);
                }
                int c = labels[index];
                if (c < 0 || c >= classes) {
                    throw new IllegalArgumentException("label of sample " + index + " (client " + i
                            + ") must be in [0, " + classes + "), was " + c);
                }
                h[i][c]++;
            }
        }
        return new PartitionReport(h);
    }

    /**
     * The report of federated data whose labels are class indices, computed by streaming over the clients: one
     * {@link FederatedData#labelHistogram} per client (an index partition counts the shared label column, lazy
     * synthetic data generates the client's labels into scratch arrays; no client {@link Dataset} is kept), so the
     * memory is the report's own (k + 3 numbers per client).
     *
     * @param data    the federated data
     * @param classes k, {@code >= 1}
     * @throws IllegalArgumentException if a label is not a class index in [0, classes), naming the client and value
     */
    public static PartitionReport of(FederatedData data, int classes) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, was " + classes);
        }
        int[][] h = new int[data.clientCount()][];
        for (int i = 0; i < h.length; i++) {
            try {
                h[i] = data.labelHistogram(i, classes);
            } catch (IllegalArgumentException e) {
                String m = e.getMessage();
                throw new IllegalArgumentException(m != null && m.startsWith("client ") ? m : "client " + i + ": " + m,
                        e);
            }
        }
        return new PartitionReport(h);
    }

    /** The number of clients N. */
    public int clientCount() {
        return sizes.length;
    }

    /** The number of classes k. */
    public int classCount() {
        return global.length;
    }

    /** The number of samples of client i. */
    public int size(int client) {
        return sizes[check(client)];
    }

    /** The size of every client, in id order (a copy). */
    public int[] sizes() {
        return sizes.clone();
    }

    /** The total number of partitioned samples. */
    public long totalSize() {
        return total;
    }

    /** The smallest client size. */
    public int minSize() {
        return Arrays.stream(sizes).min().getAsInt();
    }

    /** The largest client size. */
    public int maxSize() {
        return Arrays.stream(sizes).max().getAsInt();
    }

    /** Client i's number of samples of each class (a copy, length k). */
    public int[] histogram(int client) {
        return histograms[check(client)].clone();
    }

    /** All histograms, [client][class] (a deep copy). */
    public int[][] histograms() {
        int[][] copy = new int[histograms.length][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = histograms[i].clone();
        }
        return copy;
    }

    /** The number of partitioned samples of each class (a copy). */
    public int[] globalHistogram() {
        return global.clone();
    }

    /** The number of classes client i holds at least one sample of. */
    public int distinctClasses(int client) {
        int n = 0;
        for (int count : histograms[check(client)]) {
            if (count > 0) {
                n++;
            }
        }
        return n;
    }

    /** TV(p_i, g), the total-variation distance between client i's label distribution and the global one. */
    public double totalVariation(int client) {
        return tv[check(client)];
    }

    /** The share of client i's samples in its most frequent class (0 for an empty client). */
    public double dominantFraction(int client) {
        return dominant[check(client)];
    }

    /** The mean of {@link #totalVariation(int)} over the non-empty clients. */
    public double meanTotalVariation() {
        return meanOverNonEmpty(tv);
    }

    /** The largest {@link #totalVariation(int)}. */
    public double maxTotalVariation() {
        return Arrays.stream(tv).max().getAsDouble();
    }

    /** The mean of {@link #dominantFraction(int)} over the non-empty clients. */
    public double meanDominantFraction() {
        return meanOverNonEmpty(dominant);
    }

    /**
     * A compact table, one row per client: id, size, the histogram (counts per class 0..k-1) and TV, followed by an
     * "all" row with the global histogram. Columns are right-aligned and separated by spaces.
     */
    public String table() {
        int classes = global.length;
        int width = Math.max(Long.toString(total).length(), Integer.toString(classes - 1).length() + 1);
        int idWidth = Math.max(6, Integer.toString(sizes.length - 1).length());
        int sizeWidth = Math.max(4, Long.toString(total).length());
        StringBuilder sb = new StringBuilder();
        sb.append(pad("client", idWidth)).append(' ').append(pad("size", sizeWidth)).append(" |");
        for (int c = 0; c < classes; c++) {
            sb.append(' ').append(pad("c" + c, width));
        }
        sb.append(" |    TV\n");
        for (int i = 0; i < sizes.length; i++) {
            sb.append(pad(Integer.toString(i), idWidth)).append(' ').append(pad(Integer.toString(sizes[i]), sizeWidth))
                    .append(" |");
            for (int c = 0; c < classes; c++) {
                sb.append(' ').append(pad(Integer.toString(histograms[i][c]), width));
            }
            sb.append(" | ").append(String.format(Locale.ROOT, "%5.3f", tv[i])).append('\n');
        }
        sb.append(pad("all", idWidth)).append(' ').append(pad(Long.toString(total), sizeWidth)).append(" |");
        for (int c = 0; c < classes; c++) {
            sb.append(' ').append(pad(Integer.toString(global[c]), width));
        }
        sb.append(" |\n");
        return sb.toString();
    }

    /** A one-line summary: clients, samples, classes, size range and the skew summaries. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "PartitionReport[%d clients, %d samples, %d classes, sizes %d..%d, mean TV %.4f, max TV %.4f, "
                        + "mean dominant fraction %.4f]",
                sizes.length, total, global.length, minSize(), maxSize(), meanTotalVariation(), maxTotalVariation(),
                meanDominantFraction());
    }

    private double meanOverNonEmpty(double[] values) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            if (sizes[i] > 0) {
                sum += values[i];
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    private int check(int client) {
        if (client < 0 || client >= sizes.length) {
            throw new IllegalArgumentException("client must be in [0, " + sizes.length + "), was " + client);
        }
        return client;
    }

    private static String pad(String s, int width) {
        if (s.length() >= width) {
            return s;
        }
        StringBuilder sb = new StringBuilder(width);
        for (int i = s.length(); i < width; i++) {
            sb.append(' ');
        }
        return sb.append(s).toString();
    }
}
