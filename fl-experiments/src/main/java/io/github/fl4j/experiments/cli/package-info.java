/**
 * The {@code fl4j} command line ({@link io.github.fl4j.experiments.cli.Fl4j}): {@code run}, {@code grid},
 * {@code resume}, {@code data download} and {@code list}, built with picocli.
 */
package io.github.fl4j.experiments.cli;
