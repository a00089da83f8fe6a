/**
 * Federated learning with differential privacy: DP-FedAvg with user-level clipping, Gaussian noise on the aggregate,
 * optional adaptive clipping and local noise, and an RDP accountant that puts the epsilon spent in every round
 * report ({@link io.github.fl4j.algorithms.privacy.DpFedAvg}; docs/algorithms/dp-fedavg.md, docs/privacy.md).
 */
package io.github.fl4j.algorithms.privacy;
