/**
 * The EF21 paper's LIBSVM logistic-regression experiment (non-convex regulariser, 20 contiguous clients, Top-k,
 * theory step sizes): {@link io.github.fl4j.experiments.ef21.Ef21LibsvmSetup}, shared by the
 * {@code Ef21LibsvmExperiment} example and the mushrooms integration test.
 */
package io.github.fl4j.experiments.ef21;
