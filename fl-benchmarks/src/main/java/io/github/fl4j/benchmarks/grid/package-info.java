/**
 * A harness that compares aggregation strategies fairly: every (strategy, compressor, participation, heterogeneity)
 * cell runs on the same seeds, so clients, minibatches and participants are common random numbers across strategies;
 * summaries give means and Student-t confidence intervals over seeds. See {@link io.github.fl4j.benchmarks.grid.Grid}
 * and the JSON front end {@link io.github.fl4j.benchmarks.grid.GridMain}.
 */
package io.github.fl4j.benchmarks.grid;
