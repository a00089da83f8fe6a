package io.github.fl4j.algorithms.secagg;

/**
 * The fixed-point encoding of secure aggregation: a real value v becomes the integer round(clip(v, -R, R) 2^k) in
 * two's complement modulo 2^b, an element of Z_{2^b}; sums of encodings modulo 2^b decode to the sum of the rounded
 * values as long as the true sum stays in [-2^(b-1), 2^(b-1)).
 *
 * <p>Round trip: for |v| &lt;= R, |decode(encode(v)) - v| &lt;= 2^-(k+1) (rounding to the nearest multiple of 2^-k,
 * ties up). Immutable and thread-safe.
 *
 * @param modulusBits    b, the width of the ring Z_{2^b}, in [8, 53] (53: the values cross as exact float64 numbers)
 * @param fractionalBits k, the scale 2^k, in [0, b - 2]
 * @param clipRange      R &gt; 0, finite, with R 2^k &lt; 2^(b-1)
 */
public record FixedPoint(int modulusBits, int fractionalBits, double clipRange) {

    /** Checks the ranges above; a bad value is named in the exception. */
    public FixedPoint {
        if (modulusBits < 8 || modulusBits > 53) {
            throw new IllegalArgumentException("modulusBits must be in [8, 53], was " + modulusBits);
        }
        if (fractionalBits < 0 || fractionalBits > modulusBits - 2) {
            throw new IllegalArgumentException("fractionalBits must be in [0, " + (modulusBits - 2) + "], was "
                    + fractionalBits);
        }
        if (!(clipRange > 0) || Double.isInfinite(clipRange)) {
            throw new IllegalArgumentException("clipRange must be > 0 and finite, was " + clipRange);
        }
        if (Math.scalb(clipRange, fractionalBits) >= Math.scalb(1.0, modulusBits - 1)) {
            throw new IllegalArgumentException("clipRange * 2^fractionalBits must be < 2^(modulusBits - 1) = 2^"
                    + (modulusBits - 1) + ", was " + clipRange + " * 2^" + fractionalBits);
        }
    }

    /** 2^b - 1, the mask that reduces a long modulo 2^b. */
    public long mask() {
        return (1L << modulusBits) - 1;
    }

    /** The largest encoded magnitude, round(R 2^k). */
    public long maxMagnitude() {
        return Math.round(Math.scalb(clipRange, fractionalBits));
    }

    /** True when |v| &gt; R: {@link #encode} clips v. */
    public boolean clips(double v) {
        return Math.abs(v) > clipRange;
    }

    /** round(clip(v, -R, R) 2^k) modulo 2^b. NaN is not accepted (the engine stops non-finite uploads first). */
    public long encode(double v) {
        double c = Math.max(-clipRange, Math.min(clipRange, v));
        return Math.round(Math.scalb(c, fractionalBits)) & mask();
    }

    /** An element of Z_{2^b} as a signed integer in [-2^(b-1), 2^(b-1)). */
    public long signed(long u) {
        long m = u & mask();
        return m >= (1L << (modulusBits - 1)) ? m - (1L << modulusBits) : m;
    }

    /** The real value of an element of Z_{2^b} (a single encoding or a sum of them): signed(u) 2^-k. */
    public double decode(long u) {
        return Math.scalb((double) signed(u), -fractionalBits);
    }

    /**
     * Fails with an IllegalArgumentException naming the counts when a sum of {@code n} encodings of
     * {@code dimension} coordinates could wrap around: n round(R 2^k) must be &lt; 2^(b-1), and so must n d (the sum
     * of the clip counts, which crosses as one more coordinate).
     */
    public void checkSumFits(int n, long dimension) {
        long half = 1L << (modulusBits - 1);
        if (n > 0 && maxMagnitude() > (half - 1) / n) {
            throw new IllegalArgumentException("a sum of " + n + " fixed-point values of magnitude up to R 2^k = "
                    + maxMagnitude() + " does not fit in " + modulusBits + " bits (needs n R 2^k < 2^"
                    + (modulusBits - 1) + "); raise modulusBits or lower clipRange or fractionalBits");
        }
        if (n > 0 && dimension > (half - 1) / n) {
            throw new IllegalArgumentException("a sum of " + n + " clip counts of up to " + dimension
                    + " coordinates does not fit in " + modulusBits + " bits; raise modulusBits");
        }
    }
}
