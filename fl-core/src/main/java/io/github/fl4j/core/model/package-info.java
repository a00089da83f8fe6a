/**
 * The built-in models: differentiable objectives over one flat parameter vector, as the optimisation papers write
 * them ({@code f(x; B) = (1/|B|) sum_{i in B} l(x; a_i, y_i) + r(x)}).
 *
 * <ul>
 *   <li>{@link io.github.fl4j.core.model.LeastSquares}: {@code (1/(2|B|)) ||A x - y||^2};</li>
 *   <li>{@link io.github.fl4j.core.model.LogisticRegression}: binary, labels -1/+1, optional L2 or the non-convex
 *       regulariser {@code lambda sum_k x_k^2/(1+x_k^2)} of the EF21 experiments;</li>
 *   <li>{@link io.github.fl4j.core.model.Mlp}: fully connected ReLU network with softmax cross-entropy, e.g.
 *       McMahan et al.'s 784-200-200-10 "2NN" ({@link io.github.fl4j.core.model.Mlp#mcMahan2nn()});</li>
 *   <li>{@link io.github.fl4j.core.model.SoftmaxRegression}: k classes, weights and bias, optional L2 on the weights
 *       (the convex model of the FedProx paper's Synthetic and MNIST experiments);</li>
 *   <li>{@link io.github.fl4j.core.model.GradientCheck}: central finite differences in float64, for these and for
 *       users' own {@link io.github.fl4j.core.api.Model}s;</li>
 *   <li>{@link io.github.fl4j.core.model.SmoothnessConstants}: L_i by power iteration, with their arithmetic and
 *       quadratic means, for theory step sizes;</li>
 *   <li>{@link io.github.fl4j.core.model.ParameterFiles}: initial parameters read from (and written to) text files, so
 *       a run can start exactly where another tool's did.</li>
 * </ul>
 *
 * <p><b>Flat parameters.</b> Every model sees its parameters as one contiguous vector of length
 * {@code dimension()}, and writes its gradient into a caller-owned vector of the same length and layout. A model with
 * matrix parameters documents where each block lives (softmax regression: W row-major [p, k], then b); internally it
 * uses matrix views of the flat vector, never copies.
 *
 * <p><b>Buffers.</b> Parameters, gradients and batches share one precision (float32 or float64: the batch's type).
 * Logistic regression and least squares compute loss and gradient in ONE pass over the rows with plain Java row
 * kernels (the margin {@code a_i . x}, then {@code g += c_i a_i} while the row is in cache), on dense rows and on the
 * rows of a sparse {@code Dataset} alike, with the same bits for both forms (the kernels' summation order, package
 * class {@code Rows}); the power iteration of {@link io.github.fl4j.core.model.SmoothnessConstants} uses the same
 * kernels. With the JVM started with {@code --add-modules jdk.incubator.vector} on a processor with 512-bit vectors,
 * the whole-client passes over sparse data run as SIMD gathers ({@link io.github.fl4j.core.model.Simd}), with
 * the same bits. Softmax regression uses BLAS gemm on dense batches (written straight into {@code gradientOut}) and
 * the row kernels on sparse ones; the MLP uses BLAS. Per-call temporaries (margins, logits, rows of p doubles) live in
 * per-thread scratch buffers that grow to the largest batch a thread has seen and are then reused, so a training step
 * allocates no ND4J array. Per-element work (softplus, the softmax rows, label checks) reads and writes the backing
 * buffers directly. The matrix products call OpenBLAS directly on the arrays' native memory (the same library ND4J
 * uses): for the small batches of federated clients this is 5 to 20 times faster than {@code Nd4j.gemm}, whose op
 * dispatch costs about 10 microseconds per call.
 *
 * <p><b>Thread safety.</b> Model instances are immutable apart from their per-thread scratch, so one instance may be
 * used by many worker threads at once, each with its own {@code gradientOut}. Results do not depend on which thread
 * computes them or on what it computed before (tested bit-for-bit). Models never modify {@code params} or the batch.
 *
 * <p><b>Bad input.</b> Wrong lengths, feature counts, data types and invalid labels raise
 * {@link java.lang.IllegalArgumentException} with a message naming the argument and the bad value (for labels: the
 * row and the value).
 */
package io.github.fl4j.core.model;
