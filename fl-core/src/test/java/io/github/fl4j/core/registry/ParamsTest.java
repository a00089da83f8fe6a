package io.github.fl4j.core.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.aggregation.WeightedMean;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ParamsTest {

    private static Params params(String spec) {
        return new Params(Spec.parse(spec));
    }

    private static void assertMessage(String expected, Executable call) {
        SpecException e = assertThrows(SpecException.class, call);
        assertEquals(expected, e.getMessage());
    }

    @Test
    void numbers() {
        Params p = params("fedavg(lr=0.05,steps=10,big=9000000000,neg=-2,exp=1e-3,clip=inf,abc=abc,half=1.5)");
        assertEquals(0.05, p.getDouble("lr"), 0.0);
        assertEquals(10.0, p.getDouble("steps"), 0.0);
        assertEquals(-2.0, p.getDouble("neg"), 0.0);
        assertEquals(1e-3, p.getDouble("exp"), 0.0);
        assertEquals(Double.POSITIVE_INFINITY, p.getDouble("clip"), 0.0);
        assertEquals(7.0, p.getDouble("missing", 7.0), 0.0);
        assertEquals(10, p.getInt("steps"));
        assertEquals(-2, p.getInt("neg"));
        assertEquals(3, p.getInt("missing", 3));
        assertEquals(9_000_000_000L, p.getLong("big"));
        assertEquals(5L, p.getLong("missing", 5L));
        assertMessage("fedavg: abc must be a number, was 'abc'", () -> p.getDouble("abc"));
        assertMessage("fedavg: abc must be a number, was 'abc'", () -> p.getDouble("abc", 1.0));
        assertMessage("fedavg: half must be an integer, was '1.5'", () -> p.getInt("half"));
        assertMessage("fedavg: big must be an integer in [-2147483648, 2147483647], was '9000000000'",
                () -> p.getInt("big"));
        assertMessage("fedavg: exp must be an integer, was '1e-3'", () -> p.getLong("exp"));
        // NaN and Java's other spellings are not numbers here
        assertMessage("x: a must be a number, was 'NaN'", () -> params("x(a=NaN)").getDouble("a"));
        assertMessage("x: a must be a number, was '1d'", () -> params("x(a=1d)").getDouble("a"));
        assertMessage("x: a must be a number, was '0x10'", () -> params("x(a=0x10)").getDouble("a"));
    }

    @Test
    void missingRequiredKeyNamesTheGivenKeys() {
        assertMessage("fedavg: missing parameter 'lr' (given: lrr, steps)", () -> params("fedavg(lrr=0.1,steps=1)")
                .getDouble("lr"));
        assertMessage("fedavg: missing parameter 'lr'", () -> params("fedavg").getDouble("lr"));
    }

    @Test
    void booleansStringsPathsChoicesAndEnums() {
        Params p = params("x(t=true,f=FALSE,w=maybe,file='/my data/x.txt',weighting=uniform,split=Quantity_Skew,"
                + "bad=medium)");
        assertTrue(p.getBoolean("t"));
        assertFalse(p.getBoolean("f"));
        assertTrue(p.getBoolean("missing", true));
        assertMessage("x: w must be true or false, was 'maybe'", () -> p.getBoolean("w"));
        assertEquals("maybe", p.getString("w"));
        assertEquals("dflt", p.getString("missing", "dflt"));
        assertEquals(Path.of("/my data/x.txt"), p.getPath("file"));
        assertEquals(Path.of("d"), p.getPath("missing", Path.of("d")));
        assertEquals(WeightedMean.Weighting.UNIFORM, p.getEnum("weighting", WeightedMean.Weighting.class));
        assertEquals(WeightedMean.Weighting.SAMPLE_COUNT, p.getEnum("missing", WeightedMean.Weighting.class,
                WeightedMean.Weighting.SAMPLE_COUNT));
        assertMessage("x: bad must be one of sample-count, uniform, population, was 'medium'",
                () -> p.getEnum("bad", WeightedMean.Weighting.class));
        assertEquals("quantity-skew", p.getChoice("split", "iid", "iid", "quantity-skew"));
        assertEquals("iid", p.getChoice("missing", "iid", "iid", "quantity-skew"));
        assertMessage("x: bad must be one of iid, shards, was 'medium'", () -> p.getChoice("bad", "iid", "iid",
                "shards"));
        assertEquals("sample-count", Params.word(WeightedMean.Weighting.SAMPLE_COUNT));
    }

    @Test
    void lists() {
        Params p = params("x(p=0.1;0.2; 0.3,one=0.5,h=200;100,bad=0.1;;0.2,word=0.1;x)");
        assertArrayEquals(new double[] {0.1, 0.2, 0.3}, p.getDoubles("p"));
        assertArrayEquals(new double[] {0.5}, p.getDoubles("one"));
        assertArrayEquals(new int[] {200, 100}, p.getInts("h"));
        assertArrayEquals(new int[] {1}, p.getInts("missing", new int[] {1}));
        assertMessage("x: bad must be a list of numbers separated by ';' (item 2 is empty), was '0.1;;0.2'",
                () -> p.getDoubles("bad"));
        assertMessage("x: word must be a list of numbers separated by ';' (item 2 is 'x'), was '0.1;x'",
                () -> p.getDoubles("word"));
        assertMessage("x: p must be a list of integers separated by ';' (item 1 is '0.1'), was '0.1;0.2; 0.3'",
                () -> p.getInts("p"));
    }

    @Test
    void nestedSpecs() {
        Params p = params("compose(outer=sign,inner=topk(k=10),bad='topk(k=')");
        assertEquals(Spec.of("sign"), p.getSpec("outer"));
        assertEquals(Spec.parse("topk(k=10)"), p.getSpec("inner"));
        assertEquals(Spec.of("identity"), p.getSpec("missing", Spec.of("identity")));
        SpecException e = assertThrows(SpecException.class, () -> p.getSpec("bad"));
        assertTrue(e.getMessage().startsWith("compose: bad must be a component spec, cannot parse 'topk(k=' at "
                + "character 8"), e.getMessage());
    }

    @Test
    void requireAllUsedNamesUnknownKeysAndListsKnownOnes() {
        Params p = params("fedavg(lrr=0.1,steps=10,batch=10)");
        p.getDouble("lr", 0.05);
        p.getInt("steps", 10);
        p.getInt("batch", 10);
        p.has("clip");
        assertEquals(Set.of("lrr"), p.unusedKeys());
        assertEquals("[batch, clip, lr, steps]", p.knownKeys().toString());
        assertMessage("fedavg: unknown parameter 'lrr' (did you mean 'lr'?); known: batch, clip, lr, steps",
                p::requireAllUsed);

        Params two = params("x(a=1,zz=2,yy=3)");
        two.getInt("a");
        assertMessage("x: unknown parameters 'yy', 'zz'; known: a", two::requireAllUsed);

        Params none = params("identity(k=1)");
        assertMessage("identity: unknown parameter 'k'; known: none (identity takes no parameters)",
                none::requireAllUsed);

        Params ok = params("x(a=1)");
        ok.getInt("a");
        ok.requireAllUsed();
    }

    @Test
    void exposesSpecAndRegistry() {
        Spec s = Spec.parse("x(a=1)");
        Params p = new Params(s);
        assertSame(s, p.spec());
        assertEquals("x", p.name());
        assertSame(Registry.standard(), p.registry());
        assertEquals("x: a must be a positive number, was '-1'", p.bad("a", "-1", "a positive number")
                .getMessage());
    }
}
