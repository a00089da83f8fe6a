package io.github.fl4j.core.api;

/**
 * A base for true streaming folds ({@link RoundAccumulator#retainsUploads()} is false): it checks the order of the
 * uploads against the round's participants (increasing client id, each participant once, the sample count the server
 * knows from the context) and that {@link #finish} comes once after the last one, and hands each upload with its index k (0-based,
 * the participant's position in {@link ServerContext#participants()}) to {@link #fold}; {@link #complete} computes the
 * new state. Subclasses hold an O(d) accumulator, never the uploads.
 *
 * @param <S> the server state type
 */
public abstract class StreamingAccumulator<S> implements RoundAccumulator<S> {
    private final int[] participants;
    private final ServerContext ctx;
    private final int round;
    private int next;
    private boolean finished;

    /** @param ctx the round's server context (its participants are the uploads expected, in order) */
    protected StreamingAccumulator(ServerContext ctx) {
        this.participants = ctx.participants();
        this.ctx = ctx;
        this.round = ctx.round();
    }

    @Override
    public final void accept(Upload upload) {
        if (finished) {
            throw new IllegalStateException("round " + round + ": upload of client " + upload.clientId()
                    + " after finish()");
        }
        Accumulators.checkNext(upload, participants, next, round);
        if (upload.numSamples() != ctx.clientSize(upload.clientId())) {
            throw new IllegalArgumentException("round " + round + ": the upload of client " + upload.clientId()
                    + " says numSamples " + upload.numSamples() + ", the server knows "
                    + ctx.clientSize(upload.clientId()));
        }
        fold(next, upload);
        next++;
    }

    @Override
    public final S finish() {
        if (finished) {
            throw new IllegalStateException("round " + round + ": finish() called twice");
        }
        Accumulators.checkComplete(participants, next, round);
        finished = true;
        return complete();
    }

    @Override
    public final boolean retainsUploads() {
        return false;
    }

    /** Number of participants of the round, P. */
    protected final int participantCount() {
        return participants.length;
    }

    /**
     * Folds the upload of the k-th participant (k = 0..P-1, in increasing client-id order). It must not keep a
     * reference to the upload's vectors after it returns.
     */
    protected abstract void fold(int k, Upload upload);

    /** The new state, after all P uploads have been folded. */
    protected abstract S complete();
}
