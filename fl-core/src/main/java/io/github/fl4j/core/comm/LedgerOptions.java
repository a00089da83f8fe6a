package io.github.fl4j.core.comm;

import java.nio.file.Path;

/**
 * What a {@link CommunicationLedger} keeps in memory and where it writes its entry stream.
 *
 * <p>A ledger always keeps, in memory, the totals that every report and summary needs: bits per round and direction,
 * bits per client and direction, the number of entries and a 64-bit fingerprint of the whole entry stream. Those cost
 * 16 bytes per round and 16 bytes per client id, whatever the number of entries. The individual entries (round,
 * direction, client, vector, bits: about 21 bytes each in memory) are kept only up to {@link #keptEntries}; past that
 * bound the ledger drops the ones it holds and keeps the totals only, so a run of 10^6 clients over thousands of rounds
 * stays bounded. The full stream can be written to a file as the run goes ({@link #entryFile}, the
 * {@link LedgerFile} format), which costs 19 bytes per entry on disk and nothing on the heap.
 *
 * @param keptEntries how many entries to keep in memory: 0 keeps totals only, {@link Long#MAX_VALUE} keeps all
 * @param entryFile   the file to which every entry is appended as it is recorded, or null for none
 */
public record LedgerOptions(long keptEntries, Path entryFile) {

    /** Entries kept in memory by default: one million (about 21 MB). */
    public static final long DEFAULT_KEPT_ENTRIES = 1_000_000L;

    /**
     * @throws IllegalArgumentException if {@code keptEntries} is negative
     */
    public LedgerOptions {
        if (keptEntries < 0) {
            throw new IllegalArgumentException("ledger keptEntries must be >= 0 (0 keeps totals only), was "
                    + keptEntries);
        }
    }

    /** The default: up to {@value #DEFAULT_KEPT_ENTRIES} entries in memory, then totals only; no file. */
    public static LedgerOptions defaults() {
        return new LedgerOptions(DEFAULT_KEPT_ENTRIES, null);
    }

    /** Every entry in memory, however many (the behaviour of a small run; unbounded for a large one). */
    public static LedgerOptions keepAll() {
        return new LedgerOptions(Long.MAX_VALUE, null);
    }

    /** Totals only: per round, per client, count and fingerprint; {@link CommunicationLedger#entries()} fails. */
    public static LedgerOptions totalsOnly() {
        return new LedgerOptions(0, null);
    }

    /** Up to {@code n} entries in memory, then totals only. */
    public static LedgerOptions keepUpTo(long n) {
        return new LedgerOptions(n, null);
    }

    /** These options, also appending every entry to {@code file} (created or, on resume, truncated and continued). */
    public LedgerOptions writingEntriesTo(Path file) {
        if (file == null) {
            throw new IllegalArgumentException("ledger entry file must not be null");
        }
        return new LedgerOptions(keptEntries, file);
    }

    @Override
    public String toString() {
        String kept = keptEntries == Long.MAX_VALUE ? "all entries" : keptEntries == 0 ? "totals only"
                : "up to " + keptEntries + " entries";
        return "LedgerOptions[" + kept + (entryFile == null ? "" : ", entries to " + entryFile) + "]";
    }
}
