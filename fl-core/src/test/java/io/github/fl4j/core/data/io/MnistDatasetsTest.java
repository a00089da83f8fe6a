package io.github.fl4j.core.data.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.fl4j.core.data.io.MnistDatasets.Variant;
import io.github.fl4j.core.tensor.Precision;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding and downloading MNIST-style data. Every download goes to an HttpServer on 127.0.0.1 started here that serves
 * four tiny fake IDX files (3 training images of 2 x 2 with labels 7, 0, 9; 1 test image with label 4): no test
 * touches the internet, and none reads the user's ~/.fl4j (each uses a temporary cache).
 */
@Timeout(60)
class MnistDatasetsTest {
    private static final byte[] TRAIN_PIXELS = {0, (byte) 255, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    private static final int[] TRAIN_LABELS = {7, 0, 9};
    private static final byte[] TEST_PIXELS = {(byte) 255, 0, 0, (byte) 255};
    private static final int[] TEST_LABELS = {4};

    @TempDir
    Path tmp;

    private Path cache;
    private HttpServer server;
    private String mirror;
    /** Uncompressed content per canonical name (without .gz). */
    private final Map<String, byte[]> plain = new HashMap<>();
    /** Requests per served path. */
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Map<String, String> props = new HashMap<>();
    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void start() throws IOException {
        cache = tmp.resolve("cache");
        plain.put("train-images-idx3-ubyte", IdxReaderTest.idxImages(IdxReader.IMAGES_MAGIC, 3, 2, 2, TRAIN_PIXELS));
        plain.put("train-labels-idx1-ubyte", IdxReaderTest.idxLabels(IdxReader.LABELS_MAGIC, 3, TRAIN_LABELS));
        plain.put("t10k-images-idx3-ubyte", IdxReaderTest.idxImages(IdxReader.IMAGES_MAGIC, 1, 2, 2, TEST_PIXELS));
        plain.put("t10k-labels-idx1-ubyte", IdxReaderTest.idxLabels(IdxReader.LABELS_MAGIC, 1, TEST_LABELS));
        Map<String, byte[]> served = new HashMap<>();
        for (Map.Entry<String, byte[]> e : plain.entrySet()) {
            served.put("/data/" + e.getKey() + ".gz", gzip(e.getValue()));
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/data/", (HttpExchange ex) -> {
            String path = ex.getRequestURI().getPath();
            requests.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            byte[] body = served.get(path);
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
            ex.close();
        });
        server.start();
        mirror = "http://127.0.0.1:" + server.getAddress().getPort() + "/data/";
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }

    private static String sha256(byte[] content) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(content);
            StringBuilder s = new StringBuilder();
            for (byte b : d) {
                s.append(String.format("%02x", b));
            }
            return s.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** The four fake files of {@code variant} on the given mirrors (in the cache folder {@code variant.id()}). */
    private List<DatasetDownloader.DatasetFile> files(Variant variant, List<String> mirrors) {
        List<DatasetDownloader.DatasetFile> list = new ArrayList<>();
        for (String name : MnistDatasets.FILE_NAMES) {
            list.add(new DatasetDownloader.DatasetFile(variant.id(), name + ".gz", sha256(plain.get(name)), mirrors));
        }
        return list;
    }

    private MnistDatasets datasets(List<String> mirrors) {
        return new MnistDatasets(new DatasetDownloader(cache, Duration.ofSeconds(2)), v -> files(v, mirrors),
                props::get, env::get);
    }

    private MnistDatasets datasets() {
        return datasets(List.of(mirror));
    }

    private int totalRequests() {
        return requests.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private int requestsFor(String name) {
        AtomicInteger n = requests.get("/data/" + name);
        return n == null ? 0 : n.get();
    }

    /** A folder with the given canonical files (gzipped when {@code gz}). */
    private Path folderWith(String dirName, boolean gz, String... names) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(dirName));
        for (String n : names) {
            Files.write(dir.resolve(gz ? n + ".gz" : n), gz ? gzip(plain.get(n)) : plain.get(n));
        }
        return dir;
    }

    private static void assertFakeSplit(MnistDatasets.Split s) {
        assertEquals(3, s.train().size());
        assertEquals(1, s.test().size());
        assertArrayEquals(new double[] {7, 0, 9}, s.train().labels().dup().data().asDouble(), 0);
        assertArrayEquals(new double[] {4}, s.test().labels().dup().data().asDouble(), 0);
        // pixel 255 of the test image -> (1 - 0.1307) / 0.3081 with the MNIST normalisation
        assertEquals((1 - 0.1307) / 0.3081, s.test().features().getDouble(0, 0), 1e-6);
    }

    @Test
    void downloadsIntoTheCacheVerifiesAndThenReusesIt() throws IOException {
        MnistDatasets d = datasets();
        Path dir = d.folder(Variant.MNIST, null);
        assertEquals(cache.toAbsolutePath().resolve("mnist"), dir);
        assertEquals(d.cacheFolder(Variant.MNIST), dir);
        for (String n : MnistDatasets.FILE_NAMES) {
            assertEquals(1, requestsFor(n + ".gz"), n);
            assertTrue(Files.isRegularFile(dir.resolve(n + ".gz")), n);
        }
        assertFakeSplit(d.load(Variant.MNIST, null, Precision.FLOAT64));
        // the second and third resolution read the cache only
        assertEquals(dir, d.folder(Variant.MNIST, null));
        assertEquals(4, totalRequests());
        // Fashion-MNIST has its own cache folder
        assertEquals(cache.toAbsolutePath().resolve("fashion-mnist"), d.folder(Variant.FASHION_MNIST, null));
        assertEquals(8, totalRequests());
    }

    @Test
    void corruptCachedFileIsReplacedAndOnlyThatOneIsDownloadedAgain() throws IOException {
        MnistDatasets d = datasets();
        Path dir = d.folder(Variant.MNIST, null);
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 5}));
        assertEquals(dir, d.folder(Variant.MNIST, null));
        assertEquals(2, requestsFor("train-labels-idx1-ubyte.gz"));
        assertEquals(5, totalRequests());
        assertFakeSplit(d.load(Variant.MNIST, null, Precision.FLOAT32));
    }

    @Test
    void unzippedCopyInTheCacheIsUsedWhenRightAndReplacedWhenWrong() throws IOException {
        MnistDatasets d = datasets();
        Path dir = folderWith("cache/mnist", false, MnistDatasets.FILE_NAMES.toArray(new String[0]));
        assertEquals(dir.toAbsolutePath(), d.folder(Variant.MNIST, null));
        assertEquals(0, totalRequests());
        // a wrong unzipped copy would hide the download (IdxReader prefers the plain name): it is deleted
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), IdxReaderTest.idxLabels(IdxReader.LABELS_MAGIC, 1,
                new int[] {5}));
        d.folder(Variant.MNIST, null);
        assertEquals(1, totalRequests());
        assertFalse(Files.exists(dir.resolve("t10k-labels-idx1-ubyte")));
        assertFakeSplit(d.load(Variant.MNIST, null, Precision.FLOAT64));
    }

    @Test
    void givenFolderIsUsedAsItIsWithoutNetwork() throws IOException {
        Path dir = folderWith("given", true, MnistDatasets.FILE_NAMES.toArray(new String[0]));
        MnistDatasets d = datasets();
        assertEquals(dir.toAbsolutePath(), d.folder(Variant.MNIST, dir));
        assertFakeSplit(d.load(Variant.FASHION_MNIST, dir, Precision.FLOAT32));
        assertEquals(0, totalRequests());
        assertFalse(Files.exists(cache));
    }

    @Test
    void incompleteGivenFolderNamesTheFolderAndTheMissingFiles() throws IOException {
        Path dir = folderWith("partial", true, "train-images-idx3-ubyte", "train-labels-idx1-ubyte");
        IOException e = assertThrows(IOException.class, () -> datasets().folder(Variant.MNIST, dir));
        String m = e.getMessage();
        assertTrue(m.contains("MNIST folder " + dir.toAbsolutePath() + " (from the folder given) is incomplete"), m);
        assertTrue(m.contains("missing t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]"), m);
        assertFalse(m.contains("missing train"), m);
        assertTrue(m.contains("mnist=FOLDER"), m);
        assertTrue(m.contains(cache.toAbsolutePath().resolve("mnist").toString()), m);
        assertEquals(0, totalRequests());

        Path none = tmp.resolve("no-such-folder");
        e = assertThrows(IOException.class, () -> datasets().folder(Variant.FASHION_MNIST, none));
        assertTrue(e.getMessage().contains("Fashion-MNIST folder " + none.toAbsolutePath()
                + " (from the folder given) does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("dataset=fashion-mnist data=FOLDER"), e.getMessage());
    }

    @Test
    void explicitFolderThenPropertyThenEnvironmentThenCache() throws IOException {
        String[] all = MnistDatasets.FILE_NAMES.toArray(new String[0]);
        Path given = folderWith("given", true, all);
        Path fromProperty = folderWith("prop", false, all);
        Path fromEnv = folderWith("env", true, all);
        MnistDatasets d = datasets();
        env.put("FL4J_MNIST", fromEnv.toString());
        assertEquals(fromEnv.toAbsolutePath(), d.folder(Variant.MNIST, null));
        props.put("fl4j.mnist", " " + fromProperty + " ");
        assertEquals(fromProperty.toAbsolutePath(), d.folder(Variant.MNIST, null));
        assertEquals(given.toAbsolutePath(), d.folder(Variant.MNIST, given));
        assertEquals(0, totalRequests());
        // each variant has its own names: MNIST's settings do not apply to Fashion-MNIST
        assertEquals(cache.toAbsolutePath().resolve("fashion-mnist"), d.folder(Variant.FASHION_MNIST, null));
        assertEquals(4, totalRequests());
        props.put("fl4j.fashionMnist", tmp.resolve("missing").toString());
        IOException e = assertThrows(IOException.class, () -> d.folder(Variant.FASHION_MNIST, null));
        assertTrue(e.getMessage().contains("(from the system property -Dfl4j.fashionMnist) does not exist"),
                e.getMessage());
        props.clear();
        env.put("FL4J_MNIST", folderWith("env-partial", true, "t10k-labels-idx1-ubyte").toString());
        e = assertThrows(IOException.class, () -> d.folder(Variant.MNIST, null));
        assertTrue(e.getMessage().contains("(from the environment variable FL4J_MNIST) is incomplete: missing "
                + "train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz]"),
                e.getMessage());
    }

    @Test
    void completeSystemFolderComesAfterTheEnvironmentAndBeforeTheCache() throws IOException {
        String[] all = MnistDatasets.FILE_NAMES.toArray(new String[0]);
        Path system = folderWith("usr-share", true, all);
        Map<Variant, Path> systemFolders = new HashMap<>();
        systemFolders.put(Variant.FASHION_MNIST, system);
        MnistDatasets d = new MnistDatasets(new DatasetDownloader(cache, Duration.ofSeconds(2)),
                v -> files(v, List.of(mirror)), props::get, env::get, systemFolders::get);
        assertEquals(system.toAbsolutePath(), d.folder(Variant.FASHION_MNIST, null));
        assertFakeSplit(d.load(Variant.FASHION_MNIST, null, Precision.FLOAT64));
        assertEquals(0, totalRequests());
        // the environment variable wins over the system folder
        Path fromEnv = folderWith("env", false, all);
        env.put("FL4J_FASHION_MNIST", fromEnv.toString());
        assertEquals(fromEnv.toAbsolutePath(), d.folder(Variant.FASHION_MNIST, null));
        env.clear();
        // an incomplete system folder is passed over: the cache (here: a download) is used
        Files.delete(system.resolve("t10k-images-idx3-ubyte.gz"));
        assertEquals(cache.toAbsolutePath().resolve("fashion-mnist"), d.folder(Variant.FASHION_MNIST, null));
        assertEquals(4, totalRequests());
        // MNIST has no system folder; Fashion-MNIST's is where Debian's dataset-fashion-mnist installs it
        assertEquals(null, Variant.MNIST.systemFolder());
        assertEquals(Path.of("/usr/share/datasets/fashion-mnist"), Variant.FASHION_MNIST.systemFolder());
    }

    @Test
    void offlineMessageSaysExactlyWhatToDo() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String refused = "http://127.0.0.1:" + closedPort + "/mnist/";
        String missing = mirror.replace("/data/", "/data/nothing-here/");
        MnistDatasets d = datasets(List.of(refused, missing));
        IOException e = assertThrows(IOException.class, () -> d.folder(Variant.MNIST, null));
        String m = e.getMessage();
        Path dir = cache.toAbsolutePath().resolve("mnist");
        assertTrue(m.startsWith("MNIST is not in the download cache " + dir + " and train-images-idx3-ubyte.gz could "
                + "not be downloaded (the machine may be offline"), m);
        // every mirror's error, then the exact commands
        assertTrue(m.contains(refused + "train-images-idx3-ubyte.gz: ConnectException"), m);
        assertTrue(m.contains(missing + "train-images-idx3-ubyte.gz: HTTP 404"), m);
        assertTrue(m.contains("mkdir -p \"" + dir + "\" && cd \"" + dir + "\""), m);
        for (String n : MnistDatasets.FILE_NAMES) {
            assertTrue(m.contains("curl -fLO " + refused + n + ".gz"), m);
        }
        assertTrue(m.contains("also under " + missing), m);
        assertTrue(m.contains("mnist=FOLDER"), m);
        assertTrue(m.contains("-Dfl4j.mnist=FOLDER"), m);
        assertTrue(m.contains("FL4J_MNIST=FOLDER"), m);
        assertFalse(m.contains("apt-get"), m);
        // the first failure stops: the other three files were not requested; nothing partial is left
        assertEquals(1, totalRequests());
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
        String fashion = assertThrows(IOException.class, () -> d.folder(Variant.FASHION_MNIST, null)).getMessage();
        assertTrue(fashion.contains("apt-get install dataset-fashion-mnist"), fashion);
    }

    @Test
    void variantNamesAndConstants() {
        assertEquals(Variant.MNIST, Variant.parse("mnist"));
        assertEquals(Variant.FASHION_MNIST, Variant.parse("fashion-mnist"));
        assertEquals(Variant.FASHION_MNIST, Variant.parse(" FASHION_MNIST "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Variant.parse("cifar10"));
        assertEquals("dataset must be mnist or fashion-mnist, was 'cifar10'", e.getMessage());
        assertEquals(DatasetDownloader.MNIST, Variant.MNIST.files());
        assertEquals(DatasetDownloader.FASHION_MNIST, Variant.FASHION_MNIST.files());
        for (Variant v : Variant.values()) {
            for (int i = 0; i < 4; i++) {
                assertEquals(MnistDatasets.FILE_NAMES.get(i) + ".gz", v.files().get(i).name());
                assertEquals(v.id(), v.files().get(i).dataset());
            }
        }
        assertEquals("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
                DatasetDownloader.FASHION_MNIST_MIRRORS.get(0));
        // the real cache layout: <cache>/mnist and <cache>/fashion-mnist
        MnistDatasets real = new MnistDatasets(new DatasetDownloader(cache));
        assertEquals(cache.toAbsolutePath().resolve("fashion-mnist"), real.cacheFolder(Variant.FASHION_MNIST));
    }
}
