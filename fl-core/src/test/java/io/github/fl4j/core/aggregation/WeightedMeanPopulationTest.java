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

/**
 * {@link WeightedMean#population()} under the aggregator contract (whose idempotence and equivariance checks use full
 * participation, where 1/N weights sum to 1), and by hand.
 */
class WeightedMeanPopulationTest extends AggregatorContractTest {

    @Override
    protected Aggregator aggregator() {
        return WeightedMean.population();
    }

    /**
     * Clients 0 and 1 of the N = 6 population upload (1, 2) and (5, -2): w = (1/6, 1/6), out = (6/6, 0/6) = (1, 0);
     * absent clients count as zero, so the mean shrinks by |S|/N = 1/3 against the uniform one.
     */
    @Test
    void byHand() {
        List<Upload> u = List.of(new Upload(0, 3, Message.of(Nd4j.createFromArray(1.0, 2.0))),
                new Upload(1, 1, Message.of(Nd4j.createFromArray(5.0, -2.0))));
        INDArray out = Nd4j.createFromArray(Double.NaN, Double.NaN);
        aggregator().aggregate(u, 0, out, context(Precision.FLOAT64, new int[] {0, 1}));
        assertArrayEquals(new double[] {1, 0}, Tensors.toDoubleArray(out), 1e-15);
    }
}
