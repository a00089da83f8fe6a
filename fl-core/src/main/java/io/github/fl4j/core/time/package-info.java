/**
 * Simulations with time: a discrete-event engine on a virtual clock, the devices, networks and availability of the
 * clients, session failures, and the interface of asynchronous and semi-asynchronous algorithms
 * ({@link io.github.fl4j.core.time.AsyncAlgorithm}, {@link io.github.fl4j.core.time.AsyncServer}).
 *
 * <p>Every duration is modelled, never measured: a session lasts {@code latency + downlink bits / downlink bandwidth
 * + samples processed / compute speed + uplink bits / uplink bandwidth}, with the channels' exact bit counts. Events
 * at equal times are processed in a pinned order (uploads, timers, availability, starts; then by scheduling order),
 * and every random draw is keyed by (purpose, client, session number), so a run is a pure function of its seed for
 * any number of threads. See docs/time.md.
 */
package io.github.fl4j.core.time;
