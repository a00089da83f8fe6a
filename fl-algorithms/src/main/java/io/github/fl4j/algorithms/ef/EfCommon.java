package io.github.fl4j.algorithms.ef;

import io.github.fl4j.core.api.ClientContext;
import io.github.fl4j.core.api.CompressionClass;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.RoundAccumulator;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.StreamingAccumulator;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.MinibatchSampler;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.tensor.Tensors;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Mechanics shared by the error-feedback algorithms of this package (package-private; stateless). */
final class EfCommon {
    private EfCommon() {
    }

    /**
     * Rejects an uplink operator that is not contractive (an unscaled unbiased one), naming the algorithm and the
     * compressor. A compressor whose class cannot be computed for the probe dimension is checked again with the real
     * dimension when the states are created.
     */
    static void requireContractive(String algorithm, Compressor uplink) {
        if (uplink == null) {
            throw new IllegalArgumentException(algorithm + " needs an uplink compressor, was null");
        }
        CompressionClass c = CompressionClass.probe(uplink);
        if (c != null) {
            requireContractive(algorithm, uplink, c);
        }
    }

    static void requireContractive(String algorithm, Compressor uplink, CompressionClass c) {
        if (!c.isContractive()) {
            throw new IllegalArgumentException(algorithm + " needs a contractive uplink compressor (E||C(v) - v||^2 <= "
                    + "(1 - alpha)||v||^2), but " + uplink.name() + " is unbiased with omega = " + c.parameter()
                    + "; scale it by 1/(omega + 1) to make it contractive with alpha = 1/(omega + 1)");
        }
    }

    /** True when the operator is lossless on vectors of dimension d. */
    static boolean lossless(Compressor c, long d) {
        return c.compressionClass(d).kind() == CompressionClass.Kind.LOSSLESS;
    }

    /**
     * The warm-up rounds R of {@link FirstMessage}: 1 for COMPRESSED or a lossless operator, ceil(1/alpha) otherwise
     * (a relative tolerance of 1e-9 guards alpha = K/d against rounding, so Top-K gives exactly ceil(d/K)).
     */
    static int warmupRounds(FirstMessage first, Compressor c, long d) {
        if (first == FirstMessage.COMPRESSED) {
            return 1;
        }
        CompressionClass cls = c.compressionClass(d);
        if (cls.kind() != CompressionClass.Kind.CONTRACTIVE) {
            return 1;
        }
        double r = Math.ceil(1.0 / cls.parameter() * (1 - 1e-9));
        if (r > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("the EXACT first message would need " + r + " warm-up rounds (alpha = "
                    + cls.parameter() + "); use FirstMessage.COMPRESSED");
        }
        return Math.max(1, (int) r);
    }

    /**
     * Writes the client's gradient at {@code x} into {@code out} and returns the loss: the full local gradient when
     * {@code batchSize} is 0 or {@code full}, else one minibatch of {@code batchSize} rows drawn without replacement
     * (tau-nice sampling: the first chunk of a fresh permutation from the LOCAL_DATA_ORDER stream of this round and
     * client; EF21-SGD).
     */
    static double gradient(ClientContext ctx, INDArray x, INDArray out, int batchSize, boolean full) {
        Dataset data = ctx.data();
        if (full || batchSize <= 0 || batchSize >= data.size()) {
            return ctx.model().lossAndGradient(x, data, out);
        }
        MinibatchSampler sampler = new MinibatchSampler(data, batchSize, ctx.random(Purpose.LOCAL_DATA_ORDER),
                ctx.workspace());
        return ctx.model().lossAndGradient(x, sampler.next(), out);
    }

    /**
     * The streaming form of the step x &larr; x - step (1/|S|) sum_S u_n (the first upload vector of each participant),
     * with the same operations in the same order as {@link #weightedSum} with a uniform weight followed by the axpy:
     * the mean runs in {@code aggregate} (scratch), x changes only in {@code finish}. An empty round collects (the
     * server's apply handles it).
     */
    static <S> RoundAccumulator<S> meanStep(Server<S> server, S state, ServerContext ctx, INDArray aggregate,
                                            INDArray x, double step) {
        if (ctx.participantCount() == 0) {
            return RoundAccumulator.collecting(server, state, ctx);
        }
        double w = 1.0 / ctx.participantCount();
        Tensors.fillZero(aggregate);
        return new StreamingAccumulator<>(ctx) {
            @Override
            protected void fold(int k, Upload u) {
                Tensors.axpy(w, u.vector(0), aggregate);
            }

            @Override
            protected S complete() {
                Tensors.axpy(-step, aggregate, x);
                return state;
            }
        };
    }

    /** out = sum over uploads of weight(client) * vector(0); out is zeroed first. */
    static void weightedSum(List<Upload> uploads, double[] weights, double uniform, INDArray out) {
        Tensors.fillZero(out);
        accumulate(uploads, weights, uniform, out);
    }

    /** out += sum over uploads of weight(client) * vector(0), in upload (client-id) order. */
    static void accumulate(List<Upload> uploads, double[] weights, double uniform, INDArray out) {
        for (Upload u : uploads) {
            double w = weights == null ? uniform : weights[u.clientId()];
            Tensors.axpy(w, u.vector(0), out);
        }
    }

    /** Throws when not every client of the population takes part, naming the algorithm and the round. */
    static void requireFullParticipation(String algorithm, ServerContext ctx, String hint) {
        if (ctx.participantCount() != ctx.population()) {
            throw new IllegalStateException(algorithm + " needs full participation, but round " + ctx.round() + " had "
                    + ctx.participantCount() + " of " + ctx.population() + " clients; " + hint);
        }
    }

    static void checkPositive(String field, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(field + " must be > 0 and finite, was " + v);
        }
    }

    static void checkBatch(int tau) {
        if (tau < 0) {
            throw new IllegalArgumentException("minibatch size must be >= 0 (0 = full local gradient), was " + tau);
        }
    }
}
