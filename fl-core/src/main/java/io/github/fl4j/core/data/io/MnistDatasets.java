package io.github.fl4j.core.data.io;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.tensor.Precision;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MNIST and Fashion-MNIST as fl4j data, found or downloaded: the one way for programs (and the examples) to get them.
 *
 * <h2>Where the four files come from</h2>
 * {@link #folder(Variant, Path)} returns a folder holding the four IDX files of the dataset
 * ({@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte},
 * {@code t10k-labels-idx1-ubyte}, each plain or gzipped with {@code .gz}), taking the first of:
 * <ol>
 *   <li>the folder given by the caller (e.g. the examples' {@code mnist=FOLDER} argument);</li>
 *   <li>the system property of the variant ({@code fl4j.mnist}, {@code fl4j.fashionMnist});</li>
 *   <li>the environment variable of the variant ({@code FL4J_MNIST}, {@code FL4J_FASHION_MNIST});</li>
 *   <li>the system folder of the variant's Debian package, when it holds the four files: Fashion-MNIST's
 *       {@code dataset-fashion-mnist} installs them into {@value #DEBIAN_FASHION_MNIST} (MNIST has no such
 *       package);</li>
 *   <li>the download cache {@code <cache>/<name>} ({@code ~/.fl4j/datasets/mnist} or
 *       {@code ~/.fl4j/datasets/fashion-mnist}; the cache directory can be moved with the property
 *       {@value DatasetDownloader#CACHE_PROPERTY} or the environment variable
 *       {@value DatasetDownloader#CACHE_ENVIRONMENT}), each file verified by the SHA-256 of its uncompressed
 *       content;</li>
 *   <li>a download into that cache folder by {@link DatasetDownloader} (about 11 MB for MNIST, 30 MB for
 *       Fashion-MNIST; mirrors tried in order, only a verified file is kept).</li>
 * </ol>
 * A folder from steps 1-3 is used as it is (no hash check, so a subset or a re-encoded copy works too) but must be
 * complete: otherwise the {@link IOException} names the folder, where it came from and the missing files. Steps 1-3
 * never touch the network, nor does a complete system folder (step 4; an incomplete one is passed over).
 *
 * <h2>Offline</h2>
 * When a file is neither in the cache nor downloadable (no network, a proxy, moved mirrors), the {@link IOException}
 * says what to do: the exact {@code curl} commands (or URLs for a browser) that put the four files into the cache
 * folder, which is named, and the alternatives of passing a folder or setting the property or environment variable.
 * The message also lists the error of every mirror tried. Later files are not tried after the first failure, so an
 * offline machine fails after one connection attempt per mirror rather than four.
 *
 * <h2>Reading</h2>
 * {@link #load(Variant, Path, Precision)} reads both splits with {@link IdxReader#mnist} and the standard MNIST
 * normalisation x = (pixel/255 - 0.1307)/0.3081 (for Fashion-MNIST too: one fixed affine map of the pixels keeps
 * setups comparable; use {@link IdxReader#mnist(Path, boolean, Precision, IdxReader.Normalization)} on
 * {@link #folder} for another).
 *
 * <p>Thread-safe (the downloader is; concurrent downloads of one file write identical content atomically).
 */
public final class MnistDatasets {
    private static final Logger LOG = LoggerFactory.getLogger(MnistDatasets.class);

    /** The canonical file names (without {@code .gz}), in the order train images, train labels, test images, labels. */
    public static final List<String> FILE_NAMES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    /** Where Debian's package {@code dataset-fashion-mnist} installs the four Fashion-MNIST files. */
    public static final String DEBIAN_FASHION_MNIST = "/usr/share/datasets/fashion-mnist";

    /** The two datasets of 28 x 28 grey images in ten classes with the same IDX layout. */
    public enum Variant {
        /** Handwritten digits (LeCun, Cortes, Burges), 60,000 + 10,000 images. */
        MNIST("mnist", "MNIST", "fl4j.mnist", "FL4J_MNIST", DatasetDownloader.MNIST, null),
        /** Zalando's clothing images (Xiao, Rasul, Vollgraf 2017), 60,000 + 10,000 images, a drop-in for MNIST. */
        FASHION_MNIST("fashion-mnist", "Fashion-MNIST", "fl4j.fashionMnist", "FL4J_FASHION_MNIST",
                DatasetDownloader.FASHION_MNIST, DEBIAN_FASHION_MNIST);

        private final String id;
        private final String title;
        private final String property;
        private final String environment;
        private final List<DatasetDownloader.DatasetFile> files;
        private final String systemFolder;

        Variant(String id, String title, String property, String environment,
                List<DatasetDownloader.DatasetFile> files, String systemFolder) {
            this.systemFolder = systemFolder;
            this.id = id;
            this.title = title;
            this.property = property;
            this.environment = environment;
            this.files = files;
        }

        /** The name in arguments and the cache sub-folder: {@code mnist} or {@code fashion-mnist}. */
        public String id() {
            return id;
        }

        /** The name for messages: {@code MNIST} or {@code Fashion-MNIST}. */
        public String title() {
            return title;
        }

        /** The system property naming a folder with the four files: {@code fl4j.mnist} or {@code fl4j.fashionMnist}. */
        public String property() {
            return property;
        }

        /** The environment variable naming a folder: {@code FL4J_MNIST} or {@code FL4J_FASHION_MNIST}. */
        public String environment() {
            return environment;
        }

        /**
         * The folder a system package installs the four files into ({@value #DEBIAN_FASHION_MNIST} for
         * Fashion-MNIST), or null when there is none (MNIST).
         */
        public Path systemFolder() {
            return systemFolder == null ? null : Path.of(systemFolder);
        }

        /** The four downloadable files with their mirrors and SHA-256 values (from {@link DatasetDownloader}). */
        public List<DatasetDownloader.DatasetFile> files() {
            return files;
        }

        /**
         * The variant named {@code name}: {@code mnist} or {@code fashion-mnist} (case and '-'/'_' ignored, so
         * {@code FASHION_MNIST} and {@code fashionmnist} work too).
         *
         * @throws IllegalArgumentException naming the value and the accepted names
         */
        public static Variant parse(String name) {
            String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
            for (Variant v : values()) {
                if (v.id.replace("-", "").equals(n)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("dataset must be mnist or fashion-mnist, was "
                    + (name == null ? "null" : "'" + name + "'"));
        }
    }

    /**
     * The training and test split of one dataset.
     *
     * @param train the 60,000 training images, features [60000, 784], labels [60000, 1] (class 0..9)
     * @param test  the 10,000 test images
     */
    public record Split(Dataset train, Dataset test) {
        /** Checks both are present. */
        public Split {
            Objects.requireNonNull(train, "train");
            Objects.requireNonNull(test, "test");
        }
    }

    private final DatasetDownloader downloader;
    private final Function<Variant, List<DatasetDownloader.DatasetFile>> files;
    private final UnaryOperator<String> properties;
    private final UnaryOperator<String> environment;
    private final Function<Variant, Path> systemFolders;

    /** Resolves with the default cache ({@link DatasetDownloader#defaultCacheDirectory()}), JVM properties and env. */
    public MnistDatasets() {
        this(new DatasetDownloader());
    }

    /** Resolves with the given downloader (and so its cache directory), JVM properties and environment. */
    public MnistDatasets(DatasetDownloader downloader) {
        this(downloader, Variant::files, System::getProperty, System::getenv, Variant::systemFolder);
    }

    /** For tests: other files (local mirrors, fake hashes) and other property / environment lookups. */
    MnistDatasets(DatasetDownloader downloader, Function<Variant, List<DatasetDownloader.DatasetFile>> files,
            UnaryOperator<String> properties, UnaryOperator<String> environment) {
        this(downloader, files, properties, environment, v -> null);
    }

    /** For tests: also another system folder per variant (null: none). */
    MnistDatasets(DatasetDownloader downloader, Function<Variant, List<DatasetDownloader.DatasetFile>> files,
            UnaryOperator<String> properties, UnaryOperator<String> environment,
            Function<Variant, Path> systemFolders) {
        this.systemFolders = systemFolders;
        this.downloader = Objects.requireNonNull(downloader, "downloader");
        this.files = files;
        this.properties = properties;
        this.environment = environment;
    }

    /** {@code new MnistDatasets().folder(variant, folder)}. */
    public static Path resolve(Variant variant, Path folder) throws IOException {
        return new MnistDatasets().folder(variant, folder);
    }

    /** {@code new MnistDatasets().load(variant, folder, precision)}. */
    public static Split read(Variant variant, Path folder, Precision precision) throws IOException {
        return new MnistDatasets().load(variant, folder, precision);
    }

    /**
     * A folder holding the four files of {@code variant}, found or downloaded in the order of the class description.
     *
     * @param variant MNIST or Fashion-MNIST
     * @param folder  a folder to use, or null to look up the property, the environment variable, then the cache
     * @return the folder, ready for {@link IdxReader#mnist}
     * @throws IOException if a given folder is incomplete (naming it and the missing files) or a file can be neither
     *                     found nor downloaded (saying exactly what to do)
     */
    public Path folder(Variant variant, Path folder) throws IOException {
        Objects.requireNonNull(variant, "variant");
        if (folder != null) {
            return complete(variant, folder, "the folder given");
        }
        String prop = properties.apply(variant.property());
        if (prop != null && !prop.isBlank()) {
            return complete(variant, Path.of(prop.trim()), "the system property -D" + variant.property());
        }
        String env = environment.apply(variant.environment());
        if (env != null && !env.isBlank()) {
            return complete(variant, Path.of(env.trim()), "the environment variable " + variant.environment());
        }
        Path system = systemFolders.apply(variant);
        if (system != null && Files.isDirectory(system) && missing(system).isEmpty()) {
            LOG.debug("{}: using the system folder {}", variant.title(), system);
            return system.toAbsolutePath().normalize();
        }
        return cachedOrDownloaded(variant);
    }

    /**
     * Both splits of {@code variant} from {@link #folder(Variant, Path)}, normalised as in the class description.
     *
     * @throws IOException as {@link #folder}, or if a file is malformed (naming it)
     */
    public Split load(Variant variant, Path folder, Precision precision) throws IOException {
        Objects.requireNonNull(precision, "precision");
        Path dir = folder(variant, folder);
        return new Split(IdxReader.mnist(dir, true, precision), IdxReader.mnist(dir, false, precision));
    }

    /** The cache folder of {@code variant}: {@code <cache>/<id>}, e.g. {@code ~/.fl4j/datasets/mnist}. */
    public Path cacheFolder(Variant variant) {
        return downloader.cachePath(files.apply(variant).get(0)).getParent();
    }

    private Path complete(Variant variant, Path dir, String source) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            throw new IOException(variant.title() + " folder " + abs + " (from " + source + ") "
                    + (Files.exists(abs) ? "is not a folder" : "does not exist") + "; it must hold the 4 files "
                    + String.join(", ", FILE_NAMES) + " (each plain or .gz). " + alternatives(variant));
        }
        List<String> missing = missing(abs);
        if (!missing.isEmpty()) {
            throw new IOException(variant.title() + " folder " + abs + " (from " + source + ") is incomplete: missing "
                    + String.join(", ", missing) + " (each file may be plain or .gz). " + alternatives(variant));
        }
        return abs;
    }

    /** The canonical names of the files that are absent from {@code dir}, each with "[.gz]". */
    private static List<String> missing(Path dir) {
        List<String> missing = new ArrayList<>();
        for (String name : FILE_NAMES) {
            if (present(dir, name) == null) {
                missing.add(name + "[.gz]");
            }
        }
        return missing;
    }

    /** The file {@code name} or {@code name.gz} (or the dotted spelling IdxReader accepts) in dir, else null. */
    private static Path present(Path dir, String name) {
        String dotted = name.replace("-idx", ".idx");
        for (String n : new String[] {name, name + ".gz", dotted, dotted + ".gz"}) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private Path cachedOrDownloaded(Variant variant) throws IOException {
        List<DatasetDownloader.DatasetFile> list = files.apply(variant);
        Path dir = cacheFolder(variant);
        for (DatasetDownloader.DatasetFile f : list) {
            if (verifiedUncompressedCopy(f)) {
                continue;
            }
            try {
                downloader.fetch(f);
            } catch (InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                throw new IOException(offlineMessage(variant, list, dir, f, e), e);
            }
        }
        return dir;
    }

    /**
     * Whether the cache holds {@code f} unzipped by the user (its name without {@code .gz}) with the right hash. A
     * wrong copy is deleted (IdxReader prefers the plain name, so it would hide the verified download).
     */
    private boolean verifiedUncompressedCopy(DatasetDownloader.DatasetFile f) throws IOException {
        Path gz = downloader.cachePath(f);
        if (!f.name().endsWith(".gz") || Files.isRegularFile(gz)) {
            return false;
        }
        Path plain = gz.resolveSibling(f.name().substring(0, f.name().length() - 3));
        if (!Files.isRegularFile(plain)) {
            return false;
        }
        String actual;
        try {
            actual = DatasetDownloader.sha256(plain);
        } catch (IOException e) {
            actual = "unreadable (" + e.getMessage() + ")";
        }
        if (actual.equals(f.sha256())) {
            return true;
        }
        LOG.warn("Cached {} is invalid (SHA-256 expected {}, actual {}); deleting it and downloading {}", plain,
                f.sha256(), actual, f.name());
        Files.delete(plain);
        return false;
    }

    private String offlineMessage(Variant variant, List<DatasetDownloader.DatasetFile> list, Path dir,
            DatasetDownloader.DatasetFile failed, IOException cause) {
        String nl = System.lineSeparator();
        StringBuilder m = new StringBuilder();
        m.append(variant.title()).append(" is not in the download cache ").append(dir)
                .append(" and ").append(failed.name()).append(" could not be downloaded (the machine may be offline, ")
                .append("behind a proxy, or the mirrors may have moved):");
        for (String line : String.valueOf(cause.getMessage()).split("\\R")) {
            if (line.startsWith("  - ")) {
                m.append(nl).append("    ").append(line.substring(4));
            }
        }
        m.append(nl).append("To fix it, do one of:");
        m.append(nl).append("  1. Download the 4 files with a browser or curl into ").append(dir).append(':');
        m.append(nl).append("       mkdir -p \"").append(dir).append("\" && cd \"").append(dir).append('"');
        String first = list.get(0).mirrors().get(0);
        for (DatasetDownloader.DatasetFile f : list) {
            m.append(nl).append("       curl -fLO ").append(f.url(f.mirrors().get(0)));
        }
        List<String> others = list.get(0).mirrors().subList(1, list.get(0).mirrors().size());
        if (!others.isEmpty()) {
            m.append(nl).append("     (the same names are also under ").append(String.join(" and ", others))
                    .append(" if ").append(first).append(" fails)");
        }
        m.append(nl).append("     and run again; each file is checked by the SHA-256 of its uncompressed content.");
        m.append(nl).append("  2. Or use a folder that already holds the 4 files ")
                .append(String.join(", ", FILE_NAMES)).append(" (each plain or .gz). ").append(alternatives(variant));
        if (variant.systemFolder() != null) {
            m.append(nl).append("  3. Or, on Debian or Ubuntu, install the package that puts them into ")
                    .append(variant.systemFolder()).append(": apt-get install dataset-fashion-mnist");
        }
        return m.toString();
    }

    private String alternatives(Variant variant) {
        return "Pass the folder (examples: " + (variant == Variant.MNIST ? "mnist=FOLDER"
                : "dataset=" + variant.id() + " data=FOLDER") + "; Java: MnistDatasets.resolve(Variant."
                + variant.name() + ", FOLDER)), or set -D" + variant.property() + "=FOLDER or the environment variable "
                + variant.environment() + "=FOLDER; without any of these the files are downloaded into "
                + cacheFolder(variant) + " (cache directory: -D" + DatasetDownloader.CACHE_PROPERTY + " or "
                + DatasetDownloader.CACHE_ENVIRONMENT + ").";
    }
}
