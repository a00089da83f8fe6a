package io.github.fl4j.core.tensor;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One value per thread (scratch buffers of a model, a worker's workspace) that its owner can release
 * deterministically, without keeping the owner reachable.
 *
 * <p>Why not a bare {@code ThreadLocal}: a thread's map holds its values strongly and its keys (the
 * {@code ThreadLocal}) weakly, so a value that refers back to its owner (a non-static inner class does, through
 * {@code Outer.this}) keeps the owner, and with it the key, reachable for as long as the thread lives: every
 * {@code Mlp} ever used on a long-lived thread (the caller's thread with one worker) stayed in memory with its native
 * activation buffers. Even without the back reference, the value of a dead owner stays in the thread's map until the
 * map happens to expunge the stale entry, so its native memory is freed at no predictable time.
 *
 * <p>Here the values are made by a factory that must not capture the owner (a static factory or a lambda over plain
 * data), and the owner can visit every value it made ({@link #forEach}) to free their native memory at a point it
 * chooses, e.g. the end of a simulation; {@link #removeCurrent} also drops the calling thread's entry. The registry
 * holds the values weakly, so values of threads that ended are collected with their thread: nothing here keeps a
 * value, its owner or a thread alive.
 *
 * <p>Thread-safe. A value itself is used by its own thread only, except in {@link #forEach}: a value whose native
 * memory may be freed from another thread must guard it (the models lock the value for the length of a call).
 *
 * @param <T> the value type; it must not refer to the owner of this object
 */
public final class PerThread<T> {
    private final Supplier<? extends T> factory;
    private final ThreadLocal<T> local = new ThreadLocal<>();
    private final List<WeakReference<T>> made = new ArrayList<>();

    /** @param factory makes the value of a thread on its first {@link #get}; it must not capture the owner */
    public PerThread(Supplier<? extends T> factory) {
        if (factory == null) {
            throw new IllegalArgumentException("factory must not be null");
        }
        this.factory = factory;
    }

    /** The calling thread's value, made on first use. */
    public T get() {
        T v = local.get();
        if (v == null) {
            v = factory.get();
            local.set(v);
            register(v);
        }
        return v;
    }

    /** The calling thread's value, or null if it has none (nothing is made). */
    public T peek() {
        return local.get();
    }

    private synchronized void register(T v) {
        made.removeIf(r -> r.get() == null);
        made.add(new WeakReference<>(v));
    }

    /** Calls {@code action} on every value still alive (of any thread), e.g. to free its native memory. */
    public void forEach(Consumer<? super T> action) {
        List<T> alive = new ArrayList<>();
        synchronized (this) {
            for (WeakReference<T> r : made) {
                T v = r.get();
                if (v != null) {
                    alive.add(v);
                }
            }
        }
        for (T v : alive) {
            action.accept(v);
        }
    }

    /** The number of values still alive (of any thread), for tests. */
    public synchronized int size() {
        int n = 0;
        for (WeakReference<T> r : made) {
            if (r.get() != null) {
                n++;
            }
        }
        return n;
    }

    /**
     * Drops the calling thread's value from its thread map (the value itself is not freed: use {@link #forEach}
     * first). The next {@link #get} on this thread makes a new one.
     */
    public void removeCurrent() {
        T v = local.get();
        local.remove();
        if (v != null) {
            synchronized (this) {
                made.removeIf(r -> r.get() == null || r.get() == v);
            }
        }
    }
}
