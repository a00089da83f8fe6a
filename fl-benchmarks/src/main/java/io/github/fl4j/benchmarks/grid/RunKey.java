package io.github.fl4j.benchmarks.grid;

/**
 * One run of a grid: a cell (strategy x compressor x participation x heterogeneity) and a seed.
 *
 * @param strategy      the strategy's name
 * @param compressor    the uplink compressor's name
 * @param participation the participation pattern's name
 * @param heterogeneity the data setting's name
 * @param seed          the root seed
 */
public record RunKey(String strategy, String compressor, String participation, String heterogeneity, long seed) {

    /** The cell's file-name-safe identifier, e.g. {@code fedavg__identity__uniform-10__synthetic-1-1}. */
    public String cellId() {
        return safe(strategy) + "__" + safe(compressor) + "__" + safe(participation) + "__" + safe(heterogeneity);
    }

    /** The file name of the finished run, {@code <cell>-seed<k>.csv}. */
    public String fileName() {
        return cellId() + "-seed" + seed + ".csv";
    }

    /** The cell of this run (the key without the seed). */
    public Cell cell() {
        return new Cell(strategy, compressor, participation, heterogeneity);
    }

    static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9.+-]", "-");
    }

    /** A cell: the key without the seed. */
    public record Cell(String strategy, String compressor, String participation, String heterogeneity) {
        /** The line label of this cell in a figure: strategy/compressor. */
        public String label() {
            return strategy + " / " + compressor;
        }
    }
}
