package io.github.fl4j.dl4j;

import io.github.fl4j.core.data.FederatedData;
import io.github.fl4j.core.data.Labels;
import io.github.fl4j.core.registry.ComponentProvider;
import io.github.fl4j.core.registry.Params;
import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.SpecException;

/**
 * The DL4J models of this module as named components of a {@link Registry} (found by {@link java.util.ServiceLoader}
 * when fl-dl4j is on the class path):
 * <ul>
 *   <li>{@code dl4j-mlp(hidden=200;200, classes=<from data>)}: {@link Dl4jModels#mlp}, ReLU hidden layers and a
 *       softmax output, the features of the data as inputs;</li>
 *   <li>{@code dl4j-mnist-cnn}: {@link Dl4jModels#mnistCnn()}, McMahan et al.'s MNIST CNN (784 features, 10
 *       classes).</li>
 * </ul>
 */
public final class Dl4jComponents implements ComponentProvider {

    /** For {@link java.util.ServiceLoader}. */
    public Dl4jComponents() {
    }

    @Override
    public void register(Registry.Builder r) {
        r.model("dl4j-mlp", "DL4J network: hidden=200;200 (ReLU layer sizes), classes=<from data> (softmax output)",
                (p, data) -> Dl4jModels.mlp(data.featureCount(), p.getInts("hidden", new int[] {200, 200}),
                        classes(p, data)));
        r.model("dl4j-mnist-cnn", "no parameters: McMahan et al.'s MNIST CNN in DL4J (784 features, 10 classes)",
                (p, data) -> {
                    if (data.featureCount() != 784) {
                        throw new SpecException("dl4j-mnist-cnn: needs 28 x 28 = 784 features, the data has "
                                + data.featureCount());
                    }
                    return Dl4jModels.mnistCnn();
                });
    }

    private static int classes(Params p, FederatedData data) {
        if (p.has("classes")) {
            return p.getInt("classes");
        }
        int known = data.knownClassCount();
        if (known > 0) {
            return known;
        }
        if (data.isMaterialized()) {
            int k = 0;
            for (int i = 0; i < data.clientCount(); i++) {
                k = Math.max(k, Labels.classCount(Labels.classIndices(data.client(i))));
            }
            return k;
        }
        throw new SpecException(p.name() + ": the data does not say its number of classes; give classes=K");
    }
}
