package io.github.fl4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The fused {@link Mlp#sgdStep} equals lossAndGradient followed by an axpy (the Model default) to rounding. */
class MlpSgdStepTest {

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.3})
    void fusedStepEqualsGradientThenAxpy(double lambda) {
        Mlp mlp = new Mlp(6, new int[] {5, 4}, 3, lambda);
        RandomStream rng = new RandomStream(11);
        int m = 9;
        double[][] x = new double[m][6];
        double[][] y = new double[m][1];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < 6; j++) {
                x[i][j] = rng.nextGaussian();
            }
            y[i][0] = rng.nextInt(3);
        }
        Dataset batch = new Dataset(Nd4j.createFromArray(x), Nd4j.createFromArray(y));
        INDArray p = Tensors.zeros(Precision.FLOAT64, mlp.dimension());
        mlp.initialParameters(new RandomStream(5), p);
        INDArray fused = p.dup();
        INDArray plain = p.dup();
        INDArray grad = Tensors.zeros(Precision.FLOAT64, mlp.dimension());
        for (int step = 0; step < 3; step++) {
            double lf = mlp.sgdStep(fused, batch, 0.2, grad);
            double lp = mlp.lossAndGradient(plain, batch, grad);
            Tensors.axpy(-0.2, grad, plain);
            // Same loss at the same starting point up to the rounding of earlier steps (float64, a few ulps).
            assertEquals(lp, lf, 1e-12);
        }
        double[] a = Tensors.toDoubleArray(fused);
        double[] b = Tensors.toDoubleArray(plain);
        for (int i = 0; i < a.length; i++) {
            assertEquals(b[i], a[i], 1e-12, "coordinate " + i);
        }
    }
}
