/**
 * ND4J tensor policy: the {@link io.github.fl4j.core.tensor.Precision} of a run, the shared flat-vector kernels
 * (BLAS level-1 calls into reused buffers) and native thread configuration.
 *
 * <p>Rules (see docs/design.md): batch arithmetic into BLAS-level calls, work in place into reused buffers, never
 * allocate in a hot loop, read the backing buffer directly for per-element work, one native thread per op.
 */
package io.github.fl4j.core.tensor;
