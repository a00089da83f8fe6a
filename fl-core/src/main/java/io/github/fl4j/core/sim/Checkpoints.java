package io.github.fl4j.core.sim;

import io.github.fl4j.core.comm.CommunicationLedger;
import io.github.fl4j.core.state.CheckpointDirectory;
import io.github.fl4j.core.state.CheckpointFile;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
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
 *   ledger         the ledger's totals, and its entries while it keeps them (its entry file is flushed and
 *                  forced to disk before the checkpoint is written)
 *   reports        every round report
 * </pre>
 */
final class Checkpoints {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
    /** Version 2 adds each report's epsilon; version 1 (no epsilon, read as NaN) is still read. */
    private static final int REPORT_FORMAT = 2;

    private Checkpoints() {
    }

    static Path file(Path directory, int round) {
        return CheckpointDirectory.file(directory, round);
    }

    static Optional<Path> latest(Path directory) throws IOException {
        return CheckpointDirectory.latest(directory);
    }

    static List<Path> complete(Path directory) throws IOException {
        return CheckpointDirectory.complete(directory);
    }

    static String version() {
        return CheckpointDirectory.libraryVersion();
    }

    static <S, C> void write(RunState<S, C> state, Simulation<S, C> sim, CheckpointPolicy policy) throws IOException {
        Files.createDirectories(policy.directory());
        state.ledger().flush();
        Path target = file(policy.directory(), state.round());
        SortedMap<String, String> identity = sim.identity();
        try (CheckpointFile.Writer w = CheckpointFile.Writer.create(target, policy.progress())) {
            w.section("header", out -> {
                out.writeUTF(version());
                out.writeInt(state.round());
                CheckpointDirectory.writeIdentity(identity, out);
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
        CheckpointDirectory.prune(policy.directory(), policy.keep());
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
                String mismatch = CheckpointDirectory.readAndCompareIdentity(in, file, mine);
                if (mismatch != null) {
                    throw new IdentityMismatch(mismatch);
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
                if (v != REPORT_FORMAT && v != 1) {
                    throw new IOException("report format version must be 1 or " + REPORT_FORMAT + ", was " + v);
                }
                int n = in.readInt();
                if (n != round[0]) {
                    throw new IOException("report count " + n + " differs from the round " + round[0]);
                }
                for (int i = 0; i < n; i++) {
                    reports.add(readReport(in, v));
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
        out.writeDouble(r.epsilon());
    }

    static RoundReport readReport(DataInput in, int version) throws IOException {
        RoundReport r = new RoundReport(in.readInt(), in.readInt(), in.readDouble(), in.readDouble(), in.readDouble(),
                in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong());
        if (version == 1) {
            return r;
        }
        return new RoundReport(r.round(), r.participants(), r.trainLoss(), r.testLoss(), r.testAccuracy(),
                r.uplinkBits(), r.downlinkBits(), r.cumulativeUplink(), r.cumulativeDownlink(), r.wallNanos(),
                r.evalNanos(), in.readDouble());
    }
}
