package io.github.fl4j.core.api;

import java.util.ArrayList;
import java.util.List;

/** {@link RoundAccumulator#collecting}: keeps the uploads and calls {@link Server#apply} at the end. */
final class CollectingAccumulator<S> implements RoundAccumulator<S> {
    private final Server<S> server;
    private final S state;
    private final ServerContext ctx;
    private final int[] participants;
    private final List<Upload> uploads;
    private boolean finished;

    CollectingAccumulator(Server<S> server, S state, ServerContext ctx) {
        if (server == null || ctx == null) {
            throw new IllegalArgumentException("server and ctx must not be null");
        }
        this.server = server;
        this.state = state;
        this.ctx = ctx;
        this.participants = ctx.participants();
        this.uploads = new ArrayList<>(participants.length);
    }

    @Override
    public void accept(Upload upload) {
        if (finished) {
            throw new IllegalStateException("round " + ctx.round() + ": upload of client " + upload.clientId()
                    + " after finish()");
        }
        Accumulators.checkNext(upload, participants, uploads.size(), ctx.round());
        uploads.add(upload);
    }

    @Override
    public S finish() {
        if (finished) {
            throw new IllegalStateException("round " + ctx.round() + ": finish() called twice");
        }
        Accumulators.checkComplete(participants, uploads.size(), ctx.round());
        finished = true;
        return server.apply(state, uploads, ctx);
    }

    @Override
    public boolean retainsUploads() {
        return true;
    }
}
