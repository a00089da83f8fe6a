package io.github.fl4j.compression;

import io.github.fl4j.core.reliability.BadInputSuite;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * fl-compression's bad-input suite: every public compressor factory gets at least one bad value and must answer with
 * an exception naming the parameter and the value; a factory added later without a case fails
 * {@link #everyFactoryHasABadValueCase()}. See docs/reliability.md.
 */
class BadInputSuiteTest {

    static BadInputSuite suite() {
        BadInputSuite s = new BadInputSuite().factory(Compressors.class).factory(TopKCompressor.class)
                .factory(RandKCompressor.class);
        Class<?> c = Compressors.class;
        s.bad(c, "topK", "k = 0", () -> Compressors.topK(0), "k", "0")
                .bad(c, "topK", "fraction 1.5", () -> Compressors.topK(1.5), "fraction", "1.5")
                .bad(c, "topK", "fraction NaN", () -> Compressors.topK(Double.NaN), "fraction", "NaN")
                .bad(c, "randK", "k = -1", () -> Compressors.randK(-1), "k", "-1")
                .bad(c, "randK", "fraction 0", () -> Compressors.randK(0.0), "fraction", "0")
                .bad(c, "randKUnscaled", "k = 0", () -> Compressors.randKUnscaled(0), "k", "0")
                .bad(c, "randKUnscaled", "fraction -0.5", () -> Compressors.randKUnscaled(-0.5), "fraction", "-0.5")
                .bad(c, "bernoulli", "p = 0", () -> Compressors.bernoulli(0), "0")
                .bad(c, "bernoulli", "p = 1.5", () -> Compressors.bernoulli(1.5), "1.5")
                .bad(c, "qsgd", "0 levels", () -> Compressors.qsgd(0), "0")
                .bad(c, "compose", "null outer", () -> Compressors.compose(null, Compressors.identity()), "null")
                .bad(c, "scaledForEf", "a biased operator (Top-K)", () -> Compressors.scaledForEf(
                        Compressors.topK(2)), "topk");
        s.bad(TopKCompressor.class, "ofK", "k = 0", () -> TopKCompressor.ofK(0), "k", "0")
                .bad(TopKCompressor.class, "ofFraction", "fraction 2", () -> TopKCompressor.ofFraction(2), "fraction",
                        "2")
                .bad(RandKCompressor.class, "ofK", "k = 0", () -> RandKCompressor.ofK(0, true), "k", "0")
                .bad(RandKCompressor.class, "ofFraction", "fraction Infinity", () -> RandKCompressor.ofFraction(
                        Double.POSITIVE_INFINITY, false), "fraction", "Infinity");
        return s;
    }

    @TestFactory
    List<DynamicTest> everyCaseEndsInAClearError() {
        return suite().tests();
    }

    @Test
    void everyFactoryHasABadValueCase() {
        suite().checkCoverage("fl-compression");
    }
}
