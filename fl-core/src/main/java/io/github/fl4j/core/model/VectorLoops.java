package io.github.fl4j.core.model;

/**
 * The vector loops of {@link VectorKernels}: the only class that uses the incubating Vector API. Nothing refers to it
 * by type; {@code VectorKernels} finds its methods by name, through method handles that C2 cannot inline, so that
 * every loop is compiled on its own, and only when the module is present. Each loop covers full groups of eight and
 * calls nothing; the caller does the rest in scalar code.
 *
 * <p>The Vector API's types appear only inside the method bodies, fully qualified, with {@code var} locals: javadoc
 * reads the declarations of every class in a documented package but not the bodies, so the API documentation builds
 * without the incubating module (and without the warning about using it, which would fail its doclint check).
 */
final class VectorLoops {
    private static final int LANES = 8;

    private VectorLoops() {
    }

    /** The doubles in the JVM's preferred vector: 8 with AVX-512. */
    static int preferredLanes() {
        return jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED.length();
    }

    /**
     * The exponential's second pass from {@code from}, eight elements at a time: returns where it stopped, at the
     * first group of eight holding an argument below -708 or NaN, or where fewer than eight are left. It calls
     * nothing and takes the table as an argument. Both were measured to matter: with the whole exponential in
     * this loop, with a call in it, or with the table read from its constant field, C2 left some vectors boxed
     * (hundreds of bytes allocated per call of 64 elements); in this form it allocates nothing.
     */
    static int expScaleLoop(int from, int end, double[] out, double[] kd, double[] p, int[] indices,
            double[] table) {
        var s = jdk.incubator.vector.DoubleVector.SPECIES_512;
        var index = jdk.incubator.vector.IntVector.SPECIES_256;
        int q = from;
        for (; q + LANES <= end; q += LANES) {
            var k = jdk.incubator.vector.DoubleVector.fromArray(s, kd, q).reinterpretAsLongs().sub(Exp.SHIFT_BITS);
            if (k.compare(jdk.incubator.vector.VectorOperators.LT, Exp.K_SAFE)
                    .or(k.compare(jdk.incubator.vector.VectorOperators.GT, 0L)).anyTrue()) {
                return q;
            }
            var j = k.and(127L).lanewise(jdk.incubator.vector.VectorOperators.LSHL, 1L)
                    .convertShape(jdk.incubator.vector.VectorOperators.L2I, index, 0);
            ((jdk.incubator.vector.IntVector) j).intoArray(indices, 0);
            var hi = jdk.incubator.vector.DoubleVector.fromArray(s, table, 0, indices, 0);
            var lo = jdk.incubator.vector.DoubleVector.fromArray(s, table, 1, indices, 0);
            var scale = k.lanewise(jdk.incubator.vector.VectorOperators.ASHR, 7L).add(1023L)
                    .lanewise(jdk.incubator.vector.VectorOperators.LSHL, 52L).reinterpretAsDoubles();
            var poly = jdk.incubator.vector.DoubleVector.fromArray(s, p, q);
            scale.mul(hi.add(lo.add(hi.mul(poly)))).intoArray(out, q);
        }
        return q;
    }

    /**
     * The elementwise part of the logistic loss and coefficients ({@code Kernels.softplusOfLabelled}) for the full
     * groups of eight from 0, leaving the running sums to scalar code. With {@code z = -y t}, {@code u = 1 + e},
     * {@code r = 1 / u} and {@code p} = 1 where the sign bit of z is clear, else 0 (what {@code 0.5 + copySign(0.5, z)}
     * gives), it writes the coefficient {@code (-y ((p + (1 - p) e) r)) scale} over {@code e}, and the sums' terms
     * {@code u}, {@code p z} and {@code ((u - 1) - e) r} into {@code u}, {@code lin} and {@code rnd}: each the scalar
     * expression's operations in its order. Returns where it stopped (the first index of an incomplete group).
     */
    static int logisticTermsLoop(double[] t, double[] y, int yFrom, int n, double[] e, double scale, double[] u,
            double[] lin, double[] rnd) {
        var s = jdk.incubator.vector.DoubleVector.SPECIES_512;
        var one = jdk.incubator.vector.DoubleVector.broadcast(s, 1.0);
        int q = 0;
        for (; q + LANES <= n; q += LANES) {
            var minusY = jdk.incubator.vector.DoubleVector.fromArray(s, y, yFrom + q).neg();
            var z = minusY.mul(jdk.incubator.vector.DoubleVector.fromArray(s, t, q));
            var eq = jdk.incubator.vector.DoubleVector.fromArray(s, e, q);
            var uq = one.add(eq);
            var r = one.div(uq);
            var negative = z.reinterpretAsLongs().compare(jdk.incubator.vector.VectorOperators.LT, 0L).cast(s);
            var pos = one.blend(0.0, negative);
            minusY.mul(pos.add(one.sub(pos).mul(eq)).mul(r)).mul(scale).intoArray(e, q);
            pos.mul(z).intoArray(lin, q);
            uq.sub(1.0).sub(eq).mul(r).intoArray(rnd, q);
            uq.intoArray(u, q);
        }
        return q;
    }

    /** The margins of the first {@code groups} row groups of a lane layout whose values are all 1. */
    static void marginsOfOnesLoop(int[] idx, int[] start, int[] len, int[] rows, int groups, double[] x,
            double[] out) {
        var s = jdk.incubator.vector.DoubleVector.SPECIES_512;
        for (int q = 0; q < groups; q++) {
            var acc = jdk.incubator.vector.DoubleVector.zero(s);
            for (int t = 0, b = start[q], n = len[q]; t < n; t++, b += LANES) {
                acc = acc.add(jdk.incubator.vector.DoubleVector.fromArray(s, x, 0, idx, b));
            }
            acc.intoArray(out, 0, rows, q * LANES);
        }
    }

    /** The margins of the first {@code groups} row groups, each term its value times the gathered parameter. */
    static void marginsOfValuesLoop(int[] idx, double[] val, int[] start, int[] len, int[] rows, int groups,
            double[] x, double[] out) {
        var s = jdk.incubator.vector.DoubleVector.SPECIES_512;
        for (int q = 0; q < groups; q++) {
            var acc = jdk.incubator.vector.DoubleVector.zero(s);
            for (int t = 0, b = start[q], n = len[q]; t < n; t++, b += LANES) {
                var v = jdk.incubator.vector.DoubleVector.fromArray(s, val, b);
                acc = acc.add(v.mul(jdk.incubator.vector.DoubleVector.fromArray(s, x, 0, idx, b)));
            }
            acc.intoArray(out, 0, rows, q * LANES);
        }
    }

    /** The gradient of the first {@code groups} column groups of a lane layout whose values are all 1. */
    static void gatherOfOnesLoop(int[] idx, int[] start, int[] len, int[] cols, int groups, double[] c,
            double[] g) {
        var s = jdk.incubator.vector.DoubleVector.SPECIES_512;
        for (int q = 0; q < groups; q++) {
            var acc = jdk.incubator.vector.DoubleVector.fromArray(s, g, 0, cols, q * LANES);
            for (int t = 0, b = start[q], n = len[q]; t < n; t++, b += LANES) {
                acc = acc.add(jdk.incubator.vector.DoubleVector.fromArray(s, c, 0, idx, b));
            }
            acc.intoArray(g, 0, cols, q * LANES);
        }
    }

    /** The gradient of the first {@code groups} column groups, each term the gathered coefficient times its value. */
    static void gatherOfValuesLoop(int[] idx, double[] val, int[] start, int[] len, int[] cols, int groups,
            double[] c, double[] g) {
        var s = jdk.incubator.vector.DoubleVector.SPECIES_512;
        for (int q = 0; q < groups; q++) {
            var acc = jdk.incubator.vector.DoubleVector.fromArray(s, g, 0, cols, q * LANES);
            for (int t = 0, b = start[q], n = len[q]; t < n; t++, b += LANES) {
                var coefficient = jdk.incubator.vector.DoubleVector.fromArray(s, c, 0, idx, b);
                acc = acc.add(coefficient.mul(jdk.incubator.vector.DoubleVector.fromArray(s, val, b)));
            }
            acc.intoArray(g, 0, cols, q * LANES);
        }
    }
}
