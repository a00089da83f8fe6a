/**
 * The MNIST FedAvg benchmark against the Python FL simulators: {@link io.github.fl4j.benchmarks.mnist.MnistFedAvgSetup}
 * (the exact setup) and {@link io.github.fl4j.benchmarks.mnist.MnistFedAvgBenchmark} (the timing runner).
 */
package io.github.fl4j.benchmarks.mnist;
