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

/** {@link WeightedMean#uniform()} under the aggregator contract, and by hand. */
class WeightedMeanUniformTest extends AggregatorContractTest {

    @Override
    protected Aggregator aggregator() {
        return WeightedMean.uniform();
    }

    /** Clients 0 (m = 3) and 1 (m = 1) upload (1, 2) and (5, -2): w = (1/2, 1/2), out = (3, 0) whatever the m_n. */
    @Test
    void byHand() {
        List<Upload> u = List.of(new Upload(0, 3, Message.of(Nd4j.createFromArray(1.0, 2.0))),
                new Upload(1, 1, Message.of(Nd4j.createFromArray(5.0, -2.0))));
        INDArray out = Nd4j.createFromArray(Double.NaN, Double.NaN);
        aggregator().aggregate(u, 0, out, context(Precision.FLOAT64, new int[] {0, 1}));
        assertArrayEquals(new double[] {3, 0}, Tensors.toDoubleArray(out), 0.0);
    }
}
