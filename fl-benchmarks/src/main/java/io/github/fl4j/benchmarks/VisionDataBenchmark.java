package io.github.fl4j.benchmarks;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.MinibatchSampler;
import io.github.fl4j.core.data.image.CropFlip;
import io.github.fl4j.core.data.image.ImageShape;
import io.github.fl4j.core.data.image.PixelScaling;
import io.github.fl4j.core.data.io.Cifar10Reader;
import io.github.fl4j.core.data.io.LeafReader;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Workspace;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The cost of the vision data path, on generated files (no dataset needed), as ratios measured in one run:
 * <ol>
 *   <li>a CIFAR-sized minibatch (32 x 3 x 32 x 32, float32) from {@link MinibatchSampler} with the crop-and-flip
 *       augmentation against the same sampler without it, and against one training step of the 3072-200-200-10 MLP
 *       on the batch for scale (all three alternate in the same loop, median of {@code repeats} blocks);</li>
 *   <li>reading {@code records} CIFAR-10 records ({@link Cifar10Reader}, float32, CIFAR-10 normalisation): MB/s of the
 *       file;</li>
 *   <li>reading a FEMNIST-shaped LEAF JSON file of {@code samples} images over 50 users ({@link LeafReader},
 *       streamed): MB/s of the file and samples/s, and the ratio to a bare Jackson token loop over the same file that
 *       only parses every number as a float (the floor any streaming reader of the file pays).</li>
 * </ol>
 *
 * <pre>
 * java -cp fl-benchmarks/target/classes:$(cat cp.txt) io.github.fl4j.benchmarks.VisionDataBenchmark \
 *     [batches=2000] [repeats=7] [records=10000] [samples=5000]
 * </pre>
 */
public final class VisionDataBenchmark {
    private VisionDataBenchmark() {
    }

    /** Runs the benchmark; arguments are key=value pairs (see the class comment). */
    public static void main(String[] args) throws IOException {
        int batches = 2000;
        int repeats = 7;
        int records = 10_000;
        int samples = 5_000;
        for (String a : args) {
            String[] kv = a.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("arguments are key=value, was " + a);
            }
            switch (kv[0]) {
                case "batches" -> batches = Integer.parseInt(kv[1]);
                case "repeats" -> repeats = Integer.parseInt(kv[1]);
                case "records" -> records = Integer.parseInt(kv[1]);
                case "samples" -> samples = Integer.parseInt(kv[1]);
                default -> throw new IllegalArgumentException("unknown argument " + kv[0] + " (batches, repeats, "
                        + "records, samples)");
            }
        }
        augmentation(batches, repeats);
        Path dir = Files.createTempDirectory("fl4j-vision-bench");
        try {
            cifar(dir, records);
            leaf(dir, samples);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void augmentation(int batches, int repeats) {
        ImageShape shape = ImageShape.CIFAR;
        int m = 500;
        INDArray x = Nd4j.create(DataType.FLOAT, m, shape.size());
        new RandomStream(1).fillUniform(x, -2, 2);
        Dataset data = new Dataset(x, Nd4j.zeros(DataType.FLOAT, m, 1));
        SeedTree seeds = new SeedTree(1);
        CropFlip aug = new CropFlip(shape, 4, true, PixelScaling.CIFAR10.black());
        MinibatchSampler plain = new MinibatchSampler(data, 32, seeds.stream(Purpose.LOCAL_DATA_ORDER, 1, 0),
                new Workspace());
        MinibatchSampler augmented = new MinibatchSampler(data, 32, seeds.stream(Purpose.LOCAL_DATA_ORDER, 1, 0),
                new Workspace(), aug, seeds.stream(Purpose.AUGMENTATION, 1, 0));
        double[] plainUs = new double[repeats];
        double[] augUs = new double[repeats];
        double[] stepUs = new double[repeats];
        io.github.fl4j.core.model.Mlp mlp = new io.github.fl4j.core.model.Mlp(shape.size(), new int[] {200, 200}, 10,
                0.0);
        INDArray w = Nd4j.create(DataType.FLOAT, mlp.dimension());
        mlp.initialParameters(new RandomStream(4), w);
        INDArray g = Nd4j.create(DataType.FLOAT, mlp.dimension());
        Dataset batch = plain.next().rows(java.util.stream.IntStream.range(0, 32).toArray());
        int steps = Math.max(1, batches / 20);
        double sink = 0;
        for (int warm = 0; warm < 2; warm++) {
            for (int b = 0; b < batches; b++) {
                sink += plain.next().size() + augmented.next().size();
            }
        }
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            for (int b = 0; b < batches; b++) {
                sink += plain.next().size();
            }
            long t1 = System.nanoTime();
            for (int b = 0; b < batches; b++) {
                sink += augmented.next().size();
            }
            long t2 = System.nanoTime();
            for (int b = 0; b < steps; b++) {
                sink += mlp.lossAndGradient(w, batch, g);
            }
            long t3 = System.nanoTime();
            plainUs[r] = (t1 - t0) / 1e3 / batches;
            augUs[r] = (t2 - t1) / 1e3 / batches;
            stepUs[r] = (t3 - t2) / 1e3 / steps;
        }
        double p = median(plainUs);
        double a = median(augUs);
        double st = median(stepUs);
        System.out.printf(Locale.ROOT, "one 3072-200-200-10 MLP training step on the batch: %.1f us; the crop and "
                + "flip of a batch costs %.3f of it%n", st, (a - p) / st);
        System.out.printf(Locale.ROOT, "minibatch 32 x 3x32x32 float32: plain %.1f us, with crop(4)+flip %.1f us "
                + "(ratio %.2f; the crop itself %.1f us = %.2f us per image) [%d batches x %d repeats, sink %.0f]%n",
                p, a, a / p, a - p, (a - p) / 32, batches, repeats, sink);
    }

    private static void cifar(Path dir, int records) throws IOException {
        byte[] b = new byte[records * Cifar10Reader.RECORD_BYTES];
        RandomStream rng = new RandomStream(2);
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) rng.nextInt(256);
        }
        for (int r = 0; r < records; r++) {
            b[r * Cifar10Reader.RECORD_BYTES] = (byte) (r % 10);
        }
        Path f = dir.resolve("data_batch_1.bin");
        Files.write(f, b);
        double[] secs = new double[3];
        for (int k = 0; k < secs.length; k++) {
            long t0 = System.nanoTime();
            Dataset d = Cifar10Reader.read(f, Precision.FLOAT32, PixelScaling.CIFAR10);
            secs[k] = (System.nanoTime() - t0) / 1e9;
            if (d.size() != records) {
                throw new IllegalStateException("read " + d.size() + " records");
            }
        }
        double s = median(secs);
        System.out.printf(Locale.ROOT, "CIFAR-10 reader: %d records (%.1f MB) in %.3f s = %.0f MB/s (median of 3)%n",
                records, b.length / 1e6, s, b.length / 1e6 / s);
    }

    private static void leaf(Path dir, int samples) throws IOException {
        Path train = Files.createDirectories(dir.resolve("leaf").resolve("train"));
        Path f = train.resolve("all.json");
        int users = 50;
        RandomStream rng = new RandomStream(3);
        try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
            StringBuilder names = new StringBuilder();
            StringBuilder counts = new StringBuilder();
            for (int u = 0; u < users; u++) {
                names.append(u == 0 ? "" : ", ").append("\"f_").append(u).append('"');
                counts.append(u == 0 ? "" : ", ").append(share(samples, users, u));
            }
            w.write("{\"users\": [" + names + "], \"num_samples\": [" + counts + "], \"user_data\": {");
            for (int u = 0; u < users; u++) {
                int n = share(samples, users, u);
                w.write((u == 0 ? "" : ", ") + "\"f_" + u + "\": {\"x\": [");
                StringBuilder y = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    StringBuilder img = new StringBuilder(i == 0 ? "[" : ", [");
                    for (int k = 0; k < 784; k++) {
                        img.append(k == 0 ? "" : ", ").append(rng.nextInt(256) / 255.0);
                    }
                    w.write(img.append(']').toString());
                    y.append(i == 0 ? "" : ", ").append(rng.nextInt(62));
                }
                w.write("], \"y\": [" + y + "]}");
            }
            w.write("}}");
        }
        long bytes = Files.size(f);
        LeafReader reader = LeafReader.builder(LeafReader.Task.FEMNIST).precision(Precision.FLOAT32).build();
        com.fasterxml.jackson.core.JsonFactory factory = new com.fasterxml.jackson.core.JsonFactory();
        int runs = 5;
        double[] secs = new double[runs];
        double[] bare = new double[runs];
        double[] ratio = new double[runs];
        double floatSum = 0;
        for (int k = 0; k < runs; k++) { // the reader and the bare loop alternate, so both see the same load
            long t0 = System.nanoTime();
            LeafReader.Result r = reader.read(dir.resolve("leaf"));
            secs[k] = (System.nanoTime() - t0) / 1e9;
            if (r.data().totalSize() != samples) {
                throw new IllegalStateException("read " + r.data().totalSize() + " samples");
            }
            t0 = System.nanoTime();
            try (com.fasterxml.jackson.core.JsonParser p = factory.createParser(f.toFile())) {
                com.fasterxml.jackson.core.JsonToken t;
                while ((t = p.nextToken()) != null) {
                    if (t == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_FLOAT) {
                        floatSum += p.getFloatValue();
                    }
                }
            }
            bare[k] = (System.nanoTime() - t0) / 1e9;
            ratio[k] = secs[k] / bare[k];
        }
        double s = median(secs);
        System.out.printf(Locale.ROOT, "LEAF FEMNIST reader: %d samples of %d users (%.1f MB of JSON) in %.3f s = "
                + "%.0f MB/s, %.0f samples/s; a bare Jackson token loop parsing every float: %.3f s (sum %.1f); "
                + "reader / bare loop %.2f (medians of %d alternating runs)%n", samples, users, bytes / 1e6, s,
                bytes / 1e6 / s, samples / s, median(bare), floatSum, median(ratio), runs);
    }

    private static int share(int total, int parts, int k) {
        return total / parts + (k < total % parts ? 1 : 0);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
