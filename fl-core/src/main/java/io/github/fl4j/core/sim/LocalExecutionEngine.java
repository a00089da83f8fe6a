package io.github.fl4j.core.sim;

import io.github.fl4j.core.tensor.NativeThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * The embedded engine: the caller's thread and {@code threads - 1} daemon worker threads in this JVM run a round's
 * tasks together. With one thread the tasks run on the caller's thread, in order. ND4J is set to one native thread per
 * op, so that clients, not ops, are the unit of parallelism.
 *
 * <p>The workers are the engine's own threads, not an {@code ExecutorService}: a round is handed over by publishing it
 * in a volatile field, and a thread that has nothing to do spins for up to {@value #SPIN_MICROS} microseconds (a worker
 * waiting for the next round, the caller waiting for the round's last task) before it parks. Waking a parked thread
 * took about 30 microseconds here (median; 60 at the 90th percentile), twice per round, against rounds of about a
 * millisecond for a sparse full-gradient EF21 round; the spin removes both waits when rounds follow each other closely,
 * and costs at most that long on one core when they do not. Threads do not spin when there are more of them than
 * processors (they would take a core from a thread with work).
 *
 * <p>{@link #run} and {@link #execute} may be called from one thread at a time (calls from several threads are
 * serialised); a task must not call the engine it runs on.
 */
public final class LocalExecutionEngine implements ExecutionEngine {
    private static final AtomicInteger POOLS = new AtomicInteger();

    /** How long an idle thread spins before parking, in microseconds. */
    static final long SPIN_MICROS = 100;

    private final int threads;
    private final Worker[] workers;
    private final long spinNanos;
    /** The latest batch handed to the workers (each worker runs every batch once). */
    private volatile Batch<?, ?> current;
    private volatile boolean closed;
    /** Whether the workers have been started (by the first batch, so that an engine never used holds no thread). */
    private boolean started;

    /**
     * @param threads worker threads, at least 1
     */
    public LocalExecutionEngine(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, was " + threads);
        }
        NativeThreads.useOneThreadPerOp();
        this.threads = threads;
        this.spinNanos = threads <= Runtime.getRuntime().availableProcessors() ? SPIN_MICROS * 1000 : 0;
        this.workers = new Worker[threads - 1];
        int id = threads == 1 ? 0 : POOLS.incrementAndGet();
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker("fl4j-worker-" + id + "-" + (i + 1)); // started by the first batch
        }
    }

    @Override
    public <C> List<ClientOutcome<C>> execute(RoundWork<C> round) {
        return run(round.tasks(), round.runner()::run);
    }

    /**
     * Runs {@code work} on every task with this engine's threads and returns the results in task order; the first
     * failure in task order is rethrown after all tasks have ended. For engines built on this one.
     *
     * <p>Every thread takes the next task index from a shared counter until none is left: a round costs one hand-over
     * per worker thread, not one per client, and the caller's thread takes tasks too instead of waiting idle (so
     * {@code threads = 2} hands over to one worker). With 20 clients of about 80 us each (EF21 on a9a), one hand-over
     * per client had made two threads slower than one on a 2-core machine. Which thread runs which client does not
     * change any result (each writes its own slot).
     *
     * @throws java.util.concurrent.CancellationException if the calling thread is interrupted while the workers still
     *                                                    run tasks (the remaining tasks are not started; the
     *                                                    interrupt flag stays set)
     */
    @SuppressWarnings("unchecked")
    public synchronized <T, R> List<R> run(List<T> tasks, Function<T, R> work) {
        if (closed) {
            throw new IllegalStateException("the engine is closed");
        }
        int n = tasks.size();
        List<R> out = new ArrayList<>(n);
        if (workers.length == 0 || n <= 1) {
            for (T t : tasks) {
                out.add(work.apply(t));
            }
            return out;
        }
        if (!started) {
            started = true;
            for (Worker w : workers) {
                w.start();
            }
        }
        Batch<T, R> batch = new Batch<>(tasks, work, workers.length);
        current = batch;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
        batch.drain(); // the caller's share
        awaitWorkers(batch);
        for (int k = 0; k < n; k++) {
            Throwable c = batch.failures[k];
            if (c != null) {
                throw c instanceof RuntimeException ? (RuntimeException) c : new IllegalStateException(c);
            }
            out.add((R) batch.results[k]);
        }
        return out;
    }

    /** Spins, then parks, until every worker has finished {@code batch}; on interrupt, cancels it. */
    private void awaitWorkers(Batch<?, ?> batch) {
        long deadline = System.nanoTime() + spinNanos;
        Thread me = Thread.currentThread();
        while (batch.pending.get() > 0) {
            if (me.isInterrupted()) {
                batch.cancelled = true;
                for (Worker w : workers) {
                    w.interrupt();
                }
                java.util.concurrent.CancellationException c =
                        new java.util.concurrent.CancellationException("interrupted while waiting for client tasks");
                c.initCause(new InterruptedException());
                throw c;
            }
            if (System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            } else {
                batch.waiter = me;
                if (batch.pending.get() > 0) {
                    LockSupport.park(this);
                }
            }
        }
    }

    /** One call of {@link #run}: its tasks, the next task index, the results and who has still to finish. */
    private static final class Batch<T, R> {
        final List<T> tasks;
        final Function<T, R> work;
        final Object[] results;
        final Throwable[] failures;
        final AtomicInteger next = new AtomicInteger();
        /** Workers that have not finished their share. */
        final AtomicInteger pending;
        /** The caller, once it parks waiting for the workers. */
        volatile Thread waiter;
        volatile boolean cancelled;

        Batch(List<T> tasks, Function<T, R> work, int workers) {
            this.tasks = tasks;
            this.work = work;
            this.results = new Object[tasks.size()];
            this.failures = new Throwable[tasks.size()];
            this.pending = new AtomicInteger(workers);
        }

        /** Takes tasks until none is left (tasks not started after a cancellation fail with a cancellation). */
        void drain() {
            int n = results.length;
            for (int k = next.getAndIncrement(); k < n; k = next.getAndIncrement()) {
                if (cancelled || Thread.currentThread().isInterrupted()) {
                    failures[k] = new java.util.concurrent.CancellationException("interrupted");
                    continue;
                }
                try {
                    results[k] = work.apply(tasks.get(k));
                } catch (Throwable e) {
                    failures[k] = e;
                }
            }
        }

        /** A worker has finished its share; the last one wakes the caller if it parked. */
        void finished() {
            if (pending.decrementAndGet() == 0) {
                Thread w = waiter;
                if (w != null) {
                    LockSupport.unpark(w);
                }
            }
        }
    }

    private final class Worker extends Thread {
        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        @Override
        public void run() {
            Batch<?, ?> last = null;
            while (true) {
                Batch<?, ?> b = next(last);
                if (b == null) {
                    return;
                }
                last = b;
                Thread.interrupted(); // an interrupt that cancelled an earlier batch does not cancel this one
                try {
                    b.drain();
                } finally {
                    b.finished();
                }
            }
        }

        /** Spins, then parks, until a batch other than {@code last} is published; null once the engine is closed. */
        private Batch<?, ?> next(Batch<?, ?> last) {
            long deadline = System.nanoTime() + spinNanos;
            while (true) {
                if (closed) {
                    return null;
                }
                Batch<?, ?> b = current;
                if (b != last) {
                    return b;
                }
                if (System.nanoTime() - deadline < 0) {
                    Thread.onSpinWait();
                } else {
                    Thread.interrupted(); // parking returns at once while the flag is set
                    LockSupport.park(LocalExecutionEngine.this);
                }
            }
        }
    }

    @Override
    public int parallelism() {
        return threads;
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            w.interrupt(); // wakes a parked worker; a running task sees the interrupt
        }
    }

    /**
     * Closes the engine and waits (up to 30 s) until no task runs any more, so that their buffers can be freed.
     *
     * @return true when every worker has ended (always, with one thread)
     */
    public boolean closeAndWait() {
        close();
        boolean interrupted = Thread.interrupted();
        long deadline = System.nanoTime() + 30_000_000_000L;
        try {
            for (Worker w : workers) {
                while (w.isAlive()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    try {
                        w.join(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Shuts {@code pool} down (interrupting its tasks) and waits up to 30 s for its workers to end, also when the
     * calling thread is interrupted (its flag is restored afterwards).
     *
     * @return true when the pool has terminated
     */
    public static boolean awaitShutdown(java.util.concurrent.ExecutorService pool) {
        pool.shutdownNow();
        boolean interrupted = Thread.interrupted();
        try {
            return pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
            return pool.isTerminated();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
