package io.github.fl4j.core.comm;

/**
 * One message's cost: the exact number of bits of its encoding.
 *
 * @param round     the round (1-based)
 * @param direction downlink or uplink
 * @param client    the client that received (downlink) or sent (uplink) it
 * @param vector    index of the vector within its message (0 for the first)
 * @param bits      exact size of the encoding, in bits
 */
public record LedgerEntry(int round, Direction direction, int client, int vector, long bits) {
}
