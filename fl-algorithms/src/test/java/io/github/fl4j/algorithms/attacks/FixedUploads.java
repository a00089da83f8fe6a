package io.github.fl4j.algorithms.attacks;

import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.ClientContext;
import io.github.fl4j.core.api.ClientResult;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.NoState;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.comm.Channel;
import io.github.fl4j.core.comm.Direction;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.io.DataInput;
import java.io.DataOutput;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fake algorithm for the attack tests: client n uploads the fixed float64 vector {@code rows[n]}, or, when
 * {@code rows} is null, (sum of its labels, number of samples); the server's state is what its last {@code apply}
 * received (one row of values per upload, in order), so a test can read what the inner server was given.
 */
final class FixedUploads implements FederatedAlgorithm<double[][], NoState> {
    static final long ROOT = 42;
    private final double[][] rows;

    FixedUploads(double[][] rows) {
        this.rows = rows;
    }

    @Override
    public String name() {
        return "FixedUploads";
    }

    @Override
    public double[][] initServerState(INDArray initialParameters, AlgorithmSetup setup) {
        return new double[0][];
    }

    @Override
    public NoState initClientState(int clientId, AlgorithmSetup setup) {
        return NoState.INSTANCE;
    }

    @Override
    public Server<double[][]> server() {
        return new Server<>() {
            @Override
            public Message broadcast(double[][] state, ServerContext ctx) {
                return Message.of(Nd4j.zeros(1));
            }

            @Override
            public double[][] apply(double[][] state, List<Upload> uploads, ServerContext ctx) {
                double[][] got = new double[uploads.size()][];
                for (int i = 0; i < got.length; i++) {
                    got[i] = Tensors.toDoubleArray(uploads.get(i).vector(0));
                }
                return got;
            }

            @Override
            public INDArray model(double[][] state) {
                return Nd4j.zeros(1);
            }
        };
    }

    @Override
    public Client<NoState> client() {
        return (down, state, ctx) -> {
            double[] v = rows != null ? rows[ctx.clientId()].clone() : new double[] {
                    Tensors.toDoubleArray(ctx.data().labels()).length == 0 ? 0
                            : java.util.Arrays.stream(Tensors.toDoubleArray(ctx.data().labels())).sum(),
                    ctx.data().size()};
            ctx.uplink().send(Nd4j.createFromArray(v));
            return new ClientResult<>(state, 0);
        };
    }

    @Override
    public StateCodec<double[][]> serverStateCodec() {
        return new StateCodec<>() {
            @Override
            public void write(double[][] s, DataOutput out) {
                throw new UnsupportedOperationException();
            }

            @Override
            public double[][] read(DataInput in) {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Override
    public StateCodec<NoState> clientStateCodec() {
        return NoState.CODEC;
    }

    @Override
    public int downlinkVectors() {
        return 1;
    }

    @Override
    public int uplinkVectors() {
        return 1;
    }

    /** The uplink channel of one client task of round 3 (identity encoding). */
    static Channel uplink(int client) {
        return new Channel(Direction.UPLINK, 3, client, IdentityCompressor.INSTANCE,
                new SeedTree(ROOT).stream(Purpose.UPLINK_COMPRESSION, 3, client));
    }

    /** Runs a client of {@code alg} in round 3 on {@code data}; returns its uplink channel (what it sent). */
    static Channel train(FederatedAlgorithm<?, NoState> alg, int client, Dataset data) {
        Channel up = uplink(client);
        ClientContext ctx = new ClientContext(client, 3, data, null, new SeedTree(ROOT), up, Precision.FLOAT64);
        alg.client().train(Message.of(Nd4j.zeros(1)), NoState.INSTANCE, ctx);
        return up;
    }

    /** A dataset of the given labels, one zero feature each. */
    static Dataset labels(double... y) {
        return new Dataset(Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, y.length, 1),
                Nd4j.createFromArray(y).reshape(y.length, 1));
    }

    /** What the server of {@code alg} receives from clients 0..n-1 (each trained by its client half) in round 3. */
    static double[][] serverReceives(FederatedAlgorithm<double[][], NoState> alg, int n) {
        List<Upload> uploads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            uploads.add(new Upload(i, 1, train(alg, i, labels(0)).message()));
        }
        int[] sizes = new int[n];
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            sizes[i] = 1;
            ids[i] = i;
        }
        return alg.server().apply(new double[0][], uploads,
                new ServerContext(3, sizes, ids, new SeedTree(ROOT), Precision.FLOAT64));
    }
}
