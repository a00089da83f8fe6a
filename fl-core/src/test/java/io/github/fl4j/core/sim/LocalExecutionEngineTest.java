package io.github.fl4j.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.registry.Registry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LocalExecutionEngineTest extends ExecutionEngineContractTest {
    @Override
    protected ExecutionEngine engine(int threads, Registry registry) {
        return new LocalExecutionEngine(threads);
    }

    private static List<Integer> range(int n) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(i);
        }
        return l;
    }

    @Test
    void manyShortBatchesInARowLoseNoHandOver() {
        // rounds that follow each other within the spin, rounds after a pause long enough to park, and more threads
        // than processors (no spinning at all): every batch returns every result in task order
        for (int threads : new int[] {2, 3, Runtime.getRuntime().availableProcessors() + 2}) {
            LocalExecutionEngine engine = new LocalExecutionEngine(threads);
            try {
                assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                    Set<String> names = ConcurrentHashMap.newKeySet();
                    for (int batch = 0; batch < 3000; batch++) {
                        int n = 1 + batch % 7;
                        int b = batch;
                        List<Integer> out = engine.run(range(n), i -> {
                            names.add(Thread.currentThread().getName());
                            return 1000 * b + i;
                        });
                        for (int i = 0; i < n; i++) {
                            assertEquals(1000 * b + i, out.get(i));
                        }
                        if (batch % 500 == 0) {
                            Thread.sleep(2); // longer than the spin: the workers park
                        }
                    }
                    assertTrue(names.size() >= 2, "the workers took part: " + names);
                });
            } finally {
                assertTrue(engine.closeAndWait());
            }
        }
    }

    @Test
    void anInterruptedCallerCancelsTheRestAndTheWorkersEnd() throws Exception {
        LocalExecutionEngine engine = new LocalExecutionEngine(2);
        CountDownLatch workerBusy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        String caller = Thread.currentThread().getName();
        try {
            CancellationException e = assertThrows(CancellationException.class, () -> engine.run(range(50), i -> {
                started.incrementAndGet();
                if (!Thread.currentThread().getName().equals(caller)) {
                    workerBusy.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS); // returns early when the cancellation interrupts it
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                } else {
                    try {
                        workerBusy.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                    Thread.currentThread().interrupt(); // the caller is interrupted while the worker still runs
                }
                return i;
            }));
            assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
            assertTrue(Thread.interrupted(), "the interrupt flag stays set (cleared here)");
            assertTrue(started.get() < 50, "tasks after the cancellation are not started: " + started.get());
            // the cancellation interrupted the worker's task (it would otherwise wait 30 s), and the engine still
            // works after a cancelled batch
            assertEquals(List.of(0, 2, 4), assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> engine.run(range(3), i -> 2 * i)));
        } finally {
            release.countDown();
            assertTrue(engine.closeAndWait());
        }
        assertThrows(IllegalStateException.class, () -> engine.run(range(2), i -> i));
    }

    @Test
    void closeEndsParkedWorkers() throws Exception {
        LocalExecutionEngine engine = new LocalExecutionEngine(3);
        assertEquals(List.of(0, 1, 2, 3), engine.run(range(4), i -> i));
        Thread.sleep(20); // past the spin: the workers are parked
        long t0 = System.nanoTime();
        assertTrue(engine.closeAndWait(), "every worker ended");
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L);
    }
}
