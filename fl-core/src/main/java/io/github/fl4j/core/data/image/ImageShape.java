package io.github.fl4j.core.data.image;

import java.util.Locale;

/**
 * The shape (C, H, W) of the images of a dataset whose feature rows are images flattened in channel-major (CHW)
 * order: feature {@code c*H*W + y*W + x} is channel c, row y, column x.
 *
 * @param channels C, {@code >= 1} (1 for grey images, 3 for RGB)
 * @param height   H, {@code >= 1}
 * @param width    W, {@code >= 1}
 */
public record ImageShape(int channels, int height, int width) {
    /** CIFAR-10's 3 x 32 x 32 RGB images. */
    public static final ImageShape CIFAR = new ImageShape(3, 32, 32);
    /** MNIST's, Fashion-MNIST's and FEMNIST's 1 x 28 x 28 grey images. */
    public static final ImageShape MNIST = new ImageShape(1, 28, 28);

    /**
     * Checks the dimensions.
     *
     * @throws IllegalArgumentException naming the dimension and its value when one is below 1 or C*H*W overflows
     */
    public ImageShape {
        if (channels < 1) {
            throw new IllegalArgumentException("image channels must be >= 1, was " + channels);
        }
        if (height < 1) {
            throw new IllegalArgumentException("image height must be >= 1, was " + height);
        }
        if (width < 1) {
            throw new IllegalArgumentException("image width must be >= 1, was " + width);
        }
        if ((long) channels * height * width > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("image size C*H*W must fit an int, was " + channels + "x" + height
                    + "x" + width);
        }
    }

    /** The number of features of one image, C*H*W. */
    public int size() {
        return channels * height * width;
    }

    /**
     * Parses {@code CxHxW}, e.g. {@code 3x32x32}.
     *
     * @throws IllegalArgumentException naming the text when it is not three positive integers separated by 'x'
     */
    public static ImageShape parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().toLowerCase(Locale.ROOT).split("x", -1);
        if (parts.length == 3) {
            try {
                return new ImageShape(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()),
                        Integer.parseInt(parts[2].trim()));
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("image shape must be CxHxW (e.g. 3x32x32), was "
                + (text == null ? "null" : "'" + text + "'"));
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
