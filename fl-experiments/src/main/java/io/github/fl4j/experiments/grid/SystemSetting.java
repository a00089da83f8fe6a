package io.github.fl4j.experiments.grid;

import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.time.AvailabilityModel;
import io.github.fl4j.core.time.AvailabilityModels;
import io.github.fl4j.core.time.DeviceModel;
import io.github.fl4j.core.time.Devices;
import io.github.fl4j.core.time.DropoutModel;
import io.github.fl4j.core.time.Dropouts;
import io.github.fl4j.core.time.Schedule;
import java.util.function.Function;

/**
 * One setting of the grid's system-heterogeneity axis: the clients' devices, when they are online, which sessions
 * fail and, for synchronous strategies, when a round closes. A grid with at least one system runs every run on the
 * virtual clock ({@link io.github.fl4j.core.time.TimedSimulation}); see {@link Grid.Builder#system}.
 *
 * <p>The devices are built from each run's data ({@code Devices.slowForLabel} needs it) and drawn from the run
 * seed's tree, so every strategy of a seed meets the same devices, availability and dropouts (common random
 * numbers). Immutable.
 *
 * <pre>{@code
 * SystemSetting.of(Devices.logNormal(200, 1.0, 2e6, 1.0, 2e7, 1.0))
 *     .withAvailability(AvailabilityModels.markov(3600, 1800))
 *     .withDropout(Dropouts.probability(0.05))
 *     .withRounds(Schedule.rounds().deadline(30))
 * }</pre>
 *
 * @param devices      the device model of a run's data
 * @param availability when clients are online
 * @param dropout      which sessions fail
 * @param rounds       the round rule of synchronous strategies: a schedule of kind {@link Schedule.Kind#ROUNDS}
 *                     (deadline, first-K, over-selection); asynchronous strategies use their own schedule
 */
public record SystemSetting(Function<FederatedDataset, DeviceModel> devices, AvailabilityModel availability,
                            DropoutModel dropout, Schedule rounds) {

    /** Equal devices: 1 training sample per second, unlimited bandwidth (a session lasts its samples processed). */
    public static final DeviceModel EQUAL_DEVICES = Devices.constant(1.0, Double.POSITIVE_INFINITY,
            Double.POSITIVE_INFINITY);

    /**
     * Validates the parts.
     *
     * @throws IllegalArgumentException when a part is null or {@code rounds} is not a rounds schedule
     */
    public SystemSetting {
        if (devices == null) {
            throw new IllegalArgumentException("devices must not be null");
        }
        if (availability == null) {
            throw new IllegalArgumentException("availability must not be null");
        }
        if (dropout == null) {
            throw new IllegalArgumentException("dropout must not be null");
        }
        if (rounds == null || rounds.kind() != Schedule.Kind.ROUNDS) {
            throw new IllegalArgumentException("rounds must be a Schedule.rounds() schedule (with a deadline, "
                    + "first-K or over-selection), was " + (rounds == null ? "null" : rounds.describe()));
        }
    }

    /** Equal devices ({@link #EQUAL_DEVICES}), always online, no dropouts, rounds that wait for all. */
    public static SystemSetting equal() {
        return of(EQUAL_DEVICES);
    }

    /** These devices, always online, no dropouts, rounds that wait for all. */
    public static SystemSetting of(DeviceModel devices) {
        if (devices == null) {
            throw new IllegalArgumentException("devices must not be null");
        }
        return of(d -> devices);
    }

    /**
     * Devices built from each run's data (e.g. {@code d -> Devices.slowForLabel(base, d, 3, 10)}), always online,
     * no dropouts, rounds that wait for all.
     */
    public static SystemSetting of(Function<FederatedDataset, DeviceModel> devices) {
        return new SystemSetting(devices, AvailabilityModels.always(), Dropouts.none(), Schedule.rounds());
    }

    /** This setting with another availability model. */
    public SystemSetting withAvailability(AvailabilityModel v) {
        return new SystemSetting(devices, v, dropout, rounds);
    }

    /** This setting with another dropout model. */
    public SystemSetting withDropout(DropoutModel v) {
        return new SystemSetting(devices, availability, v, rounds);
    }

    /** This setting with another round rule for synchronous strategies (a {@link Schedule#rounds()} schedule). */
    public SystemSetting withRounds(Schedule v) {
        return new SystemSetting(devices, availability, dropout, v);
    }

    /** Availability, dropouts and round rule in one line (the devices need data to be described). */
    public String describe() {
        return "availability " + availability.describe() + ", dropout " + dropout.describe() + ", "
                + rounds.describe();
    }
}
