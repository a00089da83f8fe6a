package io.github.fl4j.core.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.aggregation.CoordinateMedian;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The streaming seam: {@link WeightedMean#fold} equals {@link WeightedMean#aggregate} bit for bit on random uploads
 * with unequal sample counts; the accumulators check the order of the uploads and the end of the round; the
 * collecting default hands {@link Server#apply} the uploads in order.
 */
class StreamingAccumulatorTest {
    /** 40 clients with unequal sample counts; m_n / T differs from m_n * (1/T) in the last bit for 10 of 27. */
    private static final int[] SIZES = {69, 292, 434, 411, 392, 33, 131, 61, 254, 390, 231, 242, 334, 195, 404, 108,
        49, 250, 15, 458, 428, 200, 222, 312, 391, 393, 2, 357, 229, 137, 370, 411, 118, 303, 484, 53, 462, 163, 16,
        12};

    private static ServerContext ctx(int... participants) {
        return new ServerContext(3, SIZES, participants, new SeedTree(5), Precision.FLOAT32);
    }

    private static List<Upload> uploads(Precision p, long d, RandomStream rng, int... ids) {
        List<Upload> out = new ArrayList<>();
        for (int id : ids) {
            INDArray v = Tensors.zeros(p, d);
            rng.fillGaussian(v, 0, 1);
            INDArray w = Tensors.zeros(p, d);
            rng.fillGaussian(w, 0, 1);
            out.add(new Upload(id, SIZES[id], Message.of(v, w)));
        }
        return out;
    }

    private static long[] bits(INDArray x) {
        double[] v = Tensors.toDoubleArray(x);
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Double.doubleToRawLongBits(v[i]);
        }
        return b;
    }

    @Test
    void weightedMeanFoldEqualsAggregateBitForBit() {
        int[] ids = java.util.stream.IntStream.range(0, SIZES.length).filter(i -> i % 3 != 1).toArray();
        for (Precision p : Precision.values()) {
            for (WeightedMean.Weighting w : WeightedMean.Weighting.values()) {
                for (int slot = 0; slot < 2; slot++) {
                    List<Upload> ups = uploads(p, 1001, new RandomStream(17 + slot), ids);
                    WeightedMean agg = WeightedMean.of(w);
                    INDArray expected = Tensors.zeros(p, 1001);
                    agg.aggregate(ups, slot, expected, ctx(ids));
                    INDArray out = Tensors.zeros(p, 1001);
                    Tensors.scale(Double.NaN, out);
                    Aggregator.Fold f = agg.fold(slot, out, ctx(ids));
                    for (Upload u : ups) {
                        f.add(u);
                    }
                    f.finish();
                    assertArrayEquals(bits(expected), bits(out), w + " " + p + " slot " + slot);
                    // the sample-count weights are not all equal, so a fold that ignored them would differ
                    INDArray uniform = Tensors.zeros(p, 1001);
                    WeightedMean.uniform().aggregate(ups, slot, uniform, ctx(ids));
                    if (w == WeightedMean.Weighting.SAMPLE_COUNT) {
                        assertFalse(java.util.Arrays.equals(bits(expected), bits(uniform)));
                    }
                }
            }
        }
    }

    @Test
    void robustAggregatorsHaveNoFold() {
        assertNull(new CoordinateMedian().fold(0, Tensors.zeros(Precision.FLOAT32, 3), ctx(0, 1)));
        assertNotNull(WeightedMean.bySampleCount().fold(0, Tensors.zeros(Precision.FLOAT32, 3), ctx(0, 1)));
    }

    @Test
    void foldChecksOrderAndCount() {
        List<Upload> ups = uploads(Precision.FLOAT32, 4, new RandomStream(1), 0, 2, 5);
        Aggregator.Fold f = WeightedMean.bySampleCount().fold(0, Tensors.zeros(Precision.FLOAT32, 4), ctx(0, 2, 5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.add(ups.get(1)));
        assertTrue(e.getMessage().contains("expected the upload of client 0, got client 2"), e.getMessage());
        f.add(ups.get(0));
        assertThrows(IllegalStateException.class, f::finish);
        assertThrows(IllegalArgumentException.class, () -> WeightedMean.uniform().fold(0,
                Tensors.zeros(Precision.FLOAT32, 4), ctx()));
    }

    /** A server whose apply records the ids it was given and returns their count as the state. */
    private static final class CountingServer implements Server<Integer> {
        final List<Integer> seen = new ArrayList<>();

        @Override
        public Message broadcast(Integer state, ServerContext ctx) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Integer apply(Integer state, List<Upload> uploads, ServerContext ctx) {
            uploads.forEach(u -> seen.add(u.clientId()));
            return state + uploads.size();
        }

        @Override
        public INDArray model(Integer state) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void theCollectingDefaultCallsApplyWithTheUploadsInOrder() {
        CountingServer s = new CountingServer();
        List<Upload> ups = uploads(Precision.FLOAT32, 2, new RandomStream(3), 1, 3, 6);
        RoundAccumulator<Integer> acc = s.begin(10, ctx(1, 3, 6));
        assertTrue(acc.retainsUploads());
        acc.accept(ups.get(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> acc.accept(ups.get(2)));
        assertTrue(e.getMessage().contains("expected the upload of client 3"), e.getMessage());
        acc.accept(ups.get(1));
        IllegalStateException early = assertThrows(IllegalStateException.class, acc::finish);
        assertTrue(early.getMessage().contains("after 2 of 3 uploads"), early.getMessage());
        assertTrue(s.seen.isEmpty(), "apply is not called before the round is complete");
        acc.accept(ups.get(2));
        assertEquals(13, acc.finish());
        assertEquals(List.of(1, 3, 6), s.seen);
        assertThrows(IllegalStateException.class, acc::finish);
        assertThrows(IllegalStateException.class, () -> acc.accept(ups.get(0)));
    }

    @Test
    void streamingAccumulatorChecksOrderSizesAndEnd() {
        List<Integer> folded = new ArrayList<>();
        ServerContext c = ctx(2, 4);
        StreamingAccumulator<String> acc = new StreamingAccumulator<>(c) {
            @Override
            protected void fold(int k, Upload u) {
                folded.add(k * 100 + u.clientId());
            }

            @Override
            protected String complete() {
                return "done " + participantCount();
            }
        };
        assertFalse(acc.retainsUploads());
        Upload wrongSize = new Upload(2, SIZES[2] + 1, Message.of(Tensors.zeros(Precision.FLOAT32, 1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> acc.accept(wrongSize));
        assertTrue(e.getMessage().contains("numSamples " + (SIZES[2] + 1)), e.getMessage());
        List<Upload> ups = uploads(Precision.FLOAT32, 1, new RandomStream(4), 2, 4, 5);
        acc.accept(ups.get(0));
        acc.accept(ups.get(1));
        IllegalArgumentException late = assertThrows(IllegalArgumentException.class, () -> acc.accept(ups.get(2)));
        assertTrue(late.getMessage().contains("after all 2 participants"), late.getMessage());
        assertSame("done 2", acc.finish().intern());
        assertEquals(List.of(2, 104), folded);
        assertThrows(IllegalStateException.class, acc::finish);
    }
}
