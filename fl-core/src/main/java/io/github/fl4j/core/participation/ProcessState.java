package io.github.fl4j.core.participation;

import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.random.RandomStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The common part of every {@link Participation.Process} state encoding, and the process of patterns without memory.
 *
 * <p>Every state starts with the header
 *
 * <pre>
 *   byte   version (1)
 *   UTF    kind: "all", "uniform", "trace", "stateless", "bernoulli", "markov" or "cyclic"
 *   int    population N (-1 when the process does not know it: a stateless process that keeps the interface default)
 *   byte   1 if the process keeps empty rounds, 0 if it skips or redraws them
 * </pre>
 *
 * followed by what the kind remembers (nothing for the stateless kinds). Reading checks every header field against
 * the receiving process and names both values when they differ.
 */
final class ProcessState {
    /** The version of every participation state encoding. */
    static final int VERSION = 1;
    /** The kind of a process that remembers nothing and knows neither its pattern nor its population. */
    static final String STATELESS = "stateless";

    private ProcessState() {
    }

    /** Writes the header. */
    static void writeHeader(DataOutput out, String kind, int population, boolean allowsEmpty) throws IOException {
        out.writeByte(VERSION);
        out.writeUTF(kind);
        out.writeInt(population);
        out.writeByte(allowsEmpty ? 1 : 0);
    }

    /**
     * Reads a header and checks it against the receiving process.
     *
     * @throws IOException naming the field, the found and the expected value, if a field differs
     */
    static void readHeader(DataInput in, String kind, int population, boolean allowsEmpty) throws IOException {
        StateCodec.checkVersion("participation state", VERSION, in.readUnsignedByte());
        String foundKind = in.readUTF();
        if (!foundKind.equals(kind)) {
            throw new IOException("participation state kind must be '" + kind + "' (the receiving process), was '"
                    + foundKind + "': a " + foundKind + " state cannot be read into a " + kind + " process");
        }
        int foundPopulation = in.readInt();
        if (foundPopulation != population) {
            throw new IOException("participation state population must be N=" + population
                    + " (the receiving " + kind + " process), was N=" + foundPopulation);
        }
        int empty = in.readUnsignedByte();
        if (empty > 1) {
            throw new IOException("participation state empty-rounds flag must be 0 or 1, was " + empty);
        }
        if ((empty == 1) != allowsEmpty) {
            throw new IOException("participation state empty-rounds flag must be " + (allowsEmpty ? 1 : 0)
                    + " (the receiving " + kind + " process " + (allowsEmpty ? "keeps" : "skips") + " empty rounds), "
                    + "was " + empty);
        }
    }

    /** Reads the last round selected, checking that it is not negative. */
    static int readLastRound(DataInput in, String kind) throws IOException {
        int last = in.readInt();
        if (last < 0) {
            throw new IOException(kind + " participation state last round must be >= 0, was " + last);
        }
        return last;
    }

    /** The kind of the default process of a pattern without memory. */
    static String statelessKind(Participation pattern) {
        if (pattern instanceof FullParticipation) {
            return "all";
        }
        if (pattern instanceof UniformParticipation) {
            return "uniform";
        }
        if (pattern instanceof TraceParticipation) {
            return "trace";
        }
        return STATELESS;
    }

    /**
     * The process of {@link Participation#start}'s default: every round forwarded to the stateless select. Its state
     * is the header alone (kind, population), so that a checkpoint of another pattern or population is refused.
     */
    static final class Stateless implements Participation.Process {
        private final Participation pattern;
        private final int population;
        private final String kind;

        Stateless(Participation pattern, int population) {
            this.pattern = pattern;
            this.population = population;
            this.kind = statelessKind(pattern);
        }

        @Override
        public int[] select(int round, RandomStream rng) {
            return pattern.select(round, population, rng);
        }

        @Override
        public void writeState(DataOutput out) throws IOException {
            writeHeader(out, kind, population, allowsEmptyRounds());
        }

        @Override
        public void readState(DataInput in) throws IOException {
            readHeader(in, kind, population, allowsEmptyRounds());
        }
    }
}
