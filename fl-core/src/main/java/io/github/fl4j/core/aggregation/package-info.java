/**
 * Built-in {@link io.github.fl4j.core.api.Aggregator}s: weighted means over the participants' uploads (by sample
 * count, uniform, or 1/N over the population), each one BLAS axpy per upload in client-id order; and robust
 * aggregators for rounds with Byzantine uploads: {@link io.github.fl4j.core.aggregation.CoordinateMedian},
 * {@link io.github.fl4j.core.aggregation.TrimmedMean}, {@link io.github.fl4j.core.aggregation.Krum},
 * {@link io.github.fl4j.core.aggregation.MultiKrum}, {@link io.github.fl4j.core.aggregation.GeometricMedian},
 * {@link io.github.fl4j.core.aggregation.CenteredClipping} and {@link io.github.fl4j.core.aggregation.NormBounding}
 * (docs/robust.md).
 */
package io.github.fl4j.core.aggregation;
