/**
 * Asynchronous and semi-asynchronous federated algorithms for simulations with time
 * ({@link io.github.fl4j.core.time.AsyncAlgorithm}): FedAsync ({@link io.github.fl4j.algorithms.async.FedAsync}),
 * FedBuff ({@link io.github.fl4j.algorithms.async.FedBuff}), FedFix ({@link io.github.fl4j.algorithms.async.FedFix}),
 * FedCompass ({@link io.github.fl4j.algorithms.async.FedCompass}) and AFA-CD / AFA-CS
 * ({@link io.github.fl4j.algorithms.async.Afa}). Every client runs local SGD from the model it downloaded and uploads
 * one vector (its delta, or AFA's mean gradient), so uplink compression applies to it; all server state, scheduler
 * state included, lives in the server state S and its codec, or in the server's per-client tables. See
 * {@code docs/algorithms/}.
 */
package io.github.fl4j.algorithms.async;
