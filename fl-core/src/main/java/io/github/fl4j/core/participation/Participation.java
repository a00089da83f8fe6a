package io.github.fl4j.core.participation;

import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Who takes part in a round. Hidden from algorithms, which see only the resulting participant list.
 *
 * <p>Implementations draw only from the stream they are given (the engine passes the PARTICIPATION stream of the
 * round), so the participants of round t are a function of (seed, t) alone, whatever the algorithm or compressor:
 * strategies compared under the same seed see the same clients.
 *
 * <p><b>Memory across rounds.</b> Patterns with memory ({@link MarkovParticipation}, {@link CyclicParticipation})
 * keep it in an explicit {@link Process} object, created by {@link #start} once per run and owned by the engine, which
 * calls {@link Process#select} for rounds 1, 2, 3, ... in order. The participation object itself stays immutable and
 * may be shared by any number of simulations. Stateless patterns need not override {@link #start}: the default
 * process forwards to {@link #select(int, int, RandomStream)}.
 *
 * <p><b>Empty rounds.</b> By default a round has at least one participant. A process may return an empty array only
 * when its {@link Process#allowsEmptyRounds()} is true (e.g. {@link BernoulliParticipation#allowingEmptyRounds()});
 * the engine then runs no client and calls {@code server.apply} with no uploads, which only algorithms that accept an
 * empty round (FedAU, and its baselines) support.
 *
 * <p><b>Checkpoints.</b> A process's memory can be saved with {@link Process#writeState} and restored into a freshly
 * started process of the same pattern and population with {@link Process#readState}; the restored process then
 * selects exactly what the saved one would have selected in every later round.
 */
public interface Participation {

    /**
     * The participants of round {@code round}, as client ids in strictly increasing order, at least one.
     *
     * @param round      the round (1-based)
     * @param population the number of clients N
     * @param rng        the round's PARTICIPATION stream
     */
    int[] select(int round, int population, RandomStream rng);

    /** A short description for reports. */
    String describe();

    /**
     * True when the pattern, as configured, redraws or skips a round in which nobody would take part (the default of
     * {@link BernoulliParticipation}, {@link MarkovParticipation} and {@link CyclicParticipation}). Conditioning every
     * round on "someone takes part" raises each client's delivered rate from p_n to p_n / (1 - P(empty)), so an
     * algorithm that estimates or uses the rates (FedAU and its known-p baseline; see
     * {@code FederatedAlgorithm.requiresExactParticipationRates()}) refuses such a pattern when the simulation is
     * built. The default is false: the pattern never produces an empty round (all, m of N, a trace) or keeps it.
     */
    default boolean redrawsEmptyRounds() {
        return false;
    }

    /**
     * Starts one run: the returned process holds whatever the pattern remembers between rounds (Markov states, cyclic
     * phases). The default forwards every round to the stateless {@link #select(int, int, RandomStream)}.
     *
     * @param population the number of clients N
     * @param seeds      the run's seed tree; patterns with a random initial state draw it from
     *                   {@code seeds.stream(PARTICIPATION, 0, GLOBAL)} (round 0, which no round uses)
     */
    default Process start(int population, SeedTree seeds) {
        if (population < 1) {
            throw new IllegalArgumentException("population must be >= 1, was " + population);
        }
        return new ProcessState.Stateless(this, population);
    }

    /**
     * The per-run state of a participation pattern, owned by the engine. Not thread-safe: one run, rounds in order.
     */
    interface Process {
        /**
         * The participants of {@code round}, in strictly increasing order.
         *
         * @param round the round (1-based; rounds are asked for in order 1, 2, ...)
         * @param rng   the round's PARTICIPATION stream
         */
        int[] select(int round, RandomStream rng);

        /** Whether {@link #select} may return an empty array (a round in which nobody participates). */
        default boolean allowsEmptyRounds() {
            return false;
        }

        /**
         * Writes the process's memory (Markov states, cyclic phases and skipped rounds, the last round selected) in a
         * versioned binary form that {@link #readState} restores. Every form starts with a version byte, the
         * pattern's kind, the population and whether empty rounds are kept, so that a state is never restored into
         * a process it does not belong to.
         *
         * <p>The default suits a process without memory: it writes that header only, with kind {@code stateless} and
         * population -1 (not known). A process with memory must override both this and {@link #readState}.
         *
         * @throws IOException if {@code out} fails
         */
        default void writeState(DataOutput out) throws IOException {
            ProcessState.writeHeader(out, ProcessState.STATELESS, -1, allowsEmptyRounds());
        }

        /**
         * Restores a state written by {@link #writeState} into this process, overwriting its memory: afterwards this
         * process selects for every later round exactly what the written one would have (including the check that
         * rounds come in order, which continues from the written process's last round). Meant for a freshly started
         * process of the same pattern and population; the memory is replaced only once the whole state has been read
         * and checked.
         *
         * @throws java.io.EOFException if the input ends early
         * @throws IOException          if the version, the kind, the population or the empty-rounds flag differ from
         *                              this process's (naming both values), or a remembered value is invalid for it
         */
        default void readState(DataInput in) throws IOException {
            ProcessState.readHeader(in, ProcessState.STATELESS, -1, allowsEmptyRounds());
        }
    }

    /** Every client in every round. */
    static Participation all() {
        return new FullParticipation();
    }

    /** m of N clients uniformly at random without replacement, independently each round (McMahan et al. 2017). */
    static Participation uniform(int clientsPerRound) {
        return new UniformParticipation(clientsPerRound);
    }

    /** Client n independently with probability p[n] each round (FedAU's Bernoulli pattern). */
    static Participation bernoulli(double... p) {
        return new BernoulliParticipation(p);
    }

    /** A two-state Markov chain per client with stationary rate p[n] and P(off -&gt; on) = q (FedAU's markov-q). */
    static Participation markov(double[] p, double q) {
        return new MarkovParticipation(p, q);
    }

    /** Periodic availability with long-run rate p[n] and period {@code cycle} (FedAU's cyclic-C). */
    static Participation cyclic(double[] p, int cycle) {
        return new CyclicParticipation(p, cycle);
    }
}
