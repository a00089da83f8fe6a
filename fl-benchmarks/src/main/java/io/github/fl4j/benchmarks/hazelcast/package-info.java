/**
 * The cost of running clients on a Hazelcast cluster against the local engine ({@link
 * io.github.fl4j.benchmarks.hazelcast.HazelcastEngineBenchmark}).
 */
package io.github.fl4j.benchmarks.hazelcast;
