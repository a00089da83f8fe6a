/**
 * Runnable simulations, one topic each, written to be read: from {@link io.github.fl4j.examples.Quickstart} (FedAvg
 * on Synthetic(1, 1)) and {@link io.github.fl4j.examples.MnistFedAvg} (FedAvg on MNIST with logistic regression or
 * the 2NN MLP) to {@link io.github.fl4j.examples.AsyncVersusSync} (synchronous FedAvg against FedAsync, FedBuff and
 * FedFix on a virtual clock, with slow devices coupled to the data) and
 * {@link io.github.fl4j.examples.RobustAggregation} (FedAvg with robust aggregators under Byzantine attacks). Each has a main method for the IDE and runs from
 * Maven with {@code mvn -q -pl examples -am test-compile exec:java -Dexec.mainClass=...}.
 */
package io.github.fl4j.examples;
