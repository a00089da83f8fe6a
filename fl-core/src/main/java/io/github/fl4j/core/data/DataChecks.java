package io.github.fl4j.core.data;

import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.tensor.Tensors;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Checks a simulation runs on its inputs before round 1, so that a bad value is reported as what it is and where it
 * is, instead of surfacing later as "the training loss diverged" or as a NaN test accuracy:
 *
 * <ul>
 *   <li>every feature and label of every client's data and of the test set is finite (the message names the
 *       dataset, the row and the column, 0-based, and the value);</li>
 *   <li>every label is one the model accepts ({@link Model#checkLabels}: a class index in [0, k) for softmax models,
 *       -1 or +1 for logistic regression), naming the dataset, the row and the value;</li>
 *   <li>a parameter vector (initial parameters) is finite, naming the coordinate.</li>
 * </ul>
 *
 * <p>Cost: one native absolute-sum per array (a second, element-wise pass only when that sum is not finite) and one
 * pass over the labels; for MNIST (60,000 x 784 floats) a few tens of milliseconds, once per simulation.
 */
public final class DataChecks {
    private DataChecks() {
    }

    /**
     * Checks every client's dataset ({@code "client i"}) and the test set ({@code "test set"}) of {@code data}:
     * finite features and labels, and labels the model accepts. For lazy data (anything but a materialised
     * {@link FederatedDataset}) only the test set is checked: loading every client to check it would defeat the point
     * of lazy data, and the lazy sources build their clients from checked parts (a generator, or rows of a shared
     * dataset that can be checked once with {@link #check(Dataset, String, Model)}).
     *
     * @throws IllegalArgumentException naming the dataset, the row, the column and the bad value
     */
    public static void check(FederatedData data, Model model) {
        if (data instanceof FederatedDataset) {
            // materialised: every client is in memory already; a lazy source is not loaded here (its clients are
            // generated or gathered on demand: checking them would load the whole population)
            for (int i = 0; i < data.clientCount(); i++) {
                check(data.client(i), "client " + i + "'s training data", model);
            }
        }
        if (data.test().size() > 0) {
            check(data.test(), "the test set", model);
        }
    }

    /**
     * Checks one dataset: finite features and labels, and (when {@code model} is not null) labels the model accepts.
     *
     * @param name how the message names the dataset, e.g. "the test set" or a file name
     * @throws IllegalArgumentException naming the dataset, the row, the column and the bad value
     */
    public static void check(Dataset d, String name, Model model) {
        if (d.source() != null && !name.contains(d.source())) {
            name = name + " (" + d.source() + ")";
        }
        requireFiniteFeatures(d, name);
        INDArray y = d.labels();
        long bad = Tensors.firstNonFinite(y);
        if (bad >= 0) {
            throw new IllegalArgumentException(name + ": the label at row " + bad + " is " + y.getDouble(bad, 0)
                    + " (labels must be finite)");
        }
        if (model != null) {
            model.checkLabels(d, name);
        }
    }

    /**
     * Fails when a feature of {@code d} is NaN or infinite.
     *
     * @throws IllegalArgumentException naming the dataset, the row, the column and the value
     */
    public static void requireFiniteFeatures(Dataset d, String name) {
        if (d.isSparse()) {
            return; // a CsrMatrix holds finite values only (checked when it was built)
        }
        INDArray x = d.features();
        if (x.length() == 0) {
            return;
        }
        INDArray flat = x.isView() ? x.dup('c') : x;
        long bad = Tensors.firstNonFinite(flat);
        if (bad >= 0) {
            long p = x.columns();
            throw new IllegalArgumentException(name + ": the feature at row " + (bad / p) + ", column " + (bad % p)
                    + " is " + flat.getDouble(bad) + " (features must be finite)");
        }
    }

    /**
     * Fails when a coordinate of the parameter vector {@code v} is NaN or infinite.
     *
     * @param what how the message names the vector, e.g. "initialParameters"
     * @throws IllegalArgumentException naming the vector, the coordinate and the value
     */
    public static void requireFiniteParameters(INDArray v, String what) {
        long bad = Tensors.firstNonFinite(v);
        if (bad >= 0) {
            throw new IllegalArgumentException(what + " must be finite: coordinate " + bad + " of " + v.length()
                    + " is " + v.getDouble(bad));
        }
    }

    /**
     * The labels of {@code d} as doubles, for {@link Model#checkLabels} implementations.
     */
    public static double[] labels(Dataset d) {
        return Tensors.toDoubleArray(d.labels());
    }
}
