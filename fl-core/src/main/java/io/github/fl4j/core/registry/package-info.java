/**
 * Runs described as data: components named by {@link io.github.fl4j.core.registry.Spec}s such as
 * {@code fedavg(lr=0.05,steps=10,batch=10)}, built by a {@link io.github.fl4j.core.registry.Registry} of named
 * factories, and whole runs as {@link io.github.fl4j.core.registry.RunDescription}s that survive text and bytes
 * exactly, so that another JVM (a cluster worker) can rebuild the same algorithm, model, data, compressors and
 * participation pattern.
 *
 * <p>Modules contribute components through {@link io.github.fl4j.core.registry.ComponentProvider}s listed in
 * {@code META-INF/services/io.github.fl4j.core.registry.ComponentProvider}; {@link
 * io.github.fl4j.core.registry.CoreComponents} is this module's. Factories read their parameters through
 * {@link io.github.fl4j.core.registry.Params}, which rejects malformed values and unknown keys with messages that
 * name the component, the key and the value.
 */
package io.github.fl4j.core.registry;
