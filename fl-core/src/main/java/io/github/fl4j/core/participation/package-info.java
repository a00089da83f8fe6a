/**
 * Participation models: who takes part in each round. Algorithms never see the model, only the participants.
 * Built in: all clients, and m of N uniformly without replacement.
 */
package io.github.fl4j.core.participation;
