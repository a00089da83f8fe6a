package io.github.fl4j.core.tensor;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets ND4J's native (OpenMP) and BLAS thread counts to one per operation.
 *
 * <p>fl4j gets its parallelism from running clients concurrently; letting every op also spawn OpenMP threads
 * oversubscribes the cores (on the 2-core reference machine a DL4J fit swung from 5 to 77 ms) and can change the
 * order of floating-point reductions. The engine calls {@link #useOneThreadPerOp()} before every run, so no
 * environment variable is needed.
 */
public final class NativeThreads {
    private static final Logger LOG = LoggerFactory.getLogger(NativeThreads.class);
    private static volatile boolean configured;

    private NativeThreads() {
    }

    /** The current (ND4J loop threads, OpenMP threads, BLAS threads), for reports and tests. */
    public static int[] current() {
        return new int[] {Nd4j.getEnvironment().maxMasterThreads(),
                NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads(),
                Nd4j.factory().blas().getMaxThreads()};
    }

    /** Idempotent: sets ND4J's loop threads (master threads), OpenMP threads and BLAS threads to 1. */
    public static void useOneThreadPerOp() {
        if (configured) {
            return;
        }
        synchronized (NativeThreads.class) {
            if (configured) {
                return;
            }
            // Environment.setMaxThreads is a no-op in libnd4j 1.0.0-M2.1; the thread pool of ND4J's own loops follows
            // maxMasterThreads, OpenMP follows setOmpNumThreads, and OpenBLAS has its own setting.
            Nd4j.getEnvironment().setMaxMasterThreads(1);
            NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
            Nd4j.factory().blas().setMaxThreads(1);
            configured = true;
            LOG.debug("ND4J native threads per op set to 1 (backend {}, BLAS vendor {})",
                    Nd4j.getBackend().getClass().getSimpleName(), Nd4j.factory().blas().getBlasVendor());
        }
    }
}
