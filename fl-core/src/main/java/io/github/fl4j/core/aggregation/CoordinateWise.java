package io.github.fl4j.core.aggregation;

import java.util.Arrays;

/**
 * The loop shared by the coordinate-wise aggregators: for every coordinate j, gather the n uploaded values into a
 * double[n], sort them ({@link Arrays#sort(double[], int, int)}: O(n log n), fine for n up to about a thousand) and
 * reduce them with a rule. Coordinates are processed in blocks of {@link FlatVector#BLOCK}, reading each upload's block
 * once in index order. Scratch arrays are local to the call (Java arrays of n x BLOCK doubles, no ND4J arrays), so
 * concurrent calls share nothing.
 */
final class CoordinateWise {
    private CoordinateWise() {
    }

    /** A reduction of one coordinate's sorted values. */
    interface Rule {
        /** The value of a coordinate from its n values {@code sorted[0..n)}, in increasing order. */
        double apply(double[] sorted, int n);
    }

    /**
     * Applies {@code rule} to every coordinate of the vectors {@code x} and writes the results into {@code out}
     * (when not null) or into {@code full} (a double[d], when not null).
     */
    static void apply(FlatVector[] x, Rule rule, FlatVector out, double[] full) {
        int n = x.length;
        int d = x[0].length();
        double[] rows = new double[n * FlatVector.BLOCK];
        double[] column = new double[n];
        double[] result = new double[FlatVector.BLOCK];
        for (int from = 0; from < d; from += FlatVector.BLOCK) {
            int len = Math.min(FlatVector.BLOCK, d - from);
            for (int i = 0; i < n; i++) {
                x[i].read(from, len, rows, i * FlatVector.BLOCK);
            }
            for (int k = 0; k < len; k++) {
                for (int i = 0; i < n; i++) {
                    column[i] = rows[i * FlatVector.BLOCK + k];
                }
                Arrays.sort(column, 0, n);
                result[k] = rule.apply(column, n);
            }
            if (out != null) {
                out.write(result, 0, from, len);
            }
            if (full != null) {
                System.arraycopy(result, 0, full, from, len);
            }
        }
    }

    /** The median of sorted values: the middle one, or the mean of the two middle ones for an even count. */
    static double median(double[] sorted, int n) {
        int h = n / 2;
        return (n & 1) == 1 ? sorted[h] : 0.5 * (sorted[h - 1] + sorted[h]);
    }
}
