package io.github.fl4j.algorithms.async;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.time.Device;
import io.github.fl4j.core.time.DeviceModel;
import io.github.fl4j.core.time.Devices;
import io.github.fl4j.core.time.Schedule;
import io.github.fl4j.core.time.SessionRecord;
import io.github.fl4j.core.time.Staleness;
import io.github.fl4j.core.time.TimeListener;
import io.github.fl4j.core.time.TimedResult;
import io.github.fl4j.core.time.TimedSimulation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The closed-form oracles of asynchronous federated learning, reproduced by the engine with the library's
 * algorithms. Every client solves its problem exactly: it holds one sample (a = 1, y = b_i) of least squares, so one
 * full-batch step of size 1 from x gives y_i = x - (x - b_i) = b_i (to the rounding of that step), and everything
 * that remains is the arithmetic of the event order.
 */
class AsyncOraclesTest {

    /** Client i holds one sample a = 1, y = b[i]. */
    static FederatedDataset exact(double... b) {
        List<Dataset> parts = new ArrayList<>();
        for (double v : b) {
            parts.add(new Dataset(Nd4j.createFromArray(new double[][] {{1}}), Nd4j.createFromArray(new double[][] {{v}})));
        }
        return new FederatedDataset(parts, parts.get(0));
    }

    /** Sessions of exactly {@code seconds[i]}: infinite speed and bandwidth, the duration is the latency. */
    static DeviceModel durations(double... seconds) {
        List<Device> d = new ArrayList<>();
        for (double s : seconds) {
            d.add(new Device(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, s));
        }
        return Devices.of(d);
    }

    /** Client i's sessions last mean[i] times an Exp(1) draw keyed by (client, session). */
    static DeviceModel exponential(double... mean) {
        return new DeviceModel() {
            @Override
            public Device device(int client, SeedTree seeds) {
                return new Device(1.0 / mean[client], Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 0);
            }

            @Override
            public double computeJitter(int client, long dispatch, SeedTree seeds) {
                return -Math.log(1.0 - seeds.stream(Purpose.DEVICE, dispatch, client).nextDouble());
            }

            @Override
            public String describe() {
                return "exponential" + java.util.Arrays.toString(mean);
            }
        };
    }

    static SimulationConfig config(int versions) {
        return SimulationConfig.builder().rounds(versions).clientsPerRound(1).seed(3).evalEvery(0)
                .precision(Precision.FLOAT64).build();
    }

    static final LocalTraining EXACT = LocalTraining.fullBatchSteps(1);

    /** Records the model after every version and which client's arrival made it. */
    static final class Models implements TimeListener {
        final List<Double> x = new ArrayList<>();
        final List<Integer> by = new ArrayList<>();
        int lastClient = -1;

        @Override
        public void onSession(SessionRecord r) {
            if (r.outcome() == SessionRecord.Outcome.APPLIED) {
                lastClient = r.client();
            }
        }

        @Override
        public void onServerModel(long version, INDArray model) {
            x.add(model.getDouble(0));
            by.add(lastClient);
        }
    }

    /**
     * O1, FedAsync's limit cycle: two clients with sessions of 1 and 3 seconds (closed system), b = (0, 1), constant
     * staleness weight, mixing alpha. Between two updates of the slow client the fast one updates three times, so
     * right after each slow update x = (1 - alpha)^4 x + alpha, whose fixed point is alpha / (1 - (1 - alpha)^4):
     * 0.5333... at alpha = 0.5; and the mean over the four updates of a cycle is exactly 1/4 for every alpha (the
     * unbiased optimum is 1/2).
     */
    @Test
    void o1FedAsyncLimitCycle() {
        for (double alpha : new double[] {0.5, 0.3, 0.9}) {
            Models m = new Models();
            TimedSimulation.builder(FedAsync.builder().alpha(alpha).staleness(Staleness.constant())
                            .mode(MixingMode.MIX).localTraining(EXACT).localLearningRate(1.0).build())
                    .model(new LeastSquares(1)).data(exact(0, 1)).initialParameters(Nd4j.zeros(DataType.DOUBLE, 1))
                    .config(config(400)).schedule(Schedule.closed(2)).devices(durations(1, 3)).listener(m).build()
                    .run();
            double fixed = alpha / (1 - Math.pow(1 - alpha, 4));
            int slow = 0;
            double sum = 0;
            int count = 0;
            for (int v = 200; v < 400; v++) {
                if (m.by.get(v) == 1) {
                    assertEquals(fixed, m.x.get(v), 1e-12, "after a slow update, alpha " + alpha);
                    slow++;
                }
            }
            // the mean over whole cycles, starting at a slow update
            int start = 200;
            while (m.by.get(start) != 1) {
                start++;
            }
            for (int v = start; v + 4 <= 400; v += 4) {
                for (int k = 0; k < 4; k++) {
                    sum += m.x.get(v + k);
                    count++;
                }
            }
            assertEquals(50, slow, "one slow update in four");
            assertEquals(0.25, sum / count, 1e-12, "mean over the updates, alpha " + alpha);
        }
    }

    /**
     * O2, FedBuff's closed form: the same two clients, K = 2, eta_g = 1, s(tau) = 1/sqrt(1 + tau), deltas against
     * the start model divided by K, uploads before starts at equal times: the model after each flush converges to
     * 1/(1 + 2 sqrt 2) = 0.26120387496. This one number pins the event semantics: re-dispatching a client before a
     * flush at the same instant would give 1/(2 sqrt 3) = 0.28867513459 instead, and breaking ties by client id an
     * orbit 0.1117350 / 0.3024786; a change of the tie order or of the re-dispatch rule fails this test. (Checked:
     * with the queue's kind ranks reversed, starts before uploads, the same run converges to 0.2886751345948129 and this
     * test, O3 on scalars and O3 on softmax fail.)
     */
    @Test
    void o2FedBuffClosedForm() {
        Models m = new Models();
        TimedSimulation.builder(FedBuff.builder().bufferSize(2).serverLearningRate(1.0)
                        .staleness(Staleness.polynomial(0.5)).localTraining(EXACT).localLearningRate(1.0).build())
                .model(new LeastSquares(1)).data(exact(0, 1)).initialParameters(Nd4j.zeros(DataType.DOUBLE, 1))
                .config(config(200)).schedule(Schedule.closed(2)).devices(durations(1, 3)).listener(m).build().run();
        double expected = 1 / (1 + 2 * Math.sqrt(2));
        assertEquals(0.26120387496, expected, 1e-11);
        // flushes alternate: one of the slow client's stale update (weight 1/sqrt 2) with a fast one (t = 3, 6, ...),
        // whose model converges to the fixed point, then one of two fast updates that both started from that model,
        // which takes the model exactly to b_fast = 0 (t = 5, 8, ...): 0, 0.35355, 0, 0.22855, 0, 0.27275, ...
        assertEquals(0.0, m.x.get(0));
        assertEquals(1 / Math.sqrt(8), m.x.get(1), 1e-15);
        for (int v = 150; v < 200; v++) {
            if (v % 2 == 1) {
                assertEquals(expected, m.x.get(v), 1e-12, "model after flush " + (v + 1));
            } else {
                assertEquals(0.0, m.x.get(v), 1e-15, "model after flush " + (v + 1));
            }
        }
    }

    /**
     * O3 on scalars: C = 3 clients with equal durations, K = C, s(0) = 1: FedBuff is synchronous FedAvg with full
     * participation and the same server step; b = (0, 1, 5), eta_g = 0.5, x_0 = 0 gives 1.0, 1.5, 1.75, 1.875,
     * 1.9375.
     */
    @Test
    void o3FedBuffIsFedAvgOnScalars() {
        Models m = new Models();
        TimedSimulation.builder(FedBuff.builder().bufferSize(3).serverLearningRate(0.5)
                        .staleness(Staleness.polynomial(0.5)).localTraining(EXACT).localLearningRate(1.0).build())
                .model(new LeastSquares(1)).data(exact(0, 1, 5)).initialParameters(Nd4j.zeros(DataType.DOUBLE, 1))
                .config(config(5)).schedule(Schedule.closed(3)).listener(m).build().run();
        double[] closedForm = {1.0, 1.5, 1.75, 1.875, 1.9375};
        for (int v = 0; v < 5; v++) {
            // exact in real arithmetic; in floating point (1/3)(1 + 5) is 1.9999999999999998, so version 1 is 1 ulp low
            assertEquals(closedForm[v], m.x.get(v), 1e-15, "version " + (v + 1));
        }
        SimulationResult<?> sync = Simulation.builder(FedAvg.builder().localTraining(EXACT).localLearningRate(1.0)
                        .weighting(WeightedMean.Weighting.UNIFORM).serverLearningRate(0.5).build())
                .model(new LeastSquares(1)).data(exact(0, 1, 5)).initialParameters(Nd4j.zeros(DataType.DOUBLE, 1))
                .participation(Participation.all()).config(SimulationConfig.builder().rounds(5).clientsPerRound(3)
                        .seed(3).precision(Precision.FLOAT64).build()).build().run();
        assertEquals(sync.finalParameters().getDouble(0), m.x.get(4), 0.0, "bit-identical to FedAvg");
    }

    /**
     * O3 in full: FedBuff with K = C = N clients of equal durations is bit-identical to synchronous FedAvg with full
     * participation (uniform weights, the same local training and server step), for softmax regression on
     * Synthetic(1, 1): the clients' k-th sessions use the streams of round k, the arrivals of a wave come in client-id
     * order, and the buffer sums them in that order. (Equal durations: Synthetic's clients hold different numbers of
     * samples, so 5 steps of 10 are 46 samples for a client with 46 and 50 for the others; the sessions here last
     * their latency, 1 s, whatever the work.)
     */
    @Test
    void o3FedBuffIsFedAvgOnSoftmax() {
        FederatedDataset data = SyntheticFedProx.builder().alpha(1).beta(1).clients(12).build()
                .generate(new SeedTree(5).stream(Purpose.DATA_GENERATION));
        int rounds = 6;
        SimulationConfig cfg = SimulationConfig.builder().rounds(rounds).clientsPerRound(12).threads(2).seed(9)
                .evalEvery(1).build();
        SimulationResult<?> sync = Simulation.builder(FedAvg.builder().localSteps(5, 10).localLearningRate(0.05)
                        .weighting(WeightedMean.Weighting.UNIFORM).serverLearningRate(0.7).build())
                .config(cfg).model(new SoftmaxRegression(data.featureCount(), 10)).data(data)
                .participation(Participation.all()).build().run();
        TimedResult<?> buff = TimedSimulation.builder(FedBuff.builder().bufferSize(12).serverLearningRate(0.7)
                        .staleness(Staleness.polynomial(0.5)).localSteps(5, 10).localLearningRate(0.05).build())
                .config(cfg).model(new SoftmaxRegression(data.featureCount(), 10)).data(data)
                .schedule(Schedule.closed(12)).devices(durations(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)).build().run();
        assertArrayEquals(sync.finalParameters().toDoubleVector(), buff.finalParameters().toDoubleVector(),
                "final parameters, bit for bit");
        assertEquals(sync.finalParameters(), buff.finalParameters());
        for (int r = 0; r < rounds; r++) {
            assertEquals(sync.reports().get(r).testLoss(), buff.reports().get(r).testLoss(), "test loss, round " + r);
            assertEquals(sync.reports().get(r).testAccuracy(), buff.reports().get(r).testAccuracy());
            assertEquals(0, buff.reports().get(r).stalenessMax());
        }
        assertEquals(sync.ledger().totalBits(io.github.fl4j.core.comm.Direction.UPLINK),
                buff.ledger().totalBits(io.github.fl4j.core.comm.Direction.UPLINK));
    }

    /**
     * O4, frequency bias: a closed system of three clients with Exp(mean mu_i) durations, mu = (1, 2, 4), exact
     * solvers, b = (0, 1, 2). FedAsync (any alpha) is pulled towards the fast clients: its stationary mean is
     * sum(b_i / mu_i) / sum(1 / mu_i) = 4/7 = 0.571429, not the equal-weight optimum 1.0. FedFix's unbiasing weights
     * bring it back to 1.0; plain FedFix (weights p_i) stays biased. Means over many updates within 5 standard errors
     * (batch means).
     */
    @Test
    void o4FrequencyBiasAndFedFixRemovesIt() {
        double[] b = {0, 1, 2};
        Models async = new Models();
        TimedSimulation.builder(FedAsync.builder().alpha(0.5).staleness(Staleness.constant()).mode(MixingMode.MIX)
                        .localTraining(EXACT).localLearningRate(1.0).build())
                .model(new LeastSquares(1)).data(exact(b)).initialParameters(Nd4j.zeros(DataType.DOUBLE, 1))
                .config(config(40_000)).schedule(Schedule.closed(3)).devices(exponential(1, 2, 4)).listener(async)
                .build().run();
        assertMean(async.x.subList(1000, async.x.size()), 4.0 / 7.0, "FedAsync");

        Models fix = new Models();
        TimedSimulation.builder(FedFix.builder().period(1.0).serverLearningRate(0.2)
                        .clientWeights(FedFix.ClientWeights.UNIFORM).localTraining(EXACT).localLearningRate(1.0)
                        .build())
                .model(new LeastSquares(1)).data(exact(b)).initialParameters(Nd4j.zeros(DataType.DOUBLE, 1))
                .config(config(20_000)).schedule(Schedule.closed(3)).devices(exponential(1, 2, 4)).listener(fix)
                .build().run();
        assertMean(fix.x.subList(1000, fix.x.size()), 1.0, "FedFix");

        Models plain = new Models();
        TimedSimulation.builder(FedFix.builder().period(1.0).serverLearningRate(0.2).unbiased(false)
                        .clientWeights(FedFix.ClientWeights.UNIFORM).localTraining(EXACT).localLearningRate(1.0)
                        .build())
                .model(new LeastSquares(1)).data(exact(b)).initialParameters(Nd4j.zeros(DataType.DOUBLE, 1))
                .config(config(20_000)).schedule(Schedule.closed(3)).devices(exponential(1, 2, 4)).listener(plain)
                .build().run();
        double plainMean = plain.x.subList(1000, plain.x.size()).stream().mapToDouble(Double::doubleValue).average()
                .orElseThrow();
        assertTrue(plainMean < 0.9, "plain FedFix stays biased towards the fast clients, mean " + plainMean);
    }

    static void assertMean(List<Double> x, double expected, String what) {
        int batches = 40;
        int per = x.size() / batches;
        double[] bm = new double[batches];
        for (int k = 0; k < batches; k++) {
            double s = 0;
            for (int i = 0; i < per; i++) {
                s += x.get(k * per + i);
            }
            bm[k] = s / per;
        }
        double m = java.util.Arrays.stream(bm).average().orElseThrow();
        double v = 0;
        for (double a : bm) {
            v += (a - m) * (a - m);
        }
        double se = Math.sqrt(v / (batches - 1) / batches);
        assertEquals(expected, m, 5 * se, what + ": mean " + m + ", standard error " + se);
    }
}
