/**
 * Communication accounting: the {@link io.github.fl4j.core.comm.Channel} every vector crosses, the
 * {@link io.github.fl4j.core.comm.CommunicationLedger} of exact bits per (round, direction, client, vector), and the
 * identity (dense) encoding.
 *
 * <p>Convention: a dense float32 vector of d coordinates is 32d bits, float64 64d; compressed encodings count
 * everything a real implementation would send (values, indices, norms, headers) as each compressor documents. Scalar
 * metadata the server already knows (a client's sample count, registered when the population is set up, as in
 * McMahan et al.'s Algorithm 1 where n_k is known to the server) is not sent and not counted.
 */
package io.github.fl4j.core.comm;
