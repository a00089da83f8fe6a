package io.github.fl4j.algorithms.async;

import io.github.fl4j.algorithms.local.LocalSgd;
import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.ClientResult;
import io.github.fl4j.core.api.NoState;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.tensor.Tensors;
import io.github.fl4j.core.time.StalenessFunction;
import java.io.DataInput;
import java.io.IOException;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What the asynchronous algorithms share: their local-SGD client, their work bound and argument checks. */
final class AsyncSupport {
    private AsyncSupport() {
    }

    /**
     * The client of the package: y = x_{v_i} (the downloaded model), K_i steps of {@link LocalSgd} with learning rate
     * {@code lr} (K_i = the server's assignment when there is one, {@code ClientContext#localSteps}), with a proximal
     * term (rho/2)||y - x_{v_i}||^2 when {@code proximalWeight} &gt; 0; then it uploads one vector: Delta_i = y -
     * x_{v_i}, or with {@code gradient} the mean local gradient G_i = (x_{v_i} - y) / (lr K_i).
     */
    static Client<NoState> localSgdClient(LocalTraining training, double lr, double proximalWeight,
                                          boolean gradient) {
        return (down, state, ctx) -> {
            INDArray x = down.vector(0);
            INDArray y = ctx.workspace().vector("async.iterate", ctx.precision(), x.length());
            INDArray out = ctx.workspace().vector("async.gradient", ctx.precision(), x.length());
            Tensors.copy(x, y);
            LocalTraining session = training.forSession(ctx.assignedSteps());
            double loss = LocalSgd.run(ctx.model(), ctx.data(), session, lr, y, out, null, proximalWeight,
                    proximalWeight == 0 ? null : x, ctx.random(Purpose.LOCAL_DATA_ORDER),
                    session.augmentationStream(ctx), ctx.workspace());
            if (gradient) {
                int steps = ctx.localSteps(training.stepsFor(ctx.data().size()));
                Tensors.subtract(x, y, out);
                Tensors.scale(1.0 / (lr * steps), out);
            } else {
                Tensors.subtract(y, x, out);
            }
            ctx.uplink().send(out);
            return new ClientResult<>(state, loss);
        };
    }

    /** The exact samples a session of {@code training} processes (see {@link LocalTraining#samplesFor}). */
    static long minimumWork(LocalTraining training, int clientSize, int assignedSteps) {
        if (clientSize < 1 || assignedSteps < 0) {
            return 0;
        }
        return training.forSession(assignedSteps).samplesFor(clientSize);
    }

    /** Fails naming {@code name} unless v is finite and &gt; 0. */
    static double positive(String name, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be > 0 and finite, was " + v);
        }
        return v;
    }

    /** Fails naming {@code name} unless v is in (0, 1]. */
    static double unitInterval(String name, double v) {
        if (!(v > 0 && v <= 1)) {
            throw new IllegalArgumentException(name + " must be in (0, 1], was " + v);
        }
        return v;
    }

    /** Fails naming {@code name} unless it is set. */
    static <T> T required(String name, T v) {
        if (v == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return v;
    }

    /** s(tau), checked to be finite and &gt; 0 (a user-supplied function could return anything). */
    static double weight(StalenessFunction s, long staleness) {
        double w = s.weight(staleness);
        if (!(w > 0) || !Double.isFinite(w)) {
            throw new IllegalStateException("staleness function " + s.describe() + " must give a finite weight > 0, gave "
                    + w + " at staleness " + staleness);
        }
        return w;
    }

    /** Reads a count written as an int, failing with the field name when it is negative or above {@code max}. */
    static int readCount(DataInput in, String what, int max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new IOException(what + " must be in [0, " + max + "], was " + n);
        }
        return n;
    }
}
