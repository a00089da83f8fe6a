package io.github.fl4j.core.data.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.tensor.Precision;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the JSON files of the LEAF benchmark (Caldas et al., "LEAF: A Benchmark for Federated Settings", 2018) with
 * their natural partition: one client per user (writer, speaking role, Twitter account).
 *
 * <h2>Format</h2>
 * Each file is one JSON object
 * <pre>
 *   {"users": ["u1", ...], "num_samples": [n1, ...], "user_data": {"u1": {"x": [...], "y": [...]}, ...}}
 * </pre>
 * (other fields, such as Shakespeare's {@code "hierarchies"}, are skipped). A split is a folder of such files (LEAF
 * writes {@code train/*.json} and {@code test/*.json}, or one file per split); a user's data lies in one file of the
 * split. Files are read with Jackson's streaming parser, one token at a time, so only the decoded values are kept in
 * memory; gzipped files are read as well. Checks (each failure is an {@link IOException} naming the file, the user and
 * the field): {@code users}, {@code num_samples} and the keys of {@code user_data} name the same users,
 * {@code num_samples[i]}, the length of {@code x} and the length of {@code y} agree, every value has the form of the
 * task (below), and no user appears twice in a split.
 *
 * <h2>Representation (one sample per row)</h2>
 * <ul>
 *   <li>{@link Task#FEMNIST}: x = the 784 floats of a 28 x 28 grey image (LEAF's values as written, row by row:
 *       {@link io.github.fl4j.core.data.image.ImageShape#MNIST}), y = the class 0..61 (10 digits, 26 upper-case and
 *       26 lower-case letters).</li>
 *   <li>{@link Task#SHAKESPEARE}: x = a string of 80 characters, y = the next character; each character becomes its
 *       index in LEAF's 80-symbol vocabulary {@link #SHAKESPEARE_SYMBOLS} (the indices of LEAF's
 *       {@code ALL_LETTERS.find}), so features are [n, 80] holding the indices 0..79 of the characters in order and
 *       the label is the index of the next character; a model embeds them. A character outside the vocabulary is an
 *       error naming it and its position.</li>
 *   <li>{@link Task#SENT140}: x = LEAF's tweet record (an array whose element 4 is the text; a plain string is taken
 *       as the text), y = the sentiment 0 or 1. The text is lower-cased and split into the tokens of LEAF's
 *       {@code split_line}, the regular expression {@code [\w']+|[.,!?;]} (Unicode word characters). The vocabulary
 *       is built from the <em>training</em> users only: the tokens that occur at least {@code minCount} times, most
 *       frequent first (ties in the natural order of the strings), at most {@code vocabularySize} of them. Encoded
 *       as {@link Sent140Encoding#TOKENS} (default): features [n, L] holding the first L = {@code sequenceLength}
 *       (25, as LEAF) token ids, where id 0 is padding (after the end of a short tweet), 1 an unknown token and
 *       2 + r the word of rank r in the vocabulary; or as {@link Sent140Encoding#BAG_OF_WORDS}: features [n, V]
 *       holding how often each vocabulary word occurs in the tweet (unknown tokens are dropped).</li>
 * </ul>
 * Labels are [n, 1] class indices for all three.
 *
 * <h2>Partition</h2>
 * Client k is the k-th user with at least one training sample in the order of {@link String#compareTo} of the user
 * ids (the same order for any file layout or file order); users without training samples are left out. The test
 * set is the concatenation of the test split's users in the same order ({@link Result#userTests()} keeps them per
 * client too).
 *
 * <p>Immutable and thread-safe; build with {@link #builder(Task)}.
 */
public final class LeafReader {
    private static final Logger LOG = LoggerFactory.getLogger(LeafReader.class);

    /**
     * LEAF's Shakespeare vocabulary ({@code ALL_LETTERS} of its {@code language_utils}): 80 symbols, the character
     * at index i has id i.
     */
    public static final String SHAKESPEARE_SYMBOLS =
            "\n !\"&'(),-.0123456789:;>?ABCDEFGHIJKLMNOPQRSTUVWXYZ[]abcdefghijklmnopqrstuvwxyz}";
    /** Characters per Shakespeare sample. */
    public static final int SHAKESPEARE_LENGTH = 80;
    /** Pixels per FEMNIST image. */
    public static final int FEMNIST_PIXELS = 28 * 28;
    /** FEMNIST's classes: 10 digits, 26 upper-case and 26 lower-case letters. */
    public static final int FEMNIST_CLASSES = 62;
    /** Sent140's default sequence length (LEAF's {@code max_words}). */
    public static final int DEFAULT_SEQUENCE_LENGTH = 25;
    /** Sent140's default largest vocabulary. */
    public static final int DEFAULT_VOCABULARY_SIZE = 10_000;
    /** The token id of padding in the {@link Sent140Encoding#TOKENS} encoding. */
    public static final int PAD_ID = 0;
    /** The token id of a word outside the vocabulary in the {@link Sent140Encoding#TOKENS} encoding. */
    public static final int UNKNOWN_ID = 1;

    private static final Pattern TOKEN = Pattern.compile("[\\w']+|[.,!?;]", Pattern.UNICODE_CHARACTER_CLASS);
    private static final int SENT140_TEXT_FIELD = 4;

    /** The LEAF tasks this reader knows. */
    public enum Task {
        /** Federated EMNIST: handwritten characters by writer. */
        FEMNIST(FEMNIST_CLASSES),
        /** Next-character prediction in Shakespeare's plays, by speaking role. */
        SHAKESPEARE(SHAKESPEARE_SYMBOLS.length()),
        /** Sentiment of tweets, by account. */
        SENT140(2);

        private final int classes;

        Task(int classes) {
            this.classes = classes;
        }

        /** The number of classes of the labels. */
        public int classes() {
            return classes;
        }

        /**
         * The task named {@code name} (case ignored): femnist, shakespeare or sent140.
         *
         * @throws IllegalArgumentException naming the value and the accepted names
         */
        public static Task parse(String name) {
            String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
            for (Task t : values()) {
                if (t.name().equals(n)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("task must be femnist, shakespeare or sent140, was "
                    + (name == null ? "null" : "'" + name + "'"));
        }
    }

    /** How a Sent140 tweet becomes features (see the class description). */
    public enum Sent140Encoding {
        /** The first L token ids, padded with 0. */
        TOKENS,
        /** Word counts over the vocabulary. */
        BAG_OF_WORDS
    }

    /**
     * What was read.
     *
     * @param task       the task
     * @param data       client k = {@code users().get(k)}; the test set is every test user's data in client order
     * @param users      the user id of each client
     * @param userTests  the test data of each client (zero rows when the user has none)
     * @param vocabulary Sent140's vocabulary by rank (empty for the other tasks)
     */
    public record Result(Task task, FederatedDataset data, List<String> users, List<Dataset> userTests,
                         List<String> vocabulary) {
        /** Checks the fields. */
        public Result {
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(data, "data");
            users = List.copyOf(users);
            userTests = List.copyOf(userTests);
            vocabulary = List.copyOf(vocabulary);
        }
    }

    private final Task task;
    private final Precision precision;
    private final Sent140Encoding encoding;
    private final int sequenceLength;
    private final int vocabularySize;
    private final int minCount;

    private LeafReader(Builder b) {
        this.task = b.task;
        this.precision = b.precision;
        this.encoding = b.encoding;
        this.sequenceLength = b.sequenceLength;
        this.vocabularySize = b.vocabularySize;
        this.minCount = b.minCount;
    }

    /** A builder for the given task: float32, and for Sent140 tokens of length 25 over at most 10,000 words. */
    public static Builder builder(Task task) {
        return new Builder(task);
    }

    /** Options of a {@link LeafReader}. */
    public static final class Builder {
        private final Task task;
        private Precision precision = Precision.FLOAT32;
        private Sent140Encoding encoding = Sent140Encoding.TOKENS;
        private int sequenceLength = DEFAULT_SEQUENCE_LENGTH;
        private int vocabularySize = DEFAULT_VOCABULARY_SIZE;
        private int minCount = 1;

        private Builder(Task task) {
            if (task == null) {
                throw new IllegalArgumentException("task must not be null");
            }
            this.task = task;
        }

        /** The precision of the arrays (default float32). */
        public Builder precision(Precision precision) {
            if (precision == null) {
                throw new IllegalArgumentException("precision must not be null");
            }
            this.precision = precision;
            return this;
        }

        /** Sent140: tokens (default) or bag of words. */
        public Builder encoding(Sent140Encoding encoding) {
            if (encoding == null) {
                throw new IllegalArgumentException("encoding must not be null");
            }
            this.encoding = encoding;
            return this;
        }

        /** Sent140 tokens: the number L of token ids per tweet, {@code >= 1} (default 25). */
        public Builder sequenceLength(int sequenceLength) {
            if (sequenceLength < 1) {
                throw new IllegalArgumentException("sequenceLength must be >= 1, was " + sequenceLength);
            }
            this.sequenceLength = sequenceLength;
            return this;
        }

        /** Sent140: the largest vocabulary V, {@code >= 1} (default 10,000). */
        public Builder vocabularySize(int vocabularySize) {
            if (vocabularySize < 1) {
                throw new IllegalArgumentException("vocabularySize must be >= 1, was " + vocabularySize);
            }
            this.vocabularySize = vocabularySize;
            return this;
        }

        /** Sent140: the least number of occurrences in the training users of a vocabulary word, {@code >= 1}. */
        public Builder minCount(int minCount) {
            if (minCount < 1) {
                throw new IllegalArgumentException("minCount must be >= 1, was " + minCount);
            }
            this.minCount = minCount;
            return this;
        }

        /** The reader. */
        public LeafReader build() {
            return new LeafReader(this);
        }
    }

    /**
     * Reads a LEAF data folder: {@code dir/train} and {@code dir/test} (or {@code dir/data/train} and
     * {@code dir/data/test}, LEAF's own layout); without a test folder the test set is empty.
     *
     * @throws IOException if there is no training folder, or a file is malformed (naming the file, user and field)
     */
    public Result read(Path dir) throws IOException {
        if (dir == null) {
            throw new IllegalArgumentException("dir must not be null");
        }
        Path base = dir;
        if (!Files.isDirectory(base.resolve("train")) && Files.isDirectory(base.resolve("data").resolve("train"))) {
            base = base.resolve("data");
        }
        Path train = base.resolve("train");
        if (!Files.isDirectory(train)) {
            throw new NoSuchFileException("LEAF folder " + dir.toAbsolutePath() + " has no train/ (or data/train/) "
                    + "folder of JSON files");
        }
        Path test = base.resolve("test");
        return read(train, Files.isDirectory(test) ? test : null);
    }

    /**
     * Reads a training and a test split, each a JSON file or a folder of {@code .json} / {@code .json.gz} files.
     *
     * @param train the training split
     * @param test  the test split, or null for an empty test set
     * @throws IOException if a file is malformed (naming the file, user and field) or the training split has no user
     *                     with samples
     */
    public Result read(Path train, Path test) throws IOException {
        if (train == null) {
            throw new IllegalArgumentException("train must not be null");
        }
        Map<String, Raw> trainUsers = readSplit(train);
        Map<String, Raw> testUsers = test == null ? new TreeMap<>() : readSplit(test);
        List<String> users = new ArrayList<>();
        int dropped = 0;
        for (Map.Entry<String, Raw> e : trainUsers.entrySet()) {
            if (e.getValue().count > 0) {
                users.add(e.getKey());
            } else {
                dropped++;
            }
        }
        if (users.isEmpty()) {
            throw new IOException(train + ": no LEAF user has a training sample (" + trainUsers.size() + " users)");
        }
        if (dropped > 0) {
            LOG.info("{}: {} users without training samples are not clients", train, dropped);
        }
        List<String> vocabulary = task == Task.SENT140 ? vocabulary(trainUsers) : List.of();
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < vocabulary.size(); i++) {
            ids.put(vocabulary.get(i), i);
        }
        int features = featureCount(vocabulary.size());
        List<Dataset> clients = new ArrayList<>(users.size());
        List<Dataset> userTests = new ArrayList<>(users.size());
        for (String u : users) {
            clients.add(toDataset(trainUsers.get(u), ids, features).withSource(trainUsers.get(u).file
                    + ", user " + u));
            Raw t = testUsers.get(u);
            userTests.add(t == null ? empty(features) : toDataset(t, ids, features));
        }
        List<Dataset> testParts = new ArrayList<>();
        for (Map.Entry<String, Raw> e : testUsers.entrySet()) {
            if (e.getValue().count > 0) {
                testParts.add(toDataset(e.getValue(), ids, features));
            }
        }
        Dataset testSet = concat(testParts, features);
        if (test != null) {
            testSet = testSet.withSource(test.toString());
        }
        return new Result(task, new FederatedDataset(clients, testSet), users, userTests, vocabulary);
    }

    private int featureCount(int vocabulary) {
        return switch (task) {
            case FEMNIST -> FEMNIST_PIXELS;
            case SHAKESPEARE -> SHAKESPEARE_LENGTH;
            case SENT140 -> encoding == Sent140Encoding.TOKENS ? sequenceLength : Math.max(vocabulary, 1);
        };
    }

    // ---- parsing ------------------------------------------------------------------------------------------------

    /** One user's decoded samples. */
    private static final class Raw {
        final Path file;
        final String user;
        int count;
        float[] pixels = new float[0]; // FEMNIST, float32
        double[] pixels64 = new double[0]; // FEMNIST, float64
        byte[] symbols = new byte[0]; // Shakespeare: count * 80 symbol ids
        List<String> texts = new ArrayList<>(); // Sent140
        int[] labels = new int[0];
        int xCount;

        Raw(Path file, String user) {
            this.file = file;
            this.user = user;
        }
    }

    /** The users of a split (a file or a folder), sorted by id. */
    private Map<String, Raw> readSplit(Path split) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(split)) {
            try (Stream<Path> s = Files.list(split)) {
                s.filter(p -> Files.isRegularFile(p) && (p.getFileName().toString().endsWith(".json")
                        || p.getFileName().toString().endsWith(".json.gz"))).sorted().forEach(files::add);
            }
            if (files.isEmpty()) {
                throw new NoSuchFileException("LEAF folder " + split.toAbsolutePath() + " holds no .json file");
            }
        } else if (Files.isRegularFile(split)) {
            files.add(split);
        } else {
            throw new NoSuchFileException(split + ": no such LEAF file or folder");
        }
        Map<String, Raw> users = new TreeMap<>();
        for (Path f : files) {
            for (Raw r : readFile(f)) {
                Raw before = users.put(r.user, r);
                if (before != null) {
                    throw new IOException(f + ": user '" + r.user + "' appears again (also in " + before.file
                            + "); a user's data must lie in one file of a split");
                }
            }
        }
        return users;
    }

    /** Reads one LEAF JSON file. */
    private List<Raw> readFile(Path file) throws IOException {
        JsonFactory factory = JsonFactory.builder().build();
        try (InputStream in = DatasetDownloader.openUncompressed(file); JsonParser p = factory.createParser(in)) {
            return parseFile(file, p);
        } catch (JsonParseException e) {
            throw new IOException(file + ": malformed JSON at " + where(e.getProcessor()) + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    private List<Raw> parseFile(Path file, JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new IOException(file + ": a LEAF file must be one JSON object {\"users\", \"num_samples\", "
                    + "\"user_data\"}, found " + p.currentToken() + " at " + where(p));
        }
        List<String> users = null;
        List<Integer> counts = null;
        Map<String, Raw> data = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "users" -> {
                    expect(file, p, t, JsonToken.START_ARRAY, "\"users\"", "an array of user ids");
                    users = new ArrayList<>();
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        expect(file, p, t, JsonToken.VALUE_STRING, "\"users\"[" + users.size() + "]", "a string");
                        users.add(p.getText());
                    }
                }
                case "num_samples" -> {
                    expect(file, p, t, JsonToken.START_ARRAY, "\"num_samples\"", "an array of counts");
                    counts = new ArrayList<>();
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        String f = "\"num_samples\"[" + counts.size() + "]";
                        counts.add(nonNegativeInt(file, p, t, f));
                    }
                }
                case "user_data" -> {
                    expect(file, p, t, JsonToken.START_OBJECT, "\"user_data\"", "an object of users");
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String user = p.currentName();
                        if (data.containsKey(user)) {
                            throw new IOException(file + ": user '" + user + "' appears twice in \"user_data\"");
                        }
                        data.put(user, parseUser(file, user, p));
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (users == null || counts == null) {
            throw new IOException(file + ": missing field " + (users == null ? "\"users\"" : "\"num_samples\"")
                    + " (a LEAF file has \"users\", \"num_samples\" and \"user_data\")");
        }
        if (users.size() != counts.size()) {
            throw new IOException(file + ": \"users\" has " + users.size() + " entries but \"num_samples\" has "
                    + counts.size());
        }
        List<Raw> out = new ArrayList<>(users.size());
        for (int i = 0; i < users.size(); i++) {
            String u = users.get(i);
            Raw r = data.remove(u);
            if (r == null) {
                throw new IOException(file + ": user '" + u + "' (\"users\"[" + i + "]) has no entry in \"user_data\"");
            }
            if (r.count != counts.get(i)) {
                throw new IOException(file + ": user '" + u + "': \"num_samples\"[" + i + "] is " + counts.get(i)
                        + " but \"user_data\" holds " + r.count + " samples");
            }
            out.add(r);
        }
        if (!data.isEmpty()) {
            throw new IOException(file + ": user '" + data.keySet().iterator().next() + "' of \"user_data\" is "
                    + "not listed in \"users\"");
        }
        return out;
    }

    private Raw parseUser(Path file, String user, JsonParser p) throws IOException {
        String at = "user '" + user + "'";
        expect(file, p, p.nextToken(), JsonToken.START_OBJECT, at, "an object {\"x\": [...], \"y\": [...]}");
        Raw r = new Raw(file, user);
        boolean seenX = false;
        boolean seenY = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if (field.equals("x")) {
                expect(file, p, t, JsonToken.START_ARRAY, at + ", field \"x\"", "an array of samples");
                parseX(file, at, p, r);
                seenX = true;
            } else if (field.equals("y")) {
                expect(file, p, t, JsonToken.START_ARRAY, at + ", field \"y\"", "an array of labels");
                parseY(file, at, p, r);
                seenY = true;
            } else {
                p.skipChildren();
            }
        }
        if (!seenX || !seenY) {
            throw new IOException(file + ": " + at + ": missing field \"" + (seenX ? "y" : "x") + "\"");
        }
        if (r.xCount != r.count) {
            throw new IOException(file + ": " + at + ": \"x\" holds " + r.xCount + " samples but \"y\" holds "
                    + r.count + " labels");
        }
        return r;
    }

    private void parseX(Path file, String at, JsonParser p, Raw r) throws IOException {
        JsonToken t;
        int i = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            String f = at + ", field \"x\"[" + i + "]";
            switch (task) {
                case FEMNIST -> {
                    expect(file, p, t, JsonToken.START_ARRAY, f, "an array of " + FEMNIST_PIXELS + " numbers");
                    boolean wide = precision == Precision.FLOAT64;
                    int capacity = wide ? r.pixels64.length : r.pixels.length;
                    if (capacity < (i + 1) * FEMNIST_PIXELS) {
                        int grown = Math.max(FEMNIST_PIXELS, capacity * 2);
                        if (wide) {
                            r.pixels64 = Arrays.copyOf(r.pixels64, grown);
                        } else {
                            r.pixels = Arrays.copyOf(r.pixels, grown);
                        }
                    }
                    int k = 0;
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                            throw new IOException(file + ": " + f + "[" + k + "] at " + where(p)
                                    + ": expected a number, found " + describe(p, t));
                        }
                        if (k < FEMNIST_PIXELS) {
                            // parsed once into the precision of the data (no double rounding for float32)
                            double v = wide ? p.getDoubleValue() : p.getFloatValue();
                            if (!Double.isFinite(v)) {
                                throw new IOException(file + ": " + f + "[" + k + "] at " + where(p)
                                        + ": not a finite " + precision + " value: " + p.getText());
                            }
                            if (wide) {
                                r.pixels64[i * FEMNIST_PIXELS + k] = v;
                            } else {
                                r.pixels[i * FEMNIST_PIXELS + k] = (float) v;
                            }
                        }
                        k++;
                    }
                    if (k != FEMNIST_PIXELS) {
                        throw new IOException(file + ": " + f + " has " + k + " values, a FEMNIST image has "
                                + FEMNIST_PIXELS + " (28 x 28)");
                    }
                }
                case SHAKESPEARE -> {
                    expect(file, p, t, JsonToken.VALUE_STRING, f, "a string of " + SHAKESPEARE_LENGTH
                            + " characters");
                    String s = p.getText();
                    if (s.length() != SHAKESPEARE_LENGTH) {
                        throw new IOException(file + ": " + f + " has " + s.length() + " characters, a Shakespeare "
                                + "sample has " + SHAKESPEARE_LENGTH);
                    }
                    if (r.symbols.length < (i + 1) * SHAKESPEARE_LENGTH) {
                        r.symbols = Arrays.copyOf(r.symbols, Math.max(SHAKESPEARE_LENGTH, r.symbols.length * 2));
                    }
                    for (int k = 0; k < SHAKESPEARE_LENGTH; k++) {
                        r.symbols[i * SHAKESPEARE_LENGTH + k] = (byte) symbol(file, f, s.charAt(k), k);
                    }
                }
                case SENT140 -> {
                    if (t == JsonToken.VALUE_STRING) {
                        r.texts.add(p.getText());
                    } else {
                        expect(file, p, t, JsonToken.START_ARRAY, f, "a tweet record (an array whose element "
                                + SENT140_TEXT_FIELD + " is the text) or a string");
                        String text = null;
                        int k = 0;
                        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                            if (k == SENT140_TEXT_FIELD) {
                                expect(file, p, t, JsonToken.VALUE_STRING, f + "[" + k + "]", "the text (a string)");
                                text = p.getText();
                            } else {
                                p.skipChildren();
                            }
                            k++;
                        }
                        if (text == null) {
                            throw new IOException(file + ": " + f + " has " + k + " elements; a tweet record holds "
                                    + "its text at element " + SENT140_TEXT_FIELD);
                        }
                        r.texts.add(text);
                    }
                }
                default -> throw new IllegalStateException(task.name());
            }
            i++;
        }
        r.xCount = i;
    }

    private void parseY(Path file, String at, JsonParser p, Raw r) throws IOException {
        JsonToken t;
        int i = 0;
        int[] labels = new int[16];
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            String f = at + ", field \"y\"[" + i + "]";
            int label;
            if (task == Task.SHAKESPEARE) {
                expect(file, p, t, JsonToken.VALUE_STRING, f, "a string of one character");
                String s = p.getText();
                if (s.length() != 1) {
                    throw new IOException(file + ": " + f + " at " + where(p) + ": expected one character, found "
                            + quote(s));
                }
                label = symbol(file, f, s.charAt(0), 0);
            } else {
                label = classIndex(file, p, t, f, task.classes());
            }
            if (i == labels.length) {
                labels = Arrays.copyOf(labels, labels.length * 2);
            }
            labels[i++] = label;
        }
        r.labels = Arrays.copyOf(labels, i);
        r.count = i;
    }

    private static int symbol(Path file, String field, char c, int position) throws IOException {
        int id = SHAKESPEARE_SYMBOLS.indexOf(c);
        if (id < 0) {
            throw new IOException(file + ": " + field + ": character " + quote(String.valueOf(c)) + " (U+"
                    + String.format(Locale.ROOT, "%04X", (int) c) + ") at position " + position + " is not in LEAF's "
                    + "80-symbol Shakespeare vocabulary");
        }
        return id;
    }

    private static int classIndex(Path file, JsonParser p, JsonToken t, String field, int classes)
            throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            double v = p.getDoubleValue();
            if (v == Math.rint(v) && v >= 0 && v < classes) {
                return (int) v;
            }
        }
        throw new IOException(file + ": " + field + " at " + where(p) + ": expected a class index 0.." + (classes - 1)
                + ", found " + describe(p, t));
    }

    private static int nonNegativeInt(Path file, JsonParser p, JsonToken t, String field) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            double v = p.getDoubleValue();
            if (v == Math.rint(v) && v >= 0 && v <= Integer.MAX_VALUE) {
                return (int) v;
            }
        }
        throw new IOException(file + ": " + field + " at " + where(p) + ": expected a count >= 0, found "
                + describe(p, t));
    }

    private static void expect(Path file, JsonParser p, JsonToken found, JsonToken expected, String field,
            String what) throws IOException {
        if (found != expected) {
            throw new IOException(file + ": " + field + " at " + where(p) + ": expected " + what + ", found "
                    + describe(p, found));
        }
    }

    private static String describe(JsonParser p, JsonToken t) throws IOException {
        if (t == null) {
            return "the end of the file";
        }
        return switch (t) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "the string " + quote(p.getText());
            case VALUE_NULL -> "null";
            default -> t.isScalarValue() ? p.getText() : t.toString();
        };
    }

    private static String where(JsonParser p) {
        if (p == null) {
            return "an unknown position";
        }
        var loc = p.currentLocation();
        return "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    private static String quote(String s) {
        String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return "'" + shown.replace("\n", "\\n") + "'";
    }

    // ---- conversion ---------------------------------------------------------------------------------------------

    /** The tokens of a tweet: lower-cased, LEAF's split_line. */
    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private List<String> vocabulary(Map<String, Raw> trainUsers) {
        Map<String, Integer> counts = new HashMap<>();
        for (Raw r : trainUsers.values()) {
            for (String text : r.texts) {
                for (String tok : tokens(text)) {
                    counts.merge(tok, 1, Integer::sum);
                }
            }
        }
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
        entries.removeIf(e -> e.getValue() < minCount);
        entries.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey())
                : Integer.compare(b.getValue(), a.getValue()));
        List<String> words = new ArrayList<>(Math.min(entries.size(), vocabularySize));
        for (int i = 0; i < entries.size() && i < vocabularySize; i++) {
            words.add(entries.get(i).getKey());
        }
        return Collections.unmodifiableList(words);
    }

    private Dataset toDataset(Raw r, Map<String, Integer> ids, int features) {
        int n = r.count;
        if (n == 0) {
            return empty(features);
        }
        double[] x = new double[n * features];
        switch (task) {
            case FEMNIST -> {
                for (int k = 0; k < n * features; k++) {
                    x[k] = precision == Precision.FLOAT64 ? r.pixels64[k] : r.pixels[k];
                }
            }
            case SHAKESPEARE -> {
                for (int k = 0; k < n * features; k++) {
                    x[k] = r.symbols[k];
                }
            }
            case SENT140 -> {
                for (int i = 0; i < n; i++) {
                    List<String> toks = tokens(r.texts.get(i));
                    if (encoding == Sent140Encoding.TOKENS) {
                        for (int k = 0; k < features; k++) {
                            x[i * features + k] = k < toks.size() ? tokenId(ids, toks.get(k)) : PAD_ID;
                        }
                    } else {
                        for (String tok : toks) {
                            Integer id = ids.get(tok);
                            if (id != null) {
                                x[i * features + id] += 1;
                            }
                        }
                    }
                }
            }
            default -> throw new IllegalStateException(task.name());
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.labels[i];
        }
        return new Dataset(LibSvmReader.matrix(x, n, features, precision), LibSvmReader.matrix(y, n, 1, precision));
    }

    private static int tokenId(Map<String, Integer> ids, String token) {
        Integer id = ids.get(token);
        return id == null ? UNKNOWN_ID : id + 2;
    }

    private Dataset empty(int features) {
        return new Dataset(Nd4j.create(precision.dataType(), 0, features), Nd4j.create(precision.dataType(), 0, 1));
    }

    private Dataset concat(List<Dataset> parts, int features) {
        if (parts.isEmpty()) {
            return empty(features);
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        org.nd4j.linalg.api.ndarray.INDArray[] xs = new org.nd4j.linalg.api.ndarray.INDArray[parts.size()];
        org.nd4j.linalg.api.ndarray.INDArray[] ys = new org.nd4j.linalg.api.ndarray.INDArray[parts.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = parts.get(i).features();
            ys[i] = parts.get(i).labels();
        }
        return new Dataset(Nd4j.vstack(xs), Nd4j.vstack(ys));
    }
}
