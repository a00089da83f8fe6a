package io.github.fl4j.experiments.grid;

import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * One setting of the grid's attack axis: which share of the clients are Byzantine and what they do. The grid draws
 * the Byzantine clients of a run from its seed alone ({@link #byzantineClients}), so every strategy, aggregator and
 * privacy setting of a seed meets the same ones (common random numbers), and a larger fraction keeps the clients of
 * a smaller one. The wrapper then turns the honest algorithm into the attacked one, e.g. fl-algorithms'
 * {@code Byzantine} wrapper. Immutable.
 *
 * @param fraction the share of Byzantine clients, in [0, 1); 0 only for {@link #none()}
 * @param wrapper  the attacked algorithm from the honest one and the Byzantine client ids; null for {@link #none()}
 * @param describe a short description (e.g. {@code sign flipping, 20% Byzantine})
 */
public record AttackSetting(double fraction, Wrapper wrapper, String describe) {

    private static final AttackSetting NONE = new AttackSetting(0, null, "no attack");

    /**
     * Validates.
     *
     * @throws IllegalArgumentException when the fraction is outside (0, 1) for an attack, or a part is missing
     */
    public AttackSetting {
        if (describe == null) {
            throw new IllegalArgumentException("describe must not be null");
        }
        if (wrapper == null ? fraction != 0 : !(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("the fraction of Byzantine clients must be in (0, 1) for an attack "
                    + "(and 0 without one), was " + fraction);
        }
    }

    /** No attack: every client is honest. */
    public static AttackSetting none() {
        return NONE;
    }

    /** An attack by {@code fraction} of the clients. */
    public static AttackSetting of(double fraction, Wrapper wrapper, String describe) {
        if (wrapper == null) {
            throw new IllegalArgumentException("wrapper must not be null");
        }
        return new AttackSetting(fraction, wrapper, describe);
    }

    /** True for {@link #none()}. */
    public boolean isNone() {
        return wrapper == null;
    }

    /** The attacked algorithm, or {@code honest} itself without an attack. */
    public FederatedAlgorithm<?, ?> apply(FederatedAlgorithm<?, ?> honest, long seed, int clients) {
        return isNone() ? honest : wrapper.wrap(honest, byzantineClients(seed, clients, fraction));
    }

    /**
     * The Byzantine clients of a run with root seed {@code seed} and {@code clients} clients: the first
     * {@code round(fraction * clients)} of a permutation of the client ids drawn from the seed's
     * {@link Purpose#PARTICIPATION} stream of round -2 (a stream nothing else draws from), so they depend on the
     * seed, the number of clients and the fraction alone.
     */
    public static Set<Integer> byzantineClients(long seed, int clients, double fraction) {
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be >= 1, was " + clients);
        }
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("fraction must be in [0, 1), was " + fraction);
        }
        int k = (int) Math.round(fraction * clients);
        int[] perm = new SeedTree(seed).stream(Purpose.PARTICIPATION, -2, SeedTree.GLOBAL).permutation(clients);
        Set<Integer> out = new TreeSet<>();
        Arrays.stream(perm, 0, k).forEach(out::add);
        return java.util.Collections.unmodifiableSet(out);
    }

    /** Makes the attacked algorithm. */
    @FunctionalInterface
    public interface Wrapper {
        /**
         * The attacked version of {@code honest} in which the clients {@code byzantine} misbehave.
         *
         * @param honest    the algorithm of the honest clients and the server (a fresh one per run)
         * @param byzantine the Byzantine client ids (increasing)
         * @return the attacked algorithm
         */
        FederatedAlgorithm<?, ?> wrap(FederatedAlgorithm<?, ?> honest, Set<Integer> byzantine);
    }
}
