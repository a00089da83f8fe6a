/**
 * Shared local-training mechanics: the local work schedule ({@link io.github.fl4j.algorithms.local.LocalTraining})
 * and corrected minibatch SGD ({@link io.github.fl4j.algorithms.local.LocalSgd}), called by the algorithms' client
 * halves. Helpers, not base classes.
 */
package io.github.fl4j.algorithms.local;
