package io.github.fl4j.experiments.grid;

/**
 * One run of a grid: a cell (strategy x compressor x participation x heterogeneity x system x aggregator x attack x
 * privacy) and a seed. The last four axes are optional: a grid without one has {@link #NONE} ({@link #UNTIMED} for
 * the system) in that place, and its names, file names and reports are those of grids from before the axis existed.
 *
 * @param strategy      the strategy's name
 * @param compressor    the uplink compressor's name
 * @param participation the participation pattern's name
 * @param heterogeneity the data setting's name
 * @param system        the system setting's name, {@link #UNTIMED} when the grid has no system axis
 * @param aggregator    the aggregator's name, {@link #NONE} when the grid has no aggregator axis
 * @param attack        the attack's name, {@link #NONE} when the grid has no attack axis
 * @param privacy       the privacy setting's name, {@link #NONE} when the grid has no privacy axis
 * @param seed          the root seed
 */
public record RunKey(String strategy, String compressor, String participation, String heterogeneity, String system,
                     String aggregator, String attack, String privacy, long seed) {

    /** The system name of the runs of a grid without a system axis (untimed simulations). */
    public static final String UNTIMED = "-";

    /** The aggregator, attack or privacy name of the runs of a grid without that axis. */
    public static final String NONE = "-";

    /** A run of a grid without aggregator, attack and privacy axes. */
    public RunKey(String strategy, String compressor, String participation, String heterogeneity, String system,
                  long seed) {
        this(strategy, compressor, participation, heterogeneity, system, NONE, NONE, NONE, seed);
    }

    /** A run of a grid without a system, aggregator, attack or privacy axis. */
    public RunKey(String strategy, String compressor, String participation, String heterogeneity, long seed) {
        this(strategy, compressor, participation, heterogeneity, UNTIMED, seed);
    }

    /** True when the run is a simulation with time (its grid has a system axis). */
    public boolean timed() {
        return !UNTIMED.equals(system);
    }

    /** True when the run's grid has a privacy axis (its reports then carry the privacy loss epsilon). */
    public boolean privacyAxis() {
        return !NONE.equals(privacy);
    }

    /**
     * The cell's file-name-safe identifier, e.g. {@code fedavg__identity__uniform-10__synthetic-1-1}, with
     * {@code __<system>} appended when timed and {@code __<aggregator>}, {@code __<attack>}, {@code __<privacy>}
     * when the grid has those axes (so the names of runs without them are those of grids without the axes).
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
        return new Cell(strategy, compressor, participation, heterogeneity, system, aggregator, attack, privacy);
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
     * @param aggregator    the aggregator's name, {@link #NONE} without an aggregator axis
     * @param attack        the attack's name, {@link #NONE} without an attack axis
     * @param privacy       the privacy setting's name, {@link #NONE} without a privacy axis
     */
    public record Cell(String strategy, String compressor, String participation, String heterogeneity,
                       String system, String aggregator, String attack, String privacy) {

        /** A cell of a grid without aggregator, attack and privacy axes. */
        public Cell(String strategy, String compressor, String participation, String heterogeneity, String system) {
            this(strategy, compressor, participation, heterogeneity, system, NONE, NONE, NONE);
        }

        /** A cell of a grid without a system, aggregator, attack or privacy axis. */
        public Cell(String strategy, String compressor, String participation, String heterogeneity) {
            this(strategy, compressor, participation, heterogeneity, UNTIMED);
        }

        /**
         * The line label of this cell in a figure: strategy / compressor, then the aggregator, attack and privacy
         * setting of the grids that have those axes.
         */
        public String label() {
            StringBuilder sb = new StringBuilder(strategy).append(" / ").append(compressor);
            for (String extra : new String[] {aggregator, attack, privacy}) {
                if (!NONE.equals(extra)) {
                    sb.append(" / ").append(extra);
                }
            }
            return sb.toString();
        }

        /** True when the cell's runs are simulations with time. */
        public boolean timed() {
            return !UNTIMED.equals(system);
        }

        /** The file-name-safe identifier (see {@link RunKey#cellId()}). */
        public String id() {
            StringBuilder id = new StringBuilder(safe(strategy)).append("__").append(safe(compressor)).append("__")
                    .append(safe(participation)).append("__").append(safe(heterogeneity));
            if (timed()) {
                id.append("__").append(safe(system));
            }
            for (String extra : new String[] {aggregator, attack, privacy}) {
                if (!NONE.equals(extra)) {
                    id.append("__").append(safe(extra));
                }
            }
            return id.toString();
        }
    }
}
