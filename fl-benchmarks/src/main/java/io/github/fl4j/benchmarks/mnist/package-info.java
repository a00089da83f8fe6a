/**
 * MNIST benchmarks: {@link io.github.fl4j.benchmarks.mnist.MnistFedAvgBenchmark} (the timing runner of the FedAvg
 * comparison with the Python FL simulators, on the setup of {@link io.github.fl4j.experiments.mnist.MnistFedAvgSetup}
 * in fl-experiments) and {@link io.github.fl4j.benchmarks.mnist.CnnBenchmark} (the built-in MNIST CNN against
 * PyTorch, same run).
 */
package io.github.fl4j.benchmarks.mnist;
