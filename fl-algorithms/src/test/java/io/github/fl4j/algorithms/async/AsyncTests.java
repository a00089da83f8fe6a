package io.github.fl4j.algorithms.async;

import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.ClientContext;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.comm.Channel;
import io.github.fl4j.core.comm.Direction;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import io.github.fl4j.core.tensor.Workspace;
import io.github.fl4j.core.time.Arrival;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Helpers of the asynchronous algorithms' unit tests: tiny float64 vectors, hand-made arrivals, codecs. */
final class AsyncTests {
    private AsyncTests() {
    }

    /** A float64 vector. */
    static INDArray vec(double... v) {
        return Nd4j.createFromArray(v.clone());
    }

    /** The setup of a float64 run of dimension d with the given client sizes. */
    static AlgorithmSetup setup(long d, int... sizes) {
        return new AlgorithmSetup(d, sizes, Precision.FLOAT64, IdentityCompressor.INSTANCE,
                IdentityCompressor.INSTANCE);
    }

    /**
     * An accepted arrival of {@code upload} from a client that started from {@code start} at {@code startVersion},
     * with staleness {@code staleness}, started at {@code startTime}, arriving at {@code time} after {@code steps}
     * assigned local steps.
     */
    static Arrival arrival(int client, INDArray upload, INDArray start, long startVersion, long staleness,
                           double startTime, double time, int steps) {
        return new Arrival(client, 1, Message.of(upload), Message.of(start), startVersion, staleness, startTime, time,
                1, steps, Double.NaN);
    }

    /** An arrival without timing (time 0) and without assigned steps. */
    static Arrival arrival(int client, INDArray upload, INDArray start, long startVersion, long staleness) {
        return arrival(client, upload, start, startVersion, staleness, 0, 0, 0);
    }

    /** The bytes of a state. */
    static <T> byte[] encode(StateCodec<T> codec, T state) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            codec.write(state, out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A state read back from its bytes. */
    static <T> T decode(StateCodec<T> codec, byte[] bytes) {
        try {
            return codec.read(new DataInputStream(new ByteArrayInputStream(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code read(write(state))}, checked to encode to the same bytes. */
    static <T> T roundTrip(StateCodec<T> codec, T state) {
        byte[] once = encode(codec, state);
        T back = decode(codec, once);
        org.junit.jupiter.api.Assertions.assertArrayEquals(once, encode(codec, back), "re-encoding differs");
        return back;
    }

    /** The values of a vector. */
    static double[] values(INDArray v) {
        return Tensors.toDoubleArray(v);
    }

    /**
     * The data of the "client solves its problem exactly" setup: one sample with feature 1 and target b, so that
     * under least squares f(y) = (1/2)(y - b)^2 and one full-batch step of learning rate 1 gives y = b.
     */
    static Dataset pointTarget(double b) {
        return new Dataset(Nd4j.createFromArray(new double[][] {{1.0}}), Nd4j.createFromArray(new double[][] {{b}}));
    }

    /**
     * Runs {@code client} once on {@code data} (1-D least squares) from the downloaded {@code x}, with
     * {@code assignedSteps} (0 = none); returns the uploaded vector (a copy).
     */
    static <C> INDArray upload(Client<C> client, C state, Dataset data, INDArray x, int assignedSteps) {
        Channel up = new Channel(Direction.UPLINK, 1, 0, IdentityCompressor.INSTANCE, new RandomStream(5));
        ClientContext ctx = new ClientContext(0, 1, data, new LeastSquares(data.featureCount()), new SeedTree(1), up,
                Precision.FLOAT64, new Workspace(), assignedSteps);
        client.train(Message.of(x), state, ctx);
        org.junit.jupiter.api.Assertions.assertEquals(1, up.message().size(), "one uploaded vector");
        return up.message().vector(0).dup();
    }
}
