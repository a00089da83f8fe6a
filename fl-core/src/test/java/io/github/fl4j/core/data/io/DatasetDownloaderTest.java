package io.github.fl4j.core.data.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every test runs against an HttpServer on 127.0.0.1 started here: no test touches the internet. */
@Timeout(30)
class DatasetDownloaderTest {

    @TempDir
    Path cache;

    private HttpServer server;
    private String base;
    /** Requests per context path ("/ok/", "/missing/", "/wrong/"). */
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    /** Tiny IDX label file (labels 3, 1, 4), uncompressed. */
    private byte[] plain;
    private byte[] gzipped;
    private String plainSha;

    @BeforeEach
    void startServer() throws IOException {
        plain = IdxReaderTest.idxLabels(IdxReader.LABELS_MAGIC, 3, new int[] {3, 1, 4});
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(plain);
        }
        gzipped = bytes.toByteArray();
        plainSha = sha256(plain);

        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serve("/ok/", Map.of("/ok/labels-idx1-ubyte.gz", gzipped, "/ok/labels-idx1-ubyte", plain));
        serve("/missing/", Map.of());
        serve("/wrong/", Map.of("/wrong/labels-idx1-ubyte.gz", "not the file".getBytes()));
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void serve(String context, Map<String, byte[]> files) {
        requests.put(context, new AtomicInteger());
        server.createContext(context, (HttpExchange ex) -> {
            requests.get(context).incrementAndGet();
            byte[] body = files.get(ex.getRequestURI().getPath());
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

    private DatasetDownloader.DatasetFile file(String name, String sha, String... mirrorContexts) {
        List<String> mirrors = Stream.of(mirrorContexts).map(c -> base + c).collect(Collectors.toList());
        return new DatasetDownloader.DatasetFile("test", name, sha, mirrors);
    }

    private List<String> filesIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void downloadsVerifiesAndReusesTheCache() throws IOException {
        DatasetDownloader dl = new DatasetDownloader(cache);
        DatasetDownloader.DatasetFile f = file("labels-idx1-ubyte.gz", plainSha, "/ok/");
        Path p = dl.fetch(f);
        assertEquals(cache.resolve("test").resolve("labels-idx1-ubyte.gz"), p);
        assertArrayEquals(gzipped, Files.readAllBytes(p)); // stored as served (gzipped)
        assertArrayEquals(new int[] {3, 1, 4}, IdxReader.readLabels(p));
        assertEquals(1, requests.get("/ok/").get());
        // atomic write: only the final file, no temporary ".part" file left
        assertEquals(List.of("labels-idx1-ubyte.gz"), filesIn(cache.resolve("test")));

        Path again = dl.fetch(f);
        assertEquals(p, again);
        assertEquals(1, requests.get("/ok/").get()); // second fetch served from the cache: no new request
        assertEquals(p, new DatasetDownloader(cache).fetch(f)); // a new instance finds the cached file too
        assertEquals(1, requests.get("/ok/").get());
    }

    @Test
    void hashIsOfTheUncompressedContent() throws IOException {
        // the same SHA-256 verifies the plain file and the gzipped one
        DatasetDownloader dl = new DatasetDownloader(cache);
        Path p = dl.fetch(file("labels-idx1-ubyte", plainSha, "/ok/"));
        assertArrayEquals(plain, Files.readAllBytes(p));
        assertEquals(plainSha, DatasetDownloader.sha256(p));
        Path gz = dl.fetch(file("labels-idx1-ubyte.gz", plainSha, "/ok/"));
        assertEquals(plainSha, DatasetDownloader.sha256(gz));
        assertTrue(DatasetDownloader.isGzip(gz));
    }

    @Test
    void firstMirror404ThenSecondMirror() throws IOException {
        DatasetDownloader dl = new DatasetDownloader(cache);
        Path p = dl.fetch(file("labels-idx1-ubyte.gz", plainSha, "/missing/", "/ok/"));
        assertArrayEquals(new int[] {3, 1, 4}, IdxReader.readLabels(p));
        assertEquals(1, requests.get("/missing/").get());
        assertEquals(1, requests.get("/ok/").get());
        assertEquals(List.of("labels-idx1-ubyte.gz"), filesIn(cache.resolve("test")));
    }

    @Test
    void wrongHashIsRejectedAndNothingIsLeftInTheCache() throws IOException {
        DatasetDownloader dl = new DatasetDownloader(cache);
        String wrong = "0".repeat(64);
        DatasetDownloader.DatasetFile f = file("labels-idx1-ubyte.gz", wrong, "/ok/", "/wrong/");
        IOException e = assertThrows(IOException.class, () -> dl.fetch(f));
        String m = e.getMessage();
        assertTrue(m.contains("SHA-256 mismatch"), m);
        assertTrue(m.contains("expected " + wrong), m);
        assertTrue(m.contains("actual " + plainSha), m); // from the /ok/ mirror: the real file's hash
        assertTrue(m.contains(base + "/ok/labels-idx1-ubyte.gz"), m);
        assertTrue(m.contains(base + "/wrong/labels-idx1-ubyte.gz"), m);
        assertEquals(List.of(), filesIn(cache.resolve("test"))); // neither the file nor a temporary file
    }

    @Test
    void connectionRefusedSaysOfflineAndNamesTheCachePath() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        DatasetDownloader dl = new DatasetDownloader(cache, Duration.ofSeconds(2));
        String mirror = "http://127.0.0.1:" + closedPort + "/mnist/";
        DatasetDownloader.DatasetFile f = new DatasetDownloader.DatasetFile("test", "labels-idx1-ubyte.gz", plainSha,
                List.of(mirror));
        IOException e = assertThrows(IOException.class, () -> dl.fetch(f));
        String m = e.getMessage();
        assertTrue(m.contains(mirror + "labels-idx1-ubyte.gz"), m);
        assertTrue(m.contains("offline"), m);
        assertTrue(m.contains("ConnectException"), m);
        assertTrue(m.contains(dl.cachePath(f).toString()), m);
        assertTrue(m.contains(plainSha), m);
        assertEquals(List.of(), filesIn(cache.resolve("test")));
    }

    @Test
    void corruptCachedFileIsReplaced() throws IOException {
        DatasetDownloader dl = new DatasetDownloader(cache);
        DatasetDownloader.DatasetFile f = file("labels-idx1-ubyte.gz", plainSha, "/ok/");
        Files.createDirectories(dl.cachePath(f).getParent());
        Files.write(dl.cachePath(f), new byte[] {1, 2, 3});
        Path p = dl.fetch(f);
        assertArrayEquals(gzipped, Files.readAllBytes(p));
        assertEquals(1, requests.get("/ok/").get());
    }

    @Test
    void manuallyPlacedFileIsUsedWithoutNetwork() throws IOException {
        // a plain copy under the .gz name is accepted: the hash is of the uncompressed content
        DatasetDownloader dl = new DatasetDownloader(cache);
        DatasetDownloader.DatasetFile f = file("labels-idx1-ubyte.gz", plainSha, "/missing/");
        Files.createDirectories(dl.cachePath(f).getParent());
        Files.write(dl.cachePath(f), plain);
        assertEquals(dl.cachePath(f), dl.fetch(f));
        assertEquals(0, requests.get("/missing/").get());
    }

    @Test
    void cacheDirectoryFromPropertyAndConstructor() {
        String old = System.getProperty(DatasetDownloader.CACHE_PROPERTY);
        try {
            System.setProperty(DatasetDownloader.CACHE_PROPERTY, cache.resolve("prop").toString());
            assertEquals(cache.resolve("prop").toAbsolutePath(), new DatasetDownloader().cacheDirectory());
            assertEquals(cache.resolve("arg").toAbsolutePath(), new DatasetDownloader(cache.resolve("arg"))
                    .cacheDirectory());
            System.clearProperty(DatasetDownloader.CACHE_PROPERTY);
            assertEquals(Path.of(System.getProperty("user.home"), ".fl4j", "datasets"),
                    DatasetDownloader.defaultCacheDirectory());
        } finally {
            if (old == null) {
                System.clearProperty(DatasetDownloader.CACHE_PROPERTY);
            } else {
                System.setProperty(DatasetDownloader.CACHE_PROPERTY, old);
            }
        }
    }

    @Test
    void datasetFileValidation() {
        DatasetDownloader.DatasetFile f = new DatasetDownloader.DatasetFile("d", "x.gz", plainSha.toUpperCase(),
                List.of("http://h/a"));
        assertEquals(plainSha, f.sha256()); // stored in lower case
        assertEquals(List.of("http://h/a/"), f.mirrors()); // trailing '/' added
        assertEquals("http://h/a/x.gz", f.url(f.mirrors().get(0)).toString());
        assertThrows(IllegalArgumentException.class,
                () -> new DatasetDownloader.DatasetFile("d", "x", "abc", List.of("http://h/")));
        assertThrows(IllegalArgumentException.class,
                () -> new DatasetDownloader.DatasetFile("d", "../x", plainSha, List.of("http://h/")));
        assertThrows(IllegalArgumentException.class,
                () -> new DatasetDownloader.DatasetFile("d", "x", plainSha, List.of("ftp://h/")));
        assertThrows(IllegalArgumentException.class,
                () -> new DatasetDownloader.DatasetFile("d", "x", plainSha, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new DatasetDownloader(cache, Duration.ZERO));
    }

    @Test
    void mnistConstants() {
        // mirrors in torchvision's order; hashes from shared/data/README.md (checked against the real files in
        // IdxReaderTest.realMnistSha256MatchesReadme)
        assertEquals(List.of("https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"),
                DatasetDownloader.MNIST_MIRRORS);
        assertEquals(4, DatasetDownloader.MNIST.size());
        assertEquals("ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                DatasetDownloader.MNIST_TRAIN_IMAGES.sha256());
        assertFalse(DatasetDownloader.MNIST.stream().anyMatch(f -> !f.dataset().equals("mnist")));
    }
}
