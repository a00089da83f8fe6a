/**
 * FedProx (Li et al., MLSys 2020): FedAvg with a proximal term in the local objective.
 * See {@link io.github.fl4j.algorithms.fedprox.FedProx} and docs/algorithms/fedprox.md.
 */
package io.github.fl4j.algorithms.fedprox;
