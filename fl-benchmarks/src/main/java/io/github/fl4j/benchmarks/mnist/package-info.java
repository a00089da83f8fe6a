/**
 * MNIST benchmarks: {@link io.github.fl4j.benchmarks.mnist.MnistFedAvgSetup} (the FedAvg setup of the comparison with
 * the Python FL simulators), {@link io.github.fl4j.benchmarks.mnist.MnistFedAvgBenchmark} (its timing runner) and
 * {@link io.github.fl4j.benchmarks.mnist.CnnBenchmark} (the built-in MNIST CNN against PyTorch, same run).
 */
package io.github.fl4j.benchmarks.mnist;
