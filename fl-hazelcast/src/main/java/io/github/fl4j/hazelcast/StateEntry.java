package io.github.fl4j.hazelcast;

import java.nio.ByteBuffer;

/**
 * The value of a client's entry in a state map of {@link HazelcastStateStores}: the state in its codec's bytes, the
 * round that wrote it, and the state before that round.
 *
 * <pre>
 * byte 1 (format) | int r | int n | n bytes: the state after round r | int p (-1: none) | p bytes: the state before r
 * </pre>
 *
 * <p>Why the round and the state before it: a task that runs against the state on its own member
 * ({@link HazelcastExecutionEngine#ownStates}) writes the new state in place; if its member dies after that write
 * but before the driver has the outcome, the task runs again (on the partition's new owner, from the backup, which
 * got the write). The rerun must train from the state before the round, not from the one the first run wrote. So a
 * task of round t reads {@link #before(byte[], int, int) before(entry, t)}: the current state when the entry was
 * written in an earlier round ({@code r < t}), the kept previous state when it was written in this round
 * ({@code r = t}: a rerun). Both runs then compute the same bits and write the same entry. Rounds are 1-based, and
 * {@code r = 0} marks a committed entry with no previous state: written by the driver (its {@code putAll}, or a
 * checkpoint being restored), or committed by {@link StateCommit} once its round was over (no task of it can run
 * again), which drops the kept state.
 */
final class StateEntry {
    static final int FORMAT = 1;
    private static final int HEADER = 1 + 4 + 4;

    private StateEntry() {
    }

    /** The entry for {@code state} written in {@code round} (0: by the driver), with the state before it or null. */
    static byte[] encode(int round, byte[] state, byte[] previous) {
        int p = previous == null ? 0 : previous.length;
        ByteBuffer b = ByteBuffer.allocate(HEADER + state.length + 4 + p);
        b.put((byte) FORMAT).putInt(round).putInt(state.length).put(state);
        b.putInt(previous == null ? -1 : previous.length);
        if (previous != null) {
            b.put(previous);
        }
        return b.array();
    }

    /** The round that wrote the entry (0: the driver). */
    static int round(byte[] entry) {
        return check(entry).getInt(1);
    }

    /** The state the entry holds (after its round). */
    static byte[] current(byte[] entry) {
        ByteBuffer b = check(entry);
        byte[] s = new byte[b.getInt(5)];
        b.position(HEADER);
        b.get(s);
        return s;
    }

    /** The state before the entry's round, or null when there was none (first participation, or driver-written). */
    static byte[] previous(byte[] entry) {
        ByteBuffer b = check(entry);
        b.position(HEADER + b.getInt(5));
        int p = b.getInt();
        if (p < 0) {
            return null;
        }
        byte[] s = new byte[p];
        b.get(s);
        return s;
    }

    /**
     * The state a task of {@code round} trains from: null when the client has no entry or the entry is this round's
     * write of a first participation (then the algorithm's initial state), else the current state ({@code r <
     * round}) or the previous one ({@code r = round}, a rerun).
     *
     * @throws IllegalStateException if the entry was written in a later round (the map is ahead of the run)
     */
    static byte[] before(byte[] entry, int round, int client) {
        if (entry == null) {
            return null;
        }
        int r = round(entry);
        if (r < round) {
            return current(entry);
        }
        if (r == round) {
            return previous(entry);
        }
        throw new IllegalStateException("the state of client " + client + " was written in round " + r
                + ", after the running round " + round + ": the state map is ahead of the run (another run uses it?)");
    }

    /** The entry a write of {@code state} in {@code round} leaves after {@code old} (null when there was none). */
    static byte[] write(byte[] old, int round, byte[] state, int client) {
        return encode(round, state, before(old, round, client));
    }

    private static ByteBuffer check(byte[] entry) {
        if (entry.length < HEADER + 4 || entry[0] != FORMAT) {
            throw new IllegalStateException("a state map entry must start with format byte " + FORMAT + " and be at "
                    + "least " + (HEADER + 4) + " bytes, was " + entry.length + " bytes"
                    + (entry.length > 0 ? " starting with " + entry[0] : ""));
        }
        ByteBuffer b = ByteBuffer.wrap(entry);
        int n = b.getInt(5);
        if (n < 0 || HEADER + (long) n + 4 > entry.length) {
            throw new IllegalStateException("a state map entry of " + entry.length + " bytes declares a state of "
                    + n + " bytes");
        }
        int p = b.getInt(HEADER + n);
        if (p < -1 || HEADER + (long) n + 4 + Math.max(0, p) != entry.length) {
            throw new IllegalStateException("a state map entry of " + entry.length + " bytes declares a state of "
                    + n + " bytes and a previous state of " + p + " bytes");
        }
        return b;
    }
}
