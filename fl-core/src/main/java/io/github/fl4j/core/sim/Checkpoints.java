package io.github.fl4j.core.sim;

import io.github.fl4j.core.comm.CommunicationLedger;
import io.github.fl4j.core.state.CheckpointFile;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@link RunState} into a checkpoint file and reads it back. The sections, in order:
 *
 * <pre>
 *   header         fl4j version, round, the run's identity (algorithm, model, data, participation, compressors, seed,
 *                  precision, ...) and its SHA-256
 *   run            round, N, each client's participation count
 *   server         S, through the algorithm's server-state codec
 *   clients        the client-state store
 *   tables         the server's per-client tables
 *   participation  the participation process's memory
 *   ledger         every ledger entry
 *   reports        every round report
 * </pre>
 */
final class Checkpoints {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d{6,})\\.fl4j");
    private static final int REPORT_FORMAT = 1;

    private Checkpoints() {
    }

    /** The file of the checkpoint after round {@code round}. */
    static Path file(Path directory, int round) {
        return directory.resolve(String.format("checkpoint-%06d.fl4j", round));
    }

    /** The newest complete checkpoint in {@code directory} (temporary files are ignored). */
    static Optional<Path> latest(Path directory) throws IOException {
        List<Path> all = complete(directory);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Complete checkpoints in {@code directory}, oldest first. */
    static List<Path> complete(Path directory) throws IOException {
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

    static String version() {
        try (InputStream in = Checkpoints.class.getResourceAsStream("/io/github/fl4j/core/fl4j-version.properties")) {
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

    static String hash(SortedMap<String, String> identity) {
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

    static <S, C> void write(RunState<S, C> state, Simulation<S, C> sim, CheckpointPolicy policy) throws IOException {
        Files.createDirectories(policy.directory());
        Path target = file(policy.directory(), state.round());
        SortedMap<String, String> identity = sim.identity();
        try (CheckpointFile.Writer w = CheckpointFile.Writer.create(target, policy.progress())) {
            w.section("header", out -> {
                out.writeUTF(version());
                out.writeInt(state.round());
                out.writeInt(identity.size());
                for (Map.Entry<String, String> e : identity.entrySet()) {
                    writeLongUtf(out, e.getKey());
                    writeLongUtf(out, e.getValue());
                }
                out.writeUTF(hash(identity));
            });
            w.section("run", out -> {
                int[] counts = state.counts();
                out.writeInt(state.round());
                out.writeInt(counts.length);
                for (int c : counts) {
                    out.writeInt(c);
                }
            });
            w.section("server", out -> sim.algorithm().serverStateCodec().write(state.serverState(), out));
            w.section("clients", out -> state.clientStates().writeTo(out));
            w.section("tables", out -> state.serverTables().writeTo(out));
            w.section("participation", out -> state.participation().writeState(out));
            w.section("ledger", out -> state.ledger().write(out));
            w.section("reports", out -> {
                out.writeByte(REPORT_FORMAT);
                out.writeInt(state.reports().size());
                for (RoundReport r : state.reports()) {
                    writeReport(r, out);
                }
            });
            w.commit();
        }
        List<Path> all = complete(policy.directory());
        for (int i = 0; i < all.size() - policy.keep(); i++) {
            Files.deleteIfExists(all.get(i));
        }
    }

    static <S, C> RunState<S, C> read(Path file, Simulation<S, C> sim) throws IOException {
        RunState<S, C> state = sim.emptyRunState(null);
        SortedMap<String, String> mine = sim.identity();
        int[] round = new int[1];
        List<RoundReport> reports = new ArrayList<>();
        Object[] server = new Object[1];
        CommunicationLedger[] ledger = new CommunicationLedger[1];
        try (CheckpointFile.Reader r = CheckpointFile.Reader.open(file)) {
            r.section("header", in -> {
                String version = in.readUTF();
                round[0] = in.readInt();
                int n = in.readInt();
                if (n < 0 || n > 10_000) {
                    throw new IOException("identity entry count must be in [0, 10000], was " + n);
                }
                SortedMap<String, String> theirs = new TreeMap<>();
                for (int i = 0; i < n; i++) {
                    theirs.put(readLongUtf(in), readLongUtf(in));
                }
                String theirHash = in.readUTF();
                if (!theirs.equals(mine)) {
                    throw new IdentityMismatch(describeMismatch(file, theirs, theirHash, mine));
                }
                if (!version.equals(version())) {
                    LOG.warn("checkpoint {} was written by fl4j {}; this is fl4j {}", file, version, version());
                }
            });
            r.section("run", in -> {
                int t = in.readInt();
                if (t != round[0]) {
                    throw new IOException("run round " + t + " differs from the header's round " + round[0]);
                }
                int n = in.readInt();
                int[] counts = state.counts();
                if (n != counts.length) {
                    throw new IOException("population " + n + " differs from this simulation's " + counts.length);
                }
                for (int i = 0; i < n; i++) {
                    counts[i] = in.readInt();
                }
            });
            r.section("server", in -> server[0] = sim.algorithm().serverStateCodec().read(in));
            r.section("clients", in -> state.clientStates().readFrom(in));
            r.section("tables", in -> state.serverTables().readFrom(in));
            r.section("participation", in -> state.participation().readState(in));
            r.section("ledger", in -> ledger[0] = CommunicationLedger.read(in));
            r.section("reports", in -> {
                int v = in.readUnsignedByte();
                if (v != REPORT_FORMAT) {
                    throw new IOException("report format version must be " + REPORT_FORMAT + ", was " + v);
                }
                int n = in.readInt();
                if (n != round[0]) {
                    throw new IOException("report count " + n + " differs from the round " + round[0]);
                }
                for (int i = 0; i < n; i++) {
                    reports.add(readReport(in));
                }
            });
            r.end();
        } catch (IOException e) {
            if (e.getCause() instanceof IdentityMismatch m) {
                throw new IllegalArgumentException(m.getMessage(), e);
            }
            throw e;
        }
        @SuppressWarnings("unchecked")
        S s = (S) server[0];
        RunState<S, C> restored = new RunState<>(round[0], s, state.clientStates(), state.serverTables(),
                state.participation(), ledger[0], reports, state.counts());
        LOG.info("resuming from {} (round {})", file, round[0]);
        return restored;
    }

    private static final class IdentityMismatch extends RuntimeException {
        IdentityMismatch(String message) {
            super(message);
        }
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

    private static void writeLongUtf(DataOutput out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readLongUtf(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > (1 << 24)) {
            throw new IOException("string length must be in [0, 16 MiB], was " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    static void writeReport(RoundReport r, DataOutput out) throws IOException {
        out.writeInt(r.round());
        out.writeInt(r.participants());
        out.writeDouble(r.trainLoss());
        out.writeDouble(r.testLoss());
        out.writeDouble(r.testAccuracy());
        out.writeLong(r.uplinkBits());
        out.writeLong(r.downlinkBits());
        out.writeLong(r.cumulativeUplink());
        out.writeLong(r.cumulativeDownlink());
        out.writeLong(r.wallNanos());
        out.writeLong(r.evalNanos());
    }

    static RoundReport readReport(DataInput in) throws IOException {
        return new RoundReport(in.readInt(), in.readInt(), in.readDouble(), in.readDouble(), in.readDouble(),
                in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong());
    }
}
