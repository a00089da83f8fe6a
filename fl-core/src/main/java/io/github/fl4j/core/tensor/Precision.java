package io.github.fl4j.core.tensor;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * The floating-point precision of a simulation: every parameter, gradient, dataset and message vector of a run has
 * this type. Float32 is the default (fast, and what the FL papers' GPU code uses); float64 is for exact replays of
 * float64 reference code and for tests against closed forms.
 *
 * <p>A dense vector of d coordinates costs {@code d * bits()} bits on the wire.
 */
public enum Precision {
    /** IEEE-754 binary32, 32 bits per coordinate. */
    FLOAT32(DataType.FLOAT, 32),
    /** IEEE-754 binary64, 64 bits per coordinate. */
    FLOAT64(DataType.DOUBLE, 64);

    private final DataType dataType;
    private final int bits;

    Precision(DataType dataType, int bits) {
        this.dataType = dataType;
        this.bits = bits;
    }

    /** The ND4J data type. */
    public DataType dataType() {
        return dataType;
    }

    /** Bits per coordinate of a dense vector. */
    public int bits() {
        return bits;
    }

    /** The precision of an ND4J data type. */
    public static Precision of(DataType type) {
        switch (type) {
            case FLOAT:
                return FLOAT32;
            case DOUBLE:
                return FLOAT64;
            default:
                throw new IllegalArgumentException("data type must be FLOAT or DOUBLE, was " + type);
        }
    }
}
