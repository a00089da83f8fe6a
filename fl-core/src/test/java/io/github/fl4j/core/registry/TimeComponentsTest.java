package io.github.fl4j.core.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.ExecutionEngine;
import io.github.fl4j.core.sim.LocalExecutionEngine;
import io.github.fl4j.core.sim.SerializingExecutionEngine;
import io.github.fl4j.core.time.AvailabilityModels;
import io.github.fl4j.core.time.Devices;
import io.github.fl4j.core.time.Dropouts;
import io.github.fl4j.core.time.Schedule;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The time models and engines of fl-core in the registry: each name builds what its factory method gives. */
class TimeComponentsTest {
    private static final Registry R = Registry.standard();

    /** Spec text and the describe() of the object its factory method builds. */
    private static Map<Kind, Map<String, String>> cases() {
        Map<Kind, Map<String, String>> m = new LinkedHashMap<>();
        m.put(Kind.DEVICES, Map.of(
                "constant", Devices.constant(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
                        Double.POSITIVE_INFINITY).describe(),
                "constant(speed=100,up=1e6,down=2e6,latency=0.5)", Devices.withLatency(Devices.constant(100, 1e6, 2e6),
                        0.5).describe(),
                "log-normal(speed=50,speed-sigma=0.5,jitter=0.1)", Devices.withJitter(Devices.logNormal(50, 0.5,
                        Double.POSITIVE_INFINITY, 0, Double.POSITIVE_INFINITY, 0), 0.1).describe(),
                "uniform(min-speed=1,max-speed=2,min-up=3,max-up=4,min-down=5,max-down=6)",
                Devices.uniform(1, 2, 3, 4, 5, 6).describe()));
        m.put(Kind.AVAILABILITY, Map.of("always", AvailabilityModels.always().describe(),
                "bernoulli(period=10,p=0.3)", AvailabilityModels.bernoulli(10, 0.3).describe(),
                "markov(mean-online=5,mean-offline=7)", AvailabilityModels.markov(5, 7).describe(),
                "diurnal(period=60,mean=0.5,amplitude=0.2)", AvailabilityModels.diurnal(60, 86400, 0.5, 0.2)
                        .describe()));
        m.put(Kind.DROPOUT, Map.of("none", Dropouts.none().describe(),
                "probability(q=0.1)", Dropouts.probability(0.1).describe(),
                "hazard(rate=0.01)", Dropouts.hazard(0.01).describe()));
        m.put(Kind.SCHEDULE, Map.of("rounds", Schedule.rounds().describe(),
                "rounds(deadline=30,overselect=1.3)", Schedule.rounds().deadline(30).overSelection(1.3).describe(),
                "rounds(first=5)", Schedule.rounds().firstK(5).describe(),
                "closed(concurrency=4,max-staleness=3)", Schedule.closed(4).maxStaleness(3).describe(),
                "poisson(rate=2)", Schedule.poisson(2).describe(),
                "interval(seconds=1.5)", Schedule.everyInterval(1.5).describe()));
        return m;
    }

    @Test
    void everyTimeModelSpecBuildsWhatItsFactoryMethodGives() {
        Map<Kind, Function<Spec, String>> build = Map.of(
                Kind.DEVICES, s -> R.devices(s).describe(),
                Kind.AVAILABILITY, s -> R.availability(s).describe(),
                Kind.DROPOUT, s -> R.dropout(s).describe(),
                Kind.SCHEDULE, s -> R.schedule(s).describe());
        for (Map.Entry<Kind, Map<String, String>> k : cases().entrySet()) {
            TreeSet<String> covered = new TreeSet<>();
            for (Map.Entry<String, String> c : k.getValue().entrySet()) {
                Spec spec = Spec.parse(c.getKey());
                covered.add(spec.name());
                assertEquals(c.getValue(), build.get(k.getKey()).apply(spec), c.getKey());
            }
            TreeSet<String> expected = new TreeSet<>(R.names(k.getKey()));
            expected.removeIf(n -> n.equals("file") || n.equals("replay")); // need a trace file: see below
            assertEquals(expected, covered, k.getKey().label());
        }
    }

    /** A constant device of 100 samples/s, 1e6 and 2e6 bit/s is that device for every client. */
    @Test
    void aConstantDeviceHasItsRates() {
        var d = R.devices(Spec.parse("constant(speed=100,up=1e6,down=2e6)")).device(7, new SeedTree(1));
        assertEquals(100.0, d.samplesPerSecond());
        assertEquals(1e6, d.uplinkBitsPerSecond());
        assertEquals(2e6, d.downlinkBitsPerSecond());
    }

    /** s(tau) by hand: (1 + 3)^(-1/2) = 1/2; hinge a=1, b=2 at tau=4: 1 / (1 * 2 + 1) = 1/3; threshold c=2: 0.25. */
    @Test
    void stalenessFunctionsHaveTheirValues() {
        assertEquals(0.5, R.staleness(Spec.parse("polynomial")).weight(3), 1e-15);
        assertEquals(0.25, R.staleness(Spec.parse("polynomial(a=1)")).weight(3), 1e-15);
        assertEquals(1.0 / 3, R.staleness(Spec.parse("hinge(a=1,b=2)")).weight(4), 1e-15);
        assertEquals(1.0, R.staleness(Spec.parse("hinge(a=1,b=2)")).weight(2), 1e-15);
        assertEquals(0.25, R.staleness(Spec.parse("threshold(c=2,value=0.25)")).weight(3), 1e-15);
        assertEquals(1.0, R.staleness(Spec.parse("constant")).weight(100), 1e-15);
        assertTrue(R.staleness(Spec.parse("nvflare")).weight(1) > 0);
    }

    @Test
    void enginesBuildForTheRunsThreads() {
        try (ExecutionEngine e = R.engine(Spec.of("local"), 2)) {
            assertInstanceOf(LocalExecutionEngine.class, e);
            assertEquals(2, e.parallelism());
        }
        try (ExecutionEngine e = R.engine(Spec.of("serializing"), 1)) {
            assertInstanceOf(SerializingExecutionEngine.class, e);
        }
    }

    @Test
    void badParametersNameTheComponentAndKey() {
        SpecException e = assertThrows(SpecException.class, () -> R.schedule(Spec.parse("closed(concurency=3)")));
        assertEquals("closed: missing parameter 'concurrency' (given: concurency)", e.getMessage());
        e = assertThrows(SpecException.class, () -> R.schedule(Spec.parse("poisson(rate=1,max-stalenes=3)")));
        assertTrue(e.getMessage().startsWith("poisson: unknown parameter 'max-stalenes' (did you mean "
                + "'max-staleness'?)"), e.getMessage());
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class,
                () -> R.dropout(Spec.parse("probability(q=2)")));
        assertTrue(b.getMessage().startsWith("dropout probability(q=2): "), b.getMessage());
        IllegalArgumentException u = assertThrows(IllegalArgumentException.class,
                () -> R.devices(Spec.parse("lognormal(speed=1)")));
        assertTrue(u.getMessage().startsWith("unknown devices 'lognormal' (did you mean 'log-normal'?)"),
                u.getMessage());
    }
}
