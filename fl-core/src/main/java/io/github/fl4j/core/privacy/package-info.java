/**
 * Privacy accounting: the Rényi differential privacy (RDP) of the sampled Gaussian mechanism, its composition over
 * rounds and its conversion to (epsilon, delta)-differential privacy ({@link io.github.fl4j.core.privacy.RdpAccountant};
 * docs/privacy.md).
 *
 * <p>Pure arithmetic on doubles: no random draws, no state shared between threads.
 */
package io.github.fl4j.core.privacy;
