package io.github.fl4j.core.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checkpoints of a run in one directory ({@code checkpoint-NNNNNN.fl4j}, numbered by round or server version),
 * and the run identity every checkpoint carries in its header: a sorted map of what must be equal for a checkpoint to
 * be resumed, with its SHA-256. Shared by the round-based and the timed engines.
 */
public final class CheckpointDirectory {
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d{6,})\\.fl4j");

    private CheckpointDirectory() {
    }

    /** The file of checkpoint number {@code n} (a round or a server version). */
    public static Path file(Path directory, long n) {
        return directory.resolve(String.format("checkpoint-%06d.fl4j", n));
    }

    /** The newest complete checkpoint in {@code directory} (temporary files are ignored). */
    public static Optional<Path> latest(Path directory) throws IOException {
        List<Path> all = complete(directory);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Complete checkpoints in {@code directory}, oldest first. */
    public static List<Path> complete(Path directory) throws IOException {
        TreeMap<Long, Path> found = new TreeMap<>();
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory)) {
            for (Path p : ds) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p)) {
                    found.put(Long.parseLong(m.group(1)), p);
                }
            }
        }
        return new ArrayList<>(found.values());
    }

    /** Deletes all but the newest {@code keep} complete checkpoints. */
    public static void prune(Path directory, int keep) throws IOException {
        List<Path> all = complete(directory);
        for (int i = 0; i < all.size() - keep; i++) {
            Files.deleteIfExists(all.get(i));
        }
    }

    /** The version of this library, as written into checkpoint headers ("unknown" outside a build). */
    public static String libraryVersion() {
        try (InputStream in = CheckpointDirectory.class.getResourceAsStream(
                "/io/github/fl4j/core/fl4j-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The SHA-256 (hex) of a run identity. */
    public static String hash(SortedMap<String, String> identity) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, String> e : identity.entrySet()) {
                md.update((e.getKey() + "=" + e.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Writes an identity map and its hash. */
    public static void writeIdentity(SortedMap<String, String> identity, DataOutput out) throws IOException {
        out.writeInt(identity.size());
        for (Map.Entry<String, String> e : identity.entrySet()) {
            writeLongUtf(out, e.getKey());
            writeLongUtf(out, e.getValue());
        }
        out.writeUTF(hash(identity));
    }

    /**
     * Reads what {@link #writeIdentity} wrote and compares it with {@code mine}: returns null when equal, otherwise
     * a message naming the file, every differing entry with both values, and both hashes.
     */
    public static String readAndCompareIdentity(DataInput in, Path file, SortedMap<String, String> mine)
            throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 10_000) {
            throw new IOException("identity entry count must be in [0, 10000], was " + n);
        }
        SortedMap<String, String> theirs = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            theirs.put(readLongUtf(in), readLongUtf(in));
        }
        String theirHash = in.readUTF();
        return theirs.equals(mine) ? null : describeMismatch(file, theirs, theirHash, mine);
    }

    private static String describeMismatch(Path file, SortedMap<String, String> theirs, String theirHash,
                                           SortedMap<String, String> mine) {
        StringBuilder b = new StringBuilder("checkpoint " + file + " was written by another run: ");
        TreeMap<String, Boolean> keys = new TreeMap<>();
        theirs.keySet().forEach(k -> keys.put(k, true));
        mine.keySet().forEach(k -> keys.put(k, true));
        String sep = "";
        for (String k : keys.keySet()) {
            String a = theirs.get(k);
            String m = mine.get(k);
            if (a == null ? m != null : !a.equals(m)) {
                b.append(sep).append(k).append(" is '").append(a).append("' in the checkpoint but '").append(m)
                        .append("' in this simulation");
                sep = "; ";
            }
        }
        b.append(" (configuration hash ").append(theirHash, 0, Math.min(12, theirHash.length())).append(" vs ")
                .append(hash(mine), 0, 12).append(")");
        return b.toString();
    }

    /** Writes a string of any length (UTF-8 bytes with an int length). */
    public static void writeLongUtf(DataOutput out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    /** Reads what {@link #writeLongUtf} wrote (at most 16 MiB). */
    public static String readLongUtf(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > (1 << 24)) {
            throw new IOException("string length must be in [0, 16 MiB], was " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
