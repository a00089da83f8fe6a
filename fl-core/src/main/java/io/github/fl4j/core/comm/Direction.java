package io.github.fl4j.core.comm;

/** The direction of a message: server to client (downlink) or client to server (uplink). */
public enum Direction {
    /** Server to client. */
    DOWNLINK,
    /** Client to server. */
    UPLINK
}
