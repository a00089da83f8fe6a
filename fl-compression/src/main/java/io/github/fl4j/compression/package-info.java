/**
 * Compression operators with exact bit accounting (see docs/compression.md), built by {@link
 * io.github.fl4j.compression.Compressors}.
 *
 * <table>
 *   <caption>Operators (d = dimension, b = 32 for float32 / 64 for float64)</caption>
 *   <tr><th>Operator</th><th>Class</th><th>Bits</th></tr>
 *   <tr><td>{@link io.github.fl4j.compression.TopKCompressor}</td><td>contractive, alpha = k/d</td>
 *       <td>b k + min(k ceil(log2 d), d); values only: b k</td></tr>
 *   <tr><td>{@link io.github.fl4j.compression.RandKCompressor} scaled / unscaled</td>
 *       <td>unbiased, omega = d/k - 1 / contractive, alpha = k/d</td><td>b k + 32 (shared seed)</td></tr>
 *   <tr><td>{@link io.github.fl4j.compression.BernoulliCompressor}(p)</td><td>unbiased, omega = 1/p - 1</td>
 *       <td>b d + 1 when sent, 1 when not</td></tr>
 *   <tr><td>{@link io.github.fl4j.compression.QsgdCompressor}(s)</td>
 *       <td>unbiased, omega = min(d/s^2, sqrt(d)/s)</td><td>b + d (1 + ceil(log2(s+1)))</td></tr>
 *   <tr><td>{@link io.github.fl4j.compression.NaturalCompressor}</td><td>unbiased, omega = 1/8</td>
 *       <td>9 d (float32), 12 d (float64)</td></tr>
 *   <tr><td>{@link io.github.fl4j.compression.ScaledSignCompressor}</td><td>contractive, alpha = 1/d</td>
 *       <td>d + b</td></tr>
 *   <tr><td>{@link io.github.fl4j.compression.SignCompressor}</td><td>BIASED (no guarantee)</td><td>d</td></tr>
 *   <tr><td>{@link io.github.fl4j.compression.ComposedCompressor}</td>
 *       <td>unbiased o unbiased: omega = (w1+1)(w2+1)-1; else BIASED</td><td>the outer operator's bits</td></tr>
 *   <tr><td>{@link io.github.fl4j.compression.EfScaledCompressor}</td><td>contractive, alpha = 1/(omega+1)</td>
 *       <td>those of the wrapped operator</td></tr>
 * </table>
 *
 * <p>The {@link io.github.fl4j.core.api.Compressor} contract and the identity operator
 * ({@link io.github.fl4j.core.comm.IdentityCompressor}) live in fl-core. Every operator writes the decoded C(x) into
 * a caller-owned buffer through the arrays' NIO buffers, draws only from the given
 * {@link io.github.fl4j.core.random.RandomStream}, and keeps per-thread scratch so that one instance serves all
 * clients.
 */
package io.github.fl4j.compression;
