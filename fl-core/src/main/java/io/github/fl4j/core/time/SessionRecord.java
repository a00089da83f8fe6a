package io.github.fl4j.core.time;

/**
 * One finished session, as {@link TimeListener#onSession} sees it: who, when, how long each part took, how stale the
 * upload was and what became of it. A trace of these records is the whole timing story of a run.
 *
 * @param client          the client
 * @param session         the client's session number (1 for its first)
 * @param startTime       virtual time of the download, seconds
 * @param startVersion    the server version downloaded
 * @param latency         the device's fixed latency, seconds
 * @param downloadSeconds download time
 * @param computeSeconds  local work time (samples processed times jitter over speed)
 * @param uploadSeconds   upload time
 * @param endTime         when the session ended: {@code startTime + duration} if it completed, else its failure
 * @param staleness       server versions between download and arrival (-1 if it failed before arriving)
 * @param outcome         what became of it
 * @param inFlight        sessions still in flight after this one ended
 * @param samples         training samples processed
 */
public record SessionRecord(int client, int session, double startTime, long startVersion, double latency,
                            double downloadSeconds, double computeSeconds, double uploadSeconds, double endTime,
                            long staleness, Outcome outcome, int inFlight, long samples) {

    /** What became of a session. */
    public enum Outcome {
        /** Its upload was applied by the server. */
        APPLIED,
        /** Its upload arrived too stale (or after its round closed) and was dropped. */
        DROPPED_STALE,
        /** It failed (dropout) or its client went offline before the upload completed. */
        FAILED
    }

    /** The modelled duration of the complete session: latency + download + compute + upload. */
    public double duration() {
        return latency + downloadSeconds + computeSeconds + uploadSeconds;
    }
}
