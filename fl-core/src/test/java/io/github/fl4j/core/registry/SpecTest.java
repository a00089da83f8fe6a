package io.github.fl4j.core.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SpecTest {

    @Test
    void parsesNamesAndParameters() {
        Spec s = Spec.parse("fedavg(lr=0.05,steps=10,batch=10)");
        assertEquals("fedavg", s.name());
        assertEquals(Map.of("lr", "0.05", "steps", "10", "batch", "10"), s.params());
        assertEquals("[batch, lr, steps]", s.params().keySet().toString());
        assertEquals(Spec.of("identity"), Spec.parse("identity"));
        assertEquals(Spec.of("identity"), Spec.parse("identity()"));
        assertEquals(Spec.of("compressed-gd"), Spec.parse("  compressed-gd  "));
    }

    @Test
    void canonicalFormSortsKeysAndDropsSpaces() {
        Spec s = Spec.parse(" fedavg ( steps = 10 , lr = 0.05 ,batch= 10 ) ");
        assertEquals("fedavg(batch=10,lr=0.05,steps=10)", s.toString());
        assertEquals("identity", Spec.parse("identity ( )").toString());
        assertEquals(s, Spec.parse(s.toString()));
    }

    @Test
    void rawValuesCoverNumbersWordsListsMapsPathsAndNestedSpecs() {
        Spec s = Spec.parse("x(a=-1.5e-3,b=sample-count,c=0.1;0.2;0.3,d=1:-1;2:1,e=/data/libsvm/a9a.gz,"
                + "f=C:\\data\\x.txt,g=topk(k=10),h=compose(inner=topk(fraction=0.1),outer=sign))");
        assertEquals("-1.5e-3", s.params().get("a"));
        assertEquals("sample-count", s.params().get("b"));
        assertEquals("0.1;0.2;0.3", s.params().get("c"));
        assertEquals("1:-1;2:1", s.params().get("d"));
        assertEquals("/data/libsvm/a9a.gz", s.params().get("e"));
        assertEquals("C:\\data\\x.txt", s.params().get("f"));
        assertEquals("topk(k=10)", s.params().get("g"));
        assertEquals("compose(inner=topk(fraction=0.1),outer=sign)", s.params().get("h"));
        // none of them needs quotes in the canonical form
        assertFalse(s.toString().contains("'"), s.toString());
        assertEquals(s, Spec.parse(s.toString()));
    }

    @Test
    void quotingRule() {
        Spec s = Spec.of("x", Map.of("a", "has,comma", "b", "has(paren", "c", "a=b", "d", "it's", "e", "",
                "f", "/my data/file.txt", "g", "close)"));
        assertEquals("x(a='has,comma',b='has(paren',c='a=b',d='it''s',e='',f='/my data/file.txt',g='close)')",
                s.toString());
        assertEquals(s, Spec.parse(s.toString()));
        // quoted values keep their spaces and may hold any character
        assertEquals(" padded ", Spec.parse("x(a=' padded ')").params().get("a"));
        assertEquals("(,=')'", Spec.parse("x(a='(,='')''')").params().get("a"));
        // raw values are trimmed; inner spaces survive and make the canonical form quote them
        Spec spaced = Spec.parse("x(file = /my data/file.txt )");
        assertEquals("/my data/file.txt", spaced.params().get("file"));
        assertEquals("x(file='/my data/file.txt')", spaced.toString());
        // quotes inside a nested spec are skipped over when the outer value is raw
        Spec nested = Spec.parse("x(inner=y(note='a,b'))");
        assertEquals("y(note='a,b')", nested.params().get("inner"));
        assertEquals(Spec.of("y").with("note", "a,b"), Spec.parse(nested.params().get("inner")));
        assertEquals(nested, Spec.parse(nested.toString()));
    }

    @Test
    void randomSpecsSurviveTheirText() {
        Random rnd = new Random(20240601L);
        String alphabet = "ab9.-;:/\\ ,()='\"\t_x";
        for (int i = 0; i < 2000; i++) {
            TreeMap<String, String> params = new TreeMap<>();
            int n = rnd.nextInt(4);
            for (int k = 0; k < n; k++) {
                StringBuilder v = new StringBuilder();
                int len = rnd.nextInt(8);
                for (int j = 0; j < len; j++) {
                    v.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
                }
                params.put("k" + k, v.toString());
            }
            Spec s = new Spec("n" + i % 7, params);
            assertEquals(s, Spec.parse(s.toString()), s::toString);
        }
    }

    @Test
    void errorsNameTheTextAndThePosition() {
        assertError("fedavg(lr=0.05,,steps=1)", 15, "expected a parameter name, found ','");
        assertError("FedAvg", 0, "'FedAvg' is not a valid name");
        assertError("fedavg(lr)", 9, "expected '=' after 'lr', found ')'");
        assertError("fedavg(lr=)", 10, "expected a value for 'lr', found ')'");
        assertError("fedavg(lr=1", 11, "expected ',' or ')' after the value of 'lr', found the end");
        assertError("fedavg(lr=1,lr=2)", 12, "parameter 'lr' is given twice");
        assertError("fedavg(lr=1) x", 13, "unexpected text after the closing ')'");
        assertError("fedavg lr", 7, "expected '(' or the end after the name 'fedavg', found 'l'");
        assertError("x(a='abc)", 9, "unclosed quote opened at character 5");
        assertError("x(a=b=c)", 5, "unexpected '=' in the value of 'a'");
        assertError("x(a=it's)", 6, "a quote inside the value of 'a'");
        assertError("x(a=y(b=1)", 10, "expected ',' or ')' after the value of 'a', found the end");
        assertError("x(a=y(b=1", 9, "unclosed '(' in the value of 'a'");
        assertError("x(Lr=1)", 2, "'Lr' is not a valid parameter name");
        assertError("", 0, "expected a name, found the end");
        assertError("x(a=1,)", 6, "expected a parameter name, found ')'");
    }

    private static void assertError(String text, int position, String fragment) {
        SpecException e = assertThrows(SpecException.class, () -> Spec.parse(text));
        assertEquals(position, e.position(), e.getMessage());
        assertEquals(text, e.text());
        assertTrue(e.getMessage().startsWith("cannot parse '" + text + "' at character " + (position + 1) + ": "),
                e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void namesAndKeysAreLowerCaseIdentifiers() {
        assertTrue(Spec.isIdentifier("fedavg"));
        assertTrue(Spec.isIdentifier("compressed-gd"));
        assertTrue(Spec.isIdentifier("ef21"));
        assertFalse(Spec.isIdentifier("-x"));
        assertFalse(Spec.isIdentifier("x-"));
        assertFalse(Spec.isIdentifier("a--b"));
        assertFalse(Spec.isIdentifier("1a"));
        assertFalse(Spec.isIdentifier("serverLr"));
        assertFalse(Spec.isIdentifier("a_b"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Spec.of("FedAvg"));
        assertTrue(e.getMessage().contains("'FedAvg'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Spec.of("fedavg").with("serverLr", "1"));
        assertTrue(e.getMessage().contains("parameter key of fedavg") && e.getMessage().contains("'serverLr'"),
                e.getMessage());
    }

    @Test
    void isImmutableAndComparedByValue() {
        TreeMap<String, String> m = new TreeMap<>(Map.of("lr", "0.1"));
        Spec s = new Spec("fedavg", m);
        m.put("lr", "0.2");
        assertEquals("0.1", s.params().get("lr"));
        assertThrows(UnsupportedOperationException.class, () -> s.params().put("x", "1"));
        assertEquals(s, Spec.parse("fedavg(lr=0.1)"));
        assertEquals(s.hashCode(), Spec.parse("fedavg(lr=0.1)").hashCode());
        assertFalse(s.equals(Spec.parse("fedavg(lr=0.10)")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Spec.of("x").with("a", "two\nlines"));
        assertEquals("x: the value of 'a' must be one line, was 'two\\nlines'", e.getMessage());
        assertError("x(a='two\r\nlines')", 8, "a line break in the value of 'a' (a value is one line)");
        assertError("x(a=two\nlines)", 7, "a line break in the value of 'a'");
        assertEquals(Spec.parse("x(a=1,b=2)"), Spec.parse("x(\n  a = 1,\n  b = 2\n)"));
    }

    @Test
    void withHelpersWriteCanonicalValues() {
        Spec s = Spec.of("fedavg").with("lr", 0.05).with("steps", 10).with("server-lr", 1.0).with("clip", true)
                .withList("p", 0.1, 0.25, 1).with("inner", Spec.parse("topk(k=3)"));
        assertEquals("fedavg(clip=true,inner=topk(k=3),lr=0.05,p=0.1;0.25;1,server-lr=1,steps=10)", s.toString());
        assertEquals(s, Spec.parse(s.toString()));
        assertEquals("fedavg(steps=10)", s.without("lr").without("clip").without("p").without("inner")
                .without("server-lr").toString());
        assertEquals("x(a=inf)", Spec.of("x").with("a", Double.POSITIVE_INFINITY).toString());
        assertEquals("x(a=1.0E-4)", Spec.of("x").with("a", 1e-4).toString());
        assertEquals(1e-4, new Params(Spec.parse("x(a=1.0E-4)")).getDouble("a"), 0.0);
    }
}
