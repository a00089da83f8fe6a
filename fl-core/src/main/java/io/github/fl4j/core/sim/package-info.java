/**
 * The simulation engine: the validated {@link io.github.fl4j.core.sim.SimulationConfig}, the single round loop of
 * {@link io.github.fl4j.core.sim.Simulation}, the {@link io.github.fl4j.core.sim.ExecutionEngine} seam that runs
 * client tasks (in-process worker pool by default), per-round reports and their sinks (SLF4J, CSV, JSON lines).
 */
package io.github.fl4j.core.sim;
