package io.github.fl4j.core.random;

/**
 * What a random stream is used for. The purpose is part of the key of every stream of the {@link SeedTree}, so two
 * purposes never share draws: changing the compressor (which draws from {@link #UPLINK_COMPRESSION}) cannot change
 * which clients are sampled ({@link #PARTICIPATION}) or which minibatches they draw ({@link #LOCAL_DATA_ORDER}).
 * This is what makes paired comparisons between strategies use common random numbers.
 *
 * <p>The numeric {@link #code()} of each purpose is part of the reproducibility contract: it never changes between
 * releases, and new purposes get new codes.
 */
public enum Purpose {
    /** Initial model parameters. */
    INIT(1),
    /** Splitting a dataset among clients. */
    PARTITION(2),
    /** Generating synthetic data. */
    DATA_GENERATION(3),
    /** Choosing the participants of a round. */
    PARTICIPATION(4),
    /** The order in which a client visits its samples (minibatches). */
    LOCAL_DATA_ORDER(5),
    /** Any other randomness of a client's local computation (e.g. dropout, perturbations). */
    LOCAL(6),
    /** Randomness of an uplink compressor (a client's message to the server). */
    UPLINK_COMPRESSION(7),
    /** Randomness of a downlink compressor (the server's broadcast). */
    DOWNLINK_COMPRESSION(8),
    /** Randomness of the server's own computation. */
    SERVER(9),
    /** Randomness of evaluation (e.g. subsampling the test set). */
    EVALUATION(10),
    /** A client's device (compute speed, bandwidths) and its per-session jitter, in simulations with time. */
    DEVICE(11),
    /** When a client is online, in simulations with time. */
    AVAILABILITY(12),
    /** Which client starts a session and when (arrival models), in simulations with time. */
    SCHEDULE(13),
    /** Whether and when a session fails before its upload, in simulations with time. */
    DROPOUT(14),
    /**
     * Secure aggregation: the pairwise mask PRG(s_ij) of a pair of participants, keyed (round, pair) so that both ends
     * of the pair derive the same mask.
     */
    SECAGG_PAIR_MASK(15),
    /** Secure aggregation: a participant's self mask PRG(b_i), keyed (round, client). */
    SECAGG_SELF_MASK(16),
    /** Secure aggregation: whether a participant drops between masking and unmasking, keyed (round, client). */
    SECAGG_DROPOUT(17),
    /**
     * Randomness of a simulated attack: which clients are Byzantine (a stream that depends on neither round nor
     * client) and the noise a Byzantine client uploads (keyed by round and client).
     */
    ATTACK(18),
    /**
     * Noise of a differential-privacy mechanism: the server's Gaussian noise on the aggregate (keyed by round) and a
     * client's local noise on its update (keyed by round and client). Reproducible by design, hence for simulations
     * only: a deployment draws such noise from a cryptographic generator (docs/privacy.md).
     */
    DP_NOISE(19),
    /**
     * Data augmentation of a client's training minibatches (e.g. a random crop with padding and a horizontal flip of
     * each image), keyed by round and client and consumed in step order; never used for evaluation.
     */
    AUGMENTATION(20);

    private final int code;

    Purpose(int code) {
        this.code = code;
    }

    /** The stable numeric code mixed into the stream key. */
    public int code() {
        return code;
    }
}
