package io.github.fl4j.core.data.image;

import java.util.Arrays;

/**
 * How the bytes 0..255 of an image's pixels become features: {@code value = (pixel * scale - mean_c) / std_c} for a
 * pixel of channel c, computed in double and rounded once to float32 when the data is float32.
 *
 * <ul>
 *   <li>{@link #raw()}: the byte value, 0..255;</li>
 *   <li>{@link #unit()}: pixel/255 in [0, 1];</li>
 *   <li>{@link #standardized}: (pixel/255 - mean_c)/std_c per channel, the normalisation of the vision papers, e.g.
 *       {@link #CIFAR10} with CIFAR-10's training-set statistics, or the statistics of the data at hand from
 *       {@link #trainingStatistics}.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class PixelScaling {
    /** CIFAR-10's per-channel (R, G, B) mean of pixel/255 over the 50,000 training images. */
    public static final double[] CIFAR10_MEAN = {0.4914, 0.4822, 0.4465};
    /** CIFAR-10's per-channel (R, G, B) standard deviation of pixel/255 over the 50,000 training images. */
    public static final double[] CIFAR10_STD = {0.2470, 0.2435, 0.2616};
    /** (pixel/255 - {@link #CIFAR10_MEAN}[c]) / {@link #CIFAR10_STD}[c]. */
    public static final PixelScaling CIFAR10 = standardized(CIFAR10_MEAN, CIFAR10_STD);

    private final double scale;
    private final double[] mean;
    private final double[] std;

    private PixelScaling(double scale, double[] mean, double[] std) {
        this.scale = scale;
        this.mean = mean;
        this.std = std;
    }

    /** The byte value itself, 0..255, for any number of channels. */
    public static PixelScaling raw() {
        return new PixelScaling(1.0, new double[] {0.0}, new double[] {1.0});
    }

    /** pixel / 255, in [0, 1], for any number of channels. */
    public static PixelScaling unit() {
        return new PixelScaling(1.0 / 255.0, new double[] {0.0}, new double[] {1.0});
    }

    /**
     * (pixel/255 - mean[c]) / std[c] for channel c.
     *
     * @param mean one value per channel (or one for all)
     * @param std  one positive value per channel, as many as {@code mean}
     * @throws IllegalArgumentException naming the bad value
     */
    public static PixelScaling standardized(double[] mean, double[] std) {
        if (mean == null || std == null || mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("mean and std must be non-empty and of the same length, were "
                    + Arrays.toString(mean) + " and " + Arrays.toString(std));
        }
        for (int c = 0; c < mean.length; c++) {
            if (!Double.isFinite(mean[c])) {
                throw new IllegalArgumentException("mean must be finite, value " + c + " was " + mean[c]);
            }
            if (!(std[c] > 0) || !Double.isFinite(std[c])) {
                throw new IllegalArgumentException("std must be finite and > 0, value " + c + " was " + std[c]);
            }
        }
        return new PixelScaling(1.0 / 255.0, mean.clone(), std.clone());
    }

    /**
     * The standardisation by the statistics of {@code pixels} itself: per channel, the mean and the population
     * standard deviation of pixel/255 over all images and positions, computed exactly in double from the byte
     * histogram of the channel.
     *
     * @param pixels images of {@code shape}, CHW, one after the other
     * @throws IllegalArgumentException if the length is not a positive multiple of the image size, or a channel is
     *                                  constant (std 0)
     */
    public static PixelScaling trainingStatistics(byte[] pixels, ImageShape shape) {
        int size = shape.size();
        if (pixels == null || pixels.length == 0 || pixels.length % size != 0) {
            throw new IllegalArgumentException("pixels must hold a positive whole number of " + shape + " images, "
                    + "had " + (pixels == null ? "null" : pixels.length + " bytes"));
        }
        int plane = shape.height() * shape.width();
        long[][] histogram = new long[shape.channels()][256];
        for (int k = 0; k < pixels.length; k++) {
            histogram[(k % size) / plane][pixels[k] & 0xff]++;
        }
        double[] mean = new double[shape.channels()];
        double[] std = new double[shape.channels()];
        for (int c = 0; c < mean.length; c++) {
            double n = 0;
            double sum = 0;
            for (int v = 0; v < 256; v++) {
                n += histogram[c][v];
                sum += histogram[c][v] * (v / 255.0);
            }
            mean[c] = sum / n;
            double ss = 0;
            for (int v = 0; v < 256; v++) {
                double d = v / 255.0 - mean[c];
                ss += histogram[c][v] * d * d;
            }
            std[c] = Math.sqrt(ss / n);
            if (!(std[c] > 0)) {
                throw new IllegalArgumentException("channel " + c + " of the images is constant (std 0): cannot "
                        + "standardise it");
            }
        }
        return new PixelScaling(1.0 / 255.0, mean, std);
    }

    /**
     * The lookup table of channel c: entry v is the feature value of pixel byte v.
     *
     * @throws IllegalArgumentException if this scaling has per-channel statistics for fewer than c+1 channels
     */
    public double[] table(int channel) {
        if (mean.length != 1 && (channel < 0 || channel >= mean.length)) {
            throw new IllegalArgumentException("this scaling has statistics for " + mean.length + " channels, not "
                    + "for channel " + channel);
        }
        int c = mean.length == 1 ? 0 : channel;
        double[] t = new double[256];
        for (int v = 0; v < 256; v++) {
            t[v] = (v * scale - mean[c]) / std[c];
        }
        return t;
    }

    /** The number of channels with their own statistics (1 means: the same for all channels). */
    public int channels() {
        return mean.length;
    }

    /** The per-channel means subtracted from pixel*scale (a copy). */
    public double[] mean() {
        return mean.clone();
    }

    /** The per-channel standard deviations divided by (a copy). */
    public double[] std() {
        return std.clone();
    }

    /** The feature value of raw pixel 0 in each channel: the fill that pads with black ({@link CropFlip}). */
    public double[] black() {
        double[] b = new double[mean.length];
        for (int c = 0; c < b.length; c++) {
            b[c] = -mean[c] / std[c];
        }
        return b;
    }

    @Override
    public String toString() {
        return "PixelScaling[x" + (scale == 1.0 ? "1" : "1/255") + ", mean=" + Arrays.toString(mean) + ", std="
                + Arrays.toString(std) + "]";
    }
}
