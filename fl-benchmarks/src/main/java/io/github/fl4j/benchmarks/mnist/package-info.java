/**
 * The MNIST FedAvg benchmark against the Python FL simulators: {@link io.github.fl4j.benchmarks.mnist.MnistFedAvgBenchmark}
 * (the timing runner) on the setup of {@link io.github.fl4j.experiments.mnist.MnistFedAvgSetup} (fl-experiments).
 */
package io.github.fl4j.benchmarks.mnist;
