/**
 * The simulation engine: the validated {@link io.github.fl4j.core.sim.SimulationConfig}; the
 * {@link io.github.fl4j.core.sim.RunState} that holds everything a run needs to continue (round, server state,
 * client-state store, server tables, participation process, ledger, reports); {@link io.github.fl4j.core.sim.Simulation},
 * a loop that advances it one round at a time, with checkpoints ({@link io.github.fl4j.core.sim.CheckpointPolicy}) and
 * bit-exact resume; the {@link io.github.fl4j.core.sim.ExecutionEngine} seam that runs a round's client work
 * ({@link io.github.fl4j.core.sim.RoundWork}) through a {@link io.github.fl4j.core.sim.ClientRunner}, in process
 * ({@link io.github.fl4j.core.sim.LocalExecutionEngine}) or from the run's serializable description
 * ({@link io.github.fl4j.core.sim.ClientRunners}, {@link io.github.fl4j.core.sim.SerializingExecutionEngine}); and
 * per-round reports and their sinks (SLF4J, CSV, JSON lines).
 */
package io.github.fl4j.core.sim;
