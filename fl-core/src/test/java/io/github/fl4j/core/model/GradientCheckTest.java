package io.github.fl4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

class GradientCheckTest {

    /**
     * f(x) = sum_j x_j^3 / 3 (the batch is ignored), whose gradient is x_j^2; {@code wrongAt} >= 0 doubles the
     * reported gradient at that coordinate, and {@code nanAt} >= 0 reports NaN there.
     */
    private static Model cubic(int d, int wrongAt, int nanAt) {
        return new Model() {
            @Override
            public long dimension() {
                return d;
            }

            @Override
            public void initialParameters(RandomStream rng, INDArray out) {
                out.assign(0);
            }

            @Override
            public double lossAndGradient(INDArray params, Dataset batch, INDArray gradientOut) {
                for (int j = 0; j < d; j++) {
                    double x = params.getDouble(j);
                    double g = j == wrongAt ? 2 * x * x : x * x;
                    gradientOut.putScalar(j, j == nanAt ? Double.NaN : g);
                }
                return loss(params, batch);
            }

            @Override
            public double loss(INDArray params, Dataset batch) {
                double f = 0;
                for (int j = 0; j < d; j++) {
                    double x = params.getDouble(j);
                    f += x * x * x / 3;
                }
                return f;
            }

            @Override
            public Evaluation evaluate(INDArray params, Dataset data) {
                return new Evaluation(loss(params, data), Double.NaN, data.size());
            }
        };
    }

    private static final Dataset ONE_ROW = new Dataset(Nd4j.create(DataType.DOUBLE, 1, 1),
            Nd4j.create(DataType.DOUBLE, 1, 1));

    private static final INDArray X = Nd4j.createFromArray(0.5, -1.0, 2.0, 1.5);

    @Test
    void aCorrectGradientPasses() {
        // central differences on a cubic: fd_j = x_j^2 + h^2/3 exactly (the x^3 Taylor term), so the truncation error
        // is 3.3e-13 for h = 1e-6, and rounding adds about eps * |f| / h ~ 1e-10 absolute
        GradientCheck.Result r = GradientCheck.check(cubic(4, -1, -1), X, ONE_ROW);
        assertTrue(r.passes(1e-8), r.toString());
        assertTrue(r.maxAbsoluteError() < 1e-8, r.toString());
        assertEquals(4, r.checkedCoordinates());
        assertEquals(GradientCheck.DEFAULT_STEP, r.step(), 0.0);
    }

    @Test
    void aWrongFactorIsFoundAtItsIndex() {
        // at coordinate 2 the model reports 2 x^2 = 8 while fd = x^2 = 4:
        // relative error = |8 - 4| / (8 + 4) = 1/3, absolute error = 4
        GradientCheck.Result r = GradientCheck.check(cubic(4, 2, -1), X, ONE_ROW);
        assertFalse(r.passes(1e-6));
        assertEquals(2, r.worstIndex());
        assertEquals(1.0 / 3, r.maxRelativeError(), 1e-8);
        assertEquals(4.0, r.maxAbsoluteError(), 1e-8);
        assertEquals(8.0, r.analyticAtWorst(), 0.0);
        assertEquals(4.0, r.numericAtWorst(), 1e-8);
        // a subset that leaves coordinate 2 out passes
        GradientCheck.Result subset = GradientCheck.check(cubic(4, 2, -1), X, ONE_ROW, 1e-6, new long[] {0, 3});
        assertTrue(subset.passes(1e-8), subset.toString());
        assertEquals(2, subset.checkedCoordinates());
    }

    @Test
    void aNanGradientNeverPasses() {
        GradientCheck.Result r = GradientCheck.check(cubic(4, -1, 1), X, ONE_ROW);
        assertFalse(r.passes(1e-6));
        assertEquals(1, r.worstIndex());
        assertTrue(Double.isNaN(r.maxRelativeError()));
    }

    @Test
    void float32ParamsAreCheckedInFloat64WithoutBeingModified() {
        INDArray x32 = X.castTo(DataType.FLOAT);
        INDArray before = x32.dup();
        GradientCheck.Result r = GradientCheck.check(cubic(4, -1, -1), x32, ONE_ROW.as(Precision.FLOAT32));
        assertTrue(r.passes(1e-8), r.toString());
        assertEquals(before, x32);
    }

    @Test
    void worksOnABuiltInModelWithASubsetOfCoordinates() {
        // softmax regression with p = 784, k = 10 (d = 7850): check 20 coordinates of the weights and the 10 biases.
        // Labels 0/1 only, so every gradient coordinate is far from 0 (bias: about 0.1 - 0.5 for classes 0 and 1,
        // about 0.1 for the others); near-zero coordinates would be limited by the ~5e-10 cancellation error instead
        RandomStream rng = new RandomStream(3);
        SoftmaxRegression model = new SoftmaxRegression(784, 10, 0.01).withInitStdDev(0.01);
        INDArray a = Nd4j.create(DataType.DOUBLE, 8, 784);
        rng.fillUniform(a, 0.0, 1.0);
        INDArray y = Nd4j.create(DataType.DOUBLE, 8, 1);
        for (int i = 0; i < 8; i++) {
            y.putScalar(i, 0, i % 2);
        }
        INDArray x = Tensors.zeros(Precision.FLOAT64, model.dimension());
        model.initialParameters(rng, x);
        long[] coords = new long[30];
        for (int i = 0; i < 20; i++) {
            coords[i] = rng.nextInt(7840);
        }
        for (int c = 0; c < 10; c++) {
            coords[20 + c] = 7840 + c;
        }
        GradientCheck.Result r = GradientCheck.check(model, x, new Dataset(a, y), 1e-6, coords);
        assertTrue(r.passes(1e-6), r.toString());
    }

    @Test
    void rejectsBadArguments() {
        Model m = cubic(4, -1, -1);
        assertEquals("step h must be finite and > 0, was 0.0",
                assertThrows(IllegalArgumentException.class, () -> GradientCheck.check(m, X, ONE_ROW, 0.0))
                        .getMessage());
        assertEquals("params length must be 4 (dimension), was 3", assertThrows(IllegalArgumentException.class,
                () -> GradientCheck.check(m, Nd4j.createFromArray(1.0, 2.0, 3.0), ONE_ROW)).getMessage());
        assertEquals("coordinate index must be in [0, 4), was 4", assertThrows(IllegalArgumentException.class,
                () -> GradientCheck.check(m, X, ONE_ROW, 1e-6, new long[] {4})).getMessage());
    }
}
