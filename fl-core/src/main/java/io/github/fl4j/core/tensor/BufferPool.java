package io.github.fl4j.core.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A pool of message vectors that live for one round: the decoded uplink and downlink vectors that the channels hand
 * to receivers. The engine takes vectors from it during a round and returns all of them after the server has applied
 * the round, so a steady-state run allocates no message arrays (ND4J allocation costs 40 to 400 microseconds here).
 *
 * <p>Consequence for algorithms: a received message vector is valid until the end of the round in which it was
 * received; an algorithm that keeps one (MIFA's table of last updates, say) must copy it into its own state.
 *
 * <p>Thread-safe ({@link #take} is called from worker threads).
 */
public final class BufferPool {
    private final Map<Long, ArrayDeque<INDArray>> free = new HashMap<>();
    private final List<INDArray> lent = new ArrayList<>();

    private static long key(Precision precision, long length) {
        return length * 2 + (precision == Precision.FLOAT64 ? 1 : 0);
    }

    /** A vector of the given length and precision, with undefined contents, lent until {@link #recycle()}. */
    public synchronized INDArray take(Precision precision, long length) {
        ArrayDeque<INDArray> q = free.get(key(precision, length));
        INDArray a = q == null ? null : q.pollFirst();
        if (a == null) {
            a = Nd4j.createUninitialized(precision.dataType(), length);
        }
        lent.add(a);
        return a;
    }

    /** Returns every lent vector to the pool (called by the engine once a round is over). */
    public synchronized void recycle() {
        for (INDArray a : lent) {
            free.computeIfAbsent(key(Precision.of(a.dataType()), a.length()), k -> new ArrayDeque<>()).addLast(a);
        }
        lent.clear();
    }

    /**
     * Returns every lent vector and frees the native memory of all pooled vectors now; the pool stays usable. Called
     * when a run ends: vectors handed out earlier must not be used after this (they fail with an
     * {@code IllegalStateException} from ND4J).
     *
     * @return the number of native bytes freed
     */
    public synchronized long release() {
        recycle();
        long bytes = 0;
        for (ArrayDeque<INDArray> q : free.values()) {
            for (INDArray a : q) {
                if (!a.wasClosed()) {
                    bytes += a.length() * a.dataType().width();
                    a.close();
                }
            }
        }
        free.clear();
        return bytes;
    }
}
