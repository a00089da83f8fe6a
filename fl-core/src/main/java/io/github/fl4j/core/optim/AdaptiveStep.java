package io.github.fl4j.core.optim;

import io.github.fl4j.core.api.ServerOptimizer;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The element-wise step shared by FedAdagrad, FedAdam and FedYogi (Reddi et al., ICLR 2021, Algorithm 2), one loop
 * over the NIO buffers of x, Delta, m and v:
 * <pre>
 *   m_i = beta1 m_i + (1 - beta1) Delta_i
 *   v_i = rule(v_i, Delta_i^2)
 *   x_i = x_i + eta m_i / (sqrt(v_i) + tau)
 * </pre>
 * Each element is computed in double; for float32 vectors m_i and v_i are rounded to float when stored and the stored
 * values enter the x update, so a run resumed from a checkpoint continues with the same bits. Allocates nothing (the
 * buffer views are cached per thread by {@link Tensors}).
 */
final class AdaptiveStep {
    private AdaptiveStep() {
    }

    /** The second-moment rule. */
    enum Rule {
        /** v = v + Delta^2. */
        ADAGRAD,
        /** v = beta2 v + (1 - beta2) Delta^2. */
        ADAM,
        /** v = v - (1 - beta2) Delta^2 sign(v - Delta^2). */
        YOGI
    }

    /** The initial state: m_{-1} = 0 and v_{-1} = tau^2 (two d-vectors). */
    static ServerOptimizer.State init(String kind, double tau, Precision precision, long dimension) {
        INDArray m = Tensors.zeros(precision, dimension);
        INDArray v = Tensors.zeros(precision, dimension);
        v.assign(tau * tau);
        return new ServerOptimizer.State(kind, m, v);
    }

    static void step(Rule rule, String kind, double eta, double beta1, double beta2, double tau, INDArray x,
                     INDArray delta, ServerOptimizer.State state) {
        state.check(kind, 2, x);
        if (delta.length() != x.length() || delta.dataType() != x.dataType()) {
            throw new IllegalArgumentException("delta must match the model " + x.dataType() + "[" + x.length()
                    + "], was " + delta.dataType() + "[" + delta.length() + "]");
        }
        INDArray m = state.vector(0);
        INDArray v = state.vector(1);
        requireContiguous("x", x);
        requireContiguous("delta", delta);
        requireContiguous("m", m);
        requireContiguous("v", v);
        int n = (int) x.length();
        int ox = (int) x.offset();
        int od = (int) delta.offset();
        int om = (int) m.offset();
        int ov = (int) v.offset();
        double keep2 = 1 - beta2;
        double keep1 = 1 - beta1;
        if (x.dataType() == DataType.DOUBLE) {
            DoubleBuffer bx = Tensors.doubleView(x);
            DoubleBuffer bd = Tensors.doubleView(delta);
            DoubleBuffer bm = Tensors.doubleView(m);
            DoubleBuffer bv = Tensors.doubleView(v);
            for (int i = 0; i < n; i++) {
                double d = bd.get(od + i);
                double mi = beta1 * bm.get(om + i) + keep1 * d;
                double vi = second(rule, bv.get(ov + i), d * d, beta2, keep2);
                bm.put(om + i, mi);
                bv.put(ov + i, vi);
                bx.put(ox + i, bx.get(ox + i) + eta * mi / (Math.sqrt(vi) + tau));
            }
        } else {
            FloatBuffer bx = Tensors.floatView(x);
            FloatBuffer bd = Tensors.floatView(delta);
            FloatBuffer bm = Tensors.floatView(m);
            FloatBuffer bv = Tensors.floatView(v);
            for (int i = 0; i < n; i++) {
                double d = bd.get(od + i);
                float mi = (float) (beta1 * bm.get(om + i) + keep1 * d);
                float vi = (float) second(rule, bv.get(ov + i), d * d, beta2, keep2);
                bm.put(om + i, mi);
                bv.put(ov + i, vi);
                bx.put(ox + i, (float) (bx.get(ox + i) + eta * mi / (Math.sqrt(vi) + tau)));
            }
        }
    }

    private static double second(Rule rule, double v, double d2, double beta2, double keep2) {
        switch (rule) {
            case ADAGRAD:
                return v + d2;
            case ADAM:
                return beta2 * v + keep2 * d2;
            default:
                return v - keep2 * d2 * Math.signum(v - d2);
        }
    }

    private static void requireContiguous(String what, INDArray a) {
        boolean ok = a.length() <= 1
                || (a.rank() <= 1 ? a.stride(0) == 1 : a.ordering() == 'c' && a.elementWiseStride() == 1);
        if (!ok || a.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " must be a contiguous vector of at most "
                    + Integer.MAX_VALUE + " elements, was shape " + java.util.Arrays.toString(a.shape())
                    + " with strides " + java.util.Arrays.toString(a.stride()));
        }
    }
}
