/**
 * The seed tree: every random draw of a simulation comes from a stream keyed by (root seed, purpose, round, client).
 *
 * <p>Library code never draws from an ambient generator (the JDK's global or thread-local ones, or ND4J's global
 * one); that is what makes results bit-identical for any number of worker threads (see docs/design.md).
 */
package io.github.fl4j.core.random;
