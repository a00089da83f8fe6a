/*
 * Independent reference for the golden values pinned in RandomStreamTest and SeedTreeTest
 * (fl-core/src/test/java/io/github/fl4j/core/random/).
 *
 * The generator is xoshiro256** 1.0 exactly as in the public-domain reference code of David Blackman and
 * Sebastiano Vigna (xoshiro256starstar.c, https://prng.di.unimi.it/), seeded with four consecutive outputs of
 * SplitMix64 as in Sebastiano Vigna's splitmix64.c (https://prng.di.unimi.it/splitmix64.c), whose state is the
 * 64-bit seed. SeedTree.seed is the chain of SplitMix64 finalisers documented in SeedTree.java. Nothing here is
 * taken from the Java implementation: only the published algorithms and the documented conversions
 *   nextDouble  = (x >> 11) * 2^-53
 *   nextFloat   = (x >> 40) * 2^-24
 *   nextInt()   = (int32) (x >> 32)
 *   nextInt(n)  = Lemire's multiply-and-reject on the upper 32 bits
 *   nextGaussian: Marsaglia polar method on nextDouble pairs (u first, v second; second of a pair kept)
 *
 * How to run (from the repository root; compare with xoshiro_reference.out next to this file):
 *   gcc -std=c99 -O0 -ffp-contract=off -o fl-core/target/xoshiro_reference \
 *       fl-core/src/test/resources/golden/xoshiro_reference.c -lm && fl-core/target/xoshiro_reference
 * Doubles are printed as their IEEE bit patterns (hex), so the Java tests compare bits, not decimal strings.
 * The Gaussian values use sqrt and log from the C library; Java's StrictMath/Math log may differ in the last
 * ulp, so the Java test compares them within 4 ulps while the uniform conversions are compared bit for bit.
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- SplitMix64 (splitmix64.c) ---- */
static uint64_t splitmix64_next(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* the finaliser alone (the body of splitmix64_next after the increment) */
static uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* ---- xoshiro256** 1.0 (xoshiro256starstar.c) ---- */
typedef struct {
    uint64_t s[4];
    int has_spare;
    double spare;
} gen;

static inline uint64_t rotl(const uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

static uint64_t next(gen *g) {
    uint64_t *s = g->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

static void seed(gen *g, uint64_t seed) {
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) {
        g->s[i] = splitmix64_next(&x);
    }
    g->has_spare = 0;
}

static double next_double(gen *g) {
    return (double) (next(g) >> 11) * 0x1.0p-53;
}

static float next_float(gen *g) {
    return (float) (next(g) >> 40) * 0x1.0p-24f;
}

static uint32_t next_int_bounded(gen *g, uint32_t bound) {
    uint64_t m = (next(g) >> 32) * (uint64_t) bound;
    uint32_t low = (uint32_t) m;
    if (low < bound) {
        uint32_t threshold = (uint32_t) (-bound) % bound; /* (2^32 - bound) mod bound */
        while (low < threshold) {
            m = (next(g) >> 32) * (uint64_t) bound;
            low = (uint32_t) m;
        }
    }
    return (uint32_t) (m >> 32);
}

static double next_gaussian(gen *g) {
    if (g->has_spare) {
        g->has_spare = 0;
        return g->spare;
    }
    double u, v, s;
    do {
        u = 2.0 * next_double(g) - 1.0;
        v = 2.0 * next_double(g) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double factor = sqrt(-2.0 * log(s) / s);
    g->spare = v * factor;
    g->has_spare = 1;
    return u * factor;
}

/* ---- SeedTree.seed ---- */
static uint64_t tree_seed(int64_t root, int purpose_code, int64_t round, int64_t client) {
    uint64_t h = mix64((uint64_t) root ^ 0x6a09e667f3bcc909ULL);
    h = mix64(h ^ ((uint64_t) (int64_t) purpose_code * 0x9e3779b97f4a7c15ULL));
    h = mix64(h ^ ((uint64_t) round * 0xbf58476d1ce4e5b9ULL + 0x94d049bb133111ebULL));
    h = mix64(h ^ ((uint64_t) client * 0xd6e8feb86659fd93ULL + 0x3c6ef372fe94f82bULL));
    return h;
}

static uint64_t dbits(double d) {
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

static uint32_t fbits(float f) {
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    return b;
}

/* Published test vectors, checked before anything is printed: xoshiro256** from the state {1, 2, 3, 4} (the
   sequence used by the reference implementation's C++ wrappers and the Rust rand_xoshiro tests), and the first
   SplitMix64 output from state 0. */
static int self_check(void) {
    static const uint64_t expected[] = {11520u, 0u, 1509978240u, 1215971899390074240u, 1216172134540287360u,
                                        607988272756665600u, 16172922978634559625u, 8476171486693032832u,
                                        10595114339597558777u, 2904607092377533576u};
    gen g = {{1, 2, 3, 4}, 0, 0.0};
    for (int i = 0; i < 10; i++) {
        uint64_t v = next(&g);
        if (v != expected[i]) {
            fprintf(stderr, "xoshiro256** self-check failed at %d: %" PRIu64 " != %" PRIu64 "\n", i, v,
                    expected[i]);
            return 0;
        }
    }
    uint64_t x = 0;
    uint64_t first = splitmix64_next(&x);
    if (first != 0xe220a8397b1dcdafULL) {
        fprintf(stderr, "SplitMix64 self-check failed: %016" PRIx64 "\n", first);
        return 0;
    }
    return 1;
}

int main(void) {
    gen g;
    if (!self_check()) {
        return 1;
    }
    printf("# self-check passed: xoshiro256** from {1,2,3,4} and SplitMix64 from 0 match the published values\n");
    const int64_t seeds[] = {0, 42, -1};

    printf("# first 8 nextLong() of new RandomStream(seed), as signed 64-bit (Java long) values\n");
    for (int k = 0; k < 3; k++) {
        seed(&g, (uint64_t) seeds[k]);
        printf("nextLong seed=%" PRId64 ":", seeds[k]);
        for (int i = 0; i < 8; i++) {
            printf(" %" PRId64 "L", (int64_t) next(&g));
        }
        printf("\n");
    }

    printf("# first 4 nextDouble() (IEEE bits) of new RandomStream(seed)\n");
    for (int k = 0; k < 3; k++) {
        seed(&g, (uint64_t) seeds[k]);
        printf("nextDouble seed=%" PRId64 ":", seeds[k]);
        for (int i = 0; i < 4; i++) {
            printf(" 0x%016" PRIX64 "L", dbits(next_double(&g)));
        }
        printf("\n");
    }

    printf("# first 4 nextFloat() (IEEE bits) of new RandomStream(seed)\n");
    for (int k = 0; k < 3; k++) {
        seed(&g, (uint64_t) seeds[k]);
        printf("nextFloat seed=%" PRId64 ":", seeds[k]);
        for (int i = 0; i < 4; i++) {
            printf(" 0x%08" PRIX32, fbits(next_float(&g)));
        }
        printf("\n");
    }

    printf("# first 4 nextInt() of new RandomStream(seed)\n");
    for (int k = 0; k < 3; k++) {
        seed(&g, (uint64_t) seeds[k]);
        printf("nextInt seed=%" PRId64 ":", seeds[k]);
        for (int i = 0; i < 4; i++) {
            printf(" %" PRId32, (int32_t) (next(&g) >> 32));
        }
        printf("\n");
    }

    const uint32_t bounds[] = {1, 2, 3, 7, 10, 100, 1000000007u, 2147483647u};
    printf("# nextInt(bound) of new RandomStream(42), one call per bound in this order:");
    for (int i = 0; i < 8; i++) {
        printf(" %" PRIu32, bounds[i]);
    }
    printf("\n");
    seed(&g, 42);
    printf("nextIntBounded seed=42:");
    for (int i = 0; i < 8; i++) {
        printf(" %" PRIu32, next_int_bounded(&g, bounds[i]));
    }
    printf("\n");
    /* A bound whose rejection loop runs often: for b = 2^30 + 1 the threshold (2^32 - b) mod b is 2^30 - 3, so
       about a quarter of the draws are rejected. Prints 16 results, then how many nextLong() they consumed. */
    seed(&g, (uint64_t) -1);
    {
        gen count = g;
        int used = 0;
        printf("nextInt(1073741825) x16 seed=-1:");
        for (int i = 0; i < 16; i++) {
            printf(" %" PRIu32, next_int_bounded(&g, 1073741825u));
        }
        while (memcmp(count.s, g.s, sizeof g.s) != 0) {
            next(&count);
            used++;
        }
        printf("\nnextInt(1073741825) x16 seed=-1 consumed: %d\n", used);
    }

    printf("# first 6 nextGaussian() (IEEE bits) of new RandomStream(seed)\n");
    for (int k = 0; k < 3; k++) {
        seed(&g, (uint64_t) seeds[k]);
        printf("nextGaussian seed=%" PRId64 ":", seeds[k]);
        for (int i = 0; i < 6; i++) {
            printf(" 0x%016" PRIX64 "L", dbits(next_gaussian(&g)));
        }
        printf("\n");
    }

    printf("# SeedTree(root).seed(purpose, round, client); purpose codes INIT=1 PARTICIPATION=4 "
           "LOCAL_DATA_ORDER=5; GLOBAL=-1\n");
    printf("# then the first 3 nextLong() of the stream with that seed\n");
    const int64_t roots[] = {0, 2024};
    const int purposes[] = {1, 4, 5};
    const char *names[] = {"INIT", "PARTICIPATION", "LOCAL_DATA_ORDER"};
    const int64_t rounds[] = {-1, 1, 7};
    const int64_t clients[] = {-1, 0, 99};
    for (int r = 0; r < 2; r++) {
        for (int p = 0; p < 3; p++) {
            for (int t = 0; t < 3; t++) {
                for (int c = 0; c < 3; c++) {
                    uint64_t s = tree_seed(roots[r], purposes[p], rounds[t], clients[c]);
                    seed(&g, s);
                    uint64_t a = next(&g), b = next(&g), d = next(&g);
                    printf("{%" PRId64 "L, %s, %" PRId64 "L, %" PRId64 "L, %" PRId64 "L, %" PRId64 "L, %" PRId64
                           "L, %" PRId64 "L},\n",
                           roots[r], names[p], rounds[t], clients[c], (int64_t) s, (int64_t) a, (int64_t) b,
                           (int64_t) d);
                }
            }
        }
    }
    return 0;
}
