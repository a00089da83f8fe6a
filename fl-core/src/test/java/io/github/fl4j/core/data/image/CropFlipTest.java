package io.github.fl4j.core.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.MinibatchSampler;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Workspace;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CropFlipTest {
    /** The 1 x 4 x 4 image with pixels 1..16 row by row. */
    private static final double[] IMAGE = {
        1, 2, 3, 4,
        5, 6, 7, 8,
        9, 10, 11, 12,
        13, 14, 15, 16};
    private static final ImageShape ONE_BY_4X4 = new ImageShape(1, 4, 4);

    private static double[] transform(CropFlip a, double[] src, int dy, int dx, boolean flip) {
        double[] dst = new double[src.length];
        a.transform(src, dst, dy, dx, flip);
        return dst;
    }

    @Test
    void cropAtTheCentreWithoutFlipIsTheIdentity() {
        CropFlip a = new CropFlip(ONE_BY_4X4, 1, true, null);
        assertArrayEquals(IMAGE, transform(a, IMAGE, 1, 1, false), 0.0);
    }

    @Test
    void handDerivedCropWithPaddingOne() {
        // padding 1, offsets dy = 0, dx = 2: out[y][x] = X[y - 1][x + 1], 0 outside the image
        CropFlip a = new CropFlip(ONE_BY_4X4, 1, true, null);
        double[] expected = {
            0, 0, 0, 0,
            2, 3, 4, 0,
            6, 7, 8, 0,
            10, 11, 12, 0};
        assertArrayEquals(expected, transform(a, IMAGE, 0, 2, false), 0.0);
        // the same crop mirrored: out[y][x] = X[y - 1][(3 - x) + 1]
        double[] flipped = {
            0, 0, 0, 0,
            0, 4, 3, 2,
            0, 8, 7, 6,
            0, 12, 11, 10};
        assertArrayEquals(flipped, transform(a, IMAGE, 0, 2, true), 0.0);
    }

    @Test
    void handDerivedCropWithPaddingTwoAndFill() {
        // padding 2, dy = 4, dx = 0: out[y][x] = X[y + 2][x - 2], fill -1 outside
        CropFlip a = new CropFlip(ONE_BY_4X4, 2, false, new double[] {-1});
        double[] expected = {
            -1, -1, 9, 10,
            -1, -1, 13, 14,
            -1, -1, -1, -1,
            -1, -1, -1, -1};
        assertArrayEquals(expected, transform(a, IMAGE, 4, 0, false), 0.0);
        // flip only (centre crop): each row reversed
        double[] mirrored = {4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9, 16, 15, 14, 13};
        assertArrayEquals(mirrored, transform(a, IMAGE, 2, 2, true), 0.0);
    }

    @Test
    void channelsAreCroppedAlikeWithTheirOwnFill() {
        ImageShape two = new ImageShape(2, 2, 2);
        CropFlip a = new CropFlip(two, 1, true, new double[] {-1, -2});
        double[] src = {1, 2, 3, 4, 5, 6, 7, 8};
        // dy = 2, dx = 1: out[c][y][x] = X[c][y + 1][x]
        assertArrayEquals(new double[] {3, 4, -1, -1, 7, 8, -2, -2}, transform(a, src, 2, 1, false), 0.0);
    }

    @Test
    void normalizedBlackIsMinusMeanOverStd() {
        assertArrayEquals(new double[] {-2.0, -0.5}, CropFlip.normalizedBlack(new double[] {0.5, 0.25},
                new double[] {0.25, 0.5}), 0.0);
    }

    /** apply() draws dy, dx, flip per image in this order: replaying the draws with transform gives the same rows. */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void applyDrawsOffsetsThenFlipPerImage(Precision precision) {
        CropFlip a = new CropFlip(ONE_BY_4X4, 1, true, null);
        int rows = 40; // enough draws for every offset pair with and without flip
        double[] all = new double[rows * 16];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < 16; k++) {
                all[r * 16 + k] = IMAGE[k] + 100 * r;
            }
        }
        INDArray in = Nd4j.create(all, new long[] {rows, 16}, 'c').castTo(precision.dataType());
        INDArray out = Nd4j.create(precision.dataType(), rows, 16);
        a.apply(in, out, new RandomStream(42));
        RandomStream replay = new RandomStream(42);
        double[][] got = out.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleMatrix();
        int flips = 0;
        for (int r = 0; r < rows; r++) {
            int dy = replay.nextInt(3);
            int dx = replay.nextInt(3);
            boolean f = replay.nextInt(2) == 1;
            flips += f ? 1 : 0;
            double[] src = new double[16];
            System.arraycopy(all, r * 16, src, 0, 16);
            assertArrayEquals(transform(a, src, dy, dx, f), got[r], 0.0, "row " + r);
        }
        assertTrue(flips > 0 && flips < rows, "the draws should mix flips and non-flips, got " + flips);
    }

    @Test
    void samplerAugmentsOnlyTheBatchAndKeepsTheOrderOfTheBatches() {
        // padding 0: the only transformation is the flip, so each augmented row is the plain row or its mirror
        ImageShape shape = new ImageShape(1, 1, 4);
        int m = 10;
        double[] x = new double[m * 4];
        double[] y = new double[m];
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < 4; k++) {
                x[i * 4 + k] = 10 * i + k;
            }
            y[i] = i;
        }
        Dataset data = new Dataset(Nd4j.create(x, new long[] {m, 4}, 'c'), Nd4j.create(y, new long[] {m, 1}, 'c'));
        double[][] before = data.features().toDoubleMatrix();
        CropFlip flipOnly = new CropFlip(shape, 0, true, null);
        SeedTree seeds = new SeedTree(5);
        MinibatchSampler plain = new MinibatchSampler(data, 4, seeds.stream(Purpose.LOCAL_DATA_ORDER, 1, 2));
        MinibatchSampler augmented = new MinibatchSampler(data, 4, seeds.stream(Purpose.LOCAL_DATA_ORDER, 1, 2),
                new Workspace(), flipOnly, seeds.stream(Purpose.AUGMENTATION, 1, 2));
        RandomStream replay = seeds.stream(Purpose.AUGMENTATION, 1, 2);
        int flips = 0;
        for (int step = 0; step < 9; step++) { // 3 epochs of batches 4, 4, 2
            double[][] p = plain.next().features().toDoubleMatrix();
            Dataset batch = augmented.next();
            double[][] a = batch.features().toDoubleMatrix();
            double[] labels = batch.labels().toDoubleVector();
            assertEquals(p.length, a.length);
            for (int r = 0; r < p.length; r++) {
                boolean f = replay.nextInt(2) == 1;
                flips += f ? 1 : 0;
                double[] expected = f ? new double[] {p[r][3], p[r][2], p[r][1], p[r][0]} : p[r];
                assertArrayEquals(expected, a[r], 0.0, "step " + step + ", row " + r);
                assertEquals(Math.floor(p[r][0] / 10), labels[r], 0.0);
            }
        }
        assertTrue(flips > 3 && flips < 23, "flips " + flips);
        assertArrayEquals(before, data.features().toDoubleMatrix(), "the data itself is never written");
    }

    @Test
    void fullBatchIsAugmentedIntoItsOwnBuffer() {
        ImageShape shape = new ImageShape(1, 1, 2);
        Dataset data = new Dataset(Nd4j.create(new double[] {1, 2, 3, 4}, new long[] {2, 2}, 'c'),
                Nd4j.create(new double[] {0, 1}, new long[] {2, 1}, 'c'));
        MinibatchSampler s = new MinibatchSampler(data, 5, new RandomStream(1), new Workspace(),
                new CropFlip(shape, 0, true, null), new RandomStream(9));
        RandomStream replay = new RandomStream(9);
        for (int step = 0; step < 4; step++) {
            double[][] a = s.next().features().toDoubleMatrix();
            for (int r = 0; r < 2; r++) {
                double lo = 2 * r + 1;
                double[] expected = replay.nextInt(2) == 1 ? new double[] {lo + 1, lo} : new double[] {lo, lo + 1};
                assertArrayEquals(expected, a[r], 0.0);
            }
        }
        assertArrayEquals(new double[] {1, 2, 3, 4}, data.features().data().asDouble(), 0.0);
    }

    /** The augmented batches of 8 (round, client) tasks are the same bits on 1 thread and on 4 threads. */
    @Test
    void sameBitsForAnyThreadCount() throws Exception {
        ImageShape shape = new ImageShape(3, 8, 8);
        RandomStream gen = new RandomStream(3);
        int m = 20;
        INDArray x = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, m, shape.size());
        gen.fillUniform(x, -1, 1);
        Dataset data = new Dataset(x, Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, m, 1));
        CropFlip aug = CropFlip.standard(shape);
        SeedTree seeds = new SeedTree(77);
        List<float[]> one = run(data, aug, seeds, 1);
        List<float[]> four = run(data, aug, seeds, 4);
        for (int t = 0; t < one.size(); t++) {
            assertArrayEquals(one.get(t), four.get(t), "task " + t);
        }
        assertNotEquals(java.util.Arrays.hashCode(one.get(0)), java.util.Arrays.hashCode(one.get(1)));
    }

    private static List<float[]> run(Dataset data, CropFlip aug, SeedTree seeds, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int task = 0; task < 8; task++) {
                int round = 1 + task / 4;
                int client = task % 4;
                futures.add(pool.submit(() -> {
                    MinibatchSampler s = new MinibatchSampler(data, 6,
                            seeds.stream(Purpose.LOCAL_DATA_ORDER, round, client), new Workspace(), aug,
                            seeds.stream(Purpose.AUGMENTATION, round, client));
                    float[] all = new float[0];
                    for (int step = 0; step < 5; step++) {
                        float[] b = s.next().features().dup().data().asFloat();
                        float[] joined = java.util.Arrays.copyOf(all, all.length + b.length);
                        System.arraycopy(b, 0, joined, all.length, b.length);
                        all = joined;
                    }
                    return all;
                }));
            }
            List<float[]> out = new ArrayList<>();
            for (Future<float[]> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badArgumentsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new CropFlip(ONE_BY_4X4, 5, true, null))
                .getMessage().contains("padding must be in [0, 4]"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new CropFlip(ImageShape.CIFAR, 4, true, new double[] {1, 2})).getMessage()
                .contains("fill must hold 1 or 3 values"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ImageShape.parse("3x32"))
                .getMessage().contains("'3x32'"));
        assertEquals(new ImageShape(3, 32, 32), ImageShape.parse("3x32x32"));
        Dataset data = new Dataset(Nd4j.zeros(2, 5), Nd4j.zeros(2, 1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new MinibatchSampler(data, 1,
                new RandomStream(1), new Workspace(), CropFlip.standard(ONE_BY_4X4), new RandomStream(2)))
                .getMessage().contains("expects 16 features per sample, the data has 5"));
    }
}
