package io.github.fl4j.compression;

import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.registry.ComponentProvider;
import io.github.fl4j.core.registry.Params;
import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.SpecException;

/**
 * The compressors of this module as named components of a {@link Registry} (the identity is fl-core's). Every name
 * builds what the matching {@link Compressors} factory returns:
 *
 * <pre>
 *   topk(k=K | fraction=F, values-only=false)   Compressors.topK(K) or topK(F) [.valuesOnly()]
 *   randk(k=K | fraction=F, scaled=true)        Compressors.randK(..) or randKUnscaled(..)
 *   qsgd(levels=S)                              Compressors.qsgd(S)
 *   natural, sign, scaled-sign                  Compressors.natural(), sign(), scaledSign()
 *   bernoulli(p=P)                              Compressors.bernoulli(P)
 *   compose(outer=SPEC, inner=SPEC)             Compressors.compose(outer, inner), e.g. compose(outer=natural,inner=topk(k=10))
 *   ef-scaled(of=SPEC)                          Compressors.scaledForEf(of), e.g. ef-scaled(of=qsgd(levels=4))
 * </pre>
 *
 * Nested specs are built by the same registry, so they may name any registered compressor.
 */
public final class CompressionComponents implements ComponentProvider {

    /** For {@link java.util.ServiceLoader}. */
    public CompressionComponents() {
    }

    @Override
    public void register(Registry.Builder r) {
        r.compressor("topk", "k=K (coordinates) or fraction=F (of the dimension, k = max(1, round(F d))); "
                + "values-only=false (true: count no index bits)", p -> {
                    boolean valuesOnly = p.getBoolean("values-only", false);
                    TopKCompressor c = sizeIsK(p) ? Compressors.topK(p.getInt("k"))
                            : Compressors.topK(p.getDouble("fraction"));
                    return valuesOnly ? c.valuesOnly() : c;
                });
        r.compressor("randk", "k=K or fraction=F as topk; scaled=true (d/k scaling: unbiased; false: contractive)",
                p -> {
                    boolean scaled = p.getBoolean("scaled", true);
                    if (sizeIsK(p)) {
                        int k = p.getInt("k");
                        return scaled ? Compressors.randK(k) : Compressors.randKUnscaled(k);
                    }
                    double f = p.getDouble("fraction");
                    return scaled ? Compressors.randK(f) : Compressors.randKUnscaled(f);
                });
        r.compressor("qsgd", "levels=S (required): stochastic quantisation to S levels per sign",
                p -> Compressors.qsgd(p.getInt("levels")));
        r.compressor("natural", "no parameters: stochastic rounding to powers of two (omega = 1/8)",
                p -> Compressors.natural());
        r.compressor("sign", "no parameters: sign(x), one bit per coordinate (biased)", p -> Compressors.sign());
        r.compressor("scaled-sign", "no parameters: (||x||_1 / d) sign(x)", p -> Compressors.scaledSign());
        r.compressor("bernoulli", "p=P (required): x/P with probability P, else nothing", p ->
                Compressors.bernoulli(p.getDouble("p")));
        r.compressor("compose", "outer=SPEC, inner=SPEC (both required): outer(inner(x)), e.g. "
                + "compose(outer=natural,inner=topk(k=10))", p -> {
                    Compressor outer = p.registry().compressor(p.getSpec("outer"));
                    Compressor inner = p.registry().compressor(p.getSpec("inner"));
                    return Compressors.compose(outer, inner);
                });
        r.compressor("ef-scaled", "of=SPEC (required, an unbiased compressor): C/(omega+1), contractive, e.g. "
                + "ef-scaled(of=qsgd(levels=4))", p -> Compressors.scaledForEf(p.registry().compressor(
                        p.getSpec("of"))));
    }

    /** True for {@code k=K}, false for {@code fraction=F}; exactly one must be given. */
    private static boolean sizeIsK(Params p) {
        boolean k = p.has("k");
        boolean fraction = p.has("fraction");
        if (k == fraction) {
            throw new SpecException(p.name() + ": give k (coordinates) or fraction (of the dimension)"
                    + (k ? ", not both" : ""));
        }
        return k;
    }
}
