/**
 * The MNIST FedAvg setup matched to the Python FL simulators ({@link io.github.fl4j.experiments.mnist.MnistFedAvgSetup}:
 * data, partition, models, configuration), shared by the examples, the grid and the timing benchmark of fl-benchmarks.
 */
package io.github.fl4j.experiments.mnist;
