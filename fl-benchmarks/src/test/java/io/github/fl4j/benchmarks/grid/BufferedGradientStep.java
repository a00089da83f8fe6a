package io.github.fl4j.benchmarks.grid;

import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.ClientResult;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.NoState;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.tensor.Tensors;
import io.github.fl4j.core.time.Arrival;
import io.github.fl4j.core.time.AsyncAlgorithm;
import io.github.fl4j.core.time.AsyncContext;
import io.github.fl4j.core.time.AsyncServer;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An asynchronous test algorithm for the grid: each client takes one full-batch gradient step of size {@code lr}
 * from the model it downloaded and uploads the step; the server sums the steps it receives and after K arrivals adds
 * their mean (a FedBuff-like buffer without staleness weights). Work = the client's sample count.
 */
final class BufferedGradientStep implements AsyncAlgorithm<BufferedGradientStep.State, NoState> {
    private final int k;
    private final double lr;

    static final class State {
        INDArray x;
        long version;
        INDArray sum;
        int count;
    }

    BufferedGradientStep(int k, double lr) {
        this.k = k;
        this.lr = lr;
    }

    @Override
    public String name() {
        return "BufferedGradientStep(K=" + k + ", lr=" + lr + ")";
    }

    @Override
    public State initServerState(INDArray x0, AlgorithmSetup setup) {
        State s = new State();
        s.x = x0.dup();
        s.sum = x0.ulike();
        Tensors.fillZero(s.sum);
        return s;
    }

    @Override
    public NoState initClientState(int clientId, AlgorithmSetup setup) {
        return NoState.INSTANCE;
    }

    @Override
    public AsyncServer<State> server() {
        return new AsyncServer<>() {
            @Override
            public Message dispatch(State s, int clientId, AsyncContext ctx) {
                return Message.of(s.x);
            }

            @Override
            public State receive(State s, Arrival a, AsyncContext ctx) {
                Tensors.axpy(1.0, a.vector(0), s.sum);
                if (++s.count == k) {
                    Tensors.axpy(1.0 / k, s.sum, s.x);
                    Tensors.fillZero(s.sum);
                    s.count = 0;
                    s.version++;
                }
                return s;
            }

            @Override
            public long version(State s) {
                return s.version;
            }

            @Override
            public INDArray model(State s) {
                return s.x;
            }
        };
    }

    @Override
    public Client<NoState> client() {
        return (down, state, ctx) -> {
            INDArray x = down.vector(0);
            INDArray g = ctx.workspace().vector("g", ctx.precision(), x.length());
            double loss = ctx.model().lossAndGradient(x, ctx.data(), g);
            Tensors.scale(-lr, g);
            ctx.uplink().send(g);
            return new ClientResult<>(state, loss);
        };
    }

    @Override
    public StateCodec<State> serverStateCodec() {
        return new StateCodec<>() {
            @Override
            public void write(State s, DataOutput out) throws IOException {
                Tensors.write(s.x, out);
                out.writeLong(s.version);
                Tensors.write(s.sum, out);
                out.writeInt(s.count);
            }

            @Override
            public State read(DataInput in) throws IOException {
                State s = new State();
                s.x = Tensors.read(in);
                s.version = in.readLong();
                s.sum = Tensors.read(in);
                s.count = in.readInt();
                return s;
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

    @Override
    public long minimumWork(int clientSize, int assignedSteps) {
        return clientSize;
    }
}
