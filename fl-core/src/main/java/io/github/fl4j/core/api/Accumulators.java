package io.github.fl4j.core.api;

/** The order checks shared by the accumulators. */
final class Accumulators {
    private Accumulators() {
    }

    static void checkNext(Upload upload, int[] participants, int k, int round) {
        if (upload == null) {
            throw new IllegalArgumentException("round " + round + ": upload must not be null");
        }
        if (k >= participants.length) {
            throw new IllegalArgumentException("round " + round + ": upload of client " + upload.clientId()
                    + " after all " + participants.length + " participants' uploads");
        }
        if (upload.clientId() != participants[k]) {
            throw new IllegalArgumentException("round " + round + ": expected the upload of client "
                    + participants[k] + " (participant " + k + " in increasing id order), got client "
                    + upload.clientId());
        }
    }

    static void checkComplete(int[] participants, int received, int round) {
        if (received != participants.length) {
            throw new IllegalStateException("round " + round + ": finish() after " + received + " of "
                    + participants.length + " uploads (next expected client " + participants[received] + ")");
        }
    }
}
