package io.github.fl4j.core.data.image;

import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Tensors;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The standard training augmentation of CIFAR pipelines in federated vision papers: a random crop of the image padded
 * by {@code padding} pixels on every side, then a random horizontal flip (torchvision's
 * {@code RandomCrop(H, padding=4)} followed by {@code RandomHorizontalFlip()}).
 *
 * <h2>Definition</h2>
 * For an image X of shape (C, H, W) (CHW rows, see {@link ImageShape}) and padding p, let P be X padded with
 * p pixels on each side, where the padded pixels of channel c hold {@code fill[c]}. For each image three values are
 * drawn from the stream, in this order: the crop offsets {@code dy = rng.nextInt(2p+1)} and
 * {@code dx = rng.nextInt(2p+1)} (no draw when p = 0) and, when flipping is on, {@code f = rng.nextInt(2)} (1 = flip).
 * The output is
 * <pre>
 *   out[c][y][x] = P[c][y + dy][x' + dx] = X[c][y + dy - p][x' + dx - p]  (fill[c] outside X),
 *   x' = W - 1 - x if f = 1, else x'= x.
 * </pre>
 * So dy = dx = p with f = 0 is the identity, and every output pixel is a copy of an input pixel or the fill value
 * (exact in float32 and float64). Images are transformed one after the other, in row order.
 *
 * <h2>The fill value</h2>
 * torchvision pads the raw image with black (pixel 0) before normalising, so on features normalised as
 * (pixel/255 - mean_c)/std_c the matching fill is {@code -mean_c/std_c} per channel; {@link #normalizedBlack}
 * computes it. Zero fill (the default) pads with the mean colour instead. Immutable and thread-safe.
 */
public final class CropFlip implements BatchAugmentation {
    /** The padding of the CIFAR pipelines: 4 pixels on each side of a 32 x 32 image. */
    public static final int DEFAULT_PADDING = 4;

    private final ImageShape shape;
    private final int padding;
    private final boolean flip;
    private final double[] fill;

    /**
     * @param shape   the image shape of the feature rows
     * @param padding p, in [0, min(H, W)]
     * @param flip    whether to flip horizontally with probability 1/2
     * @param fill    the value of the padded pixels, one per channel (or one value for all channels); null = zero
     * @throws IllegalArgumentException on a null shape, a padding out of range, or a fill of the wrong length or with
     *                                  a non-finite value
     */
    public CropFlip(ImageShape shape, int padding, boolean flip, double[] fill) {
        if (shape == null) {
            throw new IllegalArgumentException("shape must not be null");
        }
        if (padding < 0 || padding > Math.min(shape.height(), shape.width())) {
            throw new IllegalArgumentException("padding must be in [0, " + Math.min(shape.height(), shape.width())
                    + "] for images of shape " + shape + ", was " + padding);
        }
        double[] f = new double[shape.channels()];
        if (fill != null) {
            if (fill.length != 1 && fill.length != shape.channels()) {
                throw new IllegalArgumentException("fill must hold 1 or " + shape.channels()
                        + " values (one per channel), had " + fill.length);
            }
            for (int c = 0; c < f.length; c++) {
                f[c] = fill[fill.length == 1 ? 0 : c];
                if (!Double.isFinite(f[c])) {
                    throw new IllegalArgumentException("fill must be finite, value " + c + " was " + f[c]);
                }
            }
        }
        this.shape = shape;
        this.padding = padding;
        this.flip = flip;
        this.fill = f;
    }

    /** A crop with padding {@value #DEFAULT_PADDING} and a flip, with zero fill. */
    public static CropFlip standard(ImageShape shape) {
        return new CropFlip(shape, DEFAULT_PADDING, true, null);
    }

    /**
     * The fill {@code -mean_c/std_c} of each channel: black (raw pixel 0) on features normalised as
     * (pixel/255 - mean_c)/std_c.
     *
     * @throws IllegalArgumentException if the lengths differ or a std is not positive
     */
    public static double[] normalizedBlack(double[] mean, double[] std) {
        if (mean == null || std == null || mean.length != std.length) {
            throw new IllegalArgumentException("mean and std must have the same length");
        }
        double[] f = new double[mean.length];
        for (int c = 0; c < f.length; c++) {
            if (!(std[c] > 0)) {
                throw new IllegalArgumentException("std must be > 0, value " + c + " was " + std[c]);
            }
            f[c] = -mean[c] / std[c];
        }
        return f;
    }

    /** The image shape. */
    public ImageShape shape() {
        return shape;
    }

    /** The padding p. */
    public int padding() {
        return padding;
    }

    /** Whether images are flipped with probability 1/2. */
    public boolean flips() {
        return flip;
    }

    /** The fill value of each channel (a copy). */
    public double[] fill() {
        return fill.clone();
    }

    @Override
    public int featureCount() {
        return shape.size();
    }

    @Override
    public void apply(INDArray in, INDArray out, RandomStream rng) {
        if (in == null || out == null || rng == null) {
            throw new IllegalArgumentException("in, out and rng must not be null");
        }
        int p = shape.size();
        if (in.rank() != 2 || in.columns() != p) {
            throw new IllegalArgumentException("batch features must be [b, " + p + "] for images of shape " + shape
                    + ", shape was " + Arrays.toString(in.shape()));
        }
        if (!Arrays.equals(in.shape(), out.shape()) || in.dataType() != out.dataType()) {
            throw new IllegalArgumentException("out must have the shape and type of in, were "
                    + Arrays.toString(out.shape()) + " " + out.dataType() + " and " + Arrays.toString(in.shape())
                    + " " + in.dataType());
        }
        if (in.ordering() != 'c' || out.ordering() != 'c' || in.stride(1) != 1 || out.stride(1) != 1
                || (in.rows() > 1 && (in.stride(0) != p || out.stride(0) != p))) {
            throw new IllegalArgumentException("in and out must be c-order with contiguous rows");
        }
        int rows = (int) in.rows();
        boolean isDouble = in.dataType() == DataType.DOUBLE;
        long inOff = in.offset();
        long outOff = out.offset();
        if (isDouble) {
            double[] src = new double[p];
            double[] dst = new double[p];
            DoubleBuffer inD = Tensors.doubleView(in);
            DoubleBuffer outD = Tensors.doubleView(out);
            for (int r = 0; r < rows; r++) {
                inD.get((int) (inOff + (long) r * p), src, 0, p);
                int dy = padding == 0 ? 0 : rng.nextInt(2 * padding + 1);
                int dx = padding == 0 ? 0 : rng.nextInt(2 * padding + 1);
                boolean f = flip && rng.nextInt(2) == 1;
                transform(src, dst, dy, dx, f);
                outD.put((int) (outOff + (long) r * p), dst, 0, p);
            }
            return;
        }
        float[] src = new float[p];
        float[] dst = new float[p];
        float[] fillF = new float[fill.length];
        for (int c = 0; c < fill.length; c++) {
            fillF[c] = (float) fill[c];
        }
        FloatBuffer inF = Tensors.floatView(in);
        FloatBuffer outF = Tensors.floatView(out);
        for (int r = 0; r < rows; r++) {
            inF.get((int) (inOff + (long) r * p), src, 0, p);
            int dy = padding == 0 ? 0 : rng.nextInt(2 * padding + 1);
            int dx = padding == 0 ? 0 : rng.nextInt(2 * padding + 1);
            boolean f = flip && rng.nextInt(2) == 1;
            transformFloat(src, dst, dy, dx, f, fillF);
            outF.put((int) (outOff + (long) r * p), dst, 0, p);
        }
    }

    /** {@link #transform} on float32 values (the same copies; the fill rounded to float32 once). */
    private void transformFloat(float[] src, float[] dst, int dy, int dx, boolean flip, float[] fillF) {
        int h = shape.height();
        int w = shape.width();
        int plane = h * w;
        int shift = dx - padding;
        int x0 = Math.max(0, -shift);
        int x1 = Math.min(w, w - shift);
        for (int c = 0; c < shape.channels(); c++) {
            int base = c * plane;
            float v = fillF[c];
            for (int y = 0; y < h; y++) {
                int sy = y + dy - padding;
                int row = base + y * w;
                if (sy < 0 || sy >= h) {
                    Arrays.fill(dst, row, row + w, v);
                    continue;
                }
                int srcRow = base + sy * w;
                if (!flip) {
                    // out[x] = X[sy][x + shift] for x in [x0, x1): one contiguous copy, the fill around it
                    Arrays.fill(dst, row, row + x0, v);
                    System.arraycopy(src, srcRow + x0 + shift, dst, row + x0, x1 - x0);
                    Arrays.fill(dst, row + x1, row + w, v);
                } else {
                    for (int x = 0; x < w; x++) {
                        int sx = w - 1 - x + shift;
                        dst[row + x] = sx < 0 || sx >= w ? v : src[srcRow + sx];
                    }
                }
            }
        }
    }

    /**
     * The transformation of one image for given draws (the formula of the class description).
     *
     * @param src  the image, C*H*W values in CHW order
     * @param dst  the output, C*H*W values (a different array)
     * @param dy   the vertical crop offset in the padded image, in [0, 2p]
     * @param dx   the horizontal crop offset in the padded image, in [0, 2p]
     * @param flip whether to mirror the crop horizontally
     * @throws IllegalArgumentException if an offset is out of range or an array has the wrong length
     */
    public void transform(double[] src, double[] dst, int dy, int dx, boolean flip) {
        int h = shape.height();
        int w = shape.width();
        int plane = h * w;
        if (src.length != shape.size() || dst.length != shape.size()) {
            throw new IllegalArgumentException("src and dst must hold " + shape.size() + " values");
        }
        if (dy < 0 || dy > 2 * padding || dx < 0 || dx > 2 * padding) {
            throw new IllegalArgumentException("crop offsets must be in [0, " + 2 * padding + "], were dy=" + dy
                    + ", dx=" + dx);
        }
        for (int c = 0; c < shape.channels(); c++) {
            int base = c * plane;
            for (int y = 0; y < h; y++) {
                int sy = y + dy - padding;
                int row = base + y * w;
                if (sy < 0 || sy >= h) {
                    Arrays.fill(dst, row, row + w, fill[c]);
                    continue;
                }
                int srcRow = base + sy * w;
                for (int x = 0; x < w; x++) {
                    int sx = (flip ? w - 1 - x : x) + dx - padding;
                    dst[row + x] = sx < 0 || sx >= w ? fill[c] : src[srcRow + sx];
                }
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CropFlip c && c.shape.equals(shape) && c.padding == padding && c.flip == flip
                && Arrays.equals(c.fill, fill);
    }

    @Override
    public int hashCode() {
        return (shape.hashCode() * 31 + padding) * 31 + (flip ? 1 : 0) + 17 * Arrays.hashCode(fill);
    }

    @Override
    public String toString() {
        return "CropFlip[" + shape + ", padding=" + padding + ", flip=" + flip
                + (Arrays.stream(fill).allMatch(v -> v == 0) ? "" : ", fill=" + Arrays.toString(fill)) + "]";
    }
}
