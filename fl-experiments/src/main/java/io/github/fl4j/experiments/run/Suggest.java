package io.github.fl4j.experiments.run;

import java.util.Collection;

/** The nearest valid key to a misspelt one, by edit distance. */
final class Suggest {
    private Suggest() {
    }

    /**
     * The candidate closest to {@code word} by Levenshtein distance, if it is close: at most 2 edits and fewer than half
     * the length of the longer word ({@code rouds} gives {@code rounds}); else null.
     */
    static String nearest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(word, c);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best != null && bestDistance <= 2 && 2 * bestDistance < Math.max(word.length(), best.length())
                ? best : null;
    }

    /** " (did you mean 'x'?)" or "". */
    static String didYouMean(String word, Collection<String> candidates) {
        String n = nearest(word, candidates);
        return n == null ? "" : " (did you mean '" + n + "'?)";
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
