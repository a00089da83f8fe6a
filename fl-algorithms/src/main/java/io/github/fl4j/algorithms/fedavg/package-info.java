/**
 * Federated Averaging (McMahan et al. 2017) with server learning rate and server momentum (FedAvgM, Hsu et al. 2019).
 * See {@link io.github.fl4j.algorithms.fedavg.FedAvg} and docs/algorithms/fedavg.md.
 */
package io.github.fl4j.algorithms.fedavg;
