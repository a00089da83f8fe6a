package io.github.fl4j.core.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DynamicTest;

/**
 * A catalogue of bad-input cases over a list of public API classes (builders and factories), reusable by every
 * module's bad-input suite: each case feeds one bad value to one method and requires an exception whose message
 * contains the given fragments (the field's name and the bad value); {@link #uncovered()} lists every public
 * setter or factory of the listed classes that has neither a case nor a stated exemption, so that adding a field
 * without a bad-value test fails the suite.
 *
 * <p>Which methods count: for a class listed as a builder, its public instance methods with at least one parameter
 * that return the class itself (or a type variable: a self-typed builder); for a class listed as a factory, its public
 * static methods with at least one parameter; for a class listed as both, both. A key is
 * {@code Outer$Builder#method} (the class name without its package; overloads share a key).
 */
public final class BadInputSuite {
    /** An action that must throw. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /** One case: the method it covers, the bad value (for the report), the action and the message fragments. */
    public record Case(String key, String value, Action action, String[] fragments) {
    }

    private final Map<Class<?>, Boolean[]> classes = new LinkedHashMap<>();
    private final List<Case> cases = new ArrayList<>();
    private final Map<String, String> exempt = new LinkedHashMap<>();

    /** Lists a builder class: its self-returning public instance methods with parameters are setters. */
    public BadInputSuite builder(Class<?> c) {
        classes.put(c, new Boolean[] {true, false});
        return this;
    }

    /** Lists a factory class: its public static methods with parameters are factories. */
    public BadInputSuite factory(Class<?> c) {
        classes.put(c, new Boolean[] {false, true});
        return this;
    }

    /** Lists a class with both setters and factories. */
    public BadInputSuite both(Class<?> c) {
        classes.put(c, new Boolean[] {true, true});
        return this;
    }

    /** A case for {@code c#method}: {@code action} must throw with every fragment in its message. */
    public BadInputSuite bad(Class<?> c, String method, String value, Action action, String... fragments) {
        cases.add(new Case(name(c) + "#" + method, value, action, fragments));
        return this;
    }

    /** A method that accepts every value of its parameter types (or only sets a flag), with the reason. */
    public BadInputSuite noBadValue(Class<?> c, String method, String reason) {
        exempt.put(name(c) + "#" + method, reason);
        return this;
    }

    /** The class name without its package, with the enclosing class: {@code FedAvg$Builder}. */
    static String name(Class<?> c) {
        return c.getName().substring(c.getPackageName().isEmpty() ? 0 : c.getPackageName().length() + 1);
    }

    /** The number of cases. */
    public int size() {
        return cases.size();
    }

    /** The number of listed classes. */
    public int classCount() {
        return classes.size();
    }

    /** The setters and factories of the listed classes, as keys. */
    public Set<String> methods() {
        Set<String> keys = new TreeSet<>();
        for (Map.Entry<Class<?>, Boolean[]> e : classes.entrySet()) {
            Class<?> c = e.getKey();
            for (Method m : c.getDeclaredMethods()) {
                if (!Modifier.isPublic(m.getModifiers()) || m.isSynthetic() || m.getParameterCount() == 0) {
                    continue;
                }
                boolean isStatic = Modifier.isStatic(m.getModifiers());
                boolean setter = !isStatic && e.getValue()[0] && (m.getReturnType() == c
                        || m.getGenericReturnType() instanceof java.lang.reflect.TypeVariable);
                boolean factory = isStatic && e.getValue()[1];
                if (setter || factory) {
                    keys.add(name(c) + "#" + m.getName());
                }
            }
        }
        return keys;
    }

    /** The setters and factories with neither a case nor an exemption. */
    public Set<String> uncovered() {
        Set<String> missing = new TreeSet<>(methods());
        for (Case c : cases) {
            missing.remove(c.key());
        }
        missing.removeAll(exempt.keySet());
        return missing;
    }

    /** Cases and exemptions that name no listed method (a renamed or removed method). */
    public Set<String> stale() {
        Set<String> known = methods();
        Set<String> stale = new TreeSet<>();
        for (Case c : cases) {
            if (!known.contains(c.key())) {
                stale.add(c.key());
            }
        }
        for (String k : exempt.keySet()) {
            if (!known.contains(k)) {
                stale.add(k);
            }
        }
        return stale;
    }

    /** One dynamic test per case. */
    public List<DynamicTest> tests() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases) {
            tests.add(DynamicTest.dynamicTest(c.key() + " <- " + c.value(), () -> check(c)));
        }
        return tests;
    }

    private static void check(Case c) {
        Throwable thrown = null;
        try {
            c.action().run();
        } catch (Throwable t) {
            thrown = t;
        }
        if (thrown == null) {
            fail(c.key() + " accepted the bad value " + c.value());
        }
        if (!(thrown instanceof IllegalArgumentException || thrown instanceof java.io.IOException
                || thrown instanceof IllegalStateException)) {
            throw new AssertionError(c.key() + " <- " + c.value() + ": expected a clear error, got " + thrown, thrown);
        }
        String msg = String.valueOf(thrown.getMessage());
        for (String f : c.fragments()) {
            assertTrue(msg.contains(f), c.key() + " <- " + c.value() + ": the message should contain '" + f + "': "
                    + msg);
        }
    }

    /** Fails listing the uncovered and stale keys; prints the counts. */
    public void checkCoverage(String module) {
        Set<String> missing = uncovered();
        Set<String> stale = stale();
        System.out.println("bad-input suite (" + module + "): " + size() + " cases over " + methods().size()
                + " setters and factories of " + classCount() + " classes, " + exempt.size() + " exempt");
        if (!missing.isEmpty() || !stale.isEmpty()) {
            fail("public setters/factories without a bad-value case or a stated exemption: " + missing
                    + "; cases or exemptions naming no such method: " + stale);
        }
    }
}
