package io.github.fl4j.experiments.grid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What the grid stores beside a run file {@code runs/<cell>-seed<k>.csv}: {@code runs/<cell>-seed<k>.json} with the
 * SHA-256 of the run's full resolved configuration ({@code configSha256}), the configuration text it hashes
 * ({@code config}, for a person comparing two runs), and whether the run finished or diverged ({@code status}
 * {@code "finished"} or {@code "diverged"}, with the {@code reason} and the number of {@code rounds} completed).
 *
 * <p>A later invocation reuses a saved run only when this record exists and its hash equals the hash of the run's
 * configuration now: a run file without a record (written before records existed, or by a process killed between
 * the two atomic writes) or with another hash is executed again. The run file is written first and the record
 * second, each atomically, so a record always describes a complete run file.
 *
 * @param configSha256 the hex SHA-256 of {@code config}
 * @param config       the run's configuration text
 * @param diverged     null for a finished run, else the reason it failed
 * @param rounds       the number of reports in the run file
 */
record RunRecord(String configSha256, String config, String diverged, int rounds) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The record file beside a run file: the same name with {@code .json} instead of {@code .csv}. */
    static Path fileFor(Path runFile) {
        String n = runFile.getFileName().toString();
        return runFile.resolveSibling((n.endsWith(".csv") ? n.substring(0, n.length() - 4) : n) + ".json");
    }

    /** The hex SHA-256 of the UTF-8 bytes of {@code text}. */
    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /** The record of a run with configuration text {@code config}. */
    static RunRecord of(String config, RunResult run) {
        return new RunRecord(sha256(config), config, run.diverged(), run.reports().size());
    }

    /** Writes the record atomically (temporary file in the same folder, then an atomic move). */
    void write(Path file) {
        ObjectNode n = JSON.createObjectNode();
        n.put("configSha256", configSha256);
        n.put("status", diverged == null ? "finished" : "diverged");
        if (diverged != null) {
            n.put("reason", diverged);
        }
        n.put("rounds", rounds);
        n.put("config", config);
        try {
            AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write run record " + file, e);
        }
    }

    /**
     * Reads a record; null when the file does not exist.
     *
     * @throws IllegalStateException naming the file when it is not a record
     */
    static RunRecord read(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        JsonNode n;
        try {
            n = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(file + ": not a run record (" + e.getMessage() + ")", e);
        }
        JsonNode hash = n == null ? null : n.get("configSha256");
        JsonNode status = n == null ? null : n.get("status");
        if (hash == null || !hash.isTextual() || status == null
                || !("finished".equals(status.asText()) || "diverged".equals(status.asText()))) {
            throw new IllegalStateException(file + ": a run record needs configSha256 and status \"finished\" or "
                    + "\"diverged\", was " + n);
        }
        boolean diverged = "diverged".equals(status.asText());
        String reason = diverged ? n.path("reason").asText("diverged") : null;
        if (diverged && reason.isBlank()) {
            reason = "diverged";
        }
        return new RunRecord(hash.asText(), n.path("config").asText(""), reason, n.path("rounds").asInt(-1));
    }
}
