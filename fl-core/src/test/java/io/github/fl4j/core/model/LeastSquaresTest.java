package io.github.fl4j.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.Evaluation;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class LeastSquaresTest extends ModelContractTest {

    @Override
    protected Model model() {
        return new LeastSquares(FEATURES);
    }

    @Override
    protected Dataset batch(RandomStream rng, int m) {
        INDArray a = gaussianMatrix(rng, m, FEATURES);
        INDArray y = Nd4j.create(DataType.DOUBLE, m, 1);
        rng.fillGaussian(y, 0.0, 1.0);
        return new Dataset(a, y);
    }

    @Override
    protected Evaluation evaluateInChunks(Model model, INDArray params, Dataset data, int chunkRows) {
        return ((LeastSquares) model).evaluate(params, data, chunkRows);
    }

    /** A = [[1, 2], [3, 4]], y = [1, 2]. */
    private static Dataset handExample(Precision p) {
        return new Dataset(Nd4j.createFromArray(new double[][] {{1, 2}, {3, 4}}),
                Nd4j.createFromArray(new double[][] {{1}, {2}})).as(p);
    }

    @Test
    void handComputedLossAndGradient() {
        // x = (1, 1): A x = (1*1 + 2*1, 3*1 + 4*1) = (3, 7); residuals r = A x - y = (3-1, 7-2) = (2, 5)
        // loss = (1/(2*2)) (2^2 + 5^2) = 29/4 = 7.25
        // gradient = (1/2) A^T r = (1/2) (1*2 + 3*5, 2*2 + 4*5) = (1/2) (17, 24) = (8.5, 12)
        // every number is exact in float32 and float64, so the comparison is exact
        for (Precision p : Precision.values()) {
            Model model = new LeastSquares(2);
            INDArray x = Nd4j.createFromArray(1.0, 1.0).castTo(p.dataType());
            INDArray g = Tensors.zeros(p, 2);
            assertEquals(7.25, model.lossAndGradient(x, handExample(p), g), 0.0, p.toString());
            assertArrayEquals(new double[] {8.5, 12.0}, Tensors.toDoubleArray(g), 0.0, p.toString());
            assertEquals(7.25, model.loss(x, handExample(p)), 0.0);
            Evaluation e = model.evaluate(x, handExample(p));
            assertEquals(7.25, e.loss(), 0.0);
            assertTrue(Double.isNaN(e.accuracy()), "least squares is not a classifier");
            assertEquals(2, e.samples());
        }
    }

    @Test
    void gradientVanishesAtTheExactSolution() {
        // y = A x* with x* = (1, -1): y = (1 - 2, 3 - 4) = (-1, -1); at x* the residuals, loss and gradient are 0
        Model model = new LeastSquares(2);
        Dataset b = new Dataset(Nd4j.createFromArray(new double[][] {{1, 2}, {3, 4}}),
                Nd4j.createFromArray(new double[][] {{-1}, {-1}}));
        INDArray g = Tensors.zeros(Precision.FLOAT64, 2).assign(9);
        assertEquals(0.0, model.lossAndGradient(Nd4j.createFromArray(1.0, -1.0), b, g), 0.0);
        assertArrayEquals(new double[] {0.0, 0.0}, Tensors.toDoubleArray(g), 0.0);
    }

    @Test
    void initialParametersAreZeros() {
        INDArray out = Tensors.zeros(Precision.FLOAT32, FEATURES).assign(3);
        new LeastSquares(FEATURES).initialParameters(null, out);
        assertArrayEquals(new double[FEATURES], Tensors.toDoubleArray(out), 0.0);
        assertEquals(FEATURES, new LeastSquares(FEATURES).dimension());
    }

    @Test
    void rejectsABadFeatureCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LeastSquares(0));
        assertEquals("features must be >= 1, was 0", e.getMessage());
    }
}
