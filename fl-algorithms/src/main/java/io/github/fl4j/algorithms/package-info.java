/**
 * The algorithms of fl4j, one package each (FedAvg, FedProx, SCAFFOLD, FedAU, FedSpeed, the error-feedback family,
 * the asynchronous algorithms, shared local SGD), and {@link io.github.fl4j.algorithms.AlgorithmComponents}, which
 * registers them with the registry so that a run can be described by names and parameters.
 */
package io.github.fl4j.algorithms;
