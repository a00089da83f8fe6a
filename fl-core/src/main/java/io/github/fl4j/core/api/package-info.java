/**
 * The contracts of fl4j (see docs/design.md): {@link io.github.fl4j.core.api.Model},
 * {@link io.github.fl4j.core.api.Client}, {@link io.github.fl4j.core.api.Server},
 * {@link io.github.fl4j.core.api.Aggregator}, {@link io.github.fl4j.core.api.ServerOptimizer},
 * {@link io.github.fl4j.core.api.Compressor} and {@link io.github.fl4j.core.api.FederatedAlgorithm}, with the messages
 * and contexts they exchange.
 *
 * <p>State rule: algorithms hold no hidden mutable state. The server state S and client states C are explicit
 * objects owned by the engine, with a versioned binary form ({@link io.github.fl4j.core.api.StateCodec}).
 */
package io.github.fl4j.core.api;
