package io.github.fl4j.core.tensor;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bound on the process's resident memory (heap plus native), and the check that turns running past it into an
 * error the simulations can name, instead of the kernel's OOM killer or a raw {@code OutOfMemoryError} from deep in
 * ND4J.
 *
 * <p>Why: ND4J's arrays live off-heap and are not counted against {@code -Xmx}, and JavaCPP (which allocates them)
 * only checks the resident size of the process against {@code org.bytedeco.javacpp.maxPhysicalBytes}, whose default
 * is about four times the heap limit (measured with JavaCPP 1.5.7: {@code -Xmx2g} gives 8 GiB), so a JVM with a 2 GB
 * heap grows to 8 GB resident before anything fails, and with {@code -Xmx8g} the machine runs out first.
 *
 * <p>What the library does:
 * <ul>
 *   <li>{@link #configure()} sets {@code org.bytedeco.javacpp.maxPhysicalBytes} to {@link #recommendedLimit()}
 *       ({@code 2 x heap limit + 1 GiB}, at most 90% of the machine's memory) unless it is already set. JavaCPP
 *       reads it once, when its {@code Pointer} class loads, i.e. the first time ND4J is used; the simulations call
 *       {@code configure()} when their classes load, which is early enough only if no ND4J array was made before, so
 *       a program that loads its data first should call {@code NativeMemory.configure()} first in {@code main}, or
 *       pass the flag {@code -Dorg.bytedeco.javacpp.maxPhysicalBytes=...} to the JVM (it accepts suffixes such as
 *       {@code 6g}).</li>
 *   <li>{@link #checkAtStart()} logs a warning once when the limit in force is unbounded or larger than 90% of
 *       the machine's memory.</li>
 *   <li>{@value #MAX_RESIDENT_BYTES} (a system property, read at every check) sets a tighter bound for fl4j's
 *       own check, also after ND4J has loaded.</li>
 *   <li>{@link #overLimit()} is checked by the simulations before every round or server version: when the
 *       resident size exceeds the limit even after a garbage collection, the run stops with a
 *       {@code SimulationException} naming the round and the sizes; a native {@code OutOfMemoryError}
 *       ("Cannot allocate new LongPointer", or "Java heap space") during a round becomes one too
 *       ({@link #describe(OutOfMemoryError)}).</li>
 * </ul>
 */
public final class NativeMemory {
    private static final Logger LOG = LoggerFactory.getLogger(NativeMemory.class);

    /** The JavaCPP system property read once when its {@code Pointer} class loads (JavaCPP also reads it lower case). */
    public static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

    /**
     * An optional tighter bound for fl4j's own check (bytes, or with a suffix k, m, g as JavaCPP's flags), read at
     * every check, so that it can be set at any time, also after ND4J has loaded.
     */
    public static final String MAX_RESIDENT_BYTES = "fl4j.maxResidentBytes";

    private static final long GIB = 1L << 30;
    private static volatile boolean warned;

    private NativeMemory() {
    }

    /**
     * Sets {@value #MAX_PHYSICAL_BYTES} to {@link #recommendedLimit()} unless it (or its lower-case form) is already
     * set; takes effect only if JavaCPP has not loaded yet. Idempotent.
     *
     * @return the value of the property afterwards
     */
    public static synchronized String configure() {
        String set = System.getProperty(MAX_PHYSICAL_BYTES);
        if (set == null) {
            set = System.getProperty(MAX_PHYSICAL_BYTES.toLowerCase(Locale.ROOT));
        }
        if (set == null) {
            set = Long.toString(recommendedLimit());
            System.setProperty(MAX_PHYSICAL_BYTES, set);
        }
        return set;
    }

    /**
     * {@code 2 x (heap limit) + 1 GiB}, capped at 90% of the machine's physical memory: room for a full heap, as much
     * again in ND4J arrays, and the JVM's and the native libraries' own memory.
     */
    public static long recommendedLimit() {
        long heap = Runtime.getRuntime().maxMemory();
        long limit = heap == Long.MAX_VALUE ? Long.MAX_VALUE : 2 * heap + GIB;
        long ram = machineBytes();
        return ram > 0 ? Math.min(limit, ram / 10 * 9) : limit;
    }

    private static final long MACHINE_BYTES = readMachineBytes();

    /** The machine's physical memory in bytes (read once), or 0 if unknown. */
    static long machineBytes() {
        return MACHINE_BYTES;
    }

    private static long readMachineBytes() {
        try {
            java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
                return sun.getTotalMemorySize();
            }
        } catch (RuntimeException | LinkageError e) {
            // not a HotSpot-style JVM: no cap from the machine size
        }
        return 0;
    }

    /**
     * The bound in force: JavaCPP's {@code maxPhysicalBytes} (as read when it loaded), or 90% of the machine's memory
     * when that is unbounded (0) or larger, or {@value #MAX_RESIDENT_BYTES} when that is set and smaller.
     *
     * @throws IllegalArgumentException if {@value #MAX_RESIDENT_BYTES} is set to something other than a positive size
     */
    public static long limit() {
        long max = Pointer.maxPhysicalBytes();
        long ram = machineBytes();
        long cap = ram > 0 ? ram / 10 * 9 : Long.MAX_VALUE;
        long limit = max > 0 ? Math.min(max, cap) : cap;
        String own = System.getProperty(MAX_RESIDENT_BYTES);
        if (own != null) {
            long v;
            try {
                v = Pointer.parseBytes(own.trim(), -1);
            } catch (NumberFormatException e) {
                v = -1;
            }
            if (v <= 0) {
                throw new IllegalArgumentException(MAX_RESIDENT_BYTES + " must be a positive size such as 6g, was \""
                        + own + "\"");
            }
            limit = Math.min(limit, v);
        }
        return limit;
    }

    /** The resident size of this process now (heap, native memory, code), in bytes. */
    public static long residentBytes() {
        return Pointer.physicalBytes();
    }

    /** Logs, once per JVM, a warning naming the flag when the limit in force is unbounded or above 90% of memory. */
    public static void checkAtStart() {
        if (warned) {
            return;
        }
        long max = Pointer.maxPhysicalBytes();
        long ram = machineBytes();
        if (max <= 0 || (ram > 0 && max > ram / 10 * 9)) {
            warned = true;
            LOG.warn("JavaCPP's native memory limit ({}={}) is {} the machine's {}: ND4J arrays are off-heap, so the "
                    + "process may grow past the machine before failing; pass -D{}={} (or call "
                    + "NativeMemory.configure() before ND4J is first used). fl4j stops a run at {} resident.",
                    MAX_PHYSICAL_BYTES, max <= 0 ? "unbounded" : Pointer.formatBytes(max),
                    max <= 0 ? "unbounded, not below" : "above 90% of", Pointer.formatBytes(ram),
                    MAX_PHYSICAL_BYTES, Pointer.formatBytes(recommendedLimit()), Pointer.formatBytes(limit()));
        }
    }

    /**
     * Null when the resident size is within {@link #limit()}; otherwise, after up to three garbage collections (each
     * followed by a 100 ms pause for the native deallocator threads) that did not bring it back within the limit, a
     * description of the sizes for an error message. Cheap when within the limit (one read of the process's
     * statistics).
     */
    public static String overLimit() {
        long limit = limit();
        if (residentBytes() <= limit) {
            return null;
        }
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (residentBytes() <= limit) {
                return null;
            }
        }
        return "the process is " + sizes();
    }

    /** The memory figures for an {@code OutOfMemoryError}: its message (what could not be allocated) and the sizes. */
    public static String describe(OutOfMemoryError e) {
        return "out of memory (" + e.getMessage() + "); the process was " + sizes();
    }

    private static String sizes() {
        Runtime rt = Runtime.getRuntime();
        long limit = limit();
        long max = Pointer.maxPhysicalBytes();
        String source = System.getProperty(MAX_RESIDENT_BYTES) != null && (max <= 0 || limit < max)
                ? MAX_RESIDENT_BYTES : limit == max ? MAX_PHYSICAL_BYTES : "90% of the machine's memory";
        return Pointer.formatBytes(residentBytes()) + " resident against a limit of " + Pointer.formatBytes(limit)
                + " (" + source + "), heap " + Pointer.formatBytes(rt.totalMemory() - rt.freeMemory())
                + " used of " + Pointer.formatBytes(rt.maxMemory()) + ", JavaCPP-tracked native "
                + Pointer.formatBytes(Pointer.totalBytes()) + "; use fewer threads or clients per round, a smaller "
                + "model, or a larger -Xmx (the native limit follows it) or -D" + MAX_PHYSICAL_BYTES;
    }
}
