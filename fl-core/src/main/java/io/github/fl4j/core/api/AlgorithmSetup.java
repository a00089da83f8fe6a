package io.github.fl4j.core.api;

import io.github.fl4j.core.tensor.Precision;

/**
 * What an algorithm learns about the simulation when its states are created.
 *
 * @param dimension     the model dimension d
 * @param clientSizes   the number of training samples of every client, by id (N = length)
 * @param precision     the precision of the run
 * @param uplink        the uplink compressor
 * @param downlink      the downlink compressor
 */
public record AlgorithmSetup(long dimension, int[] clientSizes, Precision precision, Compressor uplink,
                             Compressor downlink) {

    /** Number of clients N. */
    public int population() {
        return clientSizes.length;
    }
}
