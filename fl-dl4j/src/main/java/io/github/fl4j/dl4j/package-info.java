/**
 * The DL4J adapter: any DeepLearning4j {@code MultiLayerNetwork} classifier as an fl4j
 * {@link io.github.fl4j.core.api.Model}, so every fl4j algorithm can train deep networks.
 *
 * <ul>
 *   <li>{@link io.github.fl4j.dl4j.Dl4jModel}: the adapter. The flat parameter vector is DL4J's flattened parameter
 *       view (dense W stored column-major, convolution bias before its W); DL4J computes the forward and backward
 *       pass, the adapter turns DL4J's summed gradient into the gradient of the mean loss plus the L2 / weight-decay
 *       term, and never runs DL4J's updater. Initial parameters come from fl4j's random streams, not from ND4J's
 *       global generator;</li>
 *   <li>{@link io.github.fl4j.dl4j.Dl4jModels}: the ReLU MLP ("2NN": 784-200-200-10) and the MNIST CNN of McMahan et
 *       al. (AISTATS 2017).</li>
 * </ul>
 *
 * <p>This module is optional: it depends on fl-core and on {@code deeplearning4j-nn}; fl-core never depends on DL4J.
 *
 * <p><b>Thread safety.</b> A DL4J network is not thread-safe; a {@code Dl4jModel} keeps one network per thread and
 * precision, so one instance serves concurrent clients, each with its own gradient buffer.
 */
package io.github.fl4j.dl4j;
