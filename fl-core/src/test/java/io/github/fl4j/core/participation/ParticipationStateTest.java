package io.github.fl4j.core.participation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Participation.Process#writeState / #readState: a restored process continues exactly like the written one. */
class ParticipationStateTest {
    private static final int N = 10;
    private static final int LAST_ROUND = 40;
    private static final SeedTree SEEDS = new SeedTree(2024);

    /** Rates low enough that nobody is drawn (or every chain is off, every client inactive) in many rounds. */
    private static double[] rates(int n) {
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = 0.05 + 0.02 * i;
        }
        return p;
    }

    /** Phases derived from the seed root, so that processes started from different trees differ. */
    private static int[] phases(CyclicParticipation c, SeedTree seeds) {
        int[] phi = new int[N];
        for (int n = 0; n < N; n++) {
            phi[n] = (int) Math.floorMod(seeds.root() + 3L * n, c.inactiveRounds(n));
        }
        return phi;
    }

    /** A pattern under test: how to start its process from a seed tree. */
    private record Case(String name, Function<SeedTree, Participation.Process> start) {
    }

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        Participation all = Participation.all();
        Participation uniform = Participation.uniform(3);
        int[][] rounds = {{0, 4}, {1}, {2, 3, 9}, {5, 6, 7, 8}, {0, 9}};
        Participation trace = TraceParticipation.of(rounds, true);
        BernoulliParticipation bernoulli = new BernoulliParticipation(rates(N));
        MarkovParticipation markov = new MarkovParticipation(rates(N), 0.1);
        CyclicParticipation cyclic = CyclicParticipation.withNearestRates(rates(N), 10);
        // A user pattern that keeps the default start, and a user process that keeps the interface defaults.
        Participation custom = new Participation() {
            @Override
            public int[] select(int round, int population, RandomStream rng) {
                return new int[] {rng.nextInt(population)};
            }

            @Override
            public String describe() {
                return "one at random";
            }
        };
        Participation.Process lambda = (round, rng) -> new int[] {round % N};
        cases.add(new Case("all", s -> all.start(N, s)));
        cases.add(new Case("uniform", s -> uniform.start(N, s)));
        cases.add(new Case("trace", s -> trace.start(N, s)));
        cases.add(new Case("custom stateless", s -> custom.start(N, s)));
        cases.add(new Case("interface default", s -> lambda));
        cases.add(new Case("bernoulli", s -> bernoulli.start(N, s)));
        cases.add(new Case("bernoulli, empty rounds", s -> bernoulli.allowingEmptyRounds().start(N, s)));
        cases.add(new Case("markov", s -> markov.start(N, s)));
        cases.add(new Case("markov, empty rounds", s -> markov.allowingEmptyRounds().start(N, s)));
        cases.add(new Case("cyclic", s -> cyclic.start(N, s)));
        cases.add(new Case("cyclic, empty rounds", s -> cyclic.allowingEmptyRounds().start(N, s)));
        cases.add(new Case("cyclic phases", s -> cyclic.phases(phases(cyclic, s))));
        cases.add(new Case("cyclic phases, empty rounds",
                s -> cyclic.allowingEmptyRounds().phases(phases(cyclic, s))));
        return cases;
    }

    private static RandomStream stream(int round) {
        return SEEDS.stream(Purpose.PARTICIPATION, round, SeedTree.GLOBAL);
    }

    private static byte[] write(Participation.Process p) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        p.writeState(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static void read(Participation.Process p, byte[] state) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(state));
        p.readState(in);
        assertEquals(-1, in.read(), "readState must consume the whole state");
    }

    @Test
    void restoredProcessContinuesExactlyLikeTheWrittenOne() throws IOException {
        for (Case c : cases()) {
            for (int t : new int[] {1, 3, 7}) {
                String where = c.name() + ", written after round " + t;
                Participation.Process a = c.start().apply(SEEDS);
                for (int r = 1; r <= t; r++) {
                    a.select(r, stream(r));
                }
                byte[] state = write(a);
                // B from the same seeds (the checkpoint case), C from other seeds: the state must overwrite C's
                // initial Markov states or phases.
                Participation.Process b = c.start().apply(SEEDS);
                Participation.Process other = c.start().apply(new SeedTree(7));
                read(b, state);
                read(other, state);
                assertArrayEquals(state, write(b), where);
                assertArrayEquals(state, write(other), where);
                for (int r = t + 1; r <= LAST_ROUND; r++) {
                    int[] expected = a.select(r, stream(r));
                    assertArrayEquals(expected, b.select(r, stream(r)), where + ", round " + r);
                    assertArrayEquals(expected, other.select(r, stream(r)), where + ", round " + r);
                }
            }
        }
    }

    @Test
    void restoredProcessKeepsTheRoundOrderCheck() throws IOException {
        SeedTree seeds = new SeedTree(5);
        for (Participation pattern : new Participation[] {new MarkovParticipation(rates(N), 0.1),
            CyclicParticipation.withNearestRates(rates(N), 10)}) {
            Participation.Process a = pattern.start(N, seeds);
            for (int r = 1; r <= 3; r++) {
                a.select(r, stream(r));
            }
            Participation.Process b = pattern.start(N, seeds);
            read(b, write(a));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.select(5, stream(5)));
            assertEquals("rounds must be selected in order: expected round 4, was 5", e.getMessage());
            // Without the state, the fresh process expects round 1.
            Participation.Process fresh = pattern.start(N, seeds);
            assertThrows(IllegalStateException.class, () -> fresh.select(4, stream(4)));
        }
    }

    /** The fixtures reach the code paths that matter: empty rounds kept, and empty rounds skipped or redrawn. */
    @Test
    void fixturesExerciseEmptyAndSkippedRounds() {
        List<Case> cases = cases();
        for (String name : new String[] {"bernoulli", "markov", "cyclic", "cyclic phases"}) {
            Participation.Process skipping = find(cases, name).start().apply(SEEDS);
            Participation.Process keeping = find(cases, name + ", empty rounds").start().apply(SEEDS);
            boolean sawEmpty = false;
            boolean differ = false;
            for (int r = 1; r <= LAST_ROUND; r++) {
                int[] s = skipping.select(r, stream(r));
                int[] k = keeping.select(r, stream(r));
                assertTrue(s.length > 0, name + " round " + r);
                sawEmpty |= k.length == 0;
                differ |= !Arrays.equals(s, k);
            }
            assertTrue(sawEmpty, name + " never had an empty round");
            assertTrue(differ, name + " never skipped or redrew a round");
        }
    }

    private static Case find(List<Case> cases, String name) {
        return cases.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private static IOException readFails(Participation.Process p, byte[] state) {
        return assertThrows(IOException.class, () -> read(p, state));
    }

    @Test
    void mismatchedStatesAreRefusedNamingBothSides() throws IOException {
        MarkovParticipation markov = new MarkovParticipation(rates(N), 0.1);
        CyclicParticipation cyclic = CyclicParticipation.withNearestRates(rates(N), 10);
        byte[] markovState = write(markov.start(N, SEEDS));
        byte[] cyclicState = write(cyclic.start(N, SEEDS));

        IOException e = readFails(cyclic.start(N, SEEDS), markovState);
        assertEquals("participation state kind must be 'cyclic' (the receiving process), was 'markov': a markov state "
                + "cannot be read into a cyclic process", e.getMessage());
        e = readFails(markov.start(N, SEEDS), cyclicState);
        assertTrue(e.getMessage().contains("'markov'") && e.getMessage().contains("'cyclic'"), e.getMessage());
        e = readFails(Participation.all().start(N, SEEDS), write(Participation.uniform(3).start(N, SEEDS)));
        assertTrue(e.getMessage().contains("'all'") && e.getMessage().contains("'uniform'"), e.getMessage());

        e = readFails(new MarkovParticipation(rates(12), 0.1).start(12, SEEDS), markovState);
        assertEquals("participation state population must be N=12 (the receiving markov process), was N=10",
                e.getMessage());
        e = readFails(CyclicParticipation.withNearestRates(rates(12), 10).start(12, SEEDS), cyclicState);
        assertTrue(e.getMessage().contains("N=12") && e.getMessage().contains("N=10"), e.getMessage());
        e = readFails(Participation.uniform(3).start(12, SEEDS), write(Participation.uniform(3).start(N, SEEDS)));
        assertTrue(e.getMessage().contains("N=12") && e.getMessage().contains("N=10"), e.getMessage());

        e = readFails(markov.allowingEmptyRounds().start(N, SEEDS), markovState);
        assertEquals("participation state empty-rounds flag must be 1 (the receiving markov process keeps empty "
                + "rounds), was 0", e.getMessage());
        e = readFails(new MarkovParticipation(rates(N), 0.2).start(N, SEEDS), markovState);
        assertEquals("markov participation state q must be 0.2 (the receiving process), was 0.1", e.getMessage());
        e = readFails(CyclicParticipation.withNearestRates(rates(N), 12).start(N, SEEDS), cyclicState);
        assertEquals("cyclic participation state cycle must be C=12 (the receiving process), was C=10",
                e.getMessage());

        byte[] version = markovState.clone();
        version[0] = 2;
        e = readFails(markov.start(N, SEEDS), version);
        assertEquals("participation state format version must be 1, was 2", e.getMessage());
    }

    @Test
    void corruptValuesAreNamedAndLeaveTheProcessUntouched() throws IOException {
        MarkovParticipation markov = new MarkovParticipation(rates(N), 0.1);
        CyclicParticipation cyclic = CyclicParticipation.withNearestRates(rates(N), 10);
        // header: version 1 + UTF (2 + length) + population 4 + flag 1
        int markovBody = 1 + 2 + "markov".length() + 4 + 1;
        int cyclicBody = 1 + 2 + "cyclic".length() + 4 + 1;

        Participation.Process m = markov.start(N, SEEDS);
        byte[] before = write(m);
        byte[] badState = before.clone();
        badState[markovBody + 8 + 4 + 3] = 7; // q, last round, then client 3's state
        IOException e = readFails(m, badState);
        assertEquals("markov participation state of client 3 must be 0 (off) or 1 (on), was 7", e.getMessage());
        assertArrayEquals(before, write(m));
        byte[] badLast = before.clone();
        java.nio.ByteBuffer.wrap(badLast).putInt(markovBody + 8, -2);
        e = readFails(m, badLast);
        assertEquals("markov participation state last round must be >= 0, was -2", e.getMessage());

        Participation.Process c = cyclic.start(N, SEEDS);
        before = write(c);
        byte[] badPhase = before.clone();
        java.nio.ByteBuffer.wrap(badPhase).putInt(cyclicBody + 4 + 4 + 8 + 4 * 2, 9); // b_2 = 9: phases in [0, 9)
        e = readFails(c, badPhase);
        assertEquals("cyclic participation state phase of client 2 must be in [0, 9), was 9", e.getMessage());
        assertArrayEquals(before, write(c));
        byte[] badShift = before.clone();
        java.nio.ByteBuffer.wrap(badShift).putLong(cyclicBody + 4 + 4, -1);
        e = readFails(c, badShift);
        assertEquals("cyclic participation state skipped rounds must be >= 0, was -1", e.getMessage());
        byte[] badFlag = before.clone();
        badFlag[cyclicBody - 1] = 5;
        e = readFails(c, badFlag);
        assertEquals("participation state empty-rounds flag must be 0 or 1, was 5", e.getMessage());
    }

    @Test
    void truncatedStateFailsWithEof() throws IOException {
        for (Case c : cases()) {
            Participation.Process a = c.start().apply(SEEDS);
            for (int r = 1; r <= 3; r++) {
                a.select(r, stream(r));
            }
            byte[] state = write(a);
            assertFalse(state.length == 0, c.name());
            for (int cut = 0; cut < state.length; cut++) {
                byte[] part = Arrays.copyOf(state, cut);
                Participation.Process b = c.start().apply(SEEDS);
                assertThrows(EOFException.class, () -> b.readState(new DataInputStream(new ByteArrayInputStream(
                        part))), c.name() + " cut at " + cut);
            }
        }
    }
}
