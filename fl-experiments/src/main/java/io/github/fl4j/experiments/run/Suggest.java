package io.github.fl4j.experiments.run;

import io.github.fl4j.core.registry.Registry;
import java.util.Collection;

/** The nearest valid key to a misspelt one, by edit distance. */
final class Suggest {
    private Suggest() {
    }

    /** {@link Registry#nearest}: the nearest valid key, or null. */
    static String nearest(String word, Collection<String> candidates) {
        return Registry.nearest(word, candidates);
    }

    /** " (did you mean 'x'?)" or "". */
    static String didYouMean(String word, Collection<String> candidates) {
        String n = nearest(word, candidates);
        return n == null ? "" : " (did you mean '" + n + "'?)";
    }
}
