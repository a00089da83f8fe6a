package io.github.fl4j.core.registry;

import io.github.fl4j.core.aggregation.CenteredClipping;
import io.github.fl4j.core.aggregation.CoordinateMedian;
import io.github.fl4j.core.aggregation.GeometricMedian;
import io.github.fl4j.core.aggregation.Krum;
import io.github.fl4j.core.aggregation.MultiKrum;
import io.github.fl4j.core.aggregation.NormBounding;
import io.github.fl4j.core.aggregation.TrimmedMean;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedData;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.LazySyntheticFedProx;
import io.github.fl4j.core.data.Labels;
import io.github.fl4j.core.data.Partitioners;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.data.image.PixelScaling;
import io.github.fl4j.core.data.io.Cifar10Reader;
import io.github.fl4j.core.data.io.IdxReader;
import io.github.fl4j.core.data.io.LeafReader;
import io.github.fl4j.core.data.io.LibSvmReader;
import io.github.fl4j.core.data.io.MnistDatasets;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.model.LogisticRegression;
import io.github.fl4j.core.model.ConvNet;
import io.github.fl4j.core.model.Mlp;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.optim.ServerOptimizers;
import io.github.fl4j.core.participation.BernoulliParticipation;
import io.github.fl4j.core.participation.CyclicParticipation;
import io.github.fl4j.core.participation.MarkovParticipation;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.participation.ParticipationProbabilities;
import io.github.fl4j.core.participation.TraceParticipation;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.tensor.Precision;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The components of fl-core: the models, datasets and participation patterns of this module and the identity
 * compressor. Names and parameters (defaults after '='):
 *
 * <ul>
 *   <li>Models (dimensions from the data; {@code classes} defaults to the largest class index in the data plus one):
 *       {@code softmax(classes, l2=0, init-std=0)}, {@code logistic(l2 | nonconvex)} (no regulariser by default),
 *       {@code least-squares}, {@code mlp(hidden=200;200, classes, l2=0)},
 *       {@code cnn(arch=mcmahan|lenet5|cifar-gn, shape=HxWxC, classes)} (the {@code ConvNet} models; the shape
 *       defaults to 28x28x1 for 784 features and 32x32x3 for 3072).</li>
 *   <li>Data: {@code synthetic} (FedProx's Synthetic(alpha, beta), drawn from the DATA_GENERATION stream of the seed),
 *       {@code libsvm(file, ...)}, {@code mnist(dir, ...)}, {@code fashion-mnist(dir, ...)} and
 *       {@code cifar10(dir, ...)}, split among clients with the PARTITION stream of the seed by
 *       {@code split=iid|contiguous|dirichlet|fedau|shards|quantity-skew|file}. The seed is the run's unless the spec
 *       gives {@code seed}. {@code leaf(dir, task=femnist|shakespeare|sent140, ...)} has its natural partition, one
 *       client per user.</li>
 *   <li>Participation: {@code all}, {@code uniform(m)}, {@code bernoulli}, {@code markov(q)}, {@code cyclic(cycle)}
 *       with rates {@code p} (one for all clients or one per client, separated by ';') or linear rates
 *       {@code from}..{@code to} over the client ids, and {@code trace(file, cyclic=false)}.</li>
 *   <li>Compressor: {@code identity}.</li>
 *   <li>Aggregators: {@code mean(weighting=sample-count|uniform|population)}, {@code trimmed-mean(beta)},
 *       {@code median}, {@code geometric-median}, {@code krum(f)}, {@code multi-krum(f, m)},
 *       {@code centered-clipping(tau, iterations=1)}, {@code norm-bounding(max-norm, inner=mean)}.</li>
 *   <li>Server optimizers: {@code sgd(lr=1)}, {@code momentum(lr=1, beta)}, {@code adagrad(lr, beta1=0, tau)},
 *       {@code adam(lr, beta1, beta2, tau)}, {@code yogi(lr, beta1, beta2, tau)} (defaults of
 *       {@link ServerOptimizers}).</li>
 * </ul>
 */
public final class CoreComponents implements ComponentProvider {

    /** The split names of {@code libsvm}, {@code mnist}, {@code fashion-mnist} and {@code cifar10}. */
    private static final String[] SPLITS = {"iid", "contiguous", "dirichlet", "fedau", "shards", "quantity-skew",
        "file"};
    private static final String SPLIT_HELP = "split=iid|contiguous|dirichlet(alpha, min-size=1)|fedau(alpha)"
            + "|shards(shards=2)|quantity-skew(sigma)|file(partition=FILE), seed=<run seed>";

    /** For {@link java.util.ServiceLoader}. */
    public CoreComponents() {
    }

    @Override
    public void register(Registry.Builder r) {
        registerModels(r);
        registerData(r);
        registerParticipation(r);
        r.compressor("identity", "no parameters: sends every coordinate (32 or 64 bits each)",
                p -> IdentityCompressor.INSTANCE);
        registerAggregators(r);
        registerServerOptimizers(r);
    }

    // ---- aggregators and server optimizers ------------------------------------------------------------------------

    private static void registerAggregators(Registry.Builder r) {
        r.aggregator("mean", "weighting=sample-count|uniform|population: the weighted mean of the uploads",
                p -> WeightedMean.of(p.getEnum("weighting", WeightedMean.Weighting.class,
                        WeightedMean.Weighting.SAMPLE_COUNT)));
        r.aggregator("trimmed-mean", "beta (required, fraction trimmed at each end, in [0, 0.5)): coordinate-wise",
                p -> new TrimmedMean(p.getDouble("beta")));
        r.aggregator("median", "no parameters: the coordinate-wise median", p -> CoordinateMedian.INSTANCE);
        r.aggregator("geometric-median", "weighting=sample-count|uniform, nu=" + GeometricMedian.DEFAULT_NU
                + ", tolerance=" + GeometricMedian.DEFAULT_TOLERANCE + ", max-iterations="
                + GeometricMedian.DEFAULT_MAX_ITERATIONS + " (smoothed Weiszfeld)",
                p -> new GeometricMedian(p.getChoice("weighting", "sample-count", "sample-count", "uniform")
                        .equals("sample-count"), p.getDouble("nu", GeometricMedian.DEFAULT_NU),
                        p.getDouble("tolerance", GeometricMedian.DEFAULT_TOLERANCE),
                        p.getInt("max-iterations", GeometricMedian.DEFAULT_MAX_ITERATIONS)));
        r.aggregator("krum", "f (required, Byzantine uploads tolerated): the upload closest to its n-f-2 neighbours",
                p -> new Krum(p.getInt("f")));
        r.aggregator("multi-krum", "f (required), m (required, uploads averaged): the mean of the m best Krum scores",
                p -> new MultiKrum(p.getInt("f"), p.getInt("m")));
        r.aggregator("centered-clipping", "tau (required, clipping radius), iterations=1",
                p -> new CenteredClipping(p.getDouble("tau"), p.getInt("iterations", 1)));
        r.aggregator("norm-bounding", "max-norm (required), inner=mean (a nested aggregator spec): uploads scaled to "
                + "norm <= max-norm, then aggregated", p -> new NormBounding(p.getDouble("max-norm"),
                        p.registry().aggregator(p.getSpec("inner", Spec.of("mean")))));
    }

    private static void registerServerOptimizers(Registry.Builder r) {
        r.serverOptimizer("sgd", "lr=1: x += lr Delta (lr=1 is plain model averaging)",
                p -> ServerOptimizers.sgd(p.getDouble("lr", 1.0)));
        r.serverOptimizer("momentum", "lr=1, beta (required, in [0, 1)): heavy-ball momentum (FedAvgM)",
                p -> ServerOptimizers.momentum(p.getDouble("lr", 1.0), p.getDouble("beta")));
        r.serverOptimizer("adagrad", "lr (required), beta1=0, tau=" + ServerOptimizers.DEFAULT_TAU + " (FedAdagrad)",
                p -> ServerOptimizers.adagrad(p.getDouble("lr"), p.getDouble("beta1", 0.0),
                        p.getDouble("tau", ServerOptimizers.DEFAULT_TAU)));
        r.serverOptimizer("adam", "lr (required), beta1=" + ServerOptimizers.DEFAULT_BETA1 + ", beta2="
                + ServerOptimizers.DEFAULT_BETA2 + ", tau=" + ServerOptimizers.DEFAULT_TAU + " (FedAdam)",
                p -> ServerOptimizers.adam(p.getDouble("lr"), p.getDouble("beta1", ServerOptimizers.DEFAULT_BETA1),
                        p.getDouble("beta2", ServerOptimizers.DEFAULT_BETA2),
                        p.getDouble("tau", ServerOptimizers.DEFAULT_TAU)));
        r.serverOptimizer("yogi", "lr (required), beta1=" + ServerOptimizers.DEFAULT_BETA1 + ", beta2="
                + ServerOptimizers.DEFAULT_BETA2 + ", tau=" + ServerOptimizers.DEFAULT_TAU + " (FedYogi)",
                p -> ServerOptimizers.yogi(p.getDouble("lr"), p.getDouble("beta1", ServerOptimizers.DEFAULT_BETA1),
                        p.getDouble("beta2", ServerOptimizers.DEFAULT_BETA2),
                        p.getDouble("tau", ServerOptimizers.DEFAULT_TAU)));
    }

    // ---- models -------------------------------------------------------------------------------------------------

    private static void registerModels(Registry.Builder r) {
        r.model("softmax", "classes=<from data>, l2=0 (L2 strength on the weights), init-std=0 (N(0, s^2) initial "
                + "weights; 0 = zeros)", (p, data) -> {
                    int classes = p.getInt("classes", -1);
                    double l2 = p.getDouble("l2", 0.0);
                    double initStd = p.getDouble("init-std", 0.0);
                    SoftmaxRegression m = new SoftmaxRegression(data.featureCount(),
                            classes > 0 ? classes : classCount(data), l2);
                    return initStd != 0.0 ? m.withInitStdDev(initStd) : m;
                });
        r.model("logistic", "binary labels -1/+1; l2=<lambda> (L2 regulariser) or nonconvex=<lambda> (sum of "
                + "x^2/(1+x^2)); default no regulariser", (p, data) -> {
                    boolean l2 = p.has("l2");
                    boolean nonConvex = p.has("nonconvex");
                    if (l2 && nonConvex) {
                        throw new SpecException("logistic: give l2 or nonconvex, not both");
                    }
                    if (l2) {
                        return new LogisticRegression(data.featureCount(), p.getDouble("l2"));
                    }
                    if (nonConvex) {
                        return LogisticRegression.nonConvex(data.featureCount(), p.getDouble("nonconvex"));
                    }
                    return new LogisticRegression(data.featureCount());
                });
        r.model("least-squares", "no parameters: (1/2) mean squared error of a linear model without intercept",
                (p, data) -> new LeastSquares(data.featureCount()));
        r.model("mlp", "hidden=200;200 (ReLU layer sizes), classes=<from data>, l2=0", (p, data) -> {
            int[] hidden = p.getInts("hidden", new int[] {200, 200});
            int classes = p.getInt("classes", -1);
            double l2 = p.getDouble("l2", 0.0);
            return new Mlp(data.featureCount(), hidden, classes > 0 ? classes : classCount(data), l2);
        });
        r.model("cnn", "arch=mcmahan|lenet5|cifar-gn (McMahan et al.'s MNIST CNN, LeNet-5, the CIFAR CNN with "
                + "GroupNorm), shape=HxWxC (default 28x28x1 for 784 features, 32x32x3 for 3072, else a square "
                + "one-channel image), classes=<from data>", (p, data) -> {
                    String arch = p.getString("arch", "mcmahan");
                    int[] shape = imageShape(p.getString("shape", null), data.featureCount());
                    int classes = p.getInt("classes", -1);
                    int k = classes > 0 ? classes : classCount(data);
                    return switch (arch) {
                        case "mcmahan" -> ConvNet.mcMahan(shape[0], shape[1], shape[2], k);
                        case "lenet5" -> ConvNet.leNet5(shape[0], shape[1], shape[2], k);
                        case "cifar-gn" -> ConvNet.cifarGroupNorm(shape[0], shape[1], shape[2], k);
                        default -> throw new IllegalArgumentException("arch must be mcmahan, lenet5 or cifar-gn, was '"
                                + arch + "'");
                    };
                });
    }

    /**
     * The image shape {H, W, C} of {@code text} ("HxWxC"), or for null the default for {@code features} inputs:
     * 28x28x1 for 784, 32x32x3 for 3072, else a square one-channel image when features is a square.
     */
    static int[] imageShape(String text, int features) {
        if (text == null) {
            if (features == 3072) {
                return new int[] {32, 32, 3};
            }
            int side = (int) Math.round(Math.sqrt(features));
            if (side * side == features) {
                return new int[] {side, side, 1};
            }
            throw new IllegalArgumentException("cannot guess the image shape of " + features + " features: give "
                    + "shape=HxWxC");
        }
        String[] parts = text.split("x");
        int[] shape = new int[3];
        try {
            if (parts.length != 3) {
                throw new NumberFormatException();
            }
            for (int i = 0; i < 3; i++) {
                shape[i] = Integer.parseInt(parts[i].trim());
                if (shape[i] < 1) {
                    throw new NumberFormatException();
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("shape must be HxWxC with positive integers, was '" + text + "'");
        }
        if ((long) shape[0] * shape[1] * shape[2] != features) {
            throw new IllegalArgumentException("shape " + text + " has " + (long) shape[0] * shape[1] * shape[2]
                    + " values but the data has " + features + " features");
        }
        return shape;
    }

    /**
     * The number of classes of the data: the count it knows without a pass ({@link FederatedData#knownClassCount}),
     * else the largest class index in the clients' and the test labels, plus one. The pass loads every client, so on
     * lazy data that does not know its class count it fails and asks for {@code classes=K} instead.
     */
    static int classCount(FederatedData data) {
        int known = data.knownClassCount();
        if (known > 0) {
            return known;
        }
        if (!data.isMaterialized()) {
            throw new SpecException("the number of classes of lazy data " + data + " is not known without loading "
                    + "every client; give classes=K");
        }
        int k = 0;
        for (int i = 0; i < data.clientCount(); i++) {
            k = Math.max(k, Labels.classCount(Labels.classIndices(data.client(i))));
        }
        if (data.test().size() > 0) {
            k = Math.max(k, Labels.classCount(Labels.classIndices(data.test())));
        }
        return k;
    }

    // ---- data ---------------------------------------------------------------------------------------------------

    private static void registerData(Registry.Builder r) {
        r.data("synthetic", "FedProx Synthetic(alpha, beta): alpha=1, beta=1, clients="
                + SyntheticFedProx.DEFAULT_CLIENTS + ", dimension=" + SyntheticFedProx.DEFAULT_DIMENSION
                + ", classes=" + SyntheticFedProx.DEFAULT_CLASSES + ", samples=<drawn> (fixed per client), "
                + "max-samples=" + SyntheticFedProx.DEFAULT_MAX_SAMPLES + ", size-mu=4, size-sigma=2, size-offset="
                + SyntheticFedProx.DEFAULT_SIZE_OFFSET + ", train-percent=" + SyntheticFedProx.DEFAULT_TRAIN_PERCENT
                + ", seed=<run seed>, lazy=false (true: each client generated from its own stream when it "
                + "participates; the test set is the test parts of the first test-clients="
                + LazySyntheticFedProx.DEFAULT_TEST_CLIENTS + " clients)", (p, seed, precision) -> {
                    SyntheticFedProx.Builder b = SyntheticFedProx.builder()
                            .alpha(p.getDouble("alpha", 1.0))
                            .beta(p.getDouble("beta", 1.0))
                            .clients(p.getInt("clients", SyntheticFedProx.DEFAULT_CLIENTS))
                            .dimension(p.getInt("dimension", SyntheticFedProx.DEFAULT_DIMENSION))
                            .classes(p.getInt("classes", SyntheticFedProx.DEFAULT_CLASSES))
                            .maxSamples(p.getInt("max-samples", SyntheticFedProx.DEFAULT_MAX_SAMPLES))
                            .sizeMu(p.getDouble("size-mu", SyntheticFedProx.DEFAULT_SIZE_MU))
                            .sizeSigma(p.getDouble("size-sigma", SyntheticFedProx.DEFAULT_SIZE_SIGMA))
                            .sizeOffset(p.getInt("size-offset", SyntheticFedProx.DEFAULT_SIZE_OFFSET))
                            .trainPercent(p.getInt("train-percent", SyntheticFedProx.DEFAULT_TRAIN_PERCENT))
                            .precision(precision);
                    if (p.has("samples")) {
                        b.fixedSamples(p.getInt("samples"));
                    }
                    long dataSeed = p.getLong("seed", seed);
                    if (p.getBoolean("lazy", false)) {
                        SyntheticFedProx g = b.build();
                        return g.lazy(new SeedTree(dataSeed), p.getInt("test-clients",
                                Math.min(g.clients(), LazySyntheticFedProx.DEFAULT_TEST_CLIENTS)));
                    }
                    return b.build().generate(new SeedTree(dataSeed).stream(Purpose.DATA_GENERATION));
                });
        r.data("libsvm", "file=FILE (required; plain or gzip), test=train|none|FILE (default train: the training "
                + "rows), labels=as-is|binary|A:B;C:D (binary maps the two labels to -1;+1), features=<inferred>, "
                + "storage=auto|dense|sparse (auto: sparse below the density), density=0.25, clients=20, " + SPLIT_HELP.replace("split=iid|contiguous", "split=contiguous|iid"),
                CoreComponents::libsvm);
        r.data("mnist", "dir=DIR (the four IDX files, plain or gzip; default: -Dfl4j.mnist, $FL4J_MNIST, else the "
                + "cache ~/.fl4j/datasets, downloading once with SHA-256 checks), normalization=mnist|unit|raw, "
                + "clients=100, " + SPLIT_HELP, (p, seed, precision) -> mnist(p, seed, precision,
                        MnistDatasets.Variant.MNIST));
        r.data("fashion-mnist", "dir=DIR (the four IDX files, plain or gzip; default: -Dfl4j.fashionMnist, "
                + "FL4J_FASHION_MNIST, " + MnistDatasets.DEBIAN_FASHION_MNIST + " (Debian's dataset-fashion-mnist), "
                + "the download cache, a verified download), normalization=mnist|unit|raw, clients=100, " + SPLIT_HELP,
                (p, seed, precision) -> mnist(p, seed, precision, MnistDatasets.Variant.FASHION_MNIST));
        r.data("cifar10", "dir=DIR (the binary files data_batch_1..5.bin and test_batch.bin, plain or gzip; default: "
                + "-D" + Cifar10Reader.PROPERTY + " or " + Cifar10Reader.ENVIRONMENT + "), normalization=cifar10|"
                + "train|unit|raw (cifar10: (pixel/255 - mean_c)/std_c with CIFAR-10's statistics; train: those of "
                + "the training files), features 3x32x32 CHW, clients=100, " + SPLIT_HELP, CoreComponents::cifar10);
        r.data("leaf", "dir=DIR (required; LEAF's train/ and test/ folders of JSON files), task=femnist|shakespeare|"
                + "sent140 (required), one client per user (sorted by id); sent140: encoding=tokens|bag-of-words, "
                + "sequence-length=" + LeafReader.DEFAULT_SEQUENCE_LENGTH + ", vocabulary="
                + LeafReader.DEFAULT_VOCABULARY_SIZE + ", min-count=1", CoreComponents::leaf);
    }

    private static FederatedDataset libsvm(Params p, long seed, Precision precision) throws IOException {
        Path file = p.getPath("file");
        String test = p.getString("test", "train");
        String labels = p.getString("labels", "as-is");
        Map<Double, Double> mapping = labelMapping(p, labels);
        int features = p.getInt("features", 0);
        LibSvmReader.Storage storage = p.getEnum("storage", LibSvmReader.Storage.class, LibSvmReader.Storage.AUTO);
        double density = p.getDouble("density", LibSvmReader.DEFAULT_DENSITY_THRESHOLD);
        Split split = Split.read(p, "contiguous", 20, seed);
        p.requireAllUsed(); // before reading the files

        LibSvmReader.Builder rb = LibSvmReader.builder().precision(precision).storage(storage);
        try {
            rb.densityThreshold(density);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("libsvm: density must be in [0, 1], was " + density, e);
        }
        if (features > 0) {
            rb.featureCount(features);
        }
        if (mapping != null) {
            rb.labelMapping(mapping);
        }
        Dataset train = rb.build().read(file);
        Dataset testSet;
        switch (test) {
            case "train" -> testSet = train;
            case "none" -> testSet = new Dataset(Nd4j.create(precision.dataType(), 0, train.featureCount()),
                    Nd4j.create(precision.dataType(), 0, 1));
            default -> testSet = rb.featureCount(train.featureCount()).build().read(Path.of(test));
        }
        if (labels.equals("binary")) {
            double[] values = binaryLabels(p, train);
            train = mapBinary(train, values);
            testSet = test.equals("train") ? train : mapBinary(testSet, values);
        }
        return split.apply(train, testSet);
    }

    /** The explicit mapping of {@code labels}, or null for "as-is" and "binary". */
    private static Map<Double, Double> labelMapping(Params p, String labels) {
        if (labels.equals("as-is") || labels.equals("binary")) {
            return null;
        }
        Map<Double, Double> m = new LinkedHashMap<>();
        for (String pair : labels.split(";", -1)) {
            String[] kv = pair.split(":", -1);
            if (kv.length != 2) {
                throw p.bad("labels", labels, "as-is, binary or a map FROM:TO;FROM:TO (e.g. 1:-1;2:1)");
            }
            try {
                m.put(Double.parseDouble(kv[0].strip()), Double.parseDouble(kv[1].strip()));
            } catch (NumberFormatException e) {
                throw p.bad("labels", labels, "as-is, binary or a map FROM:TO;FROM:TO of numbers (e.g. 1:-1;2:1)");
            }
        }
        return m;
    }

    /** The two distinct labels of {@code d}, smaller first. */
    private static double[] binaryLabels(Params p, Dataset d) {
        TreeSet<Double> distinct = new TreeSet<>();
        for (double v : labelValues(d)) {
            distinct.add(v == 0.0 ? 0.0 : v);
            if (distinct.size() > 2) {
                break;
            }
        }
        if (distinct.size() != 2) {
            throw new SpecException(p.name() + ": labels=binary needs exactly two distinct labels in the training "
                    + "file, found " + (distinct.size() > 2 ? "more than two, e.g. " + distinct : distinct));
        }
        return new double[] {distinct.first(), distinct.last()};
    }

    private static double[] labelValues(Dataset d) {
        return d.labels().dup('c').castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).data().asDouble();
    }

    /** {@code d} with label {@code values[0]} as -1 and {@code values[1]} as +1 (any other label is an error). */
    private static Dataset mapBinary(Dataset d, double[] values) {
        if (d.size() == 0) {
            return d;
        }
        double[] y = labelValues(d);
        for (int i = 0; i < y.length; i++) {
            double v = y[i] == 0.0 ? 0.0 : y[i];
            if (v == values[0]) {
                y[i] = -1.0;
            } else if (v == values[1]) {
                y[i] = 1.0;
            } else {
                throw new IllegalArgumentException("labels=binary: row " + i + " of the test file has label " + y[i]
                        + ", not one of the training labels " + values[0] + ", " + values[1]);
            }
        }
        INDArray labels = Nd4j.create(y, new long[] {y.length, 1}, 'c').castTo(d.labels().dataType());
        return d.withLabels(labels);
    }

    private static FederatedDataset mnist(Params p, long seed, Precision precision, MnistDatasets.Variant variant)
            throws IOException {
        Path given = p.has("dir") ? p.getPath("dir") : null;
        IdxReader.Normalization normalization = p.getEnum("normalization", IdxReader.Normalization.class,
                IdxReader.Normalization.MNIST);
        Split split = Split.read(p, "iid", 100, seed);
        p.requireAllUsed(); // before reading (or downloading) the files
        Path dir = MnistDatasets.resolve(variant, given);
        Dataset train = IdxReader.mnist(dir, true, precision, normalization);
        Dataset test = IdxReader.mnist(dir, false, precision, normalization);
        return split.apply(train, test);
    }

    private static FederatedDataset cifar10(Params p, long seed, Precision precision) throws IOException {
        Path dir = p.has("dir") ? p.getPath("dir") : null;
        String normalization = p.getChoice("normalization", "cifar10", "cifar10", "train", "unit", "raw");
        Split split = Split.read(p, "iid", 100, seed);
        p.requireAllUsed(); // before reading the files
        PixelScaling scaling = switch (normalization) {
            case "cifar10" -> PixelScaling.CIFAR10;
            case "unit" -> PixelScaling.unit();
            case "raw" -> PixelScaling.raw();
            default -> null; // the training files' own statistics
        };
        Cifar10Reader.Split s = Cifar10Reader.load(dir, precision, scaling);
        return split.apply(s.train(), s.test());
    }

    private static FederatedDataset leaf(Params p, long seed, Precision precision) throws IOException {
        Path dir = p.getPath("dir");
        LeafReader.Task task;
        try {
            task = LeafReader.Task.parse(p.getString("task"));
        } catch (IllegalArgumentException e) {
            throw p.bad("task", p.getString("task"), "femnist, shakespeare or sent140");
        }
        LeafReader.Builder b = LeafReader.builder(task).precision(precision);
        if (task == LeafReader.Task.SENT140) {
            b.encoding(p.getChoice("encoding", "tokens", "tokens", "bag-of-words").equals("tokens")
                    ? LeafReader.Sent140Encoding.TOKENS : LeafReader.Sent140Encoding.BAG_OF_WORDS);
            int length = p.getInt("sequence-length", LeafReader.DEFAULT_SEQUENCE_LENGTH);
            int vocabulary = p.getInt("vocabulary", LeafReader.DEFAULT_VOCABULARY_SIZE);
            int minCount = p.getInt("min-count", 1);
            if (length < 1) {
                throw p.bad("sequence-length", Integer.toString(length), "an integer >= 1");
            }
            if (vocabulary < 1) {
                throw p.bad("vocabulary", Integer.toString(vocabulary), "an integer >= 1");
            }
            if (minCount < 1) {
                throw p.bad("min-count", Integer.toString(minCount), "an integer >= 1");
            }
            b.sequenceLength(length).vocabularySize(vocabulary).minCount(minCount);
        }
        p.requireAllUsed(); // before reading the files
        return b.build().read(dir).data();
    }

    /**
     * A split of a centralised dataset among clients, read from the spec: the same calls on the same
     * {@code PARTITION} stream as the benchmarks' grid, so a split here equals the grid's for the same seed.
     */
    private record Split(String kind, int clients, double alpha, int minSize, int shards, double sigma,
                         Path partition, long seed) {
        static Split read(Params p, String defaultKind, int defaultClients, long runSeed) {
            String kind = p.getChoice("split", defaultKind, SPLITS);
            int clients = p.getInt("clients", defaultClients);
            double alpha = kind.equals("dirichlet") || kind.equals("fedau") ? p.getDouble("alpha") : 0;
            int minSize = kind.equals("dirichlet") ? p.getInt("min-size", Partitioners.DEFAULT_DIRICHLET_MIN_SIZE)
                    : 0;
            int shards = kind.equals("shards") ? p.getInt("shards", 2) : 0;
            double sigma = kind.equals("quantity-skew") ? p.getDouble("sigma") : 0;
            Path partition = kind.equals("file") ? p.getPath("partition") : null;
            long seed = p.getLong("seed", runSeed);
            return new Split(kind, clients, alpha, minSize, shards, sigma, partition, seed);
        }

        FederatedDataset apply(Dataset train, Dataset test) throws IOException {
            RandomStream rng = new SeedTree(seed).stream(Purpose.PARTITION);
            return switch (kind) {
                case "iid" -> Partitioners.iid(train, test, clients, rng);
                case "contiguous" -> Partitioners.contiguous(train, test, clients);
                case "dirichlet" -> {
                    int[] labels = Labels.classIndices(train);
                    yield Partitioners.toFederated(train, test, Partitioners.dirichletIndices(labels,
                            Labels.classCount(labels), clients, alpha, minSize, rng));
                }
                case "fedau" -> {
                    int[] labels = Labels.classIndices(train);
                    yield Partitioners.toFederated(train, test, Partitioners.fedAuDirichletIndices(labels,
                            Labels.classCount(labels), clients, alpha, rng));
                }
                case "shards" -> Partitioners.shards(train, test, clients, shards, rng);
                case "quantity-skew" -> Partitioners.quantitySkew(train, test, clients, sigma, rng);
                default -> Partitioners.toFederated(train, test, Partitioners.fromIndexFile(partition,
                        train.size()));
            };
        }
    }

    // ---- participation ------------------------------------------------------------------------------------------

    private static final String RATES = "p=P (one rate for all, or one per client separated by ';') or from=P0,"
            + "to=P1 (rates linear in the client id)";

    private static void registerParticipation(Registry.Builder r) {
        r.participation("all", "no parameters: every client in every round", (p, n) -> Participation.all());
        r.participation("uniform", "m (required): m of N clients uniformly without replacement, each round",
                (p, n) -> {
                    int m = p.getInt("m");
                    if (m > n) {
                        throw p.bad("m", Integer.toString(m), "at most the number of clients (" + n + ")");
                    }
                    return Participation.uniform(m);
                });
        r.participation("bernoulli", RATES + ", empty-rounds=false (true keeps rounds in which nobody is drawn)",
                (p, n) -> {
                    double[] rates = rates(p, n);
                    BernoulliParticipation b = new BernoulliParticipation(rates);
                    return p.getBoolean("empty-rounds", false) ? b.allowingEmptyRounds() : b;
                });
        r.participation("markov", "q (required: P(off -> on)), " + RATES + ", empty-rounds=false", (p, n) -> {
            double q = p.getDouble("q");
            double[] rates = rates(p, n);
            MarkovParticipation m = new MarkovParticipation(rates, q);
            return p.getBoolean("empty-rounds", false) ? m.allowingEmptyRounds() : m;
        });
        r.participation("cyclic", "cycle (required: period in rounds), " + RATES + ", empty-rounds=false, "
                + "nearest-rates=false (true: active round(cycle p_n) of every cycle rounds, FedAU's rounding; false: "
                + "cycle p_n must be whole)",
                (p, n) -> {
                    int cycle = p.getInt("cycle");
                    double[] rates = rates(p, n);
                    CyclicParticipation c = p.getBoolean("nearest-rates", false)
                            ? CyclicParticipation.withNearestRates(rates, cycle) : new CyclicParticipation(rates, cycle);
                    return p.getBoolean("empty-rounds", false) ? c.allowingEmptyRounds() : c;
                });
        r.participation("trace", "file=FILE (required; one line of client ids per round), cyclic=false (replay "
                + "the trace after its last round)", (p, n) -> {
                    Path file = p.getPath("file");
                    boolean cyclic = p.getBoolean("cyclic", false);
                    return TraceParticipation.read(file, cyclic);
                });
    }

    /** The per-client rates of {@code p}: {@code p} (one or N values) or {@code from}/{@code to} (linear). */
    private static double[] rates(Params p, int population) {
        boolean given = p.has("p");
        boolean linear = p.has("from") || p.has("to");
        if (given && linear) {
            throw new SpecException(p.name() + ": give p, or from and to, not both");
        }
        if (given) {
            double[] v = p.getDoubles("p");
            if (v.length == 1) {
                double[] all = new double[population];
                Arrays.fill(all, v[0]);
                return all;
            }
            if (v.length != population) {
                throw p.bad("p", p.getString("p"), "one rate or one rate per client (" + population + "), not "
                        + v.length);
            }
            return v;
        }
        if (linear) {
            return ParticipationProbabilities.linear(population, p.getDouble("from"), p.getDouble("to"));
        }
        throw new SpecException(p.name() + ": missing the rates: give " + RATES);
    }
}
