/**
 * JMH benchmarks of the kernels the algorithms share, each beside same-run baselines (a plain Java loop, a memory
 * copy of the same bytes) so that every figure reads as a ratio. Built into {@code target/benchmarks.jar} by the
 * {@code jmh} Maven profile (not part of the default build): {@code mvn -P jmh -pl fl-benchmarks -am package
 * -DskipTests}, then {@code java -jar fl-benchmarks/target/benchmarks.jar}.
 */
package io.github.fl4j.benchmarks;
