package io.github.fl4j.core.time;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.comm.Direction;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.state.CheckpointDirectory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every asynchronous algorithm must satisfy, on softmax regression over a small Synthetic federation with
 * log-normal devices, session jitter, Markov availability and dropouts: the same bits for 1, 2 and 4 threads; a run
 * resumed from a checkpoint in the middle of asynchrony (sessions in flight, buffers half full, timers pending) equal
 * to the uninterrupted one; a server-state codec that keeps every field; the engine invariants on every event; and a
 * ledger that adds up. Subclasses give the algorithm (and may change the schedule).
 */
public abstract class AsyncAlgorithmContractTest {

    /** The algorithm under test (a fresh instance per call). */
    protected abstract AsyncAlgorithm<?, ?> algorithm();

    /** The arrival model (default: 6 sessions in flight). */
    protected Schedule schedule() {
        return Schedule.closed(6);
    }

    /** Server versions to run (default 24). */
    protected int versions() {
        return 24;
    }

    /** The model of the test problem. */
    protected Model model() {
        return new SoftmaxRegression(10, 3);
    }

    /** The data of the test problem. */
    protected FederatedDataset data() {
        return SyntheticFedProx.builder().clients(12).dimension(10).classes(3).fixedSamples(30).build()
                .generate(new SeedTree(7).stream(Purpose.DATA_GENERATION));
    }

    /** A builder of the test problem's simulation. */
    protected <S, C> TimedSimulation.Builder<S, C> builder(AsyncAlgorithm<S, C> algorithm, int threads) {
        SimulationConfig config = SimulationConfig.builder().rounds(versions()).clientsPerRound(1).threads(threads)
                .seed(2024).evalEvery(4).build();
        return TimedSimulation.builder(algorithm).config(config).model(model()).data(data()).schedule(schedule())
                .devices(Devices.withJitter(Devices.logNormal(100, 0.8, 1e6, 0.8, 1e7, 0.8), 0.3))
                .availability(AvailabilityModels.markov(200, 20)).dropout(Dropouts.probability(0.05));
    }

    static List<TimeReport> strip(List<TimeReport> r) {
        return r.stream().map(TimeReport::withoutTimings).toList();
    }

    @Test
    void sameBitsForOneTwoAndFourThreadsAndTheInvariantsHold() {
        EngineInvariants inv = new EngineInvariants(schedule().kind() == Schedule.Kind.CLOSED
                ? schedule().concurrency() : Integer.MAX_VALUE);
        TimedResult<?> one = builder(algorithm(), 1).listener(inv).build().run();
        assertEquals(versions(), one.reports().size(), "versions made");
        assertTrue(inv.sessions.size() > versions() / 2, "sessions seen");
        for (int threads : new int[] {2, 4}) {
            TimedResult<?> other = builder(algorithm(), threads).build().run();
            assertEquals(one.finalParameters(), other.finalParameters(), threads + " threads");
            assertEquals(strip(one.reports()), strip(other.reports()), threads + " threads");
            assertEquals(one.ledger().entries(), other.ledger().entries(), threads + " threads");
            assertEquals(one.counts(), other.counts(), threads + " threads");
            assertArrayEquals(one.stalenessHistogram(), other.stalenessHistogram());
        }
    }

    @Test
    void resumeInTheMiddleIsBitExact(@TempDir Path dir) throws IOException {
        int every = Math.max(1, versions() / 3);
        TimedResult<?> full = builder(algorithm(), 2).checkpointEvery(every, dir).build().run();
        Path mid = CheckpointDirectory.file(dir, 2L * every);
        TimedResult<?> resumed = builder(algorithm(), 1).build().resumeFrom(mid);
        assertEquals(full.finalParameters(), resumed.finalParameters());
        assertEquals(strip(full.reports()), strip(resumed.reports()));
        assertEquals(full.ledger().entries(), resumed.ledger().entries());
        assertEquals(full.counts(), resumed.counts());
        assertEquals(full.virtualTime(), resumed.virtualTime());
    }

    @Test
    void theServerCodecKeepsEveryField() throws IOException {
        checkCodec(algorithm());
    }

    private <S, C> void checkCodec(AsyncAlgorithm<S, C> alg) throws IOException {
        TimedResult<S> r = builder(alg, 1).build().run();
        StateCodec<S> codec = alg.serverStateCodec();
        byte[] a = encode(codec, r.serverState());
        S back = codec.read(new DataInputStream(new ByteArrayInputStream(a)));
        assertArrayEquals(a, encode(codec, back), "encode(decode(encode(S))) == encode(S)");
        assertEquals(alg.server().version(r.serverState()), alg.server().version(back));
        assertEquals(alg.server().model(r.serverState()), alg.server().model(back));
    }

    private static <T> byte[] encode(StateCodec<T> codec, T value) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            codec.write(value, out);
        }
        return b.toByteArray();
    }

    @Test
    void theLedgerAddsUp() {
        TimedResult<?> r = builder(algorithm(), 1).build().run();
        long up = 0;
        long down = 0;
        for (TimeReport rep : r.reports()) {
            up += rep.uplinkBits();
            down += rep.downlinkBits();
        }
        assertTrue(up <= r.ledger().totalBits(Direction.UPLINK));
        assertTrue(down <= r.ledger().totalBits(Direction.DOWNLINK));
        assertEquals(r.last().cumulativeUplink(), r.ledger().totalBits(Direction.UPLINK));
        assertEquals(r.last().cumulativeDownlink(), r.ledger().totalBits(Direction.DOWNLINK));
        assertTrue(r.counts().started() >= r.counts().applied() + r.counts().failed() + r.counts().droppedStale());
    }
}
