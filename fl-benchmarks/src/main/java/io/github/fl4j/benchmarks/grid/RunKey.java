package io.github.fl4j.benchmarks.grid;

/**
 * One run of a grid: a cell (strategy x compressor x participation x heterogeneity x system) and a seed.
 *
 * @param strategy      the strategy's name
 * @param compressor    the uplink compressor's name
 * @param participation the participation pattern's name
 * @param heterogeneity the data setting's name
 * @param system        the system setting's name, {@link #UNTIMED} when the grid has no system axis
 * @param seed          the root seed
 */
public record RunKey(String strategy, String compressor, String participation, String heterogeneity, String system,
                     long seed) {

    /** The system name of the runs of a grid without a system axis (untimed simulations). */
    public static final String UNTIMED = "-";

    /** A run of a grid without a system axis. */
    public RunKey(String strategy, String compressor, String participation, String heterogeneity, long seed) {
        this(strategy, compressor, participation, heterogeneity, UNTIMED, seed);
    }

    /** True when the run is a simulation with time (its grid has a system axis). */
    public boolean timed() {
        return !UNTIMED.equals(system);
    }

    /**
     * The cell's file-name-safe identifier, e.g. {@code fedavg__identity__uniform-10__synthetic-1-1}, with
     * {@code __<system>} appended when timed (so the names of untimed runs are those of grids without the axis).
     */
    public String cellId() {
        return cell().id();
    }

    /** The file name of the finished run, {@code <cell>-seed<k>.csv}. */
    public String fileName() {
        return cellId() + "-seed" + seed + ".csv";
    }

    /** The cell of this run (the key without the seed). */
    public Cell cell() {
        return new Cell(strategy, compressor, participation, heterogeneity, system);
    }

    static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9.+-]", "-");
    }

    /**
     * A cell: the key without the seed.
     *
     * @param strategy      the strategy's name
     * @param compressor    the uplink compressor's name
     * @param participation the participation pattern's name
     * @param heterogeneity the data setting's name
     * @param system        the system setting's name, {@link #UNTIMED} when untimed
     */
    public record Cell(String strategy, String compressor, String participation, String heterogeneity,
                       String system) {

        /** A cell of a grid without a system axis. */
        public Cell(String strategy, String compressor, String participation, String heterogeneity) {
            this(strategy, compressor, participation, heterogeneity, UNTIMED);
        }

        /** The line label of this cell in a figure: strategy/compressor. */
        public String label() {
            return strategy + " / " + compressor;
        }

        /** True when the cell's runs are simulations with time. */
        public boolean timed() {
            return !UNTIMED.equals(system);
        }

        /** The file-name-safe identifier (see {@link RunKey#cellId()}). */
        public String id() {
            String id = safe(strategy) + "__" + safe(compressor) + "__" + safe(participation) + "__"
                    + safe(heterogeneity);
            return timed() ? id + "__" + safe(system) : id;
        }
    }
}
