package io.github.fl4j.core.time;

import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.tensor.Tensors;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A synchronous algorithm under the rounds schedule, as an asynchronous server: the round's uploads are buffered
 * (copied) and, when the round closes (every selected session ended, the K-th arrival, or the deadline timer), handed
 * to {@link Server#apply} in increasing client-id order with the round's ServerContext; a round in which no upload
 * arrived leaves S unchanged. The server version is the number of closed rounds.
 */
final class SyncRounds<S, C> implements AsyncAlgorithm<SyncRounds.State<S>, C> {
    private final FederatedAlgorithm<S, C> algorithm;
    private final AsyncServer<State<S>> server = new RoundServer();
    private final StateCodec<State<S>> codec = new Codec();

    SyncRounds(FederatedAlgorithm<S, C> algorithm) {
        this.algorithm = algorithm;
    }

    FederatedAlgorithm<S, C> synchronous() {
        return algorithm;
    }

    /** The adapter's state: S, the closed rounds, the open round's selection, counts and buffered uploads. */
    static final class State<S> {
        S server;
        long version;
        int round;
        boolean open;
        int[] selected = new int[0];
        int target;
        int arrived;
        int lost;
        final TreeMap<Integer, Message> buffer = new TreeMap<>();
        transient Message broadcast;
        transient int broadcastRound = -1;
        /** Where the buffered copies of the uploads live; recycled when the round closes. */
        final transient io.github.fl4j.core.tensor.BufferPool copies = new io.github.fl4j.core.tensor.BufferPool();

        State(S server) {
            this.server = server;
        }

        /** The synchronous algorithm's state. */
        S server() {
            return server;
        }
    }

    @Override
    public String name() {
        return algorithm.name();
    }

    @Override
    public State<S> initServerState(INDArray initialParameters, AlgorithmSetup setup) {
        return new State<>(algorithm.initServerState(initialParameters, setup));
    }

    @Override
    public C initClientState(int clientId, AlgorithmSetup setup) {
        return algorithm.initClientState(clientId, setup);
    }

    @Override
    public AsyncServer<State<S>> server() {
        return server;
    }

    @Override
    public Client<C> client() {
        return algorithm.client();
    }

    @Override
    public StateCodec<State<S>> serverStateCodec() {
        return codec;
    }

    @Override
    public StateCodec<C> clientStateCodec() {
        return algorithm.clientStateCodec();
    }

    @Override
    public int downlinkVectors() {
        return algorithm.downlinkVectors();
    }

    @Override
    public int uplinkVectors() {
        return algorithm.uplinkVectors();
    }

    @Override
    public void checkCompressors(Compressor uplink, Compressor downlink) {
        algorithm.checkCompressors(uplink, downlink);
    }

    /**
     * Opens round {@code round} with the clients whose sessions were started for it; {@code target} is the number
     * of arrivals that closes it (0 = all), {@code deadline} its absolute deadline (+infinity when none).
     */
    State<S> beginRound(State<S> st, int round, int[] selected, int target, double deadline, AsyncContext ctx) {
        if (round != st.version + 1) {
            throw new IllegalStateException("round " + round + " opened after " + st.version + " closed rounds");
        }
        st.round = round;
        st.open = true;
        st.selected = selected.clone();
        st.target = target == 0 ? selected.length : Math.min(target, selected.length);
        st.arrived = 0;
        st.lost = 0;
        st.buffer.clear();
        if (!Double.isInfinite(deadline)) {
            ctx.scheduleTimer(deadline, round);
        }
        return maybeClose(st, ctx);
    }

    private ServerContext serverContext(int round, int[] participants, AsyncContext ctx) {
        return new ServerContext(round, ctx.clientSizes(), participants, ctx.seeds(), ctx.precision(),
                ctx.tables());
    }

    private State<S> maybeClose(State<S> st, AsyncContext ctx) {
        if (!st.open) {
            return st;
        }
        if (st.arrived >= st.target || st.arrived + st.lost >= st.selected.length) {
            return close(st, ctx);
        }
        return st;
    }

    private State<S> close(State<S> st, AsyncContext ctx) {
        List<Upload> uploads = new ArrayList<>(st.buffer.size());
        int[] ids = new int[st.buffer.size()];
        int k = 0;
        for (Map.Entry<Integer, Message> e : st.buffer.entrySet()) {
            ids[k++] = e.getKey();
            uploads.add(new Upload(e.getKey(), ctx.clientSize(e.getKey()), e.getValue()));
        }
        if (!uploads.isEmpty()) {
            st.server = algorithm.server().apply(st.server, uploads, serverContext(st.round, ids, ctx));
        }
        st.version = st.round;
        st.open = false;
        st.buffer.clear();
        st.copies.recycle();
        st.broadcast = null;
        st.broadcastRound = -1;
        return st;
    }

    private final class RoundServer implements AsyncServer<State<S>> {
        @Override
        public Message dispatch(State<S> st, int clientId, AsyncContext ctx) {
            if (!st.open) {
                throw new IllegalStateException("a synchronous session of client " + clientId
                        + " started while no round was open");
            }
            if (st.broadcastRound != st.round) {
                st.broadcast = algorithm.server().broadcast(st.server, serverContext(st.round, st.selected, ctx));
                st.broadcastRound = st.round;
            }
            return st.broadcast;
        }

        @Override
        public State<S> receive(State<S> st, Arrival a, AsyncContext ctx) {
            if (!st.open || a.startVersion() != st.version) {
                throw new IllegalStateException("an upload of client " + a.clientId() + " from version "
                        + a.startVersion() + " reached round " + st.round + " (open " + st.open + ")");
            }
            List<INDArray> copies = new ArrayList<>(a.upload().size());
            for (INDArray v : a.upload().vectors()) {
                INDArray c = st.copies.take(io.github.fl4j.core.tensor.Precision.of(v.dataType()), v.length());
                Tensors.copy(v, c);
                copies.add(c);
            }
            st.buffer.put(a.clientId(), new Message(copies));
            st.arrived++;
            return maybeClose(st, ctx);
        }

        @Override
        public State<S> lost(State<S> st, int clientId, long startVersion, AsyncContext ctx) {
            if (st.open && startVersion == st.version) {
                st.lost++;
                return maybeClose(st, ctx);
            }
            return st;
        }

        @Override
        public State<S> timer(State<S> st, int tag, AsyncContext ctx) {
            if (st.open && tag == st.round) {
                return close(st, ctx);
            }
            return st;
        }

        @Override
        public long version(State<S> st) {
            return st.version;
        }

        @Override
        public INDArray model(State<S> st) {
            return algorithm.server().model(st.server);
        }
    }

    private final class Codec implements StateCodec<State<S>> {
        @Override
        public void write(State<S> st, DataOutput out) throws IOException {
            out.writeLong(st.version);
            out.writeInt(st.round);
            out.writeBoolean(st.open);
            out.writeInt(st.selected.length);
            for (int id : st.selected) {
                out.writeInt(id);
            }
            out.writeInt(st.target);
            out.writeInt(st.arrived);
            out.writeInt(st.lost);
            out.writeInt(st.buffer.size());
            for (Map.Entry<Integer, Message> e : st.buffer.entrySet()) {
                out.writeInt(e.getKey());
                out.writeInt(e.getValue().size());
                for (INDArray v : e.getValue().vectors()) {
                    Tensors.write(v, out);
                }
            }
            algorithm.serverStateCodec().write(st.server, out);
        }

        @Override
        public State<S> read(DataInput in) throws IOException {
            long version = in.readLong();
            int round = in.readInt();
            boolean open = in.readBoolean();
            int n = in.readInt();
            if (n < 0) {
                throw new IOException("selected count must be >= 0, was " + n);
            }
            int[] selected = new int[n];
            for (int i = 0; i < n; i++) {
                selected[i] = in.readInt();
            }
            int target = in.readInt();
            int arrived = in.readInt();
            int lost = in.readInt();
            int b = in.readInt();
            TreeMap<Integer, Message> buffer = new TreeMap<>();
            for (int i = 0; i < b; i++) {
                int id = in.readInt();
                int m = in.readInt();
                List<INDArray> vs = new ArrayList<>(m);
                for (int j = 0; j < m; j++) {
                    vs.add(Tensors.read(in));
                }
                buffer.put(id, new Message(vs));
            }
            State<S> st = new State<>(algorithm.serverStateCodec().read(in));
            st.version = version;
            st.round = round;
            st.open = open;
            st.selected = selected;
            st.target = target;
            st.arrived = arrived;
            st.lost = lost;
            st.buffer.putAll(buffer);
            return st;
        }
    }
}
