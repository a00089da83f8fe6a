package io.github.fl4j.core.model;

import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.tensor.Precision;
import java.nio.DoubleBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Checks a {@link Model}'s analytic gradient against central finite differences, in float64:
 *
 * <pre>
 *   fd_j    = (f(x + h e_j; B) - f(x - h e_j; B)) / (2h)
 *   abs_j   = |g_j - fd_j|
 *   rel_j   = |g_j - fd_j| / max(1e-8, |g_j| + |fd_j|)
 * </pre>
 *
 * where {@code g = model.lossAndGradient(x, B, .)} and f is {@code model.loss}. The parameters are copied to float64
 * and the batch converted to float64 (a copy unless it already is; neither input is modified), so the check works for parameters of either
 * precision and measures the model's formulas rather than float32 rounding. The step actually used is
 * {@code (x_j + h) - (x_j - h)} as represented in float64, which removes the representation error of the step.
 *
 * <p>With the default {@code h = 1e-6}, the truncation error is {@code O(h^2 f''')} (about 1e-12 for smooth losses
 * of moderate curvature) and the cancellation error about {@code eps |f| / h} (about 1e-10 for {@code |f| ~ 1}), so a
 * correct gradient typically shows relative errors below 1e-7; a wrong factor or sign shows errors of order 1e-1.
 * Coordinates whose true derivative is (nearly) zero are judged by the absolute error; the 1e-8 floor keeps the
 * relative error finite there.
 *
 * <p>Cost: {@code 2 * |coordinates|} loss evaluations plus one gradient; pass a subset of coordinates for big
 * models. Useful for users' own models too. Stateless and thread-safe (as far as the model is).
 */
public final class GradientCheck {
    /** The default finite-difference step h. */
    public static final double DEFAULT_STEP = 1e-6;

    private static final double RELATIVE_FLOOR = 1e-8;

    private GradientCheck() {
    }

    /**
     * The outcome of a gradient check.
     *
     * @param maxAbsoluteError   {@code max_j |g_j - fd_j|} over the checked coordinates
     * @param maxRelativeError   {@code max_j |g_j - fd_j| / max(1e-8, |g_j| + |fd_j|)}
     * @param worstIndex         the coordinate with the largest relative error (-1 when none was checked)
     * @param analyticAtWorst    {@code g} at {@link #worstIndex}
     * @param numericAtWorst     {@code fd} at {@link #worstIndex}
     * @param checkedCoordinates how many coordinates were checked
     * @param step               the step h
     */
    public record Result(double maxAbsoluteError, double maxRelativeError, long worstIndex, double analyticAtWorst,
            double numericAtWorst, int checkedCoordinates, double step) {

        /** True when the maximum relative error is below {@code tolerance} (NaN never passes). */
        public boolean passes(double tolerance) {
            return maxRelativeError < tolerance;
        }
    }

    /**
     * Checks every coordinate with the default step {@value #DEFAULT_STEP}.
     *
     * @param model  the model whose gradient is checked
     * @param params the point x, length {@code model.dimension()}, float32 or float64 (not modified)
     * @param batch  the batch B (not modified)
     * @return the errors and the worst coordinate
     * @throws IllegalArgumentException as {@link #check(Model, INDArray, Dataset, double, long[])}
     */
    public static Result check(Model model, INDArray params, Dataset batch) {
        return check(model, params, batch, DEFAULT_STEP, null);
    }

    /**
     * Checks every coordinate with step {@code h}.
     *
     * @param model  the model whose gradient is checked
     * @param params the point x, length {@code model.dimension()}, float32 or float64 (not modified)
     * @param batch  the batch B (not modified)
     * @param h      the step, finite and {@code > 0}
     * @return the errors and the worst coordinate
     * @throws IllegalArgumentException as {@link #check(Model, INDArray, Dataset, double, long[])}
     */
    public static Result check(Model model, INDArray params, Dataset batch, double h) {
        return check(model, params, batch, h, null);
    }

    /**
     * Checks the given coordinates (all when {@code coordinates} is null) with step {@code h}.
     *
     * @param model       the model whose gradient is checked
     * @param params      the point x, length {@code model.dimension()}, float32 or float64 (not modified)
     * @param batch       the batch B (not modified)
     * @param h           the step, finite and {@code > 0}
     * @param coordinates indices in {@code [0, d)} to check, or null for all d
     * @return the errors and the worst coordinate
     * @throws IllegalArgumentException on a null argument, a bad step, a params length other than d or an index out
     *                                  of range
     */
    public static Result check(Model model, INDArray params, Dataset batch, double h, long[] coordinates) {
        if (model == null || params == null || batch == null) {
            throw new IllegalArgumentException("model, params and batch must not be null");
        }
        if (!(h > 0.0) || Double.isInfinite(h)) {
            throw new IllegalArgumentException("step h must be finite and > 0, was " + h);
        }
        long d = model.dimension();
        if (params.length() != d) {
            throw new IllegalArgumentException("params length must be " + d + " (dimension), was " + params.length());
        }
        if (d > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("dimension must fit an int, was " + d);
        }
        long[] idx = coordinates;
        if (idx == null) {
            idx = new long[(int) d];
            for (int j = 0; j < d; j++) {
                idx[j] = j;
            }
        }
        for (long j : idx) {
            if (j < 0 || j >= d) {
                throw new IllegalArgumentException("coordinate index must be in [0, " + d + "), was " + j);
            }
        }

        INDArray x = params.castTo(DataType.DOUBLE).dup('c').reshape(d);
        Dataset b = batch.as(Precision.FLOAT64);
        INDArray g = Nd4j.zeros(DataType.DOUBLE, d);
        model.lossAndGradient(x, b, g);
        DoubleBuffer xb = x.data().asNioDouble();
        int xo = (int) x.offset();
        DoubleBuffer gb = g.data().asNioDouble();
        int go = (int) g.offset();

        double maxAbs = 0.0;
        double maxRel = 0.0;
        long worst = -1;
        double gWorst = Double.NaN;
        double fdWorst = Double.NaN;
        for (long jl : idx) {
            int j = (int) jl;
            double orig = xb.get(xo + j);
            double plus = orig + h;
            double minus = orig - h;
            xb.put(xo + j, plus);
            double fPlus = model.loss(x, b);
            xb.put(xo + j, minus);
            double fMinus = model.loss(x, b);
            xb.put(xo + j, orig);
            double fd = (fPlus - fMinus) / (plus - minus);
            double gj = gb.get(go + j);
            double abs = Math.abs(gj - fd);
            double rel = abs / Math.max(RELATIVE_FLOOR, Math.abs(gj) + Math.abs(fd));
            // a NaN error (NaN loss or gradient) is the worst possible and sticks
            if (worst < 0 || !Double.isNaN(maxRel) && !(rel <= maxRel)) {
                maxRel = rel;
                worst = j;
                gWorst = gj;
                fdWorst = fd;
            }
            if (!Double.isNaN(maxAbs) && !(abs <= maxAbs)) {
                maxAbs = abs;
            }
        }
        return new Result(maxAbs, maxRel, worst, gWorst, fdWorst, idx.length, h);
    }
}
