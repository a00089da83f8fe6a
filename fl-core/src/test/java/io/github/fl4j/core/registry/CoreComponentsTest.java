package io.github.fl4j.core.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedData;
import io.github.fl4j.core.data.Labels;
import io.github.fl4j.core.data.Partitioners;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.data.io.IdxReader;
import io.github.fl4j.core.data.io.LibSvmReader;
import io.github.fl4j.core.model.ConvNet;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.model.LogisticRegression;
import io.github.fl4j.core.model.Mlp;
import io.github.fl4j.core.model.SoftmaxRegression;
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
import io.github.fl4j.core.tensor.Tensors;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class CoreComponentsTest {
    private static final Registry R = Registry.standard();

    @TempDir
    static Path dir;
    private static Path libsvm;
    private static Path libsvmTest;
    private static Path mnist;
    private static Path cifar;
    private static Path leaf;
    private static FederatedData synthetic;

    @BeforeAll
    static void files() throws IOException {
        StringBuilder sb = new StringBuilder("# a tiny LIBSVM file\n");
        for (int i = 0; i < 12; i++) {
            sb.append(i % 2 == 0 ? "1" : "2").append(' ').append("1:").append(0.5 * i).append(' ')
                    .append(i % 3 == 0 ? "" : "2:" + (i - 3) + " ").append("4:").append(1.0 / (i + 1)).append('\n');
        }
        libsvm = Files.writeString(dir.resolve("tiny.svm"), sb.toString());
        libsvmTest = Files.writeString(dir.resolve("tiny.t"), "2 1:1\n1 3:2\n");
        mnist = Files.createDirectories(dir.resolve("mnist"));
        writeIdx(mnist, "train", 40);
        writeIdx(mnist, "t10k", 10);
        synthetic = R.data(Spec.parse("synthetic(clients=5)"), 3);
        cifar = Files.createDirectories(dir.resolve("cifar"));
        for (int b = 1; b <= 5; b++) {
            Files.write(cifar.resolve("data_batch_" + b + ".bin"), cifarRecords(b, 4));
        }
        Files.write(cifar.resolve("test_batch.bin"), cifarRecords(9, 2));
        leaf = dir.resolve("leaf");
        Files.createDirectories(leaf.resolve("train"));
        Files.writeString(leaf.resolve("train").resolve("all.json"), "{\"users\": [\"z\", \"a\"], "
                + "\"num_samples\": [1, 2], \"user_data\": {\"z\": {\"x\": [\"yes yes\"], \"y\": [1]}, "
                + "\"a\": {\"x\": [\"no\", \"yes\"], \"y\": [0, 1]}}}");
    }

    /** IDX files of n 2x3 images with labels i mod 10. */
    private static void writeIdx(Path folder, String prefix, int n) throws IOException {
        try (OutputStream f = Files.newOutputStream(folder.resolve(prefix + "-images-idx3-ubyte"));
             DataOutputStream out = new DataOutputStream(f)) {
            out.writeInt(IdxReader.IMAGES_MAGIC);
            out.writeInt(n);
            out.writeInt(2);
            out.writeInt(3);
            for (int i = 0; i < n * 6; i++) {
                out.writeByte((i * 37) % 256);
            }
        }
        try (OutputStream f = Files.newOutputStream(folder.resolve(prefix + "-labels-idx1-ubyte"));
             DataOutputStream out = new DataOutputStream(f)) {
            out.writeInt(IdxReader.LABELS_MAGIC);
            out.writeInt(n);
            for (int i = 0; i < n; i++) {
                out.writeByte(i % 10);
            }
        }
    }

    static double[] values(INDArray a) {
        return a.dup('c').castTo(DataType.DOUBLE).data().asDouble();
    }

    static void assertBitwiseEqual(FederatedData a, FederatedData b) {
        assertEquals(a.clientCount(), b.clientCount());
        assertEquals(a.precision(), b.precision());
        for (int k = 0; k < a.clientCount(); k++) {
            assertArrayEquals(values(a.client(k).features()), values(b.client(k).features()));
            assertArrayEquals(values(a.client(k).labels()), values(b.client(k).labels()));
        }
        assertEquals(a.test().size(), b.test().size());
        if (a.test().size() > 0) {
            assertArrayEquals(values(a.test().features()), values(b.test().features()));
            assertArrayEquals(values(a.test().labels()), values(b.test().labels()));
        }
    }

    private static RandomStream partition(long seed) {
        return new SeedTree(seed).stream(Purpose.PARTITION);
    }

    // ---- data ---------------------------------------------------------------------------------------------------

    @Test
    void syntheticIsTheGeneratorOnTheDataGenerationStream() {
        Spec spec = Spec.parse("synthetic(alpha=0.5,beta=0.5,clients=6,samples=40)");
        FederatedData a = R.data(spec, 42);
        FederatedData expected = SyntheticFedProx.builder().alpha(0.5).beta(0.5).clients(6).fixedSamples(40)
                .build().generate(new SeedTree(42).stream(Purpose.DATA_GENERATION));
        assertBitwiseEqual(expected, a);
        assertBitwiseEqual(a, R.data(spec, 42));
        // the spec's own seed overrides the run's
        assertBitwiseEqual(R.data(spec, 7), R.data(spec.with("seed", 7), 42));
        // float64 is generated in float64, not cast from float32
        FederatedData d64 = R.data(spec, 42, Precision.FLOAT64);
        assertEquals(Precision.FLOAT64, d64.precision());
        assertBitwiseEqual(SyntheticFedProx.builder().alpha(0.5).beta(0.5).clients(6).fixedSamples(40)
                .precision(Precision.FLOAT64).build().generate(new SeedTree(42).stream(Purpose.DATA_GENERATION)),
                d64);
        // every builder option is a parameter
        FederatedData all = R.data(Spec.parse("synthetic(alpha=0,beta=2,clients=3,dimension=5,classes=3,"
                + "max-samples=70,size-mu=3,size-sigma=1,size-offset=20,train-percent=90)"), 1);
        assertBitwiseEqual(SyntheticFedProx.builder().alpha(0).beta(2).clients(3).dimension(5).classes(3)
                .maxSamples(70).sizeMu(3).sizeSigma(1).sizeOffset(20).trainPercent(90).build()
                .generate(new SeedTree(1).stream(Purpose.DATA_GENERATION)), all);
    }

    @Test
    void libsvmDefaultsToContiguousChunksWithTheTrainingRowsAsTestSet() throws IOException {
        FederatedData d = R.data(Spec.of("libsvm").with("file", libsvm.toString()).with("clients", 3), 5);
        Dataset all = LibSvmReader.read(libsvm, Precision.FLOAT32);
        assertBitwiseEqual(Partitioners.contiguous(all, all, 3), d);
        assertEquals(4, d.featureCount());
    }

    @Test
    void libsvmLabelsSplitsAndTestSets() throws IOException {
        Spec base = Spec.of("libsvm").with("file", libsvm.toString()).with("clients", 3);
        Dataset mapped = LibSvmReader.builder().labelMapping(Map.of(1.0, -1.0, 2.0, 1.0)).build().read(libsvm);
        assertBitwiseEqual(Partitioners.contiguous(mapped, mapped, 3), R.data(base.with("labels", "1:-1;2:1"), 5));
        assertBitwiseEqual(Partitioners.contiguous(mapped, mapped, 3), R.data(base.with("labels", "binary"), 5));
        assertBitwiseEqual(Partitioners.iid(mapped, mapped, 3, partition(5)),
                R.data(base.with("labels", "binary").with("split", "iid"), 5));
        assertBitwiseEqual(Partitioners.iid(mapped, mapped, 3, partition(9)),
                R.data(base.with("labels", "binary").with("split", "iid").with("seed", 9), 5));

        assertEquals(0, R.data(base.with("test", "none"), 5).test().size());
        FederatedData withTest = R.data(base.with("test", libsvmTest.toString()).with("labels", "binary"), 5,
                Precision.FLOAT64);
        assertEquals(Precision.FLOAT64, withTest.precision());
        assertEquals(2, withTest.test().size());
        assertEquals(4, withTest.test().featureCount());
        assertArrayEquals(new double[] {1, -1}, values(withTest.test().labels()));

        int[] trainLabels = Labels.classIndices(LibSvmReader.read(libsvm, Precision.FLOAT32));
        Dataset raw = LibSvmReader.read(libsvm, Precision.FLOAT32);
        assertBitwiseEqual(Partitioners.toFederated(raw, raw, Partitioners.dirichletIndices(trainLabels, 3, 2, 1.0,
                        1, partition(5))),
                R.data(base.with("split", "dirichlet").with("alpha", 1).with("clients", 2), 5));
        Path indexFile = dir.resolve("parts.txt");
        Partitioners.writeIndexFile(indexFile, new int[][] {{0, 5, 7}, {1, 2}});
        FederatedData fromFile = R.data(base.with("split", "file").with("partition", indexFile.toString()), 5);
        assertArrayEquals(new int[] {3, 2}, fromFile.clientSizes());
    }

    @Test
    void libsvmErrorsNameTheKey() {
        Spec base = Spec.of("libsvm").with("file", libsvm.toString());
        SpecException e = assertThrows(SpecException.class, () -> R.data(base.with("labels", "1=2"), 1));
        assertTrue(e.getMessage().startsWith("libsvm: labels must be as-is, binary or a map"), e.getMessage());
        e = assertThrows(SpecException.class, () -> R.data(base.with("split", "dirichlet"), 1));
        assertTrue(e.getMessage().startsWith("libsvm: missing parameter 'alpha'"), e.getMessage());
        e = assertThrows(SpecException.class, () -> R.data(base.with("alpha", "1"), 1));
        assertTrue(e.getMessage().startsWith("libsvm: unknown parameter 'alpha'; known: clients, density, features, "
                + "file, labels, seed, split, storage, test"), e.getMessage());
        e = assertThrows(SpecException.class, () -> R.data(base.with("storage", "csr"), 1));
        assertTrue(e.getMessage().contains("storage") && e.getMessage().contains("csr"), e.getMessage());
        IllegalArgumentException badDensity = assertThrows(IllegalArgumentException.class,
                () -> R.data(base.with("density", "2"), 1));
        assertTrue(badDensity.getMessage().contains("density") && badDensity.getMessage().contains("2"),
                badDensity.getMessage());
        FederatedData sparse = R.data(base.with("storage", "sparse").with("clients", "2"), 1);
        assertTrue(sparse.client(0).isSparse());
        FederatedData dense = R.data(base.with("storage", "dense").with("clients", "2"), 1);
        assertArrayEquals(Tensors.toDoubleArray(dense.client(1).features()),
                Tensors.toDoubleArray(sparse.client(1).features()), 0.0);
        e = assertThrows(SpecException.class, () -> R.data(base.with("split", "random"), 1));
        assertEquals("libsvm: split must be one of iid, contiguous, dirichlet, fedau, shards, quantity-skew, file,"
                + " was 'random'", e.getMessage());
        e = assertThrows(SpecException.class, () -> R.data(Spec.of("libsvm"), 1));
        assertEquals("libsvm: missing parameter 'file'", e.getMessage());
        java.io.UncheckedIOException io = assertThrows(java.io.UncheckedIOException.class,
                () -> R.data(Spec.of("libsvm").with("file", dir.resolve("absent.svm").toString()), 1));
        assertTrue(io.getMessage().startsWith("data libsvm(file="), io.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> R.data(base.with("clients", 13), 1));
        assertTrue(bad.getMessage().startsWith("data libsvm(clients=13,file="), bad.getMessage());
    }

    @Test
    void mnistSplitsAreTheGridsLibraryCalls() throws IOException {
        Dataset train = IdxReader.mnist(mnist, true, Precision.FLOAT32);
        Dataset test = IdxReader.mnist(mnist, false, Precision.FLOAT32);
        Spec base = Spec.of("mnist").with("dir", mnist.toString()).with("clients", 4);
        assertBitwiseEqual(Partitioners.iid(train, test, 4, partition(11)), R.data(base, 11));
        assertBitwiseEqual(Partitioners.dirichlet(train, test, 10, 4, 0.5, partition(11)),
                R.data(base.with("split", "dirichlet").with("alpha", 0.5), 11));
        assertBitwiseEqual(Partitioners.toFederated(train, test, Partitioners.fedAuDirichletIndices(
                        Labels.classIndices(train), 10, 2, 50, partition(11))),
                R.data(base.with("split", "fedau").with("alpha", 50).with("clients", 2), 11));
        assertBitwiseEqual(Partitioners.shards(train, test, 4, 2, partition(11)),
                R.data(base.with("split", "shards"), 11));
        assertBitwiseEqual(Partitioners.shards(train, test, 4, 3, partition(11)),
                R.data(base.with("split", "shards").with("shards", 3), 11));
        assertBitwiseEqual(Partitioners.quantitySkew(train, test, 4, 0.5, partition(11)),
                R.data(base.with("split", "quantity-skew").with("sigma", 0.5), 11));
        Dataset unit = IdxReader.mnist(mnist, true, Precision.FLOAT64, IdxReader.Normalization.UNIT);
        Dataset unitTest = IdxReader.mnist(mnist, false, Precision.FLOAT64, IdxReader.Normalization.UNIT);
        assertBitwiseEqual(Partitioners.iid(unit, unitTest, 4, partition(11)),
                R.data(base.with("normalization", "unit"), 11, Precision.FLOAT64));
        // without dir the files are found or downloaded by MnistDatasets (never in a test); a given folder must hold
        // them, and the message names it
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
                () -> R.data(Spec.parse("mnist(dir='" + dir.resolve("absent") + "')"), 1));
        assertTrue(e.getMessage().startsWith("data mnist(dir=" + dir.resolve("absent") + "): MNIST folder "
                + dir.resolve("absent").toAbsolutePath().normalize() + " (from the folder given) does not exist"),
                e.getMessage());
    }

    @Test
    void fashionMnistCifar10AndLeafByName() throws IOException {
        // fashion-mnist with a folder is the mnist reader on that folder
        Dataset train = IdxReader.mnist(mnist, true, Precision.FLOAT32);
        Dataset test = IdxReader.mnist(mnist, false, Precision.FLOAT32);
        assertBitwiseEqual(Partitioners.iid(train, test, 4, partition(5)),
                R.data(Spec.of("fashion-mnist").with("dir", mnist.toString()).with("clients", 4), 5));

        // cifar10: the five training files and the test file, split like mnist
        io.github.fl4j.core.data.io.Cifar10Reader.Split s = io.github.fl4j.core.data.io.Cifar10Reader.load(cifar,
                Precision.FLOAT32, io.github.fl4j.core.data.image.PixelScaling.CIFAR10);
        FederatedData c = R.data(Spec.of("cifar10").with("dir", cifar.toString()).with("clients", 5)
                .with("split", "contiguous"), 5);
        assertBitwiseEqual(Partitioners.contiguous(s.train(), s.test(), 5), c);
        assertEquals(3072, c.featureCount());
        SpecException bad = assertThrows(SpecException.class, () -> R.data(Spec.of("cifar10")
                .with("dir", cifar.toString()).with("normalization", "imagenet"), 5));
        assertTrue(bad.getMessage().contains("normalization"), bad.getMessage());

        // leaf: one client per user, sorted by id
        FederatedData l = R.data(Spec.parse("leaf(task=sent140,sequence-length=3,dir='" + leaf + "')"),
                5);
        assertEquals(2, l.clientCount());
        assertArrayEquals(new int[] {2, 1}, l.clientSizes());
        // vocabulary: yes (3), no (1): ids 2 and 3
        assertArrayEquals(new double[] {3, 0, 0, 2, 0, 0}, values(l.client(0).features()));
        SpecException badTask = assertThrows(SpecException.class, () -> R.data(Spec.parse("leaf(task=cifar,dir='"
                + leaf + "')"), 5));
        assertTrue(badTask.getMessage().contains("task") && badTask.getMessage().contains("'cifar'"),
                badTask.getMessage());
        SpecException unused = assertThrows(SpecException.class, () -> R.data(Spec.parse("leaf(task=femnist,"
                + "vocabulary=5,dir='" + leaf + "')"), 5));
        assertTrue(unused.getMessage().contains("vocabulary"), unused.getMessage());
    }

    /** n CIFAR-10 records with label (first + i) mod 10 and pixel k = (i + k) mod 256. */
    private static byte[] cifarRecords(int first, int n) {
        byte[] b = new byte[n * 3073];
        for (int i = 0; i < n; i++) {
            b[i * 3073] = (byte) ((first + i) % 10);
            for (int k = 0; k < 3072; k++) {
                b[i * 3073 + 1 + k] = (byte) (i + k);
            }
        }
        return b;
    }

    @Test
    void dataIsBitIdenticalAcrossCalls() {
        for (String s : new String[] {"synthetic(clients=4,samples=30)",
            "mnist(clients=5,split=dirichlet,alpha=0.3,dir='" + mnist + "')",
            "libsvm(clients=2,split=iid,file='" + libsvm + "')"}) {
            Spec spec = Spec.parse(s);
            assertBitwiseEqual(R.data(spec, 123), Registry.standard().data(Spec.parse(spec.toString()), 123));
        }
    }

    // ---- models -------------------------------------------------------------------------------------------------

    @Test
    void modelsTakeTheirDimensionsFromTheData() {
        int p = synthetic.featureCount();
        assertEquals(new SoftmaxRegression(p, 10).toString(), R.model(Spec.of("softmax"), synthetic).toString());
        SoftmaxRegression s = (SoftmaxRegression) R.model(Spec.parse("softmax(classes=12,l2=0.01,init-std=0.1)"),
                synthetic);
        assertEquals(12, s.classes());
        assertEquals(0.01, s.lambda(), 0.0);
        assertEquals(0.1, s.initStdDev(), 0.0);
        assertEquals(new Mlp(p, new int[] {200, 200}, 10).toString(), R.model(Spec.of("mlp"), synthetic)
                .toString());
        assertEquals(new Mlp(p, new int[] {8}, 11, 0.5).toString(),
                R.model(Spec.parse("mlp(hidden=8,classes=11,l2=0.5)"), synthetic).toString());
        assertEquals(new LogisticRegression(p).toString(), R.model(Spec.of("logistic"), synthetic).toString());
        assertEquals(new LogisticRegression(p, 0.1).toString(), R.model(Spec.parse("logistic(l2=0.1)"), synthetic)
                .toString());
        assertEquals(LogisticRegression.nonConvex(p, 0.1).toString(),
                R.model(Spec.parse("logistic(nonconvex=0.1)"), synthetic).toString());
        assertEquals(new LeastSquares(p).toString(), R.model(Spec.of("least-squares"), synthetic).toString());
        Model m = R.model(Spec.of("least-squares"), synthetic);
        assertEquals(p, m.dimension());
        // the synthetic data's 60 features as a 6 x 10 image; McMahan's layers: 6x10 -> pool 3x5 -> pool 1x2
        assertEquals(ConvNet.mcMahan(6, 10, 1, 10).toString(), R.model(Spec.parse("cnn(shape=6x10x1)"), synthetic)
                .toString());
        assertEquals(ConvNet.cifarGroupNorm(10, 6, 1, 3).toString(),
                R.model(Spec.parse("cnn(arch=cifar-gn,shape=10x6x1,classes=3)"), synthetic).toString());
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> R.model(Spec.parse("cnn(arch=lenet5,shape=6x10x1)"), synthetic));
        assertTrue(small.getMessage().contains("conv: a 5x5 kernel with pad 0 does not fit a 3 x 5 input"),
                small.getMessage());
        assertArrayEquals(new int[] {28, 28, 1}, CoreComponents.imageShape(null, 784));
        assertArrayEquals(new int[] {32, 32, 3}, CoreComponents.imageShape(null, 3072));
        assertArrayEquals(new int[] {32, 32, 3}, CoreComponents.imageShape("32x32x3", 3072));
    }

    @Test
    void cnnShapeErrorsNameTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> R.model(Spec.of("cnn"), synthetic));
        assertTrue(e.getMessage().contains("cannot guess the image shape of 60 features: give shape=HxWxC"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> R.model(Spec.parse("cnn(shape=6x9x1)"), synthetic));
        assertTrue(e.getMessage().contains("shape 6x9x1 has 54 values but the data has 60 features"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> R.model(Spec.parse("cnn(shape=6x10)"), synthetic));
        assertTrue(e.getMessage().contains("shape must be HxWxC with positive integers, was '6x10'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> R.model(Spec.parse("cnn(arch=vgg,shape=6x10x1)"), synthetic));
        assertTrue(e.getMessage().contains("arch must be mcmahan, lenet5 or cifar-gn, was 'vgg'"), e.getMessage());
    }

    @Test
    void modelErrors() {
        SpecException e = assertThrows(SpecException.class,
                () -> R.model(Spec.parse("logistic(l2=0.1,nonconvex=0.1)"), synthetic));
        assertEquals("logistic: give l2 or nonconvex, not both", e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> R.model(Spec.parse("softmax(l2=-1)"), synthetic));
        assertTrue(bad.getMessage().startsWith("model softmax(l2=-1): lambda must be finite and >= 0"),
                bad.getMessage());
        FederatedData pm = R.data(Spec.of("libsvm").with("file", libsvm.toString()).with("labels", "binary")
                .with("clients", 2), 1);
        bad = assertThrows(IllegalArgumentException.class, () -> R.model(Spec.of("softmax"), pm));
        assertTrue(bad.getMessage().startsWith("model softmax: "), bad.getMessage());
    }

    // ---- participation and compressor ---------------------------------------------------------------------------

    @Test
    void participationPatterns() throws IOException {
        assertEquals(Participation.all().describe(), R.participation(Spec.of("all"), 5).describe());
        assertEquals(Participation.uniform(3).describe(), R.participation(Spec.parse("uniform(m=3)"), 5)
                .describe());
        SpecException e = assertThrows(SpecException.class, () -> R.participation(Spec.parse("uniform(m=6)"), 5));
        assertEquals("uniform: m must be at most the number of clients (5), was '6'", e.getMessage());

        BernoulliParticipation b = (BernoulliParticipation) R.participation(Spec.parse("bernoulli(p=0.2)"), 4);
        assertArrayEquals(new double[] {0.2, 0.2, 0.2, 0.2}, b.probabilities());
        b = (BernoulliParticipation) R.participation(Spec.parse("bernoulli(p=0.1;0.2;0.3,empty-rounds=true)"), 3);
        assertArrayEquals(new double[] {0.1, 0.2, 0.3}, b.probabilities());
        assertTrue(b.allowsEmptyRounds());
        b = (BernoulliParticipation) R.participation(Spec.parse("bernoulli(from=0.02,to=0.5)"), 5);
        assertArrayEquals(ParticipationProbabilities.linear(5, 0.02, 0.5), b.probabilities());
        e = assertThrows(SpecException.class, () -> R.participation(Spec.parse("bernoulli(p=0.1;0.2)"), 3));
        assertEquals("bernoulli: p must be one rate or one rate per client (3), not 2, was '0.1;0.2'",
                e.getMessage());
        e = assertThrows(SpecException.class, () -> R.participation(Spec.of("bernoulli"), 3));
        assertTrue(e.getMessage().startsWith("bernoulli: missing the rates: give p=P"), e.getMessage());
        e = assertThrows(SpecException.class, () -> R.participation(Spec.parse("bernoulli(p=0.1,to=1)"), 3));
        assertEquals("bernoulli: give p, or from and to, not both", e.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> R.participation(Spec.parse("bernoulli(p=1.5)"), 3));
        assertEquals("participation bernoulli(p=1.5): p[0] must be in (0, 1], was 1.5", range.getMessage());

        MarkovParticipation m = (MarkovParticipation) R.participation(Spec.parse("markov(p=0.5,q=0.2)"), 3);
        assertEquals(new MarkovParticipation(new double[] {0.5, 0.5, 0.5}, 0.2).describe(), m.describe());
        CyclicParticipation c = (CyclicParticipation) R.participation(Spec.parse("cyclic(from=0.1,to=0.4,"
                + "cycle=10)"), 4);
        assertEquals(new CyclicParticipation(ParticipationProbabilities.linear(4, 0.1, 0.4), 10).describe(),
                c.describe());

        Path trace = Files.writeString(dir.resolve("trace.txt"), "# round 1\n0 1\n2\n");
        Participation t = R.participation(Spec.of("trace").with("file", trace.toString()).with("cyclic", true), 3);
        assertEquals(TraceParticipation.read(trace, true).describe(), t.describe());
    }

    @Test
    void identityCompressor() {
        assertSame(IdentityCompressor.INSTANCE, R.compressor(Spec.of("identity")));
        SpecException e = assertThrows(SpecException.class, () -> R.compressor(Spec.parse("identity(k=1)")));
        assertEquals("identity: unknown parameter 'k'; known: none (identity takes no parameters)", e.getMessage());
    }

    // ---- every name -----------------------------------------------------------------------------------------------

    /** The smallest spec of every core name. */
    private static Map<Kind, Map<String, String>> minimal() {
        Map<Kind, Map<String, String>> m = new LinkedHashMap<>();
        m.put(Kind.MODEL, Map.of("softmax", "softmax", "logistic", "logistic", "least-squares", "least-squares",
                "mlp", "mlp(hidden=4)", "cnn", "cnn(shape=6x10x1)"));
        m.put(Kind.DATA, Map.of("synthetic", "synthetic(clients=3,samples=20)",
                "libsvm", "libsvm(clients=2,file='" + libsvm + "')",
                "mnist", "mnist(clients=2,dir='" + mnist + "')",
                "fashion-mnist", "fashion-mnist(clients=2,dir='" + mnist + "')",
                "cifar10", "cifar10(clients=2,dir='" + cifar + "')",
                "leaf", "leaf(task=sent140,dir='" + leaf + "')"));
        m.put(Kind.PARTICIPATION, Map.of("all", "all", "uniform", "uniform(m=2)", "bernoulli", "bernoulli(p=0.5)",
                "markov", "markov(p=0.5,q=0.5)", "cyclic", "cyclic(p=0.5,cycle=4)",
                "trace", "trace(file='" + dir.resolve("trace-min.txt") + "')"));
        m.put(Kind.COMPRESSOR, Map.of("identity", "identity"));
        m.put(Kind.AGGREGATOR, Map.of("mean", "mean", "trimmed-mean", "trimmed-mean(beta=0.1)", "median", "median",
                "geometric-median", "geometric-median", "krum", "krum(f=1)", "multi-krum", "multi-krum(f=1,m=2)",
                "centered-clipping", "centered-clipping(tau=1)", "norm-bounding", "norm-bounding(max-norm=1)"));
        m.put(Kind.SERVER_OPTIMIZER, Map.of("sgd", "sgd", "momentum", "momentum(beta=0.9)", "adagrad",
                "adagrad(lr=0.1)", "adam", "adam(lr=0.1)", "yogi", "yogi(lr=0.1)"));
        return m;
    }

    private static Object build(Kind kind, Spec spec) {
        return switch (kind) {
            case MODEL -> R.model(spec, synthetic);
            case DATA -> R.data(spec, 1);
            case PARTICIPATION -> R.participation(spec, 4);
            case COMPRESSOR -> R.compressor(spec);
            case ALGORITHM -> R.algorithm(spec);
            case AGGREGATOR -> R.aggregator(spec);
            case SERVER_OPTIMIZER -> R.serverOptimizer(spec);
            default -> throw new AssertionError(kind + " is tested by TimeComponentsTest");
        };
    }

    @Test
    void everyCoreNameBuildsAndDescribesEveryParameterItReads() throws IOException {
        Files.writeString(dir.resolve("trace-min.txt"), "0\n");
        for (Map.Entry<Kind, Map<String, String>> k : minimal().entrySet()) {
            Kind kind = k.getKey();
            TreeSet<String> core = new TreeSet<>();
            for (String name : R.names(kind)) {
                if (R.provider(kind, name).equals(CoreComponents.class.getName())) {
                    core.add(name);
                }
            }
            assertEquals(new TreeSet<>(k.getValue().keySet()), core, "core " + kind.label() + "s");
            for (String text : k.getValue().values()) {
                Spec spec = Spec.parse(text);
                assertTrue(build(kind, spec) != null, text);
                // an unknown key lists the keys the factory reads: each must be in the description
                SpecException e = assertThrows(SpecException.class, () -> build(kind, spec.with("zz-probe", 1)));
                String msg = e.getMessage();
                assertTrue(msg.startsWith(spec.name() + ": unknown parameter 'zz-probe'; known: "), msg);
                String known = msg.substring(msg.indexOf("known: ") + 7);
                if (!known.startsWith("none")) {
                    for (String key : known.split(", ")) {
                        assertTrue(R.describe(kind, spec.name()).contains(key), kind.label() + " " + spec.name()
                                + ": the description does not mention '" + key + "': " + R.describe(kind,
                                spec.name()));
                    }
                }
            }
        }
    }

    @Test
    void classCountIsTheLargestLabelPlusOne() {
        assertEquals(10, CoreComponents.classCount(synthetic));
        assertInstanceOf(SoftmaxRegression.class, R.model(Spec.of("softmax"), synthetic));
        assertTrue(Arrays.stream(synthetic.clientSizes()).allMatch(n -> n > 0));
    }
}
