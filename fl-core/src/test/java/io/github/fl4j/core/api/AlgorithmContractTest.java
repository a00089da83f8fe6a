package io.github.fl4j.core.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.github.fl4j.core.comm.Channel;
import io.github.fl4j.core.comm.Direction;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.comm.LedgerEntry;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.RoundReport;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The contract every {@link FederatedAlgorithm} must meet (DESIGN.md sections 3, 6, 7 and 9). An implementation's test
 * extends this class and supplies the algorithm; the default problem is a small Synthetic(1, 1) softmax regression
 * (10 clients, 4 per round, 6 rounds), which subclasses may replace.
 *
 * <ul>
 *   <li>the same seed gives bit-identical reports, ledgers and final parameters with 1, 2 and 4 worker threads;</li>
 *   <li>a client does not modify the downlink message, its data or its input state arrays it does not own;</li>
 *   <li>the ledger equals the algorithm's declared vectors: with the identity encoding, each participant costs
 *       {@code downlinkVectors * 32 d} bits down and {@code uplinkVectors * 32 d} bits up per round;</li>
 *   <li>the state codecs round-trip bit-exactly.</li>
 * </ul>
 */
public abstract class AlgorithmContractTest {

    /** The algorithm under test. */
    protected abstract FederatedAlgorithm<?, ?> algorithm();

    /** The model of the test problem. */
    protected Model model() {
        return new SoftmaxRegression(10, 3);
    }

    /** The data of the test problem. */
    protected FederatedDataset data() {
        return SyntheticFedProx.builder().clients(10).dimension(10).classes(3).fixedSamples(30).build()
                .generate(new SeedTree(7).stream(Purpose.DATA_GENERATION));
    }

    /** The configuration of the test problem for a thread count. */
    protected SimulationConfig config(int threads) {
        return SimulationConfig.builder().rounds(6).clientsPerRound(4).threads(threads).seed(2024).evalEvery(2)
                .build();
    }

    private <S, C> SimulationResult<S> run(FederatedAlgorithm<S, C> algorithm, int threads) {
        return Simulation.builder(algorithm).config(config(threads)).model(model()).data(data()).build().run();
    }

    @Test
    void sameSeedGivesTheSameBitsForAnyThreadCount() {
        SimulationResult<?> one = run(algorithm(), 1);
        for (int threads : new int[] {1, 2, 4}) {
            SimulationResult<?> other = run(algorithm(), threads);
            List<RoundReport> a = new ArrayList<>();
            List<RoundReport> b = new ArrayList<>();
            one.reports().forEach(r -> a.add(r.withoutTimings()));
            other.reports().forEach(r -> b.add(r.withoutTimings()));
            assertEquals(a, b, "reports with " + threads + " threads");
            assertArrayEquals(bits(one.finalParameters()), bits(other.finalParameters()),
                    "final parameters with " + threads + " threads");
            assertEquals(one.ledger().entries(), other.ledger().entries());
        }
    }

    @Test
    void ledgerEqualsTheDeclaredVectors() {
        FederatedAlgorithm<?, ?> alg = algorithm();
        SimulationConfig cfg = config(2);
        SimulationResult<?> r = run(alg, 2);
        long d = model().dimension();
        int bitsPerValue = cfg.precision().bits();
        for (RoundReport rep : r.reports()) {
            assertEquals((long) alg.uplinkVectors() * bitsPerValue * d * rep.participants(), rep.uplinkBits());
            assertEquals((long) alg.downlinkVectors() * bitsPerValue * d * rep.participants(), rep.downlinkBits());
        }
        long up = 0;
        for (LedgerEntry e : r.ledger().entries()) {
            if (e.direction() == Direction.UPLINK) {
                up += e.bits();
            }
        }
        assertEquals(up, r.uplinkBits());
    }

    @Test
    void clientDoesNotModifyItsInputs() {
        checkClientInputs(algorithm());
    }

    private <S, C> void checkClientInputs(FederatedAlgorithm<S, C> alg) {
        Model model = model();
        FederatedDataset data = data();
        Precision precision = config(1).precision();
        SeedTree seeds = new SeedTree(1);
        AlgorithmSetup setup = new AlgorithmSetup(model.dimension(), data.clientSizes(), precision,
                IdentityCompressor.INSTANCE, IdentityCompressor.INSTANCE);
        INDArray x0 = Tensors.zeros(precision, model.dimension());
        model.initialParameters(new RandomStream(3), x0);
        RandomStream noise = new RandomStream(4);
        INDArray perturb = Tensors.zeros(precision, model.dimension());
        noise.fillGaussian(perturb, 0, 0.1);
        Tensors.axpy(1, perturb, x0);
        S state = alg.initServerState(x0, setup);
        double[] x0Before = Tensors.toDoubleArray(x0);
        ServerContext sctx = new ServerContext(1, data.clientSizes(), new int[] {0, 1}, seeds, precision);
        double[] modelBefore = Tensors.toDoubleArray(alg.server().model(state));
        Message down = alg.server().broadcast(state, sctx);
        assertArrayEquals(modelBefore, Tensors.toDoubleArray(alg.server().model(state)),
                "broadcast must not modify the server model");
        assertArrayEquals(x0Before, Tensors.toDoubleArray(x0), "initServerState must copy the parameters");
        List<double[]> downBefore = new ArrayList<>();
        down.vectors().forEach(v -> downBefore.add(Tensors.toDoubleArray(v)));
        double[] featuresBefore = Tensors.toDoubleArray(data.client(0).features().reshape(-1));
        Channel up = new Channel(Direction.UPLINK, 1, 0, IdentityCompressor.INSTANCE, new RandomStream(5));
        ClientContext ctx = new ClientContext(0, 1, data.client(0), model, seeds, up, precision);
        ClientResult<C> res = alg.client().train(down, alg.initClientState(0, setup), ctx);
        assertNotNull(res.state());
        for (int i = 0; i < down.size(); i++) {
            assertArrayEquals(downBefore.get(i), Tensors.toDoubleArray(down.vector(i)),
                    "the client modified downlink vector " + i);
        }
        assertArrayEquals(featuresBefore, Tensors.toDoubleArray(data.client(0).features().reshape(-1)),
                "the client modified its data");
        assertEquals(alg.uplinkVectors(), up.message().size());
    }

    @Test
    void stateCodecsRoundTripBitExactly() throws IOException {
        roundTrip(algorithm());
    }

    private <S, C> void roundTrip(FederatedAlgorithm<S, C> alg) throws IOException {
        SimulationResult<S> r = run(alg, 1);
        byte[] once = encode(alg.serverStateCodec(), r.serverState());
        S back = alg.serverStateCodec().read(new DataInputStream(new ByteArrayInputStream(once)));
        assertArrayEquals(once, encode(alg.serverStateCodec(), back));
        assertArrayEquals(bits(alg.server().model(r.serverState())), bits(alg.server().model(back)));
        AlgorithmSetup setup = new AlgorithmSetup(model().dimension(), data().clientSizes(), config(1).precision(),
                IdentityCompressor.INSTANCE, IdentityCompressor.INSTANCE);
        C c = alg.initClientState(0, setup);
        byte[] cOnce = encode(alg.clientStateCodec(), c);
        C cBack = alg.clientStateCodec().read(new DataInputStream(new ByteArrayInputStream(cOnce)));
        assertArrayEquals(cOnce, encode(alg.clientStateCodec(), cBack));
    }

    private static <T> byte[] encode(StateCodec<T> codec, T state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        codec.write(state, new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    /** The raw bits of a vector's values, for exact comparisons. */
    protected static long[] bits(INDArray x) {
        double[] v = Tensors.toDoubleArray(x);
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Double.doubleToRawLongBits(v[i]);
        }
        return out;
    }
}
