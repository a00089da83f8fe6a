/**
 * Run files: one simulation described in YAML or JSON ({@link io.github.fl4j.experiments.run.RunFile}), resolved to
 * the library's {@link io.github.fl4j.core.registry.RunDescription} plus run options, and run into a directory of
 * outputs ({@link io.github.fl4j.experiments.run.RunDirectory}): the resolved run file, the fl4j version and git
 * revision, per-round CSV and JSON lines, checkpoints and a summary.
 */
package io.github.fl4j.experiments.run;
