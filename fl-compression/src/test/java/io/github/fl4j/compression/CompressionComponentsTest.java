package io.github.fl4j.compression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.Compressed;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.registry.Kind;
import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.Spec;
import io.github.fl4j.core.registry.SpecException;
import io.github.fl4j.core.random.RandomStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CompressionComponentsTest {
    private static final Registry R = Registry.standard();

    /** The minimal spec of every name this module registers, and what the factory methods give for it. */
    private static Map<String, Compressor> expected() {
        Map<String, Compressor> m = new LinkedHashMap<>();
        m.put("topk(k=3)", Compressors.topK(3));
        m.put("randk(fraction=0.25)", Compressors.randK(0.25));
        m.put("qsgd(levels=4)", Compressors.qsgd(4));
        m.put("natural", Compressors.natural());
        m.put("sign", Compressors.sign());
        m.put("scaled-sign", Compressors.scaledSign());
        m.put("bernoulli(p=0.5)", Compressors.bernoulli(0.5));
        m.put("compose(outer=natural,inner=topk(k=2))", Compressors.compose(Compressors.natural(),
                Compressors.topK(2)));
        m.put("ef-scaled(of=qsgd(levels=2))", Compressors.scaledForEf(Compressors.qsgd(2)));
        return m;
    }

    @Test
    void everyNameBuildsWhatTheFactoryMethodGives() {
        TreeSet<String> mine = new TreeSet<>();
        for (String name : R.names(Kind.COMPRESSOR)) {
            if (R.provider(Kind.COMPRESSOR, name).equals(CompressionComponents.class.getName())) {
                mine.add(name);
            }
        }
        TreeSet<String> tested = new TreeSet<>();
        INDArray x = Nd4j.createFromArray(0.5f, -2f, 0f, 3f, -0.25f, 1f, 7f, -1f);
        for (Map.Entry<String, Compressor> e : expected().entrySet()) {
            Spec spec = Spec.parse(e.getKey());
            tested.add(spec.name());
            Compressor built = R.compressor(spec);
            assertEquals(e.getValue().name(), built.name(), e.getKey());
            assertEquals(e.getValue().getClass(), built.getClass(), e.getKey());
            // same operator: same output and bits from the same stream
            Compressed a = built.compress(x, new RandomStream(5));
            Compressed b = e.getValue().compress(x, new RandomStream(5));
            assertEquals(b.bits(), a.bits(), e.getKey());
            assertArrayEquals(b.decoded().toFloatVector(), a.decoded().toFloatVector(), e.getKey());
            // an unknown key lists the keys the factory reads, and the description mentions each
            SpecException unknown = assertThrows(SpecException.class, () -> R.compressor(spec.with("zz-probe", 1)));
            String msg = unknown.getMessage();
            String known = msg.substring(msg.indexOf("known: ") + 7);
            if (!known.startsWith("none")) {
                for (String key : known.split(", ")) {
                    assertTrue(R.describe(Kind.COMPRESSOR, spec.name()).contains(key), spec + ": " + key);
                }
            }
        }
        assertEquals(mine, tested);
        assertSame(IdentityCompressor.INSTANCE, R.compressor(Spec.of("identity")));
    }

    @Test
    void optionsMatchTheirFactoryMethods() {
        assertEquals(Compressors.topK(0.1).name(), R.compressor(Spec.parse("topk(fraction=0.1)")).name());
        assertEquals(Compressors.topK(5).valuesOnly().name(),
                R.compressor(Spec.parse("topk(k=5,values-only=true)")).name());
        assertEquals(Compressors.randK(4).name(), R.compressor(Spec.parse("randk(k=4)")).name());
        assertEquals(Compressors.randKUnscaled(4).name(), R.compressor(Spec.parse("randk(k=4,scaled=false)"))
                .name());
        assertEquals(Compressors.randKUnscaled(0.5).name(),
                R.compressor(Spec.parse("randk(fraction=0.5,scaled=false)")).name());
    }

    @Test
    void errorsNameTheKey() {
        SpecException e = assertThrows(SpecException.class, () -> R.compressor(Spec.of("topk")));
        assertEquals("topk: give k (coordinates) or fraction (of the dimension)", e.getMessage());
        e = assertThrows(SpecException.class, () -> R.compressor(Spec.parse("randk(k=1,fraction=0.1)")));
        assertEquals("randk: give k (coordinates) or fraction (of the dimension), not both", e.getMessage());
        e = assertThrows(SpecException.class, () -> R.compressor(Spec.parse("qsgd(levels=many)")));
        assertEquals("qsgd: levels must be an integer, was 'many'", e.getMessage());
        e = assertThrows(SpecException.class, () -> R.compressor(Spec.parse("qsgd(level=4)")));
        assertEquals("qsgd: missing parameter 'levels' (given: level)", e.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> R.compressor(Spec.parse("topk(fraction=2)")));
        assertTrue(range.getMessage().startsWith("compressor topk(fraction=2): "), range.getMessage());
        range = assertThrows(IllegalArgumentException.class,
                () -> R.compressor(Spec.parse("compose(outer=sign,inner=topkk(k=1))")));
        assertTrue(range.getMessage().startsWith("compressor compose(inner=topkk(k=1),outer=sign): unknown "
                + "compressor 'topkk' (did you mean 'topk'?); known: "), range.getMessage());
        e = assertThrows(SpecException.class, () -> R.compressor(Spec.parse("ef-scaled(of=qsgd(s=2))")));
        assertEquals("qsgd: missing parameter 'levels' (given: s)", e.getMessage());
    }
}
