package io.github.fl4j.core.data.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads public dataset files into a local cache and verifies them by SHA-256.
 *
 * <h2>Cache</h2>
 * Files live at {@code <cache>/<dataset>/<name>}, e.g. {@code ~/.fl4j/datasets/mnist/train-images-idx3-ubyte.gz}. The
 * cache directory is the constructor argument if given, else the system property {@value #CACHE_PROPERTY}, else the
 * environment variable {@value #CACHE_ENVIRONMENT}, else {@code ~/.fl4j/datasets}. {@link #fetch} returns the cached
 * file when it is present and its hash is right (the hash is checked on every call: about 0.2 s for the largest MNIST
 * file); otherwise it deletes a bad copy and downloads. A file put into the cache by hand (gzipped or not, under the
 * expected name) is used like a downloaded one.
 *
 * <h2>Download</h2>
 * The mirrors of a {@link DatasetFile} are tried in order; the URL is the mirror base plus the file name. The body is
 * written to a temporary file in the target directory, the SHA-256 of its <em>uncompressed</em> content (gunzipped
 * when the file starts with the gzip magic bytes {@code 1f 8b}; gzip headers differ between copies of the same data)
 * is compared with the expected value, and only a verified file is moved into place with
 * {@link StandardCopyOption#ATOMIC_MOVE}, so a reader never sees a partial or unverified file. Temporary files are
 * deleted on every failure. A wrong hash or an HTTP error moves on to the next mirror; when every mirror failed, the
 * {@link IOException} lists each mirror with its error, says the machine may be offline and names the path where the
 * file can be put by hand.
 *
 * <h2>Known files</h2>
 * The four MNIST files ({@link #MNIST_TRAIN_IMAGES} etc.) with the mirrors torchvision uses and the uncompressed
 * SHA-256 values of the canonical distribution, and the four Fashion-MNIST files ({@link #FASHION_MNIST_TRAIN_IMAGES}
 * etc.) with Zalando's own mirrors. The Fashion-MNIST values were computed from the files of the Debian package
 * {@code dataset-fashion-mnist} (version 0.0~git20200523.55506a9-1, Zalando's upstream repository of 2020-05-23). That
 * package recompresses the files (its {@code .gz} MD5 values differ from the ones Zalando publishes, and the
 * {@code .gz} sizes differ by a few bytes of gzip header), which is why the hash is taken of the uncompressed content:
 * the uncompressed files have the expected sizes (47,040,016, 60,008, 7,840,016 and 10,008 bytes) and IDX headers
 * (magic 0x803 / 0x801, 60,000 or 10,000 items, 28 x 28), and their SHA-256 values agree with the values other open
 * source projects publish for the archives that match Zalando's MD5 values. {@link MnistDatasets} resolves either
 * dataset (explicit folder, property, cache, download) and reads it.
 *
 * <p>Thread-safe; concurrent fetches of one file (also from several processes) each download to their own temporary
 * file and the last atomic move wins, with identical content.
 */
public final class DatasetDownloader {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetDownloader.class);

    /** System property naming the cache directory. */
    public static final String CACHE_PROPERTY = "fl4j.datasets";
    /** Environment variable naming the cache directory (used when {@value #CACHE_PROPERTY} is not set). */
    public static final String CACHE_ENVIRONMENT = "FL4J_DATASETS";
    /** Default connect timeout per mirror. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Time allowed from sending a request until the response headers arrive. */
    public static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);

    /** The MNIST mirrors torchvision uses, in its order. */
    public static final List<String> MNIST_MIRRORS = List.of(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "http://yann.lecun.com/exdb/mnist/");
    /** MNIST training images (60,000 x 28 x 28); with the SHA-256 of the published file. */
    public static final DatasetFile MNIST_TRAIN_IMAGES = new DatasetFile("mnist", "train-images-idx3-ubyte.gz",
            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", MNIST_MIRRORS);
    /** MNIST training labels (60,000); with the SHA-256 of the published file. */
    public static final DatasetFile MNIST_TRAIN_LABELS = new DatasetFile("mnist", "train-labels-idx1-ubyte.gz",
            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", MNIST_MIRRORS);
    /** MNIST test images (10,000 x 28 x 28); with the SHA-256 of the published file. */
    public static final DatasetFile MNIST_TEST_IMAGES = new DatasetFile("mnist", "t10k-images-idx3-ubyte.gz",
            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", MNIST_MIRRORS);
    /** MNIST test labels (10,000); with the SHA-256 of the published file. */
    public static final DatasetFile MNIST_TEST_LABELS = new DatasetFile("mnist", "t10k-labels-idx1-ubyte.gz",
            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", MNIST_MIRRORS);
    /** The four MNIST files. */
    public static final List<DatasetFile> MNIST = List.of(MNIST_TRAIN_IMAGES, MNIST_TRAIN_LABELS, MNIST_TEST_IMAGES,
            MNIST_TEST_LABELS);

    /**
     * The Fashion-MNIST mirrors: Zalando's S3 website (the download links of the dataset's README), then the data
     * folder of Zalando's GitHub repository.
     */
    public static final List<String> FASHION_MNIST_MIRRORS = List.of(
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/");
    /** Fashion-MNIST training images (60,000 x 28 x 28); SHA-256 of the uncompressed file (see the class javadoc). */
    public static final DatasetFile FASHION_MNIST_TRAIN_IMAGES = new DatasetFile("fashion-mnist",
            "train-images-idx3-ubyte.gz", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            FASHION_MNIST_MIRRORS);
    /** Fashion-MNIST training labels (60,000); SHA-256 of the uncompressed file (see the class javadoc). */
    public static final DatasetFile FASHION_MNIST_TRAIN_LABELS = new DatasetFile("fashion-mnist",
            "train-labels-idx1-ubyte.gz", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            FASHION_MNIST_MIRRORS);
    /** Fashion-MNIST test images (10,000 x 28 x 28); SHA-256 of the uncompressed file (see the class javadoc). */
    public static final DatasetFile FASHION_MNIST_TEST_IMAGES = new DatasetFile("fashion-mnist",
            "t10k-images-idx3-ubyte.gz", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            FASHION_MNIST_MIRRORS);
    /** Fashion-MNIST test labels (10,000); SHA-256 of the uncompressed file (see the class javadoc). */
    public static final DatasetFile FASHION_MNIST_TEST_LABELS = new DatasetFile("fashion-mnist",
            "t10k-labels-idx1-ubyte.gz", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
            FASHION_MNIST_MIRRORS);
    /** The four Fashion-MNIST files (same names and layout as MNIST). */
    public static final List<DatasetFile> FASHION_MNIST = List.of(FASHION_MNIST_TRAIN_IMAGES,
            FASHION_MNIST_TRAIN_LABELS, FASHION_MNIST_TEST_IMAGES, FASHION_MNIST_TEST_LABELS);

    /**
     * A downloadable file.
     *
     * @param dataset subdirectory of the cache, e.g. {@code mnist} (letters, digits, '.', '_', '-')
     * @param name    file name, appended to each mirror URL, e.g. {@code train-images-idx3-ubyte.gz}
     * @param sha256  SHA-256 of the uncompressed content, 64 hex digits (stored in lower case)
     * @param mirrors base URLs (http or https) tried in order; a missing trailing '/' is added
     */
    public record DatasetFile(String dataset, String name, String sha256, List<String> mirrors) {
        /** Validates and normalises the fields. */
        public DatasetFile {
            if (dataset == null || !dataset.matches("[A-Za-z0-9._-]+") || dataset.matches("\\.+")) {
                throw new IllegalArgumentException("dataset must be a plain directory name, was " + quote(dataset));
            }
            if (name == null || !name.matches("[A-Za-z0-9._-]+") || name.matches("\\.+")) {
                throw new IllegalArgumentException("name must be a plain file name, was " + quote(name));
            }
            if (sha256 == null || !sha256.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("sha256 must be 64 hex digits, was " + quote(sha256));
            }
            sha256 = sha256.toLowerCase(Locale.ROOT);
            if (mirrors == null || mirrors.isEmpty()) {
                throw new IllegalArgumentException("mirrors must hold at least one URL, was "
                        + (mirrors == null ? "null" : "empty"));
            }
            List<String> normalised = new ArrayList<>(mirrors.size());
            for (String m : mirrors) {
                if (m == null) {
                    throw new IllegalArgumentException("mirrors must not contain null");
                }
                String base = m.endsWith("/") ? m : m + "/";
                URI uri;
                try {
                    uri = URI.create(base);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("mirror is not a valid URL: " + quote(m), e);
                }
                if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
                    throw new IllegalArgumentException("mirror must be an http or https URL, was " + quote(m));
                }
                normalised.add(base);
            }
            mirrors = List.copyOf(normalised);
        }

        /** The URL of this file on the given mirror base. */
        public URI url(String mirror) {
            return URI.create((mirror.endsWith("/") ? mirror : mirror + "/") + name);
        }
    }

    private final Path cacheDir;
    private final Duration connectTimeout;
    private HttpClient client;

    /**
     * A downloader with the default cache directory (property {@value #CACHE_PROPERTY}, else environment variable
     * {@value #CACHE_ENVIRONMENT}, else ~/.fl4j/datasets).
     */
    public DatasetDownloader() {
        this(defaultCacheDirectory(), DEFAULT_CONNECT_TIMEOUT);
    }

    /** A downloader with the given cache directory (created on first download). */
    public DatasetDownloader(Path cacheDir) {
        this(cacheDir, DEFAULT_CONNECT_TIMEOUT);
    }

    /**
     * @param cacheDir       the cache directory (created on first download)
     * @param connectTimeout connect timeout per mirror, > 0
     */
    public DatasetDownloader(Path cacheDir, Duration connectTimeout) {
        if (cacheDir == null) {
            throw new IllegalArgumentException("cacheDir must not be null");
        }
        if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be > 0, was " + connectTimeout);
        }
        this.cacheDir = cacheDir.toAbsolutePath();
        this.connectTimeout = connectTimeout;
    }

    /**
     * The system property {@value #CACHE_PROPERTY} if set and not blank, else the environment variable
     * {@value #CACHE_ENVIRONMENT} if set and not blank, else {@code ~/.fl4j/datasets}.
     */
    public static Path defaultCacheDirectory() {
        String prop = System.getProperty(CACHE_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop.trim());
        }
        String env = System.getenv(CACHE_ENVIRONMENT);
        if (env != null && !env.isBlank()) {
            return Path.of(env.trim());
        }
        return Path.of(System.getProperty("user.home"), ".fl4j", "datasets");
    }

    /** The cache directory (absolute). */
    public Path cacheDirectory() {
        return cacheDir;
    }

    /** Where {@code file} is (or would be) cached: {@code <cache>/<dataset>/<name>}. */
    public Path cachePath(DatasetFile file) {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        return cacheDir.resolve(file.dataset()).resolve(file.name());
    }

    /**
     * Fetches the four MNIST files (see {@link #MNIST}) and returns their directory, ready for
     * {@link IdxReader#mnist}.
     *
     * @throws IOException if a file cannot be downloaded and verified
     */
    public Path mnistDirectory() throws IOException {
        Path dir = null;
        for (DatasetFile f : MNIST) {
            dir = fetch(f).getParent();
        }
        return dir;
    }

    /**
     * The cached copy of {@code file}, downloaded and verified first if it is absent or its hash is wrong.
     *
     * @return the path {@link #cachePath(DatasetFile)}
     * @throws IOException if every mirror fails (the message lists each mirror's error and the path for a manual copy),
     *                     or the cache directory cannot be written
     */
    public Path fetch(DatasetFile file) throws IOException {
        Path target = cachePath(file);
        if (Files.isRegularFile(target)) {
            String actual;
            try {
                actual = sha256(target);
            } catch (IOException e) {
                actual = "unreadable (" + describe(e) + ")";
            }
            if (actual.equals(file.sha256())) {
                return target;
            }
            LOG.warn("Cached {} is invalid (SHA-256 of the uncompressed content expected {}, actual {}); "
                    + "downloading it again", target, file.sha256(), actual);
            Files.delete(target);
        }
        Files.createDirectories(target.getParent());
        List<String> failures = new ArrayList<>();
        for (String mirror : file.mirrors()) {
            URI url = file.url(mirror);
            try {
                download(url, file, target);
                return target;
            } catch (InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                LOG.warn("Download of {} failed: {}", url, describe(e));
                failures.add(url + ": " + describe(e));
            }
        }
        StringBuilder msg = new StringBuilder();
        msg.append("Could not download ").append(file.dataset()).append('/').append(file.name()).append(" from any of ")
                .append(file.mirrors().size()).append(file.mirrors().size() == 1 ? " mirror:" : " mirrors:");
        for (String f : failures) {
            msg.append("\n  - ").append(f);
        }
        msg.append("\nThe machine may be offline, or the mirrors may have moved. To install the file by hand, get ")
                .append(file.name()).append(" elsewhere and copy it to ").append(target)
                .append(" (gzipped or not; the SHA-256 of its uncompressed content must be ").append(file.sha256())
                .append(").");
        throw new IOException(msg.toString());
    }

    private void download(URI url, DatasetFile file, Path target) throws IOException {
        LOG.info("Downloading {} to {}", url, target);
        Path tmp = Files.createTempFile(target.getParent(), "." + file.name() + ".", ".part");
        boolean moved = false;
        try {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(RESPONSE_TIMEOUT).GET().build();
            HttpResponse<InputStream> response;
            try {
                response = client().send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                InterruptedIOException ie = new InterruptedIOException("interrupted while downloading " + url);
                ie.initCause(e);
                throw ie;
            }
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IOException("HTTP " + response.statusCode());
                }
                Files.copy(body, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            String actual;
            try {
                actual = sha256(tmp);
            } catch (IOException e) {
                throw new IOException("downloaded content is unreadable (" + describe(e) + ")", e);
            }
            if (!actual.equals(file.sha256())) {
                throw new IOException("SHA-256 mismatch of the uncompressed content from mirror " + url
                        + ": expected " + file.sha256() + ", actual " + actual);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            LOG.info("Verified {} (SHA-256 {})", target, actual);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    LOG.warn("Cannot delete partial download {}: {}", tmp, describe(e));
                }
            }
        }
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder().connectTimeout(connectTimeout)
                    .followRedirects(HttpClient.Redirect.NORMAL).build();
        }
        return client;
    }

    /**
     * The SHA-256 of the uncompressed content of {@code file} (gunzipped when it starts with {@code 1f 8b}), as 64
     * lower-case hex digits.
     *
     * @throws IOException if the file cannot be read or its gzip data is corrupt
     */
    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 must be available in every JDK", e);
        }
        try (InputStream in = openUncompressed(file)) {
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) >= 0) {
                md.update(buf, 0, r);
            }
        }
        byte[] d = md.digest();
        StringBuilder hex = new StringBuilder(64);
        for (byte b : d) {
            hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return hex.toString();
    }

    /**
     * Whether {@code file} starts with the gzip magic bytes {@code 1f 8b} (the name is not looked at).
     *
     * @throws IOException if the file cannot be read
     */
    public static boolean isGzip(Path file) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    /**
     * A buffered stream of the uncompressed content of {@code file}: gunzipped (all members) when the file starts with
     * {@code 1f 8b}, else the bytes as they are. The caller closes it.
     *
     * @throws IOException if the file cannot be opened or its gzip header is corrupt
     */
    public static InputStream openUncompressed(Path file) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        InputStream raw = Files.newInputStream(file);
        try {
            BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
            }
            return in;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw new IOException(file + ": cannot open (" + describe(e) + ")", e);
        }
    }

    /** The exception's class and message, with the first message found down its cause chain if it has none. */
    private static String describe(Throwable e) {
        StringBuilder s = new StringBuilder();
        if (e.getClass() == IOException.class && e.getMessage() != null) {
            return e.getMessage();
        }
        s.append(e.getClass().getSimpleName());
        String msg = e.getMessage();
        Throwable c = e;
        for (int depth = 0; msg == null && c.getCause() != null && c.getCause() != c && depth < 8; depth++) {
            c = c.getCause();
            msg = c.getMessage();
        }
        if (msg != null) {
            s.append(": ").append(msg);
        } else if (e instanceof java.net.ConnectException) {
            s.append(": connection refused or host unreachable");
        }
        if (e.getCause() != null && e.getCause() != e && e.getCause().getClass() != e.getClass()
                && (msg == null || !msg.equals(e.getCause().getMessage()))) {
            s.append(" (caused by ").append(e.getCause().getClass().getSimpleName());
            if (e.getCause().getMessage() != null) {
                s.append(": ").append(e.getCause().getMessage());
            }
            s.append(')');
        }
        return s.toString();
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
