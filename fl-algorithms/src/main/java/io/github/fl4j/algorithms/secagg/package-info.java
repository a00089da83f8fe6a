/**
 * Simulated secure aggregation (Bonawitz, Ivanov, Kreuter, Marcedone, McMahan, Patel, Ramage, Segal, Seth,
 * "Practical Secure Aggregation for Privacy-Preserving Machine Learning", CCS 2017): fixed-point encoding, pairwise and
 * self masks from keyed streams of the seed tree, dropouts between masking and unmasking, and the protocol's exact
 * communication cost in the ledger. See {@link io.github.fl4j.algorithms.secagg.SecureAggregation} and docs/secagg.md.
 */
package io.github.fl4j.algorithms.secagg;
