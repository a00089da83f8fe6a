/**
 * Simulated attacks on federated training: {@link io.github.fl4j.algorithms.attacks.Byzantine} wraps any algorithm so
 * that chosen clients carry out an {@link io.github.fl4j.algorithms.attacks.Attack} (label flipping, sign flipping,
 * scaled updates, Gaussian noise, "A Little Is Enough", inner-product manipulation). Combine with the robust
 * aggregators of {@code io.github.fl4j.core.aggregation} (docs/robust.md).
 */
package io.github.fl4j.algorithms.attacks;
