package io.github.fl4j.core.registry;

/**
 * A source of named components, found by {@link java.util.ServiceLoader}: a module lists its providers in
 * {@code META-INF/services/io.github.fl4j.core.registry.ComponentProvider} (one class name a line; the class needs a
 * public no-argument constructor), and {@link Registry#standard()} registers every provider on the class path.
 *
 * <pre>{@code
 * public final class MyComponents implements ComponentProvider {
 *     public void register(Registry.Builder r) {
 *         r.algorithm("my-fedavg", "lr (required), steps=10", p -> MyFedAvg.create(p.getDouble("lr"),
 *                 p.getInt("steps", 10)));
 *     }
 * }
 * }</pre>
 *
 * A name may be registered once per kind across all providers: a second registration fails naming both providers.
 */
public interface ComponentProvider {
    /** Registers this provider's factories. Called once per registry that loads the provider. */
    void register(Registry.Builder registry);
}
