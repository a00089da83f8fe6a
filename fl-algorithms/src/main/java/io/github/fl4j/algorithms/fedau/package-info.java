/**
 * FedAU (Wang and Ji, ICLR 2024): federated averaging with aggregation weights that estimate 1/p_n online under
 * unknown, heterogeneous participation, with the baselines of the reference code (average participating, average
 * all, known probabilities, MIFA, FedVarp). See {@link io.github.fl4j.algorithms.fedau.FedAu} and
 * {@code docs/algorithms/fedau.md}.
 */
package io.github.fl4j.algorithms.fedau;
