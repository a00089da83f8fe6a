package io.github.fl4j.core.registry;

import io.github.fl4j.core.sim.LocalExecutionEngine;
import io.github.fl4j.core.sim.SerializingExecutionEngine;
import io.github.fl4j.core.time.AvailabilityModels;
import io.github.fl4j.core.time.DeviceModel;
import io.github.fl4j.core.time.Devices;
import io.github.fl4j.core.time.Dropouts;
import io.github.fl4j.core.time.Schedule;
import io.github.fl4j.core.time.Staleness;

/**
 * The simulation-with-time models of fl-core and its execution engines as named components. Names and parameters
 * (defaults after '='; {@code inf} is accepted where a rate may be infinite, meaning "takes no time"):
 *
 * <ul>
 *   <li>Devices (every one also takes {@code jitter=0}, the sigma of a log-normal factor on each compute time, and
 *       {@code latency=0}, seconds added to every transfer): {@code constant(speed=inf, up=inf, down=inf)}
 *       (samples per second, uplink and downlink bits per second), {@code log-normal(speed, speed-sigma=0, up=inf,
 *       up-sigma=0, down=inf, down-sigma=0)} (medians and log standard deviations), {@code uniform(min-speed,
 *       max-speed, min-up, max-up, min-down, max-down)}, {@code file(file)} (a device trace, see
 *       {@link Devices#fromFile}).</li>
 *   <li>Availability: {@code always}, {@code bernoulli(period, p)}, {@code markov(mean-online, mean-offline)},
 *       {@code diurnal(period, day=86400, mean, amplitude)}, {@code replay(file)}.</li>
 *   <li>Dropout: {@code none}, {@code probability(q)}, {@code hazard(rate)}.</li>
 *   <li>Schedules: {@code rounds(deadline, first, overselect)} (synchronous rounds; each option unset by default),
 *       and the arrival models of asynchronous sessions {@code closed(concurrency)}, {@code poisson(rate)},
 *       {@code interval(seconds)}; the asynchronous ones take {@code max-staleness} (uploads older than that are
 *       dropped).</li>
 *   <li>Staleness: {@code constant}, {@code polynomial(a=0.5)}, {@code hinge(a, b)}, {@code threshold(c, value)},
 *       {@code nvflare}.</li>
 *   <li>Engines: {@code local} (a thread pool in this JVM, the default), {@code serializing} (every task and
 *       outcome goes through its wire form, as on a cluster, in this JVM).</li>
 * </ul>
 */
public final class TimeComponents implements ComponentProvider {

    private static final String DEVICE_MODIFIERS = "jitter=0 (log-normal sigma of compute times), latency=0 "
            + "(seconds per transfer)";

    /** For {@link java.util.ServiceLoader}. */
    public TimeComponents() {
    }

    @Override
    public void register(Registry.Builder r) {
        registerDevices(r);
        registerAvailability(r);
        r.dropout("none", "no parameters: sessions never fail", p -> Dropouts.none());
        r.dropout("probability", "q (required): each session fails with probability q, at a uniform point",
                p -> Dropouts.probability(p.getDouble("q")));
        r.dropout("hazard", "rate (required, failures per second of session)",
                p -> Dropouts.hazard(p.getDouble("rate")));
        registerSchedules(r);
        r.staleness("constant", "no parameters: s(tau) = 1", p -> Staleness.constant());
        r.staleness("polynomial", "a=0.5: s(tau) = (1 + tau)^(-a)", p -> Staleness.polynomial(p.getDouble("a", 0.5)));
        r.staleness("hinge", "a (required), b (required): s = 1 for tau <= b, else 1 / (a (tau - b) + 1)",
                p -> Staleness.hinge(p.getDouble("a"), p.getDouble("b")));
        r.staleness("threshold", "c (required), value (required): s = 1 for tau <= c, else value",
                p -> Staleness.threshold(p.getLong("c"), p.getDouble("value")));
        r.staleness("nvflare", "no parameters: NVFlare's FedBuff weighting", p -> Staleness.nvflare());
        r.engine("local", "no parameters: client tasks on a pool of the run's threads in this JVM",
                (p, threads) -> new LocalExecutionEngine(threads));
        r.engine("serializing", "no parameters: every task and outcome through its wire form (as on a cluster), in "
                + "this JVM", (p, threads) -> new SerializingExecutionEngine(threads, p.registry()));
    }

    private static void registerDevices(Registry.Builder r) {
        r.devices("constant", "speed=inf (samples/s), up=inf, down=inf (bits/s), " + DEVICE_MODIFIERS,
                p -> modifiers(p, Devices.constant(p.getDouble("speed", Double.POSITIVE_INFINITY),
                        p.getDouble("up", Double.POSITIVE_INFINITY), p.getDouble("down", Double.POSITIVE_INFINITY))));
        r.devices("log-normal", "speed (required, median samples/s), speed-sigma=0, up=inf, up-sigma=0, down=inf, "
                + "down-sigma=0 (medians and log standard deviations), " + DEVICE_MODIFIERS,
                p -> modifiers(p, Devices.logNormal(p.getDouble("speed"), p.getDouble("speed-sigma", 0.0),
                        p.getDouble("up", Double.POSITIVE_INFINITY), p.getDouble("up-sigma", 0.0),
                        p.getDouble("down", Double.POSITIVE_INFINITY), p.getDouble("down-sigma", 0.0))));
        r.devices("uniform", "min-speed, max-speed, min-up, max-up, min-down, max-down (all required), "
                + DEVICE_MODIFIERS, p -> modifiers(p, Devices.uniform(p.getDouble("min-speed"),
                        p.getDouble("max-speed"), p.getDouble("min-up"), p.getDouble("max-up"),
                        p.getDouble("min-down"), p.getDouble("max-down"))));
        r.devices("file", "file=FILE (required; a device trace), " + DEVICE_MODIFIERS,
                p -> modifiers(p, Devices.fromFile(p.getPath("file"))));
    }

    private static DeviceModel modifiers(Params p, DeviceModel m) {
        double jitter = p.getDouble("jitter", 0.0);
        double latency = p.getDouble("latency", 0.0);
        DeviceModel out = m;
        if (jitter != 0.0) {
            out = Devices.withJitter(out, jitter);
        }
        if (latency != 0.0) {
            out = Devices.withLatency(out, latency);
        }
        return out;
    }

    private static void registerAvailability(Registry.Builder r) {
        r.availability("always", "no parameters: every client always online", p -> AvailabilityModels.always());
        r.availability("bernoulli", "period (required, seconds), p (required): online for a period with probability p",
                p -> AvailabilityModels.bernoulli(p.getDouble("period"), p.getDouble("p")));
        r.availability("markov", "mean-online (required), mean-offline (required): exponential on/off intervals",
                p -> AvailabilityModels.markov(p.getDouble("mean-online"), p.getDouble("mean-offline")));
        r.availability("diurnal", "period (required), day=86400, mean (required), amplitude (required): a daily "
                + "wave with a random phase per client", p -> AvailabilityModels.diurnal(p.getDouble("period"),
                        p.getDouble("day", 86400.0), p.getDouble("mean"), p.getDouble("amplitude")));
        r.availability("replay", "file=FILE (required): online intervals per client from a trace",
                p -> AvailabilityModels.replayFile(p.getPath("file")));
    }

    private static void registerSchedules(Registry.Builder r) {
        r.schedule("rounds", "synchronous rounds: deadline=none (seconds), first=none (K first uploads), "
                + "overselect=none (factor)", p -> {
                    Schedule s = Schedule.rounds();
                    if (p.has("deadline")) {
                        s = s.deadline(p.getDouble("deadline"));
                    }
                    if (p.has("first")) {
                        s = s.firstK(p.getInt("first"));
                    }
                    if (p.has("overselect")) {
                        s = s.overSelection(p.getDouble("overselect"));
                    }
                    return s;
                });
        r.schedule("closed", "concurrency (required, sessions in flight), max-staleness=none",
                p -> maxStaleness(p, Schedule.closed(p.getInt("concurrency"))));
        r.schedule("poisson", "rate (required, session starts per second), max-staleness=none",
                p -> maxStaleness(p, Schedule.poisson(p.getDouble("rate"))));
        r.schedule("interval", "seconds (required, between session starts), max-staleness=none",
                p -> maxStaleness(p, Schedule.everyInterval(p.getDouble("seconds"))));
    }

    private static Schedule maxStaleness(Params p, Schedule s) {
        return p.has("max-staleness") ? s.maxStaleness(p.getLong("max-staleness")) : s;
    }
}
