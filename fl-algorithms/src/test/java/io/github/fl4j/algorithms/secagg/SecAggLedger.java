package io.github.fl4j.algorithms.secagg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.fl4j.core.comm.CommunicationLedger;
import io.github.fl4j.core.comm.Direction;
import io.github.fl4j.core.comm.LedgerEntry;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.RoundReport;
import java.util.List;
import java.util.TreeSet;

/** The secure-aggregation bit formula checked against a run's ledger and reports. */
final class SecAggLedger {
    private SecAggLedger() {
    }

    /** The round's participants, read from the ledger (the clients that received downlink vector 0). */
    static int[] participants(CommunicationLedger ledger, int round) {
        TreeSet<Integer> ids = new TreeSet<>();
        for (LedgerEntry e : ledger.entries()) {
            if (e.round() == round && e.direction() == Direction.DOWNLINK && e.vector() == 0) {
                ids.add(e.client());
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The number of participants that drop in a round, drawn as the protocol draws it. */
    static int dropped(SeedTree seeds, int round, int[] participants, double p) {
        int k = 0;
        for (int id : participants) {
            k += Masking.drops(id, p, (purpose, key) -> seeds.stream(purpose, round, key)) ? 1 : 0;
        }
        return k;
    }

    /**
     * Checks every round's uplink and downlink bits against the formula: the protocol's bits plus the inner
     * broadcast at {@code downBitsPerParticipant} bits per participant; and every entry of a survivor and of a
     * dropped client against the per-message sizes.
     *
     * @return the total number of dropped participants over the run
     */
    static int check(List<RoundReport> reports, CommunicationLedger ledger, SecAggParams params, long seed,
                     long dimension, long downBitsPerParticipant, int innerDownVectors) {
        SeedTree seeds = new SeedTree(seed);
        int totalDropped = 0;
        for (RoundReport rep : reports) {
            int t = rep.round();
            int[] p = participants(ledger, t);
            int n = p.length;
            assertEquals(rep.participants(), n);
            int dropped = dropped(seeds, t, p, params.dropoutProbability());
            totalDropped += dropped;
            int s = n - dropped;
            assertEquals(params.roundUplinkBits(n, dropped, dimension), rep.uplinkBits(), "uplink of round " + t);
            assertEquals(n * downBitsPerParticipant + params.roundDownlinkProtocolBits(n, dropped),
                    rep.downlinkBits(), "downlink of round " + t);
            for (int id : p) {
                boolean drops = Masking.drops(id, params.dropoutProbability(),
                        (purpose, key) -> seeds.stream(purpose, t, key));
                long[] up = new long[4];
                long[] down = new long[innerDownVectors + 3];
                for (LedgerEntry e : ledger.entries()) {
                    if (e.round() == t && e.client() == id) {
                        (e.direction() == Direction.UPLINK ? up : down)[e.vector()] += e.bits();
                    }
                }
                assertEquals(params.advertiseBits(), up[0]);
                assertEquals(params.sharesBits(n), up[1]);
                assertEquals(drops ? 0 : params.maskedInputBits(dimension), up[2]);
                assertEquals(drops ? 0 : params.unmaskingBits(n), up[3]);
                assertEquals(params.keyListBits(n), down[innerDownVectors]);
                assertEquals(params.sharesBits(n), down[innerDownVectors + 1]);
                assertEquals(drops ? 0 : params.survivorListBits(s), down[innerDownVectors + 2]);
            }
        }
        return totalDropped;
    }
}
