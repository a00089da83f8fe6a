package io.github.fl4j.core.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeedTreeTest {

    @Test
    void streamsDependOnEveryKeyPartAndNothingElse() {
        SeedTree tree = new SeedTree(1234);
        Set<Long> seeds = new HashSet<>();
        for (Purpose p : Purpose.values()) {
            for (long round = -1; round < 20; round++) {
                for (long client = -1; client < 20; client++) {
                    seeds.add(tree.seed(p, round, client));
                }
            }
        }
        // 10 purposes x 21 rounds x 21 clients: all distinct (a collision of 64-bit hashes here would be a bug).
        assertEquals(Purpose.values().length * 21 * 21, seeds.size());
        assertEquals(tree.seed(Purpose.LOCAL, 3, 4), new SeedTree(1234).seed(Purpose.LOCAL, 3, 4));
        assertNotEquals(tree.seed(Purpose.LOCAL, 3, 4), new SeedTree(1235).seed(Purpose.LOCAL, 3, 4));
        assertNotEquals(tree.seed(Purpose.LOCAL, 3, 4), tree.seed(Purpose.LOCAL, 4, 3));
    }

    @Test
    void requestOrderDoesNotMatter() {
        SeedTree tree = new SeedTree(99);
        long a = tree.stream(Purpose.PARTICIPATION, 5, SeedTree.GLOBAL).nextLong();
        tree.stream(Purpose.LOCAL_DATA_ORDER, 5, 3).nextLong();
        long b = tree.stream(Purpose.PARTICIPATION, 5, SeedTree.GLOBAL).nextLong();
        assertEquals(a, b);
    }

    @Test
    void purposeCodesAreStable() {
        // The codes are part of the reproducibility contract (Purpose javadoc).
        assertEquals(1, Purpose.INIT.code());
        assertEquals(4, Purpose.PARTICIPATION.code());
        assertEquals(5, Purpose.LOCAL_DATA_ORDER.code());
        assertEquals(7, Purpose.UPLINK_COMPRESSION.code());
        Set<Integer> codes = new HashSet<>();
        for (Purpose p : Purpose.values()) {
            codes.add(p.code());
        }
        assertEquals(Purpose.values().length, codes.size());
    }

    /*
     * Golden values. Source: the independent C reference program src/test/resources/golden/xoshiro_reference.c
     * (output committed as xoshiro_reference.out), which implements SeedTree.seed's chain of SplitMix64 finalisers
     * from its documented definition and the stream generator from the published xoshiro256** and SplitMix64
     * reference code. Roots 0 and 2024; purposes INIT, PARTICIPATION, LOCAL_DATA_ORDER; rounds GLOBAL, 1, 7; clients
     * GLOBAL, 0, 99. A changed hash constant, purpose code or key order must fail here.
     */

    /** (root, purpose, round, client) -&gt; the stream's seed and its first three nextLong(). */
    private record Golden(long root, Purpose purpose, long round, long client, long seed, long first, long second,
            long third) {
    }

    private static Golden row(long root, Purpose purpose, long round, long client, long seed, long first,
            long second, long third) {
        return new Golden(root, purpose, round, client, seed, first, second, third);
    }

    private static final List<Golden> GOLDEN = List.of(
        row(0L, Purpose.INIT, -1L, -1L,
            1304473928270174471L, -5150818801018773458L, -1835527373613675727L, -490748362967094980L),
        row(0L, Purpose.INIT, -1L, 0L,
            3958710410599758528L, 3824230737793305362L, 3507024197234305242L, -6271996284955315346L),
        row(0L, Purpose.INIT, -1L, 99L,
            2558685997096769447L, 6115634833885343659L, -8315158862184155325L, -3433965960850566287L),
        row(0L, Purpose.INIT, 1L, -1L,
            1054228346419649820L, 8196565546737955684L, -7059184153970844368L, -7094729673836576065L),
        row(0L, Purpose.INIT, 1L, 0L,
            966399340727794482L, 4341416150243656209L, -5636797760699301779L, 994883558366922492L),
        row(0L, Purpose.INIT, 1L, 99L,
            -2758783075983078257L, -4966042182491786861L, 1959739565919133196L, -5558299460612853448L),
        row(0L, Purpose.INIT, 7L, -1L,
            -2236416719464034537L, -3501210568759058594L, -3371791043313910645L, 8967129826722911509L),
        row(0L, Purpose.INIT, 7L, 0L,
            2992002665466714388L, -7356326560374061101L, 3956491555729584363L, 52578540341344346L),
        row(0L, Purpose.INIT, 7L, 99L,
            -413708517178196415L, 7272018021436035469L, 1178720321936781000L, -5737462948066287877L),
        row(0L, Purpose.PARTICIPATION, -1L, -1L,
            -295173519293863397L, 7131753717145683069L, 8277967205645709716L, -1062687518530949928L),
        row(0L, Purpose.PARTICIPATION, -1L, 0L,
            3320032955188026304L, -7255663027924049100L, -5682667757907468732L, 4879642846543475811L),
        row(0L, Purpose.PARTICIPATION, -1L, 99L,
            -5482776048784104432L, -6397514378171936316L, 3508467497485009597L, 3772282323831624681L),
        row(0L, Purpose.PARTICIPATION, 1L, -1L,
            654691336002152811L, -7015527005154636996L, -1817300775400466798L, 2958627313394739462L),
        row(0L, Purpose.PARTICIPATION, 1L, 0L,
            -322544358722519241L, -5396148750481122247L, -87735816269523538L, 2437139422408032173L),
        row(0L, Purpose.PARTICIPATION, 1L, 99L,
            546980767430146162L, 8766426533077319312L, -86188612253621794L, -3408392170296765221L),
        row(0L, Purpose.PARTICIPATION, 7L, -1L,
            2872593980438624901L, 8300263880218385150L, -2450736238097813922L, -4369651799387412926L),
        row(0L, Purpose.PARTICIPATION, 7L, 0L,
            4413075405579791704L, 8452238982245021012L, -6333547869492097486L, -2181362961183402769L),
        row(0L, Purpose.PARTICIPATION, 7L, 99L,
            -2203614827383842626L, -3556547338892843853L, -661085387570135270L, 5240813923025317699L),
        row(0L, Purpose.LOCAL_DATA_ORDER, -1L, -1L,
            1822115045603362704L, -5057102466324971965L, 1172620009536420263L, -1872052294284570891L),
        row(0L, Purpose.LOCAL_DATA_ORDER, -1L, 0L,
            1840839954255514633L, -3451255210416057942L, 6577328689534546501L, -5108891625690300265L),
        row(0L, Purpose.LOCAL_DATA_ORDER, -1L, 99L,
            -951943207562542617L, -6967241540735148901L, -4463165175504160079L, -8252102250597219700L),
        row(0L, Purpose.LOCAL_DATA_ORDER, 1L, -1L,
            -3091648863742830680L, 3649689386957508247L, 1403239144463381726L, -7634602070138512176L),
        row(0L, Purpose.LOCAL_DATA_ORDER, 1L, 0L,
            2428037302376493517L, -5979151448399904886L, 7238406596445197828L, -3811480048768453076L),
        row(0L, Purpose.LOCAL_DATA_ORDER, 1L, 99L,
            1144690251900961474L, 8520737391553307557L, -2050458897444468618L, -2704464702425020986L),
        row(0L, Purpose.LOCAL_DATA_ORDER, 7L, -1L,
            -3867228792740481060L, 2943649937091408753L, -3098265876088604215L, 217048998260777399L),
        row(0L, Purpose.LOCAL_DATA_ORDER, 7L, 0L,
            5038609901775590790L, -8383771286198386190L, -1814305608218221606L, 7245827627054461478L),
        row(0L, Purpose.LOCAL_DATA_ORDER, 7L, 99L,
            -3641750586512335409L, -7341829820899288662L, 245093825936806390L, -1767677494012961311L),
        row(2024L, Purpose.INIT, -1L, -1L,
            -5023624343923329698L, -2606193672013336226L, -3364990911497024518L, -2642576759436800656L),
        row(2024L, Purpose.INIT, -1L, 0L,
            -2535342240871920462L, -5793225199066101549L, -1485308023728909289L, 5275622153895424433L),
        row(2024L, Purpose.INIT, -1L, 99L,
            -199378739843814200L, 4293072106521395651L, -1033963788816143776L, -8891836539773335517L),
        row(2024L, Purpose.INIT, 1L, -1L,
            -7669516072003228545L, 6704626280039849147L, -2408197778395003292L, -3695363096371506905L),
        row(2024L, Purpose.INIT, 1L, 0L,
            -7585440229251796511L, -1540931407960712264L, 7812212393038851704L, 5448324648212290601L),
        row(2024L, Purpose.INIT, 1L, 99L,
            -1899961726791844789L, -6915161566068100627L, 4162702746487518222L, -7303030968139915171L),
        row(2024L, Purpose.INIT, 7L, -1L,
            -775462842825453650L, 2181693100078805937L, -3224220037539679302L, 1789926233339751454L),
        row(2024L, Purpose.INIT, 7L, 0L,
            -869419669356733726L, 4428305911909332586L, 4986823299406394719L, -7968727777693665451L),
        row(2024L, Purpose.INIT, 7L, 99L,
            -5384691478438186809L, -550690090143145592L, -3708467862165143652L, 8635985135757087846L),
        row(2024L, Purpose.PARTICIPATION, -1L, -1L,
            -7094939128589008235L, -1823594785303697278L, -5786859972293566439L, 2944159991342358114L),
        row(2024L, Purpose.PARTICIPATION, -1L, 0L,
            7231658142862227146L, -8525599243092989L, 5110136485313014647L, 3143278122901829182L),
        row(2024L, Purpose.PARTICIPATION, -1L, 99L,
            9099087430327465806L, 5812342644178404973L, -7340404706098400972L, 877261554411663952L),
        row(2024L, Purpose.PARTICIPATION, 1L, -1L,
            2508165117896201616L, 776310296214367454L, -2181004067713085850L, -3627084842092576305L),
        row(2024L, Purpose.PARTICIPATION, 1L, 0L,
            6664300070736374007L, -5722807277058615272L, 212909361850217330L, 2592867015265454654L),
        row(2024L, Purpose.PARTICIPATION, 1L, 99L,
            -6998343971951469469L, 226839256709657892L, 951794140319318049L, -3544395549360994004L),
        row(2024L, Purpose.PARTICIPATION, 7L, -1L,
            514889809662691021L, -8492193851329963290L, -7676637164804808080L, 2633606202547884176L),
        row(2024L, Purpose.PARTICIPATION, 7L, 0L,
            -5278057790208116482L, -6733827721853742306L, -2319020886306055983L, -4123076394987097798L),
        row(2024L, Purpose.PARTICIPATION, 7L, 99L,
            -6021250952643796626L, -1681176946678011395L, 9169479258588200782L, -3871150836142443807L),
        row(2024L, Purpose.LOCAL_DATA_ORDER, -1L, -1L,
            6403926532317810561L, -1647784454086819882L, 690620496207780307L, -1087076212933075195L),
        row(2024L, Purpose.LOCAL_DATA_ORDER, -1L, 0L,
            1123997576028940386L, -7268853324256609441L, -4980603604260987623L, 4951197246422046428L),
        row(2024L, Purpose.LOCAL_DATA_ORDER, -1L, 99L,
            3783756291899129253L, 3036856187432052933L, -7608288561251515069L, -321185735261531278L),
        row(2024L, Purpose.LOCAL_DATA_ORDER, 1L, -1L,
            3245014651205949474L, 2124896559044405688L, -2348607087210127707L, -1699273248884721850L),
        row(2024L, Purpose.LOCAL_DATA_ORDER, 1L, 0L,
            -2263332579826896541L, 3985023072841110406L, -8949821032643878407L, -4117909942508824687L),
        row(2024L, Purpose.LOCAL_DATA_ORDER, 1L, 99L,
            2377919634968679888L, 7670055349565518635L, 8351610823279651430L, -476615051039806463L),
        row(2024L, Purpose.LOCAL_DATA_ORDER, 7L, -1L,
            7331552327708934516L, -4578644363181989518L, -7074970175319423970L, 8293229279553250896L),
        row(2024L, Purpose.LOCAL_DATA_ORDER, 7L, 0L,
            3207808417272677232L, 7820752971341626036L, 6287104655003595826L, -4834643997869011858L),
        row(2024L, Purpose.LOCAL_DATA_ORDER, 7L, 99L,
            -4115804773233622858L, 6351255585181623822L, 7481405211813755939L, 4825695124799517142L)
    );

    @Test
    void seedsAndStreamsMatchTheReferenceProgram() {
        assertEquals(2 * 3 * 3 * 3, GOLDEN.size());
        for (Golden g : GOLDEN) {
            String key = "(" + g.root() + ", " + g.purpose() + ", " + g.round() + ", " + g.client() + ")";
            SeedTree tree = new SeedTree(g.root());
            assertEquals(g.seed(), tree.seed(g.purpose(), g.round(), g.client()), "seed of " + key);
            RandomStream r = tree.stream(g.purpose(), g.round(), g.client());
            assertEquals(g.first(), r.nextLong(), "first draw of " + key);
            assertEquals(g.second(), r.nextLong(), "second draw of " + key);
            assertEquals(g.third(), r.nextLong(), "third draw of " + key);
        }
        // GLOBAL is -1 in the key, and stream(purpose) is the (GLOBAL, GLOBAL) stream.
        assertEquals(-1L, SeedTree.GLOBAL);
        assertEquals(GOLDEN.get(0).first(), new SeedTree(0).stream(Purpose.INIT).nextLong());
    }
}
