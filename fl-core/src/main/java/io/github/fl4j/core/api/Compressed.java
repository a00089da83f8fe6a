package io.github.fl4j.core.api;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A compressed message: the decoded vector C(x) the receiver sees and the exact number of bits of its encoding.
 *
 * @param decoded the decoded vector
 * @param bits    the size of the encoding in bits
 */
public record Compressed(INDArray decoded, long bits) {
}
