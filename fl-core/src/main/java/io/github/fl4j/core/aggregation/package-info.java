/**
 * Built-in {@link io.github.fl4j.core.api.Aggregator}s: weighted means over the participants' uploads (by sample
 * count, uniform, or 1/N over the population), each one BLAS axpy per upload in client-id order.
 */
package io.github.fl4j.core.aggregation;
