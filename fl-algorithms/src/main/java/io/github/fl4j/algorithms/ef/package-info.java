/**
 * The error-feedback family for compressed uplinks: {@link io.github.fl4j.algorithms.ef.Ef21} (with the EF21-SGD,
 * EF21-PP and EF21-W options), {@link io.github.fl4j.algorithms.ef.Ef14} (classic error feedback),
 * {@link io.github.fl4j.algorithms.ef.EControl} and the naive baseline {@link io.github.fl4j.algorithms.ef.CompressedGd}.
 * See docs/algorithms/ef21.md, ef14.md, econtrol.md and docs/compression.md.
 *
 * <p>Round structure shared by all of them (one gradient step per round, no local steps): the server broadcasts
 * x^t, every participant computes its (stochastic) gradient at x^t and uploads one compressed vector through its
 * uplink channel, and the server then moves to x^{t+1}.
 */
package io.github.fl4j.algorithms.ef;
