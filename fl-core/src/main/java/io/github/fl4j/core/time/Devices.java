package io.github.fl4j.core.time;

import io.github.fl4j.core.data.FederatedData;
import io.github.fl4j.core.data.Labels;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.function.IntPredicate;

/**
 * The device models: where each client's compute speed, bandwidths and latency come from.
 *
 * <ul>
 *   <li>{@link #constant}: every client has the same device.</li>
 *   <li>{@link #logNormal}: each quantity is {@code median * exp(sigma * Z)}, Z standard normal, independently per
 *       client and per quantity (the usual model of device heterogeneity).</li>
 *   <li>{@link #uniform}: each quantity uniform in {@code [min, max)}.</li>
 *   <li>{@link #of} and {@link #fromFile}: one given device per client (a list, or a CSV trace).</li>
 * </ul>
 * and the decorators {@link #withJitter} (a random compute factor per session), {@link #withLatency} (a fixed time
 * per session), {@link #slowerFor} and {@link #slowForLabel} (slower devices for chosen clients: coupling speed with
 * data).
 *
 * <p>Randomness: the persistent quantities of client {@code i} come from {@code seeds.stream(DEVICE, key, i)} with
 * one fixed negative key per quantity ({@link #SPEED_KEY}, {@link #UPLINK_KEY}, {@link #DOWNLINK_KEY}); the jitter of
 * the client's session number {@code d >= 0} comes from {@code seeds.stream(DEVICE, d, i)}. Keys of the two kinds
 * never coincide, so a device never shares a draw with a session, and a device is a pure function of (seed, client)
 * whatever the order of the calls and the number of threads. All models are immutable and thread-safe.
 */
public final class Devices {
    /** The {@code round} key of the stream a client's compute speed is drawn from ({@link Purpose#DEVICE}). */
    public static final long SPEED_KEY = -2;
    /** The {@code round} key of the stream a client's uplink bandwidth is drawn from. */
    public static final long UPLINK_KEY = -3;
    /** The {@code round} key of the stream a client's downlink bandwidth is drawn from. */
    public static final long DOWNLINK_KEY = -4;

    /** The header of a device trace file ({@link #fromFile}). */
    public static final String FILE_HEADER = "client,samples_per_second,uplink_bps,downlink_bps,latency_seconds";

    private Devices() {
    }

    // ------------------------------------------------------------------------------------------------------------
    // Families
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Every client has the same device, with no latency (add one with {@link #withLatency}).
     *
     * @param samplesPerSecond training samples processed per second, &gt; 0 (+infinity: computing takes no time)
     * @param uplinkBps        client-to-server bits per second, &gt; 0 (+infinity: uploads take no time)
     * @param downlinkBps      server-to-client bits per second, &gt; 0 (+infinity: downloads take no time)
     * @throws IllegalArgumentException naming the parameter and its value
     */
    public static DeviceModel constant(double samplesPerSecond, double uplinkBps, double downlinkBps) {
        requirePositive("samplesPerSecond", samplesPerSecond);
        requirePositive("uplinkBps", uplinkBps);
        requirePositive("downlinkBps", downlinkBps);
        Device device = new Device(samplesPerSecond, uplinkBps, downlinkBps, 0.0);
        String d = "constant(samplesPerSecond=" + samplesPerSecond + ", uplinkBps=" + uplinkBps + ", downlinkBps="
                + downlinkBps + ")";
        return new Model(d) {
            @Override
            public Device device(int client, SeedTree seeds) {
                requireClient(client);
                return device;
            }
        };
    }

    /**
     * Log-normal devices: client {@code i}'s speed is {@code medianSpeed * exp(sigmaSpeed * Z)} with Z the first
     * {@link io.github.fl4j.core.random.RandomStream#nextGaussian()} of {@code seeds.stream(DEVICE, SPEED_KEY, i)},
     * and likewise its uplink ({@link #UPLINK_KEY}) and downlink ({@link #DOWNLINK_KEY}) bandwidths, each from its own
     * stream; no latency. The three quantities are independent, each with the given median and log standard
     * deviation (sigma 0 gives the median to every client).
     *
     * @param medianSpeed       median samples per second, finite and &gt; 0
     * @param sigmaSpeed        standard deviation of log speed, finite and &gt;= 0
     * @param medianUplinkBps   median uplink bits per second, &gt; 0 (+infinity: uploads take no time)
     * @param sigmaUplink       standard deviation of log uplink bandwidth, finite and &gt;= 0
     * @param medianDownlinkBps median downlink bits per second, &gt; 0 (+infinity: downloads take no time)
     * @param sigmaDownlink     standard deviation of log downlink bandwidth, finite and &gt;= 0
     * @throws IllegalArgumentException naming the parameter and its value
     */
    public static DeviceModel logNormal(double medianSpeed, double sigmaSpeed, double medianUplinkBps,
                                        double sigmaUplink, double medianDownlinkBps, double sigmaDownlink) {
        requireFinitePositive("medianSpeed", medianSpeed);
        requireSigma("sigmaSpeed", sigmaSpeed);
        requirePositive("medianUplinkBps", medianUplinkBps);
        requireSigma("sigmaUplink", sigmaUplink);
        requirePositive("medianDownlinkBps", medianDownlinkBps);
        requireSigma("sigmaDownlink", sigmaDownlink);
        String d = "logNormal(medianSpeed=" + medianSpeed + ", sigmaSpeed=" + sigmaSpeed + ", medianUplinkBps="
                + medianUplinkBps + ", sigmaUplink=" + sigmaUplink + ", medianDownlinkBps=" + medianDownlinkBps
                + ", sigmaDownlink=" + sigmaDownlink + ")";
        return new Model(d) {
            @Override
            public Device device(int client, SeedTree seeds) {
                requireClient(client);
                double speed = logNormalDraw(seeds, SPEED_KEY, client, medianSpeed, sigmaSpeed);
                double up = logNormalDraw(seeds, UPLINK_KEY, client, medianUplinkBps, sigmaUplink);
                double down = logNormalDraw(seeds, DOWNLINK_KEY, client, medianDownlinkBps, sigmaDownlink);
                return drawn(client, speed, up, down, 0.0, d);
            }
        };
    }

    /**
     * Uniform devices: client {@code i}'s speed is {@code minSpeed + (maxSpeed - minSpeed) * U} with U the first
     * {@link io.github.fl4j.core.random.RandomStream#nextDouble()} of {@code seeds.stream(DEVICE, SPEED_KEY, i)},
     * and likewise the bandwidths from their streams; no latency. {@code min == max} gives that value to everyone.
     *
     * @param minSpeed lowest samples per second, finite and &gt; 0
     * @param maxSpeed highest samples per second, finite and &gt;= minSpeed
     * @param minUp    lowest uplink bits per second, finite and &gt; 0
     * @param maxUp    highest uplink bits per second, finite and &gt;= minUp
     * @param minDown  lowest downlink bits per second, finite and &gt; 0
     * @param maxDown  highest downlink bits per second, finite and &gt;= minDown
     * @throws IllegalArgumentException naming the parameter and its value
     */
    public static DeviceModel uniform(double minSpeed, double maxSpeed, double minUp, double maxUp, double minDown,
                                      double maxDown) {
        requireRange("minSpeed", minSpeed, "maxSpeed", maxSpeed);
        requireRange("minUp", minUp, "maxUp", maxUp);
        requireRange("minDown", minDown, "maxDown", maxDown);
        String d = "uniform(speed=[" + minSpeed + ", " + maxSpeed + "], uplinkBps=[" + minUp + ", " + maxUp
                + "], downlinkBps=[" + minDown + ", " + maxDown + "])";
        return new Model(d) {
            @Override
            public Device device(int client, SeedTree seeds) {
                requireClient(client);
                double speed = uniformDraw(seeds, SPEED_KEY, client, minSpeed, maxSpeed);
                double up = uniformDraw(seeds, UPLINK_KEY, client, minUp, maxUp);
                double down = uniformDraw(seeds, DOWNLINK_KEY, client, minDown, maxDown);
                return drawn(client, speed, up, down, 0.0, d);
            }
        };
    }

    /**
     * Given devices: client {@code i} gets {@code devices.get(i)} (no draws). The list is copied. Asking for a client
     * beyond the list fails then, naming the client and the list's size.
     *
     * @param devices one device per client, non-empty, no nulls
     * @throws IllegalArgumentException if the list is null, empty or holds a null (naming its index)
     */
    public static DeviceModel of(List<Device> devices) {
        if (devices == null || devices.isEmpty()) {
            throw new IllegalArgumentException("devices must hold at least one device, was "
                    + (devices == null ? "null" : "empty"));
        }
        for (int i = 0; i < devices.size(); i++) {
            if (devices.get(i) == null) {
                throw new IllegalArgumentException("devices[" + i + "] must not be null");
            }
        }
        return new ListModel(List.copyOf(devices), "of(" + devices.size() + " devices)");
    }

    /**
     * Devices read from a CSV trace (UTF-8), one line per client.
     *
     * <p>Format: the header line {@code client,samples_per_second,uplink_bps,downlink_bps,latency_seconds}, then one
     * line per client with its id and its device, for clients 0, 1, ..., N-1 in that order. Fields are separated by
     * commas, spaces around a field are ignored, there is no quoting. Speed and bandwidths must be numbers &gt; 0
     * ({@code Infinity} is allowed for the bandwidths: that transfer takes no time); the latency, in seconds, a
     * finite number &gt;= 0. Blank lines and lines starting with {@code #} are ignored. Example:
     * <pre>
     * client,samples_per_second,uplink_bps,downlink_bps,latency_seconds
     * 0,120.5,2.0e6,1.0e7,0.05
     * 1,35,5.0e5,Infinity,0.2
     * </pre>
     * The model then fails for a client id &gt;= N, naming the file.
     *
     * @param file the trace
     * @return the model giving line i's device to client i
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if the content is malformed: the message names the file, the line (1-based),
     *                                  the column and the bad value (not a number, out of range, a missing, duplicate
     *                                  or out-of-order client), or says the file holds no client
     */
    public static DeviceModel fromFile(Path file) throws IOException {
        String[] columns = FILE_HEADER.split(",");
        List<TraceCsv.Row> rows = TraceCsv.read(file, columns);
        List<Device> devices = new ArrayList<>(rows.size());
        for (TraceCsv.Row row : rows) {
            int client = row.clientId(0);
            int expected = devices.size();
            if (client < expected) {
                throw row.error(0, "is a duplicate: client " + client + " was already given");
            }
            if (client > expected) {
                throw row.error(0, "is out of order: client " + expected + " is missing (expected clients 0, 1, "
                        + "2, ... in order)");
            }
            double speed = row.number(1);
            if (!(speed > 0)) {
                throw row.error(1, "must be > 0");
            }
            double up = row.number(2);
            if (!(up > 0)) {
                throw row.error(2, "must be > 0");
            }
            double down = row.number(3);
            if (!(down > 0)) {
                throw row.error(3, "must be > 0");
            }
            double latency = row.number(4);
            if (!(latency >= 0) || Double.isInfinite(latency)) {
                throw row.error(4, "must be finite and >= 0");
            }
            devices.add(new Device(speed, up, down, latency));
        }
        if (devices.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no client lines after the header");
        }
        return new ListModel(List.copyOf(devices), "fromFile(" + file + ", " + devices.size() + " clients)");
    }

    // ------------------------------------------------------------------------------------------------------------
    // Decorators
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Adds per-session compute jitter: the compute time of client {@code i}'s session number {@code d} is multiplied
     * by {@code exp(sigma * Z - sigma^2 / 2)} (log-normal with mean 1), Z the first
     * {@link io.github.fl4j.core.random.RandomStream#nextGaussian()} of {@code seeds.stream(DEVICE, d, i)}, times the
     * jitter of {@code base}. Devices are those of {@code base}. Session numbers must be &gt;= 0 (they are keys that
     * never meet the negative keys of the persistent draws). Wrapping a model twice with jitter draws the same Z
     * twice; use one wrapper with the combined sigma instead.
     *
     * @param base  the device model
     * @param sigma standard deviation of the log factor, finite and &gt;= 0 (0: no jitter)
     * @throws IllegalArgumentException naming the parameter and its value
     */
    public static DeviceModel withJitter(DeviceModel base, double sigma) {
        requireBase(base);
        requireSigma("jitter sigma", sigma);
        double shift = -0.5 * sigma * sigma;
        return new Decorated(base, "withJitter(sigma=" + sigma + ") of " + base.describe()) {
            @Override
            public double computeJitter(int client, long dispatch, SeedTree seeds) {
                if (dispatch < 0) {
                    throw new IllegalArgumentException("dispatch (session number) must be >= 0, was " + dispatch);
                }
                double b = base.computeJitter(client, dispatch, seeds);
                if (sigma == 0) {
                    return b;
                }
                double z = seeds.stream(Purpose.DEVICE, dispatch, client).nextGaussian();
                return b * StrictMath.exp(sigma * z + shift);
            }
        };
    }

    /**
     * Adds {@code seconds} to the latency of every device of {@code base} (a fixed time per session: connection
     * set-up, round trips).
     *
     * @param base    the device model
     * @param seconds added latency, finite and &gt;= 0
     * @throws IllegalArgumentException naming the parameter and its value
     */
    public static DeviceModel withLatency(DeviceModel base, double seconds) {
        requireBase(base);
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("latency seconds must be finite and >= 0, was " + seconds);
        }
        return new Decorated(base, "withLatency(seconds=" + seconds + ") of " + base.describe()) {
            @Override
            public Device device(int client, SeedTree seeds) {
                Device d = base.device(client, seeds);
                return new Device(d.samplesPerSecond(), d.uplinkBitsPerSecond(), d.downlinkBitsPerSecond(),
                        d.latencySeconds() + seconds);
            }
        };
    }

    /**
     * Makes the chosen clients' devices {@code factor} times slower at computing (their samples per second divided by
     * {@code factor}; links and latency unchanged): coupling device speed with something else known about the
     * clients, typically their data.
     *
     * @param base    the device model
     * @param clients which clients are slowed (a pure function of the client id; called on every query)
     * @param factor  the slow-down, finite and &gt;= 1
     * @param why     a short label of the choice, for {@link DeviceModel#describe()} (e.g. "label 3 holders")
     * @throws IllegalArgumentException naming the parameter and its value
     */
    public static DeviceModel slowerFor(DeviceModel base, IntPredicate clients, double factor, String why) {
        requireBase(base);
        if (clients == null) {
            throw new IllegalArgumentException("clients (the predicate) must not be null");
        }
        if (!(factor >= 1) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("slow-down factor must be finite and >= 1, was " + factor);
        }
        if (why == null || why.isBlank()) {
            throw new IllegalArgumentException("why must be a non-blank description of the chosen clients, was "
                    + (why == null ? "null" : "'" + why + "'"));
        }
        return new Decorated(base, "slowerFor(" + why + ", factor=" + factor + ") of " + base.describe()) {
            @Override
            public Device device(int client, SeedTree seeds) {
                Device d = base.device(client, seeds);
                if (!clients.test(client)) {
                    return d;
                }
                return new Device(d.samplesPerSecond() / factor, d.uplinkBitsPerSecond(), d.downlinkBitsPerSecond(),
                        d.latencySeconds());
            }
        };
    }

    /**
     * The "slow clients hold one label" scenario: clients whose training data's most frequent label is
     * {@code label} compute {@code factor} times slower ({@link #slowerFor}). A client's most frequent label is read
     * once, here, from {@link Labels#classIndices} of its dataset; ties go to the smallest label. Build data where
     * some clients hold a single label with, e.g., {@link io.github.fl4j.core.data.Partitioners#shardIndices} with
     * one shard per client. The model then fails for a client id &gt;= {@code data.clientCount()}.
     *
     * @param base   the device model
     * @param data   the federated data (class-index labels)
     * @param label  the label whose majority holders are slowed, &gt;= 0
     * @param factor the slow-down, finite and &gt;= 1
     * @throws IllegalArgumentException naming the parameter and its value; also when no client's most frequent
     *                                  label is {@code label} (the scenario would be empty)
     */
    public static DeviceModel slowForLabel(DeviceModel base, FederatedData data, int label, double factor) {
        requireBase(base);
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        if (label < 0) {
            throw new IllegalArgumentException("label must be >= 0, was " + label);
        }
        int n = data.clientCount();
        BitSet slow = new BitSet(n);
        for (int i = 0; i < n; i++) {
            int[] labels;
            try {
                labels = Labels.classIndices(data.client(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("slowForLabel needs class-index labels; client " + i + ": "
                        + e.getMessage(), e);
            }
            if (mostFrequentLabel(labels) == label) {
                slow.set(i);
            }
        }
        if (slow.isEmpty()) {
            throw new IllegalArgumentException("no client's most frequent label is " + label + " (label must be the "
                    + "majority label of at least one of the " + n + " clients)");
        }
        String why = "clients whose most frequent label is " + label + ": " + slow.cardinality() + " of " + n;
        DeviceModel slowed = slowerFor(base, slow::get, factor, why);
        return new Decorated(slowed, slowed.describe()) {
            @Override
            public Device device(int client, SeedTree seeds) {
                if (client >= n) {
                    throw new IllegalArgumentException("client must be in [0, " + n + ") (the clients of the data "
                            + "of slowForLabel), was " + client);
                }
                return slowed.device(client, seeds);
            }
        };
    }

    /** The most frequent value of {@code labels} (ties: the smallest), or -1 when empty. */
    static int mostFrequentLabel(int[] labels) {
        if (labels.length == 0) {
            return -1;
        }
        int[] counts = Labels.histogram(labels, Labels.classCount(labels));
        int best = 0;
        for (int c = 1; c < counts.length; c++) {
            if (counts[c] > counts[best]) {
                best = c;
            }
        }
        return best;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Implementation
    // ------------------------------------------------------------------------------------------------------------

    private abstract static class Model implements DeviceModel {
        private final String description;

        Model(String description) {
            this.description = description;
        }

        @Override
        public String describe() {
            return description;
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /** Delegates everything to {@code base}; subclasses override what they change. */
    private abstract static class Decorated extends Model {
        private final DeviceModel base;

        Decorated(DeviceModel base, String description) {
            super(description);
            this.base = base;
        }

        @Override
        public Device device(int client, SeedTree seeds) {
            return base.device(client, seeds);
        }

        @Override
        public double computeJitter(int client, long dispatch, SeedTree seeds) {
            return base.computeJitter(client, dispatch, seeds);
        }
    }

    private static final class ListModel extends Model {
        private final List<Device> devices;

        ListModel(List<Device> devices, String description) {
            super(description);
            this.devices = devices;
        }

        @Override
        public Device device(int client, SeedTree seeds) {
            requireClient(client);
            if (client >= devices.size()) {
                throw new IllegalArgumentException("no device for client " + client + ": " + describe()
                        + " holds devices for clients 0.." + (devices.size() - 1) + " only");
            }
            return devices.get(client);
        }
    }

    private static double logNormalDraw(SeedTree seeds, long key, int client, double median, double sigma) {
        Objects.requireNonNull(seeds, "seeds");
        if (sigma == 0 || Double.isInfinite(median)) {
            return median;
        }
        return median * StrictMath.exp(sigma * seeds.stream(Purpose.DEVICE, key, client).nextGaussian());
    }

    private static double uniformDraw(SeedTree seeds, long key, int client, double min, double max) {
        Objects.requireNonNull(seeds, "seeds");
        double u = seeds.stream(Purpose.DEVICE, key, client).nextDouble();
        return Math.min(max, min + (max - min) * u);
    }

    /** A drawn device, or a clear error when extreme parameters drew a speed or bandwidth of 0 or +infinity. */
    private static Device drawn(int client, double speed, double up, double down, double latency, String model) {
        if (!(speed > 0) || Double.isInfinite(speed) || !(up > 0) || !(down > 0)) {
            throw new IllegalStateException(model + " drew an unusable device for client " + client
                    + " (samplesPerSecond=" + speed + ", uplinkBps=" + up + ", downlinkBps=" + down
                    + "): a sigma is too large");
        }
        return new Device(speed, up, down, latency);
    }

    private static void requireClient(int client) {
        if (client < 0) {
            throw new IllegalArgumentException("client must be >= 0, was " + client);
        }
    }

    private static void requireBase(DeviceModel base) {
        if (base == null) {
            throw new IllegalArgumentException("base device model must not be null");
        }
    }

    private static void requirePositive(String name, double v) {
        if (!(v > 0)) {
            throw new IllegalArgumentException(name + " must be > 0, was " + v);
        }
    }

    private static void requireFinitePositive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, was " + v);
        }
    }

    private static void requireSigma(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, was " + v);
        }
    }

    private static void requireRange(String minName, double min, String maxName, double max) {
        requireFinitePositive(minName, min);
        if (!(max >= min) || Double.isInfinite(max)) {
            throw new IllegalArgumentException(maxName + " must be finite and >= " + minName + " (" + min
                    + "), was " + max);
        }
    }
}
