package io.github.fl4j.core.random;

/**
 * The single source of randomness of a simulation: a root seed from which every stream is derived by its key
 * (root, purpose, round, client).
 *
 * <p>The seed of a stream is a hash of its key (SplitMix64's finaliser applied in a chain, one key part at a time),
 * so streams are independent of the order in which they are requested and of the number of threads that request
 * them. Consequences (each is a test): the same root seed gives bit-identical simulations; one worker thread and N
 * worker threads give bit-identical results; changing what consumes one purpose does not shift the draws of another.
 *
 * <p>Use {@link #GLOBAL} for a round or client index that does not apply (e.g. the initial parameters:
 * {@code stream(Purpose.INIT, GLOBAL, GLOBAL)}). Immutable and thread-safe.
 */
public final class SeedTree {
    /** Marker for "not tied to a round" or "not tied to a client". */
    public static final long GLOBAL = -1L;

    private final long root;

    /** A tree with the given root seed. */
    public SeedTree(long root) {
        this.root = root;
    }

    /** The root seed. */
    public long root() {
        return root;
    }

    /** The seed of the stream (root, purpose, round, client). */
    public long seed(Purpose purpose, long round, long client) {
        long h = mix64(root ^ 0x6A09E667F3BCC909L);
        h = mix64(h ^ (purpose.code() * 0x9E3779B97F4A7C15L));
        h = mix64(h ^ (round * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL));
        h = mix64(h ^ (client * 0xD6E8FEB86659FD93L + 0x3C6EF372FE94F82BL));
        return h;
    }

    /** A new stream for (root, purpose, round, client). */
    public RandomStream stream(Purpose purpose, long round, long client) {
        return new RandomStream(seed(purpose, round, client));
    }

    /** A new stream for a purpose that depends on neither round nor client. */
    public RandomStream stream(Purpose purpose) {
        return stream(purpose, GLOBAL, GLOBAL);
    }

    /** SplitMix64's output function (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", 2014). */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return "SeedTree[root=" + root + "]";
    }
}
