/**
 * Timing of the engine of simulations with time: {@link io.github.fl4j.benchmarks.time.TimedEngineBenchmark} (events
 * per second on a tiny model, and FedBuff's cost per applied update against synchronous FedAvg's per client on MNIST).
 */
package io.github.fl4j.benchmarks.time;
