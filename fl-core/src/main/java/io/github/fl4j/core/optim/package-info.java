/**
 * Server optimizers ({@link io.github.fl4j.core.api.ServerOptimizer}): what the server does with the aggregated
 * client update Delta^t once the uploads are averaged. {@link io.github.fl4j.core.optim.ServerOptimizers} builds them:
 * <ul>
 *   <li>{@link io.github.fl4j.core.optim.Sgd}: x += eta Delta (eta = 1 is McMahan et al.'s model averaging);</li>
 *   <li>{@link io.github.fl4j.core.optim.Momentum}: heavy ball on the pseudo-gradient -Delta (FedAvgM, Hsu, Qi,
 *       Brown 2019, in Flower's convention);</li>
 *   <li>{@link io.github.fl4j.core.optim.Adagrad}, {@link io.github.fl4j.core.optim.Adam},
 *       {@link io.github.fl4j.core.optim.Yogi}: FedAdagrad, FedAdam and FedYogi of Reddi, Charles, Zaheer, Garrett,
 *       Rush, Konečný, Kumar, McMahan, "Adaptive Federated Optimization", ICLR 2021, Algorithm 2.</li>
 * </ul>
 * Every optimizer is an immutable record; its per-run memory is a {@link io.github.fl4j.core.api.ServerOptimizer.State}
 * of d-vectors kept in the algorithm's server state and checkpointed with it. A step allocates nothing.
 */
package io.github.fl4j.core.optim;
