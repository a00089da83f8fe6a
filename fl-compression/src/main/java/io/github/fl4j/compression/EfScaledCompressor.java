package io.github.fl4j.compression;

import io.github.fl4j.core.api.CompressionClass;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Tensors;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An unbiased operator scaled for error feedback: C'(x) = C(x) / (omega + 1), with omega = omega(d) of C.
 *
 * <p><b>Class.</b> Contractive with \(\alpha = 1/(\omega + 1)\):
 * \[ \mathbb{E} \Bigl\lVert \tfrac{\mathcal{C}(x)}{\omega+1} - x \Bigr\rVert^2
 *   = \frac{\mathbb{E} \lVert \mathcal{C}(x) \rVert^2}{(\omega+1)^2} - \frac{2 \lVert x \rVert^2}{\omega+1} + \lVert x \rVert^2
 *   \le \Bigl(1 - \frac{1}{\omega+1}\Bigr) \lVert x \rVert^2 \]
 * since \(\mathbb{E} \lVert \mathcal{C}(x) \rVert^2 \le (\omega+1) \lVert x \rVert^2\). This is how EF21, EF21-SGD and EControl use
 * unbiased compressors (Richtarik et al., NeurIPS 2021; flpytorch does the same).
 *
 * <p><b>Bits:</b> those of C (the factor 1/(omega + 1) is known to both sides). Randomness: that of C.
 *
 * <p>Thread-safe if C is.
 */
public final class EfScaledCompressor implements Compressor {
    private final Compressor unbiased;

    /**
     * Wraps an unbiased (or lossless) operator.
     *
     * @throws IllegalArgumentException if {@code unbiased} is not unbiased (checked on d = 1, and again per call)
     */
    public EfScaledCompressor(Compressor unbiased) {
        if (unbiased == null) {
            throw new IllegalArgumentException("compressor must not be null");
        }
        this.unbiased = unbiased;
        omega(1);
    }

    /** The wrapped unbiased operator. */
    public Compressor unbiased() {
        return unbiased;
    }

    private double omega(long d) {
        CompressionClass c = unbiased.compressionClass(d);
        if (!c.isUnbiased()) {
            throw new IllegalArgumentException("scaledForEf needs an unbiased compressor, "
                    + unbiased.name() + " is " + c.kind());
        }
        return c.kind() == CompressionClass.Kind.LOSSLESS ? 0 : c.parameter();
    }

    @Override
    public String name() {
        return "ef-scaled(" + unbiased.name() + ")";
    }

    @Override
    public CompressionClass compressionClass(long dimension) {
        double omega = omega(dimension);
        return omega == 0 ? CompressionClass.lossless() : CompressionClass.contractive(1.0 / (omega + 1));
    }

    @Override
    public long compress(INDArray x, INDArray out, RandomStream rng) {
        int d = Vectors.check(x, out);
        double c = 1.0 / (omega(d) + 1);
        long bits = unbiased.compress(x, out, rng);
        if (c != 1.0) {
            int oo = (int) out.offset();
            if (out.dataType() == DataType.DOUBLE) {
                DoubleBuffer ob = Tensors.doubleView(out);
                for (int j = 0; j < d; j++) {
                    ob.put(oo + j, c * ob.get(oo + j));
                }
            } else {
                FloatBuffer ob = Tensors.floatView(out);
                float cf = (float) c;
                for (int j = 0; j < d; j++) {
                    ob.put(oo + j, cf * ob.get(oo + j));
                }
            }
        }
        return bits;
    }

    @Override
    public String toString() {
        return name();
    }
}
