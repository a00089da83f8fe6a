/**
 * A distributed execution engine on Hazelcast: client tasks run on cluster members, each on the member that owns the
 * client's key, and give the same bits as the local engine.
 *
 * <p>Why the bits are the same: a client task is a pure function of the run description, the round, the downlink
 * message and the client's state (its random streams are keyed by run seed, purpose, round and client id), and the
 * driver reduces the outcomes in client-id order. So where a task runs, and how often it is rerun after a member is
 * lost, cannot change a bit.
 *
 * <ul>
 *   <li>{@link io.github.fl4j.hazelcast.ClusterOptions}: the configuration of a member or driver (cluster name,
 *       loopback bind by default, multicast off, a TCP-IP join list, the deserialization filter);</li>
 *   <li>{@link io.github.fl4j.hazelcast.HazelcastExecutionEngine}: the engine the driver passes to the
 *       simulation;</li>
 *   <li>{@link io.github.fl4j.hazelcast.HazelcastStateStores}: client states in a partitioned map with one backup,
 *       which the engine's tasks can read and write on the member that owns them
 *       ({@link io.github.fl4j.hazelcast.HazelcastExecutionEngine#ownStates(boolean)});</li>
 *   <li>{@link io.github.fl4j.hazelcast.HazelcastMember}: the main class that starts a member.</li>
 * </ul>
 *
 * <p>Nothing received from the network is decoded with Java serialization: tasks are Hazelcast
 * {@code IdentifiedDataSerializable} objects (a factory id and a class id select one of this package's classes, whose
 * fields are byte arrays written by fl4j's own codecs), states are byte arrays, and Java deserialization is
 * restricted by a whitelist filter.
 */
package io.github.fl4j.hazelcast;
