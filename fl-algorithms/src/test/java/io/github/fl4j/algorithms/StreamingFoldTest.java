package io.github.fl4j.algorithms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.algorithms.ef.CompressedGd;
import io.github.fl4j.algorithms.ef.EControl;
import io.github.fl4j.algorithms.ef.Ef14;
import io.github.fl4j.algorithms.ef.Ef21;
import io.github.fl4j.algorithms.fedau.FedAu;
import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.algorithms.fedavg.FedAvgErrorFeedback;
import io.github.fl4j.algorithms.fedprox.FedProx;
import io.github.fl4j.algorithms.fedspeed.FedSpeed;
import io.github.fl4j.algorithms.privacy.DpFedAvg;
import io.github.fl4j.algorithms.scaffold.Scaffold;
import io.github.fl4j.compression.Compressors;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.RoundAccumulator;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.optim.ServerOptimizers;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.state.ServerTables;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every streaming server's fold equals its apply bit for bit, on random uploads with unequal sample counts (so the
 * weights m_n / sum m_j are not all equal), random participant subsets, four rounds in a row (so momentum, control
 * variates, shifts and estimators carry over), in float32 and float64: one copy of the state is advanced with
 * {@code apply(S, uploads, ctx)}, the other with {@code begin}, {@code accept} per upload in client-id order and
 * {@code finish}; after each round the two states' codec bytes and the server tables are equal. The fold must not
 * change the state before {@code finish} (its codec bytes after the last {@code accept} equal those before
 * {@code begin}), and must really stream ({@code retainsUploads() == false}).
 */
class StreamingFoldTest {
    private static final int N = 30;
    private static final long D = 37;

    private record Case(String name, FederatedAlgorithm<?, ?> algorithm, boolean everyClient, Compressor uplink,
                        long secondVectorLength) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("FedAvg", FedAvg.builder().localSteps(1, 1).localLearningRate(0.1).build(), false,
                IdentityCompressor.INSTANCE, 0));
        c.add(new Case("FedAvg uniform", FedAvg.builder().localSteps(1, 1).localLearningRate(0.1)
                .weighting(WeightedMean.Weighting.UNIFORM).build(), false, IdentityCompressor.INSTANCE, 0));
        c.add(new Case("FedAvg population", FedAvg.builder().localSteps(1, 1).localLearningRate(0.1)
                .weighting(WeightedMean.Weighting.POPULATION).build(), false, IdentityCompressor.INSTANCE, 0));
        c.add(new Case("FedAvgM", FedAvg.builder().localSteps(1, 1).localLearningRate(0.1).serverLearningRate(0.3)
                .serverMomentum(0.9).build(), false, IdentityCompressor.INSTANCE, 0));
        c.add(new Case("FedAdam", FedAvg.builder().localSteps(1, 1).localLearningRate(0.1)
                .serverOptimizer(ServerOptimizers.adam(0.01)).build(), false, IdentityCompressor.INSTANCE, 0));
        c.add(new Case("FedProx", FedProx.builder().localSteps(1, 1).localLearningRate(0.1).proximalWeight(0.1)
                .build(), false, IdentityCompressor.INSTANCE, 0));
        c.add(new Case("FedAvg error feedback", FedAvgErrorFeedback.builder().localSteps(1, 1)
                .localLearningRate(0.1).build(), false, Compressors.topK(0.3), 0));
        c.add(new Case("SCAFFOLD", Scaffold.builder().localSteps(2, 1).localLearningRate(0.1).build(), false,
                IdentityCompressor.INSTANCE, 0));
        c.add(new Case("SCAFFOLD one vector", Scaffold.builder().localSteps(2, 1).localLearningRate(0.1)
                .oneVectorUplink(true).build(), false, IdentityCompressor.INSTANCE, 0));
        c.add(new Case("SCAFFOLD one vector, momentum", Scaffold.builder().localSteps(2, 1).localLearningRate(0.1)
                .oneVectorUplink(true).serverOptimizer(ServerOptimizers.momentum(0.5, 0.9)).build(), false,
                IdentityCompressor.INSTANCE, 0));
        c.add(new Case("FedAU", FedAu.builder().localSteps(1, 1).localLearningRate(0.1).cutoff(3).build(), false,
                IdentityCompressor.INSTANCE, 0));
        for (FedAu.Aggregation a : new FedAu.Aggregation[] {FedAu.Aggregation.AVERAGE_PARTICIPATING,
                FedAu.Aggregation.AVERAGE_ALL}) {
            c.add(new Case("FedAU " + a, FedAu.builder().localSteps(1, 1).localLearningRate(0.1).aggregation(a)
                    .build(), false, IdentityCompressor.INSTANCE, 0));
        }
        double[] p = new double[N];
        for (int i = 0; i < N; i++) {
            p[i] = 0.1 + 0.8 * i / N;
        }
        c.add(new Case("FedAU KNOWN_PROBABILITIES", FedAu.builder().localSteps(1, 1).localLearningRate(0.1)
                .aggregation(FedAu.Aggregation.KNOWN_PROBABILITIES).probabilities(p).build(), false,
                IdentityCompressor.INSTANCE, 0));
        c.add(new Case("FedSpeed participants only", FedSpeed.builder().localSteps(1, 1).localLearningRate(0.1)
                .rho(0.05).alpha(0.5).lamb(0.1).serverRule(FedSpeed.ServerRule.PARTICIPANTS_ONLY).build(), false,
                IdentityCompressor.INSTANCE, 0));
        c.add(new Case("EF21 exact", Ef21.builder().learningRate(0.1).build(), true, IdentityCompressor.INSTANCE,
                0));
        c.add(new Case("EF21", Ef21.builder().learningRate(0.1).build(), true, Compressors.topK(0.3), 0));
        c.add(new Case("EF21-PP", Ef21.builder().learningRate(0.1).partialParticipation(true).build(), false,
                Compressors.topK(0.3), 0));
        double[] smooth = new double[N];
        for (int i = 0; i < N; i++) {
            smooth[i] = 1 + i;
        }
        c.add(new Case("EF21-W", Ef21.builder().learningRate(0.1).smoothnessWeights(smooth).build(), true,
                Compressors.topK(0.3), 0));
        c.add(new Case("EControl", EControl.builder().learningRate(0.1).feedbackStrength(0.2).build(), true,
                Compressors.topK(0.3), 0));
        c.add(new Case("EF14", Ef14.builder().learningRate(0.1).build(), false, Compressors.topK(0.3), 0));
        c.add(new Case("compressed GD", CompressedGd.builder().learningRate(0.1).build(), false,
                IdentityCompressor.INSTANCE, 0));
        c.add(new Case("DP-FedAvg", DpFedAvg.builder().localSteps(1, 1).localLearningRate(0.1).clipNorm(0.5)
                .noiseMultiplier(1.0).samplingRate(0.4).build(), false, IdentityCompressor.INSTANCE, 0));
        c.add(new Case("DP-FedAvg adaptive", DpFedAvg.builder().localSteps(1, 1).localLearningRate(0.1)
                .clipNorm(0.5).noiseMultiplier(1.0).samplingRate(0.4).adaptiveClipping(0.5, 0.2, 0.8).build(), false,
                IdentityCompressor.INSTANCE, 1));
        List<Arguments> out = new ArrayList<>();
        for (Case k : c) {
            for (Precision precision : Precision.values()) {
                out.add(Arguments.of(k, precision));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void foldEqualsApplyBitForBit(Case k, Precision precision) {
        check(k, k.algorithm(), precision);
    }

    private static <S, C> void check(Case k, FederatedAlgorithm<S, C> alg, Precision precision) {
        RandomStream rng = new RandomStream(20261202L + k.name().hashCode());
        int[] sizes = new int[N];
        for (int i = 0; i < N; i++) {
            sizes[i] = 1 + rng.nextInt(500);
        }
        INDArray x0 = Tensors.zeros(precision, D);
        rng.fillGaussian(x0, 0, 1);
        AlgorithmSetup setup = new AlgorithmSetup(D, sizes, precision, k.uplink(), IdentityCompressor.INSTANCE);
        StateCodec<S> codec = alg.serverStateCodec();
        S applied = alg.initServerState(x0, setup);
        S folded = alg.initServerState(x0, setup);
        ServerTables tablesA = new ServerTables();
        ServerTables tablesB = new ServerTables();
        SeedTree seeds = new SeedTree(99);
        Server<S> server = alg.server();
        for (int round = 1; round <= 4; round++) {
            int[] participants = k.everyClient() ? allClients() : subset(rng);
            List<Upload> uploads = new ArrayList<>();
            for (int id : participants) {
                INDArray[] v = new INDArray[alg.uplinkVectors()];
                for (int j = 0; j < v.length; j++) {
                    long len = j == 1 && k.secondVectorLength() > 0 ? k.secondVectorLength() : D;
                    v[j] = Tensors.zeros(precision, len);
                    rng.fillGaussian(v[j], 0, len == 1 ? 0.3 : 1);
                }
                uploads.add(new Upload(id, sizes[id], Message.of(v)));
            }
            ServerContext ctxA = new ServerContext(round, sizes, participants, seeds, precision, tablesA);
            ServerContext ctxB = new ServerContext(round, sizes, participants, seeds, precision, tablesB);
            applied = server.apply(applied, uploads, ctxA);
            byte[] before = encode(codec, folded);
            RoundAccumulator<S> acc = server.begin(folded, ctxB);
            assertFalse(acc.retainsUploads(), k + ": the server must stream");
            for (Upload u : uploads) {
                acc.accept(u);
            }
            assertArrayEquals(before, encode(codec, folded), k + " round " + round
                    + ": the state changed before finish");
            folded = acc.finish();
            byte[] a = encode(codec, applied);
            assertArrayEquals(a, encode(codec, folded), k + " " + precision + " round " + round
                    + ": fold differs from apply");
            assertNotEquals(Arrays.toString(before), Arrays.toString(a), k + " round " + round
                    + ": the round changed nothing, so the comparison proves nothing");
            assertArrayEquals(tables(tablesA), tables(tablesB), k + " round " + round + ": server tables");
        }
    }

    private static int[] allClients() {
        int[] ids = new int[N];
        for (int i = 0; i < N; i++) {
            ids[i] = i;
        }
        return ids;
    }

    /** A random non-empty subset in increasing order. */
    private static int[] subset(RandomStream rng) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            if (rng.nextDouble() < 0.6) {
                ids.add(i);
            }
        }
        if (ids.size() < 2) {
            ids = List.of(1, 4, 7);
        }
        int[] out = new int[ids.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.get(i);
        }
        assertTrue(out.length >= 2);
        return out;
    }

    private static <S> byte[] encode(StateCodec<S> codec, S s) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            codec.write(s, new DataOutputStream(b));
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] tables(ServerTables t) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            t.writeTo(new DataOutputStream(b));
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @org.junit.jupiter.api.Test
    void theCollectingDefaultIsUsedByRobustAggregatorsAndMifa() {
        int[] sizes = {3, 4, 5};
        AlgorithmSetup setup = new AlgorithmSetup(D, sizes, Precision.FLOAT32, IdentityCompressor.INSTANCE,
                IdentityCompressor.INSTANCE);
        ServerContext ctx = new ServerContext(1, sizes, new int[] {0, 2}, new SeedTree(1), Precision.FLOAT32);
        FedAvg median = FedAvg.builder().localSteps(1, 1).localLearningRate(0.1)
                .aggregator(new io.github.fl4j.core.aggregation.CoordinateMedian()).build();
        assertTrue(median.server().begin(median.initServerState(Tensors.zeros(Precision.FLOAT32, D), setup), ctx)
                .retainsUploads(), "a median needs every upload: collecting");
        FedAu mifa = FedAu.builder().localSteps(1, 1).localLearningRate(0.1).aggregation(FedAu.Aggregation.MIFA)
                .build();
        assertTrue(mifa.server().begin(mifa.initServerState(Tensors.zeros(Precision.FLOAT32, D), setup), ctx)
                .retainsUploads(), "MIFA rewrites its table in one pass: collecting");
        assertEquals(2, ctx.participantCount());
    }
}
