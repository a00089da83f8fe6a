package io.github.fl4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.FederatedData;
import io.github.fl4j.core.registry.Kind;
import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.Spec;
import io.github.fl4j.core.registry.SpecException;
import org.junit.jupiter.api.Test;

class Dl4jComponentsTest {
    private static final Registry R = Registry.standard();

    @Test
    void theDl4jModelsAreRegisteredByThisModule() {
        assertEquals(Dl4jComponents.class.getName(), R.provider(Kind.MODEL, "dl4j-mlp"));
        assertEquals(Dl4jComponents.class.getName(), R.provider(Kind.MODEL, "dl4j-mnist-cnn"));
    }

    /** Synthetic(dimension=60, classes=10) and hidden=4: (60 * 4 + 4) + (4 * 10 + 10) = 294 parameters. */
    @Test
    void mlpTakesItsSizesFromTheData() {
        FederatedData data = R.data(Spec.parse("synthetic(clients=3,samples=20)"), 1);
        Model m = R.model(Spec.parse("dl4j-mlp(hidden=4)"), data);
        assertInstanceOf(Dl4jModel.class, m);
        assertEquals(294, m.dimension());
        assertEquals(60 * 4 + 4 + 4 * 3 + 3, R.model(Spec.parse("dl4j-mlp(hidden=4,classes=3)"), data).dimension());
    }

    @Test
    void theCnnRefusesDataThatIsNotMnistSized() {
        FederatedData data = R.data(Spec.parse("synthetic(clients=3,samples=20)"), 1);
        SpecException e = assertThrows(SpecException.class, () -> R.model(Spec.of("dl4j-mnist-cnn"), data));
        assertEquals("dl4j-mnist-cnn: needs 28 x 28 = 784 features, the data has 60", e.getMessage());
    }
}
