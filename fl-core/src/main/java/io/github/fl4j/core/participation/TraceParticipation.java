package io.github.fl4j.core.participation;

import io.github.fl4j.core.random.RandomStream;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Participants replayed from a trace: the client ids of every round are given up front (read from a text file or an
 * array), e.g. availability logs of real devices, or the participants of an earlier run exported with
 * {@link #write}. Draws nothing from the stream.
 *
 * <p><b>File format</b> (UTF-8). One data line per round, in round order: the t-th data line holds the participants
 * of round t (1-based), as non-negative integer client ids separated by whitespace and/or commas, in any order.
 * {@code '#'} starts a comment that runs to the end of the line. A line that holds only a comment (or a comment
 * after leading whitespace) is not a data line and does not count as a round, so headers and annotations never shift
 * rounds. A <b>blank line is an error</b>, as is a line whose ids are all commented out: every round must have at
 * least one participant, and silently skipping such a line would shift every later round. A duplicate id on a line
 * is an error. Ids are returned sorted.
 *
 * <p><b>Checks.</b> At load: syntax, negative ids, duplicates, empty rounds (messages name the file, the 1-based
 * physical line and the token). At {@link #select}: the population is known only then, so an id {@code >= N} is
 * reported there (naming the file, the line, the id and the population); a round beyond the last one is an error
 * naming the file and the round, unless the trace was made cyclic, in which case round t replays trace round
 * ((t - 1) mod T) + 1 for a trace of T rounds.
 *
 * <p><b>State.</b> None: round t always replays the same trace round. The process of {@link Participation#start}
 * keeps no round counter, and its {@link Participation.Process#writeState} form is the common header only (kind
 * {@code trace}, N).
 *
 * <p>Immutable and thread-safe.
 */
public final class TraceParticipation implements Participation {
    private static final String IN_MEMORY = "<in-memory trace>";

    private final String source;
    private final int[][] rounds;
    private final int[] lines;
    private final boolean cyclic;

    private TraceParticipation(String source, int[][] rounds, int[] lines, boolean cyclic) {
        this.source = source;
        this.rounds = rounds;
        this.lines = lines;
        this.cyclic = cyclic;
    }

    /** The trace in {@code file}, not cyclic: a round after the last is an error. See {@link #read(Path, boolean)}. */
    public static TraceParticipation read(Path file) throws IOException {
        return read(file, false);
    }

    /**
     * Reads a trace file (see the class comment for the format).
     *
     * @param file   the trace file
     * @param cyclic whether rounds after the last replay the trace from its start
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if the file is malformed (naming the file, the line and the token) or holds no
     *                                  round
     */
    public static TraceParticipation read(Path file, boolean cyclic) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        List<int[]> rounds = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNumber = 0;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                String trimmed = line.trim();
                if (trimmed.startsWith("#")) {
                    continue;
                }
                String where = file + " line " + lineNumber + " (round " + (rounds.size() + 1) + ")";
                if (trimmed.isEmpty()) {
                    throw new IllegalArgumentException(where + " is blank: every round needs at least one client id "
                            + "(use a '#' line for a comment)");
                }
                int hash = trimmed.indexOf('#');
                String content = (hash >= 0 ? trimmed.substring(0, hash) : trimmed).trim();
                String[] raw = content.isEmpty() ? new String[0] : content.split("[\\s,]+");
                int[] ids = new int[raw.length];
                int n = 0;
                for (String token : raw) {
                    if (token.isEmpty()) {
                        continue;
                    }
                    int id;
                    try {
                        id = Integer.parseInt(token);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(where + ": '" + token + "' is not an integer client id");
                    }
                    if (id < 0) {
                        throw new IllegalArgumentException(where + ": client id '" + token + "' must be >= 0");
                    }
                    ids[n++] = id;
                }
                if (n == 0) {
                    throw new IllegalArgumentException(where + " has no client id: every round needs at least one");
                }
                int[] sorted = Arrays.copyOf(ids, n);
                Arrays.sort(sorted);
                for (int k = 1; k < n; k++) {
                    if (sorted[k] == sorted[k - 1]) {
                        throw new IllegalArgumentException(where + ": duplicate client id " + sorted[k]);
                    }
                }
                rounds.add(sorted);
                lineNumbers.add(lineNumber);
            }
        }
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no round (only comments)");
        }
        int[] lines = lineNumbers.stream().mapToInt(Integer::intValue).toArray();
        return new TraceParticipation(file.toString(), rounds.toArray(new int[0][]), lines, cyclic);
    }

    /** A trace from an array, not cyclic: {@code rounds[t - 1]} are the participants of round t. */
    public static TraceParticipation of(int[][] rounds) {
        return of(rounds, false);
    }

    /**
     * A trace from an array: {@code rounds[t - 1]} are the participants of round t (copied and sorted). In messages
     * the "line" of round t is t.
     *
     * @throws IllegalArgumentException if there is no round, or a round is null or empty, or holds a negative or
     *                                  duplicate id (naming the round and the id)
     */
    public static TraceParticipation of(int[][] rounds, boolean cyclic) {
        if (rounds == null || rounds.length == 0) {
            throw new IllegalArgumentException("rounds must hold at least one round, was "
                    + (rounds == null ? "null" : "empty"));
        }
        int[][] copy = new int[rounds.length][];
        int[] lines = new int[rounds.length];
        for (int t = 0; t < rounds.length; t++) {
            if (rounds[t] == null || rounds[t].length == 0) {
                throw new IllegalArgumentException("round " + (t + 1) + " must have at least one client id, was "
                        + (rounds[t] == null ? "null" : "empty"));
            }
            int[] sorted = rounds[t].clone();
            Arrays.sort(sorted);
            if (sorted[0] < 0) {
                throw new IllegalArgumentException("round " + (t + 1) + ": client id must be >= 0, was " + sorted[0]);
            }
            for (int k = 1; k < sorted.length; k++) {
                if (sorted[k] == sorted[k - 1]) {
                    throw new IllegalArgumentException("round " + (t + 1) + ": duplicate client id " + sorted[k]);
                }
            }
            copy[t] = sorted;
            lines[t] = t + 1;
        }
        return new TraceParticipation(IN_MEMORY, copy, lines, cyclic);
    }

    /**
     * The participants of {@code round}, sorted (a new array). Draws nothing; {@code rng} may be null.
     *
     * @throws IllegalArgumentException if {@code round < 1}, the round is beyond the trace (not cyclic; naming the
     *                                  file and the round), or an id is {@code >= population} (naming the file, the
     *                                  line, the id and the population)
     */
    @Override
    public int[] select(int round, int population, RandomStream rng) {
        if (round < 1) {
            throw new IllegalArgumentException("round must be >= 1, was " + round);
        }
        if (population < 1) {
            throw new IllegalArgumentException("population must be >= 1, was " + population);
        }
        int t = traceRound(round);
        int[] ids = rounds[t - 1];
        int largest = ids[ids.length - 1];
        if (largest >= population) {
            throw new IllegalArgumentException(source + " line " + lines[t - 1] + " (round " + round
                    + "): client id " + largest + " is outside the population of " + population + " clients [0, "
                    + population + ")");
        }
        return ids.clone();
    }

    /** The trace round that {@code round} replays (itself, or wrapped around when cyclic). */
    private int traceRound(int round) {
        if (round <= rounds.length) {
            return round;
        }
        if (!cyclic) {
            throw new IllegalArgumentException(source + " has " + rounds.length + " rounds, round " + round
                    + " is beyond its last (make the trace cyclic to replay it)");
        }
        return (int) ((round - 1L) % rounds.length) + 1;
    }

    /**
     * Writes the trace in the format {@link #read} reads: a {@code '#'} header comment, then one line per round with
     * its sorted ids separated by single spaces. Whether the trace is cyclic is not stored.
     *
     * @throws IOException if the file cannot be written
     */
    public void write(Path file) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("# fl4j participation trace: " + rounds.length + " rounds, line t = participants of round t");
            out.write('\n');
            StringBuilder sb = new StringBuilder();
            for (int[] ids : rounds) {
                sb.setLength(0);
                for (int k = 0; k < ids.length; k++) {
                    if (k > 0) {
                        sb.append(' ');
                    }
                    sb.append(ids[k]);
                }
                sb.append('\n');
                out.write(sb.toString());
            }
        }
    }

    /** The number of rounds T in the trace. */
    public int roundCount() {
        return rounds.length;
    }

    /** Whether rounds after the last replay the trace from its start. */
    public boolean cyclic() {
        return cyclic;
    }

    /** The largest client id in the trace (the population must exceed it). */
    public int maxClientId() {
        int max = 0;
        for (int[] ids : rounds) {
            max = Math.max(max, ids[ids.length - 1]);
        }
        return max;
    }

    /** Where the trace came from: the file name, or {@code <in-memory trace>}. */
    public String source() {
        return source;
    }

    @Override
    public String describe() {
        return "trace(" + source + ", " + rounds.length + " rounds" + (cyclic ? ", cyclic" : "") + ")";
    }
}
