package io.github.fl4j.algorithms.secagg;

import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import java.util.Arrays;

/**
 * The masks of secure aggregation (Bonawitz et al. 2017, section 4) over Z_{2^b}, in long arithmetic.
 *
 * <pre>
 *   y_u = x_u + PRG(b_u) + sum_{v in U2, v != u} p_{u,v}  (mod 2^b),  p_{u,v} = +PRG(s_{u,v}) if u &lt; v, else -PRG
 *   z   = sum_{U3} y_u - sum_{u in U3} PRG(b_u) - sum_{u in U3, v in U2 \ U3} p_{u,v}  =  sum_{u in U3} x_u  (mod 2^b)
 * </pre>
 * U2 are the round's participants (all of them exchanged keys and shares), U3 the survivors whose masked input arrived,
 * U2 \ U3 the clients that dropped after masking and before unmasking. The pairwise masks of two survivors cancel in
 * the sum (p_{u,v} + p_{v,u} = 0); the server removes the survivors' self masks (from the shares of b_u the survivors
 * reveal) and the dropped clients' pairwise masks with the survivors (from the shares of s_v^SK).
 *
 * <p>Simulation: no key agreement takes place. PRG(s_{u,v}) is the stream {@link Purpose#SECAGG_PAIR_MASK} keyed
 * (round, {@link #pairKey(int, int)}), PRG(b_u) the stream {@link Purpose#SECAGG_SELF_MASK} keyed (round, u), one
 * {@code nextLong() mod 2^b} per coordinate; both ends of a pair, and the server when it reconstructs, draw the same
 * stream from the seed tree. Stateless.
 */
public final class Masking {

    /** The streams of one round, keyed (purpose, key): a client's or the server's context, or a seed tree in tests. */
    @FunctionalInterface
    public interface Streams {
        /** The stream (purpose, this round, key). */
        RandomStream stream(Purpose purpose, long key);
    }

    private Masking() {
    }

    /** The key of the pair {u, v} (symmetric): min(u, v) in the high 32 bits, max(u, v) in the low 32 bits. */
    public static long pairKey(int u, int v) {
        if (u == v) {
            throw new IllegalArgumentException("a pair needs two clients, was " + u + " twice");
        }
        long lo = Math.min(u, v);
        long hi = Math.max(u, v);
        return (lo << 32) | hi;
    }

    /**
     * Masks client {@code self}'s encoded input in place: x + PRG(b_self) + sum_{v != self} p_{self,v} mod 2^b.
     *
     * @param x            the encoded input, overwritten with y
     * @param self         the client
     * @param participants the round's participants U2, in increasing id order, {@code self} among them
     * @param streams      the round's streams
     * @param modulusBits  b
     */
    public static void mask(long[] x, int self, int[] participants, Streams streams, int modulusBits) {
        long m = (1L << modulusBits) - 1;
        if (Arrays.binarySearch(participants, self) < 0) {
            throw new IllegalArgumentException("client " + self + " is not among the participants "
                    + Arrays.toString(participants));
        }
        add(x, streams.stream(Purpose.SECAGG_SELF_MASK, self), +1, m);
        for (int v : participants) {
            if (v != self) {
                add(x, streams.stream(Purpose.SECAGG_PAIR_MASK, pairKey(self, v)), self < v ? +1 : -1, m);
            }
        }
    }

    /**
     * Unmasks the sum of the survivors' masked inputs in place: removes the survivors' self masks and the pairwise
     * masks between each survivor and each dropped client, leaving sum_{u in U3} x_u mod 2^b.
     *
     * @param sum         sum_{u in U3} y_u mod 2^b, overwritten with the unmasked sum
     * @param survivors   U3, in increasing id order
     * @param dropped     U2 \ U3, in increasing id order
     * @param streams     the round's streams
     * @param modulusBits b
     */
    public static void unmask(long[] sum, int[] survivors, int[] dropped, Streams streams, int modulusBits) {
        long m = (1L << modulusBits) - 1;
        for (int u : survivors) {
            add(sum, streams.stream(Purpose.SECAGG_SELF_MASK, u), -1, m);
        }
        for (int v : dropped) {
            for (int u : survivors) {
                // y_u holds p_{u,v} = +PRG if u < v, -PRG otherwise: subtract it.
                add(sum, streams.stream(Purpose.SECAGG_PAIR_MASK, pairKey(u, v)), u < v ? -1 : +1, m);
            }
        }
    }

    /** acc = acc + sign * PRG mod 2^b, one draw per coordinate. */
    static void add(long[] acc, RandomStream prg, int sign, long mask) {
        for (int j = 0; j < acc.length; j++) {
            long r = prg.nextLong() & mask;
            acc[j] = (sign > 0 ? acc[j] + r : acc[j] - r) & mask;
        }
    }

    /**
     * Whether each participant drops between masking and unmasking: client i drops when the first
     * {@code nextDouble()} of the stream {@link Purpose#SECAGG_DROPOUT} keyed (round, i) is below {@code p}. Client
     * and server draw the same stream, and a client's draw does not depend on who else takes part.
     */
    public static boolean drops(int client, double p, Streams streams) {
        return p > 0 && streams.stream(Purpose.SECAGG_DROPOUT, client).nextDouble() < p;
    }
}
