/**
 * SCAFFOLD (Karimireddy et al., ICML 2020), options I and II and the one-vector uplink form of option II.
 * See {@link io.github.fl4j.algorithms.scaffold.Scaffold} and docs/algorithms/scaffold.md.
 */
package io.github.fl4j.algorithms.scaffold;
