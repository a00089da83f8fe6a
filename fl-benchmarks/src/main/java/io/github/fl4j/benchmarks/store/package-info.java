/**
 * The benchmark of the client-state stores: a round's batch get and put with the in-memory and the disk store, SCAFFOLD
 * at 10^4 clients with either store (per-round time), and SCAFFOLD at 10^6 clients with the disk store within a
 * 2 GiB heap.
 */
package io.github.fl4j.benchmarks.store;
