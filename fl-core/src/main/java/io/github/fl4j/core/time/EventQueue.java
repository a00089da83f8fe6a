package io.github.fl4j.core.time;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The event queue of the virtual clock: a binary min-heap over primitive arrays, ordered by (time, kind rank,
 * sequence number). Sequence numbers are assigned by the engine in the order events are scheduled, so the order of
 * events is a pure function of the run, never of hashing, allocation or thread timing.
 *
 * <p>{@link #poll()} moves the head into the "current" fields ({@link #time()}, {@link #kind()}, ...). Not
 * thread-safe; the engine thread owns it.
 */
public final class EventQueue {
    private static final EventKind[] KINDS = EventKind.values();
    private double[] times = new double[64];
    private byte[] ranks = new byte[64];
    private long[] seqs = new long[64];
    private int[] clients = new int[64];
    private long[] payloads = new long[64];
    private int size;

    private double time;
    private EventKind kind;
    private long seq;
    private int client;
    private long payload;

    /** Number of queued events. */
    public int size() {
        return size;
    }

    /** True when no event is queued. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** The time of the head event (+infinity when empty). */
    public double peekTime() {
        return size == 0 ? Double.POSITIVE_INFINITY : times[0];
    }

    /**
     * True when an event at {@code t} of kind {@code k} and sequence {@code s} would come before the head (or the
     * queue is empty).
     */
    public boolean precedesHead(double t, EventKind k, long s) {
        if (size == 0) {
            return true;
        }
        return before(t, k.rank(), s, 0);
    }

    /** Schedules an event. */
    public void push(double t, EventKind k, long s, int c, long p) {
        if (Double.isNaN(t)) {
            throw new IllegalArgumentException("event time must not be NaN (" + k + ", client " + c + ")");
        }
        if (size == times.length) {
            int n = size * 2;
            times = Arrays.copyOf(times, n);
            ranks = Arrays.copyOf(ranks, n);
            seqs = Arrays.copyOf(seqs, n);
            clients = Arrays.copyOf(clients, n);
            payloads = Arrays.copyOf(payloads, n);
        }
        int i = size++;
        set(i, t, (byte) k.rank(), s, c, p);
        siftUp(i);
    }

    /** Removes the head event and makes it current. */
    public void poll() {
        if (size == 0) {
            throw new IllegalStateException("the event queue is empty");
        }
        time = times[0];
        kind = KINDS[ranks[0]];
        seq = seqs[0];
        client = clients[0];
        payload = payloads[0];
        size--;
        if (size > 0) {
            move(size, 0);
            siftDown(0);
        }
    }

    /** The current event's time. */
    public double time() {
        return time;
    }

    /** The current event's kind. */
    public EventKind kind() {
        return kind;
    }

    /** The current event's sequence number. */
    public long seq() {
        return seq;
    }

    /** The current event's client (-1 when none). */
    public int client() {
        return client;
    }

    /** The current event's payload (a session id, a timer tag). */
    public long payload() {
        return payload;
    }

    /** Which queued events to leave out of {@link #writeTo}. */
    public interface Filter {
        boolean skip(EventKind kind, int client, long payload);
    }

    /** Writes the queued events (except those {@code filter} skips) in heap order. */
    public void writeTo(DataOutput out, Filter filter) throws IOException {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (!filter.skip(KINDS[ranks[i]], clients[i], payloads[i])) {
                n++;
            }
        }
        out.writeInt(n);
        for (int i = 0; i < size; i++) {
            if (!filter.skip(KINDS[ranks[i]], clients[i], payloads[i])) {
                out.writeDouble(times[i]);
                out.writeByte(ranks[i]);
                out.writeLong(seqs[i]);
                out.writeInt(clients[i]);
                out.writeLong(payloads[i]);
            }
        }
    }

    /** Adds the events {@link #writeTo} wrote. */
    public void readFrom(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("event count must be >= 0, was " + n);
        }
        for (int i = 0; i < n; i++) {
            double t = in.readDouble();
            int r = in.readUnsignedByte();
            if (r >= KINDS.length) {
                throw new IOException("event kind rank must be in [0, " + KINDS.length + "), was " + r);
            }
            push(t, KINDS[r], in.readLong(), in.readInt(), in.readLong());
        }
    }

    private boolean before(double t, int r, long s, int j) {
        if (t != times[j]) {
            return t < times[j];
        }
        if (r != ranks[j]) {
            return r < ranks[j];
        }
        return s < seqs[j];
    }

    private void set(int i, double t, byte r, long s, int c, long p) {
        times[i] = t;
        ranks[i] = r;
        seqs[i] = s;
        clients[i] = c;
        payloads[i] = p;
    }

    private void move(int from, int to) {
        set(to, times[from], ranks[from], seqs[from], clients[from], payloads[from]);
    }

    private void siftUp(int i) {
        double t = times[i];
        byte r = ranks[i];
        long s = seqs[i];
        int c = clients[i];
        long p = payloads[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(t, r, s, parent)) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        set(i, t, r, s, c, p);
    }

    private void siftDown(int i) {
        double t = times[i];
        byte r = ranks[i];
        long s = seqs[i];
        int c = clients[i];
        long p = payloads[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && lessAt(right, child)) {
                child = right;
            }
            if (before(t, r, s, child)) {
                break;
            }
            move(child, i);
            i = child;
        }
        set(i, t, r, s, c, p);
    }

    private boolean lessAt(int a, int b) {
        return before(times[a], ranks[a], seqs[a], b);
    }
}
