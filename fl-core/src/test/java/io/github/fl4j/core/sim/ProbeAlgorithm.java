package io.github.fl4j.core.sim;

import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.ClientResult;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.registry.Registry;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A test algorithm for execution engines, registered as {@code probe(lr, fail, sleep)}: FedSGD (clients upload the
 * full gradient at x, the server steps x -= lr * mean) whose clients sleep {@code sleep * (8 - id)} milliseconds (so
 * that later tasks finish first), fail with "probe failure of client N" for the ids in {@code fail}, count their
 * participations in their state (so states must travel), and count every run in {@link #RUNS}.
 */
final class ProbeAlgorithm implements FederatedAlgorithm<INDArray, ProbeAlgorithm.Count> {
    static final AtomicInteger RUNS = new AtomicInteger();
    private final double lr;
    private final Set<Integer> fail;
    private final int sleep;

    record Count(int n) {
    }

    static final StateCodec<Count> COUNT_CODEC = new StateCodec<>() {
        @Override
        public void write(Count c, DataOutput out) throws IOException {
            out.writeByte(1);
            out.writeInt(c.n());
        }

        @Override
        public Count read(DataInput in) throws IOException {
            StateCodec.checkVersion("probe count", 1, in.readUnsignedByte());
            return new Count(in.readInt());
        }
    };

    ProbeAlgorithm(double lr, Set<Integer> fail, int sleep) {
        this.lr = lr;
        this.fail = fail;
        this.sleep = sleep;
    }

    /** The standard registry plus {@code probe}. */
    static Registry registry() {
        return Registry.standard().toBuilder().algorithm("probe", "engine contract test probe", p -> {
            java.util.Set<Integer> f = new java.util.TreeSet<>();
            for (int id : p.getInts("fail", new int[0])) {
                f.add(id);
            }
            return new ProbeAlgorithm(p.getDouble("lr", 0.1), f, p.getInt("sleep", 0));
        }).build();
    }

    @Override
    public String name() {
        return "probe(lr=" + lr + ", fail=" + fail + ")";
    }

    @Override
    public INDArray initServerState(INDArray initialParameters, AlgorithmSetup setup) {
        return initialParameters.dup();
    }

    @Override
    public Count initClientState(int clientId, AlgorithmSetup setup) {
        return new Count(0);
    }

    /** FedSGD's server ({@link SimulationTest.FedSgd}). */
    @Override
    public Server<INDArray> server() {
        return new SimulationTest.FedSgd(lr).server();
    }

    @Override
    public Client<Count> client() {
        return (down, state, ctx) -> {
            RUNS.incrementAndGet();
            if (sleep > 0) {
                try {
                    Thread.sleep((long) sleep * Math.max(0, 8 - ctx.clientId()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (fail.contains(ctx.clientId())) {
                throw new IllegalStateException("probe failure of client " + ctx.clientId());
            }
            INDArray g = down.vector(0).ulike();
            double loss = ctx.model().lossAndGradient(down.vector(0), ctx.data(), g);
            ctx.uplink().send(g);
            return new ClientResult<>(new Count(state.n() + 1), loss);
        };
    }

    @Override
    public StateCodec<INDArray> serverStateCodec() {
        return new SimulationTest.FedSgd(lr).serverStateCodec();
    }

    @Override
    public StateCodec<Count> clientStateCodec() {
        return COUNT_CODEC;
    }

    @Override
    public int downlinkVectors() {
        return 1;
    }

    @Override
    public int uplinkVectors() {
        return 1;
    }
}
