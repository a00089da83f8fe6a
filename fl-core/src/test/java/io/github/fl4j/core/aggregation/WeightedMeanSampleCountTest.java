package io.github.fl4j.core.aggregation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link WeightedMean#bySampleCount()} under the aggregator contract, and by hand. */
class WeightedMeanSampleCountTest extends AggregatorContractTest {

    @Override
    protected Aggregator aggregator() {
        return WeightedMean.bySampleCount();
    }

    /**
     * Clients 0 (m = 3) and 1 (m = 1) upload (1, 2) and (5, -2): w = (3/4, 1/4), so
     * out = (3/4 + 5/4, 6/4 - 2/4) = (2, 1), exact in binary.
     */
    @Test
    void byHand() {
        List<Upload> u = List.of(new Upload(0, 3, Message.of(Nd4j.createFromArray(1.0, 2.0))),
                new Upload(1, 1, Message.of(Nd4j.createFromArray(5.0, -2.0))));
        INDArray out = Nd4j.createFromArray(Double.NaN, Double.NaN);
        aggregator().aggregate(u, 0, out, context(Precision.FLOAT64, new int[] {0, 1}));
        assertArrayEquals(new double[] {2, 1}, Tensors.toDoubleArray(out), 0.0);
    }
}
