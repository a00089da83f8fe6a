package io.github.fl4j.algorithms.secagg;

import java.util.Locale;

/**
 * The parameters of simulated secure aggregation: the fixed-point encoding, the dropout probability, the threshold of
 * the secret sharing, and the sizes of the protocol's messages (docs/secagg.md). Immutable; build with
 * {@link #builder()}.
 *
 * <p>Bits of one round with n participants, D of which drop after masking (s = n - D survivors), d model coordinates
 * (the masked input has d + 1: the last one carries the client's clip count), K = {@link #keyBits()}, F =
 * {@link #shareBits()}, I = {@link #idBits()}, O = {@link #encryptionOverheadBits()}, and E = 2I + 2F + O the size of
 * one encrypted pair of shares:
 * <pre>
 *   uplink, per participant:   2K (AdvertiseKeys) + (n-1) E (ShareKeys)
 *            per survivor:     + (d+1) b (MaskedInputCollection) + n (I + F) (Unmasking: one share per participant)
 *   downlink, per participant: n (I + 2K) (the key list) + (n-1) E (the shares addressed to it)
 *            per survivor:     + s I (the list of survivors U3)
 * </pre>
 * on top of the wrapped algorithm's broadcast. A dropped client's masked input and unmasking shares are not sent (0
 * bits).
 */
public final class SecAggParams {
    private final FixedPoint fixedPoint;
    private final double dropoutProbability;
    private final double thresholdFraction;
    private final int keyBits;
    private final int shareBits;
    private final int idBits;
    private final int encryptionOverheadBits;

    private SecAggParams(Builder b) {
        this.fixedPoint = new FixedPoint(b.modulusBits, b.fractionalBits, b.clipRange);
        if (!(b.dropoutProbability >= 0 && b.dropoutProbability <= 1)) {
            throw new IllegalArgumentException("dropoutProbability must be in [0, 1], was " + b.dropoutProbability);
        }
        if (!(b.thresholdFraction >= 0 && b.thresholdFraction < 1)) {
            throw new IllegalArgumentException("thresholdFraction must be in [0, 1), was " + b.thresholdFraction);
        }
        positive("keyBits", b.keyBits);
        positive("shareBits", b.shareBits);
        positive("idBits", b.idBits);
        if (b.encryptionOverheadBits < 0) {
            throw new IllegalArgumentException("encryptionOverheadBits must be >= 0, was " + b.encryptionOverheadBits);
        }
        this.dropoutProbability = b.dropoutProbability;
        this.thresholdFraction = b.thresholdFraction;
        this.keyBits = b.keyBits;
        this.shareBits = b.shareBits;
        this.idBits = b.idBits;
        this.encryptionOverheadBits = b.encryptionOverheadBits;
    }

    private static void positive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, was " + v);
        }
    }

    /** A builder with the defaults: b = 32, k = 16, R = 8, no dropouts, threshold fraction 1/2, 256/256/32/128 bits. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static SecAggParams defaults() {
        return builder().build();
    }

    /** The fixed-point encoding (b, k, R). */
    public FixedPoint fixedPoint() {
        return fixedPoint;
    }

    /** b. */
    public int modulusBits() {
        return fixedPoint.modulusBits();
    }

    /** The probability that a participant drops after masking and before unmasking. */
    public double dropoutProbability() {
        return dropoutProbability;
    }

    /** The fraction f of the threshold t = min(n, floor(f n) + 1). */
    public double thresholdFraction() {
        return thresholdFraction;
    }

    /**
     * The threshold t of the t-out-of-n secret sharing for n participants: min(n, floor(f n) + 1), a strict majority
     * with the default f = 1/2. Fewer than t survivors cannot reconstruct the masks, and the round fails.
     */
    public int threshold(int n) {
        return (int) Math.min(n, Math.floor(thresholdFraction * n) + 1);
    }

    /** K, bits of one public key (default 256, an X25519 key). */
    public int keyBits() {
        return keyBits;
    }

    /** F, bits of one Shamir share (default 256, an element of a ~256-bit prime field). */
    public int shareBits() {
        return shareBits;
    }

    /** I, bits of one client id (default 32). */
    public int idBits() {
        return idBits;
    }

    /** O, bits an authenticated encryption adds to one ciphertext (default 128, an AES-GCM tag). */
    public int encryptionOverheadBits() {
        return encryptionOverheadBits;
    }

    /** E = 2I + 2F + O, bits of one encrypted pair of shares (u, v, share of s_u^SK, share of b_u). */
    public long encryptedShareBits() {
        return 2L * idBits + 2L * shareBits + encryptionOverheadBits;
    }

    /** 2K: a client's two public keys (AdvertiseKeys). */
    public long advertiseBits() {
        return 2L * keyBits;
    }

    /** (n-1) E: a client's encrypted shares, uplink (ShareKeys), and the ones addressed to it, downlink. */
    public long sharesBits(int n) {
        return (n - 1L) * encryptedShareBits();
    }

    /** (d+1) b: a masked input of d coordinates and the clip count (MaskedInputCollection). */
    public long maskedInputBits(long dimension) {
        return (dimension + 1) * fixedPoint.modulusBits();
    }

    /** n (I + F): a survivor's shares, one per participant (Unmasking). */
    public long unmaskingBits(int n) {
        return n * ((long) idBits + shareBits);
    }

    /** n (I + 2K): the list of the participants' ids and public keys the server sends to each. */
    public long keyListBits(int n) {
        return n * ((long) idBits + 2L * keyBits);
    }

    /** s I: the list of the s survivors the server sends to each survivor. */
    public long survivorListBits(int survivors) {
        return (long) survivors * idBits;
    }

    /** The protocol's uplink bits of one round (all participants), the formula of the class comment. */
    public long roundUplinkBits(int n, int dropped, long dimension) {
        int s = n - dropped;
        return n * (advertiseBits() + sharesBits(n)) + s * (maskedInputBits(dimension) + unmaskingBits(n));
    }

    /** The protocol's downlink bits of one round (all participants), without the wrapped algorithm's broadcast. */
    public long roundDownlinkProtocolBits(int n, int dropped) {
        int s = n - dropped;
        return n * (keyListBits(n) + sharesBits(n)) + s * survivorListBits(s);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "b=%d, k=%d, R=%s, drop=%s, t=%s", fixedPoint.modulusBits(),
                fixedPoint.fractionalBits(), fixedPoint.clipRange(), dropoutProbability, thresholdFraction);
    }

    /** Builder of {@link SecAggParams}; {@link #build()} validates and names any bad field. */
    public static final class Builder {
        private int modulusBits = 32;
        private int fractionalBits = 16;
        private double clipRange = 8;
        private double dropoutProbability;
        private double thresholdFraction = 0.5;
        private int keyBits = 256;
        private int shareBits = 256;
        private int idBits = 32;
        private int encryptionOverheadBits = 128;

        private Builder() {
        }

        /** b, the width of Z_{2^b} (default 32; in [8, 53]). */
        public Builder modulusBits(int v) {
            modulusBits = v;
            return this;
        }

        /** k, values are rounded to multiples of 2^-k (default 16). */
        public Builder fractionalBits(int v) {
            fractionalBits = v;
            return this;
        }

        /** R, values are clipped to [-R, R] before encoding (default 8). */
        public Builder clipRange(double v) {
            clipRange = v;
            return this;
        }

        /** The probability that a participant drops after masking and before unmasking (default 0). */
        public Builder dropoutProbability(double v) {
            dropoutProbability = v;
            return this;
        }

        /** f in [0, 1) of the threshold t = min(n, floor(f n) + 1) (default 1/2: a strict majority). */
        public Builder thresholdFraction(double v) {
            thresholdFraction = v;
            return this;
        }

        /** K, bits of a public key (default 256). */
        public Builder keyBits(int v) {
            keyBits = v;
            return this;
        }

        /** F, bits of a share (default 256). */
        public Builder shareBits(int v) {
            shareBits = v;
            return this;
        }

        /** I, bits of a client id (default 32). */
        public Builder idBits(int v) {
            idBits = v;
            return this;
        }

        /** O, bits of a ciphertext's authentication overhead (default 128). */
        public Builder encryptionOverheadBits(int v) {
            encryptionOverheadBits = v;
            return this;
        }

        /** Validates and builds. */
        public SecAggParams build() {
            return new SecAggParams(this);
        }
    }
}
