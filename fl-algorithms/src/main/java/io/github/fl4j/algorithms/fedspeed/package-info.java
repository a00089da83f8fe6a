/**
 * FedSpeed (Sun, Shen, Huang, Ding, Tao, ICLR 2023): local steps with a prox term, a prox-correction and a merged
 * (SAM-like) gradient. See {@link io.github.fl4j.algorithms.fedspeed.FedSpeed} and docs/algorithms/fedspeed.md.
 */
package io.github.fl4j.algorithms.fedspeed;
