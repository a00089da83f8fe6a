package io.github.fl4j.algorithms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.FederatedData;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.RunDescription;
import io.github.fl4j.core.registry.Spec;
import io.github.fl4j.core.sim.RoundReport;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Precision;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** A run built twice from the bytes of its description (as two JVMs would) gives bit-identical results. */
class RunDescriptionRoundTripTest {

    private static SimulationResult<?> run(byte[] bytes) {
        RunDescription d = RunDescription.fromBytes(bytes);
        Registry r = Registry.standard();
        FederatedAlgorithm<?, ?> alg = r.algorithm(d.algorithm());
        FederatedData data = r.data(d.data(), d.config().seed(), d.config().precision());
        Model m = r.model(d.model(), data);
        Compressor up = r.compressor(d.uplink());
        Compressor down = r.compressor(d.downlink());
        Participation p = r.participation(d.participation(), data.clientCount());
        return simulate(alg, d.config(), m, data, p, up, down);
    }

    private static <S, C> SimulationResult<S> simulate(FederatedAlgorithm<S, C> alg, SimulationConfig config,
            Model m, FederatedData data, Participation p, Compressor up, Compressor down) {
        return Simulation.builder(alg).config(config).model(m).data(data).participation(p).uplinkCompressor(up)
                .downlinkCompressor(down).build().run();
    }

    private static List<RoundReport> withoutTimings(SimulationResult<?> r) {
        return r.reports().stream().map(RoundReport::withoutTimings).toList();
    }

    @Test
    void aDescriptionRebuildsTheSameRun() {
        for (String algorithm : new String[] {"fedavg(lr=0.05,steps=2,batch=5,momentum=0.5)",
            "scaffold(lr=0.05,steps=2,batch=5)", "fedau(lr=0.05,steps=2,batch=5)"}) {
            RunDescription d = new RunDescription(Spec.parse(algorithm), Spec.parse("softmax(l2=0.001)"),
                    Spec.parse("synthetic(alpha=0.5,beta=0.5,clients=6,samples=30)"),
                    // FedAU needs exact rates, so its Bernoulli pattern keeps empty rounds (refused otherwise)
                    Spec.parse(algorithm.startsWith("fedau") ? "bernoulli(from=0.3,to=0.9,empty-rounds=true)"
                            : "bernoulli(from=0.3,to=0.9)"), Spec.parse("randk(fraction=0.5)"),
                    Spec.parse("qsgd(levels=8)"),
                    SimulationConfig.builder().rounds(3).clientsPerRound(3).threads(1).seed(9).evalEvery(1)
                            .precision(Precision.FLOAT64).build());
            byte[] bytes = d.toBytes();
            SimulationResult<?> a = run(bytes);
            SimulationResult<?> b = run(RunDescription.parse(d.toText()).toBytes());
            assertEquals(3, a.reports().size());
            assertTrue(a.uplinkBits() > 0);
            assertEquals(withoutTimings(a), withoutTimings(b), algorithm);
            assertArrayEquals(a.finalParameters().castTo(DataType.DOUBLE).toDoubleVector(),
                    b.finalParameters().castTo(DataType.DOUBLE).toDoubleVector(), algorithm);
            assertArrayEquals(a.participationCounts(), b.participationCounts(), algorithm);
        }
    }
}
