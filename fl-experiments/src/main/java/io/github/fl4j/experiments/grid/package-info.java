/**
 * A harness that compares aggregation strategies fairly: every (strategy, compressor, participation, heterogeneity)
 * cell runs on the same seeds, so clients, minibatches and participants are common random numbers across strategies;
 * summaries give means and Student-t confidence intervals over seeds. An optional system axis
 * ({@link io.github.fl4j.experiments.grid.SystemSetting}: devices, availability, dropouts, round rule) runs every cell
 * on the virtual clock of {@link io.github.fl4j.core.time.TimedSimulation}, with asynchronous strategies beside the
 * synchronous ones, and adds virtual time to target, accuracy against virtual time and the staleness distribution.
 * See {@link io.github.fl4j.experiments.grid.Grid} and the JSON front end
 * {@link io.github.fl4j.experiments.grid.GridMain}.
 */
package io.github.fl4j.experiments.grid;
