package io.github.fl4j.core.time;

/**
 * One client's device: how fast it computes and how fast its links are. Durations in a simulation with time are
 * modelled from these numbers, never measured.
 *
 * <p>A session of a client that downloads {@code b_down} bits, processes {@code w} samples and uploads {@code b_up}
 * bits lasts {@code latency + b_down / downlinkBitsPerSecond + w * jitter / samplesPerSecond + b_up /
 * uplinkBitsPerSecond} seconds of virtual time ({@code jitter} is the session's compute factor, 1 without jitter).
 *
 * @param samplesPerSecond      local work speed: training samples processed (forward and backward) per second, &gt; 0
 * @param uplinkBitsPerSecond   client-to-server bandwidth, &gt; 0 (may be infinite: no upload time)
 * @param downlinkBitsPerSecond server-to-client bandwidth, &gt; 0 (may be infinite)
 * @param latencySeconds        fixed time per session (connection set-up, round trip), &gt;= 0
 */
public record Device(double samplesPerSecond, double uplinkBitsPerSecond, double downlinkBitsPerSecond,
                     double latencySeconds) {

    public Device {
        if (!(samplesPerSecond > 0) || Double.isNaN(samplesPerSecond)) {
            throw new IllegalArgumentException("samplesPerSecond must be > 0, was " + samplesPerSecond);
        }
        if (!(uplinkBitsPerSecond > 0)) {
            throw new IllegalArgumentException("uplinkBitsPerSecond must be > 0, was " + uplinkBitsPerSecond);
        }
        if (!(downlinkBitsPerSecond > 0)) {
            throw new IllegalArgumentException("downlinkBitsPerSecond must be > 0, was " + downlinkBitsPerSecond);
        }
        if (!(latencySeconds >= 0) || Double.isInfinite(latencySeconds)) {
            throw new IllegalArgumentException("latencySeconds must be finite and >= 0, was " + latencySeconds);
        }
    }

    /** Seconds to download {@code bits}. */
    public double downloadSeconds(long bits) {
        return bits / downlinkBitsPerSecond;
    }

    /** Seconds to upload {@code bits}. */
    public double uploadSeconds(long bits) {
        return bits / uplinkBitsPerSecond;
    }

    /** Seconds to process {@code samples} training samples with the session's compute factor {@code jitter}. */
    public double computeSeconds(long samples, double jitter) {
        return samples * jitter / samplesPerSecond;
    }
}
