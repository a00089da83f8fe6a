package io.github.fl4j.core.sim;

import io.github.fl4j.core.tensor.NativeThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The embedded engine: the caller's thread and a fixed pool of {@code threads - 1} daemon worker threads in this JVM
 * run a round's tasks together. With one thread the tasks run on the caller's thread, in order. ND4J is set to one
 * native thread per op, so that clients, not ops, are the unit of parallelism.
 */
public final class LocalExecutionEngine implements ExecutionEngine {
    private static final AtomicInteger POOLS = new AtomicInteger();
    private final int threads;
    private final ExecutorService pool;

    /**
     * @param threads worker threads, at least 1
     */
    public LocalExecutionEngine(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, was " + threads);
        }
        NativeThreads.useOneThreadPerOp();
        this.threads = threads;
        if (threads == 1) {
            pool = null;
        } else {
            int id = POOLS.incrementAndGet();
            AtomicInteger n = new AtomicInteger();
            pool = Executors.newFixedThreadPool(threads - 1, r -> {
                Thread t = new Thread(r, "fl4j-worker-" + id + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
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
     * <p>One job per thread (at most one per task), each taking the next task index from a shared counter until none
     * is left: a round costs one hand-over per worker thread, not one per client, and the caller's thread runs one of
     * the jobs itself instead of waiting idle (so {@code threads = 2} hands over to one worker). With 20 clients of
     * about 80 us each (EF21 on a9a), one hand-over per client had made two threads slower than one on a 2-core
     * machine. Which thread runs which client does not change any result (each writes its own slot).
     */
    @SuppressWarnings("unchecked")
    <T, R> List<R> run(List<T> tasks, Function<T, R> work) {
        int n = tasks.size();
        List<R> out = new ArrayList<>(n);
        if (pool == null || n <= 1) {
            for (T t : tasks) {
                out.add(work.apply(t));
            }
            return out;
        }
        Object[] results = new Object[n];
        Throwable[] failures = new Throwable[n];
        AtomicInteger next = new AtomicInteger();
        int jobs = Math.min(threads, n);
        Runnable job = () -> {
            for (int k = next.getAndIncrement(); k < n; k = next.getAndIncrement()) {
                if (Thread.currentThread().isInterrupted()) {
                    failures[k] = new java.util.concurrent.CancellationException("interrupted");
                    continue;
                }
                try {
                    results[k] = work.apply(tasks.get(k));
                } catch (Throwable e) {
                    failures[k] = e;
                }
            }
        };
        List<Future<?>> futures = new ArrayList<>(jobs - 1);
        for (int j = 1; j < jobs; j++) {
            futures.add(pool.submit(job));
        }
        job.run(); // the caller's share
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("a worker of the client tasks failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                for (Future<?> g : futures) {
                    g.cancel(true);
                }
                java.util.concurrent.CancellationException c =
                        new java.util.concurrent.CancellationException("interrupted while waiting for client tasks");
                c.initCause(e);
                throw c;
            }
        }
        for (int k = 0; k < n; k++) {
            Throwable c = failures[k];
            if (c != null) {
                throw c instanceof RuntimeException ? (RuntimeException) c : new IllegalStateException(c);
            }
            out.add((R) results[k]);
        }
        return out;
    }

    @Override
    public int parallelism() {
        return threads;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /**
     * Closes the engine and waits (up to 30 s) until no task runs any more, so that their buffers can be freed.
     *
     * @return true when every worker has ended (always, with one thread)
     */
    public boolean closeAndWait() {
        close();
        return pool == null || awaitShutdown(pool);
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
