package io.github.fl4j.core.aggregation;

import java.util.Arrays;

/**
 * Krum's scores (Blanchard, El Mhamdi, Guerraoui, Stainer, NeurIPS 2017): score_i = the sum of the squared distances
 * from upload i to its n - f - 2 nearest other uploads. Shared by {@link Krum} and {@link MultiKrum}.
 */
final class KrumScores {
    private KrumScores() {
    }

    /** Fails unless n &gt; 2f + 2, naming the aggregator, n and f. */
    static void check(String who, int n, int f) {
        if (n <= 2 * f + 2) {
            throw new IllegalArgumentException(who + " needs n > 2f + 2 = " + (2 * f + 2) + " uploads, got n = " + n
                    + " (f = " + f + ")");
        }
    }

    /**
     * The upload indices ordered by increasing score, ties by increasing index (= increasing client id). The n(n-1)/2
     * squared distances are summed in double precision in coordinate order: O(n^2 d) work, 2 x 512 doubles of
     * scratch.
     */
    static Integer[] ranking(FlatVector[] x, int f) {
        int n = x.length;
        double[][] dist = new double[n][n];
        double[] a = new double[FlatVector.BLOCK];
        double[] b = new double[FlatVector.BLOCK];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double s = x[i].squaredDistanceTo(x[j], a, b);
                dist[i][j] = s;
                dist[j][i] = s;
            }
        }
        int neighbours = n - f - 2;
        double[] score = new double[n];
        double[] others = new double[n - 1];
        for (int i = 0; i < n; i++) {
            int k = 0;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    others[k++] = dist[i][j];
                }
            }
            Arrays.sort(others);
            double s = 0;
            for (int j = 0; j < neighbours; j++) {
                s += others[j];
            }
            score[i] = s;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // A stable sort: equal scores keep increasing index order.
        Arrays.sort(order, (p, q) -> Double.compare(score[p], score[q]));
        return order;
    }
}
