package io.github.fl4j.core.model;

/**
 * Whether the built-in models' SIMD kernels run in this JVM, and why not.
 *
 * <p>On an x86_64 processor with 512-bit vectors (AVX-512), when the JVM is started with
 * {@code --add-modules jdk.incubator.vector}, the whole-client passes of the sparse logistic-regression and
 * least-squares kernels (the margins {@code A x}, the gradient {@code A^T c}, and the second pass of the logistic
 * kernels' exponential) run eight lanes at a time through the incubating Vector API. Each lane performs the scalar
 * kernel's operations on its element in the scalar order, so every result has the same bits with and without them;
 * only the time changes (on w8a the two passes take 0.68-0.77 of the scalar time, the exponential 0.57-0.59). They are
 * off without the module, on other processors, with {@code -Dfl4j.simd=false}, or if the JIT did not compile them
 * allocation-free within 10 s of their first use (a warm-up of 1.1-1.9 s, once per JVM).
 *
 * <p>A JVM started with {@code -Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0} runs them without the Vector API's
 * per-gather bounds checks (about 10 % less CPU per EF21 round on w8a); they stay in bounds without them, because the
 * lane layout's indices are in range by construction and each pass checks its arrays' lengths first. fl4j never sets
 * that property itself: it applies to every user of the Vector API in the JVM.
 */
public final class Simd {
    private Simd() {
    }

    /** Whether the SIMD kernels run in this JVM (the first call may run their warm-up). */
    public static boolean enabled() {
        return VectorKernels.ENABLED;
    }

    /**
     * One line for reports: {@code "8 lanes (Vector API, compiled in N ms)"} (with {@code ", its bounds checks off"}
     * before the parenthesis closes when they are), or {@code "off (...)"} with the reason (the module missing, the
     * property set, the processor, or the warm-up).
     */
    public static String describe() {
        return VectorKernels.describe();
    }
}
