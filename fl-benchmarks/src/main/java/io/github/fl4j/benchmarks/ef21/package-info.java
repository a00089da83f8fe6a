/**
 * Benchmarks of the EF21 workloads on LIBSVM data: full gradients over the EF21 workers, dense against sparse rows,
 * against a same-run memory copy, and EF21's run time ({@link io.github.fl4j.benchmarks.ef21.FullGradientBenchmark});
 * and two builds of fl-core timed alternately in one process on the clients' full gradients, with their results
 * compared bit for bit ({@link io.github.fl4j.benchmarks.ef21.BuildComparison}).
 */
package io.github.fl4j.benchmarks.ef21;
