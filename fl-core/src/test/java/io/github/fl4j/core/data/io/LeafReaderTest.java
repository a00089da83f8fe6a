package io.github.fl4j.core.data.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.tensor.Precision;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeafReaderTest {
    @TempDir
    Path tmp;

    private Path write(String name, String json) throws IOException {
        Path f = tmp.resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, json, StandardCharsets.UTF_8);
        return f;
    }

    /** A FEMNIST image whose pixel k is base + k/1000. */
    private static String image(int base) {
        StringBuilder s = new StringBuilder("[");
        for (int k = 0; k < 784; k++) {
            s.append(k == 0 ? "" : ",").append(base + k / 1000.0);
        }
        return s.append(']').toString();
    }

    private static String femnistUser(String user, int[] bases, int[] labels) {
        StringBuilder x = new StringBuilder("[");
        StringBuilder y = new StringBuilder("[");
        for (int i = 0; i < bases.length; i++) {
            x.append(i == 0 ? "" : ",").append(image(bases[i]));
            y.append(i == 0 ? "" : ",").append(labels[i]);
        }
        return "\"" + user + "\": {\"x\": " + x + "], \"y\": " + y + "]}";
    }

    private static LeafReader femnist() {
        return LeafReader.builder(LeafReader.Task.FEMNIST).precision(Precision.FLOAT64).build();
    }

    @Test
    void femnistUsersBecomeClientsInSortedOrderAcrossFiles() throws IOException {
        // file a holds writer "f_2" (2 samples), file b holds "f_1" (1 sample) and "f_3" (no sample); data first
        write("leaf/train/a.json", "{\"user_data\": {" + femnistUser("f_2", new int[] {2, 3}, new int[] {61, 0})
                + "}, \"users\": [\"f_2\"], \"num_samples\": [2]}");
        write("leaf/train/b.json", "{\"users\": [\"f_1\", \"f_3\"], \"num_samples\": [1, 0], \"hierarchies\": "
                + "[{\"a\": [1]}], \"user_data\": {" + femnistUser("f_1", new int[] {1}, new int[] {7}) + ", "
                + femnistUser("f_3", new int[0], new int[0]) + "}}");
        write("leaf/test/t.json", "{\"users\": [\"f_2\", \"f_1\"], \"num_samples\": [1, 1], \"user_data\": {"
                + femnistUser("f_2", new int[] {5}, new int[] {2}) + ", "
                + femnistUser("f_1", new int[] {4}, new int[] {1}) + "}}");
        LeafReader.Result r = femnist().read(tmp.resolve("leaf"));
        assertEquals(List.of("f_1", "f_2"), r.users());
        assertEquals(2, r.data().clientCount());
        Dataset c0 = r.data().client(0);
        Dataset c1 = r.data().client(1);
        assertEquals(784, c0.featureCount());
        assertArrayEquals(new double[] {7}, c0.labels().toDoubleVector(), 0.0);
        assertArrayEquals(new double[] {61, 0}, c1.labels().toDoubleVector(), 0.0);
        assertEquals(3.0 + 500 / 1000.0, c1.features().getDouble(1, 500), 0.0);
        assertEquals(1.783, c0.features().getDouble(0, 783), 0.0);
        // test set: test users in the same order (f_1 then f_2), and per client
        assertArrayEquals(new double[] {1, 2}, r.data().test().labels().toDoubleVector(), 0.0);
        assertEquals(4.0, r.data().test().features().getDouble(0, 0), 0.0);
        assertArrayEquals(new double[] {2}, r.userTests().get(1).labels().toDoubleVector(), 0.0);
    }

    @Test
    void shakespeareUsesLeafsEightySymbols() throws IOException {
        assertEquals(80, LeafReader.SHAKESPEARE_SYMBOLS.length());
        String s = "To be, or not to be: that is the question.\nWhether 'tis nobler in the mind to su";
        assertEquals(80, s.length());
        Path f = write("shakespeare.json", "{\"users\": [\"HAMLET\"], \"num_samples\": [1], \"user_data\": "
                + "{\"HAMLET\": {\"x\": [\"" + s.replace("\n", "\\n") + "\"], \"y\": [\"f\"]}}}");
        LeafReader.Result r = LeafReader.builder(LeafReader.Task.SHAKESPEARE).build().read(f, null);
        Dataset d = r.data().client(0);
        assertEquals(80, d.featureCount());
        // '\n' = 0, ' ' = 1, ',' = 8, ':' = 21, 'A' = 25 so 'T' = 25 + ('T' - 'A') = 44, 'a' = 53 so 'o' = 67
        assertEquals(44, d.features().getDouble(0, 0), 0.0);
        assertEquals(67, d.features().getDouble(0, 1), 0.0);
        assertEquals(1, d.features().getDouble(0, 2), 0.0);
        assertEquals(8, d.features().getDouble(0, 5), 0.0);
        assertEquals(21, d.features().getDouble(0, s.indexOf(':')), 0.0);
        assertEquals(0, d.features().getDouble(0, s.indexOf('\n')), 0.0);
        assertEquals(53 + ('f' - 'a'), d.labels().getDouble(0, 0), 0.0);
        assertEquals(0, r.data().test().size());
    }

    private static final String TWEETS = "{\"users\": [\"bob\", \"amy\"], \"num_samples\": [2, 1], \"user_data\": {"
            + "\"amy\": {\"x\": [[\"1\", \"Mon Apr 06\", \"NO_QUERY\", \"amy\", \"Good day, good!\", \"x\"]], "
            + "\"y\": [1]},"
            + "\"bob\": {\"x\": [[\"2\", \"d\", \"q\", \"bob\", \"bad DAY\"], \"good night\"], \"y\": [0, 1]}}}";

    @Test
    void sent140TokensAgainstTheTrainingVocabulary() throws IOException {
        Path train = write("s/train.json", TWEETS);
        Path test = write("s/test.json", "{\"users\": [\"amy\"], \"num_samples\": [1], \"user_data\": {\"amy\": "
                + "{\"x\": [[\"3\", \"d\", \"q\", \"amy\", \"unseen good\"]], \"y\": [0]}}}");
        LeafReader.Result r = LeafReader.builder(LeafReader.Task.SENT140).sequenceLength(4).build().read(train, test);
        // tokens: amy "good" "day" "," "good" "!"; bob "bad" "day", "good" "night"
        // counts: good 3, day 2, then 1 each in string order: "!", ",", "bad", "night"
        assertEquals(List.of("good", "day", "!", ",", "bad", "night"), r.vocabulary());
        assertEquals(List.of("amy", "bob"), r.users());
        // amy: good day , good -> 2+0, 2+1, 2+3, 2+0 (truncated to 4)
        assertArrayEquals(new double[] {2, 3, 5, 2}, r.data().client(0).features().toDoubleVector(), 0.0);
        // bob: "bad day" -> 6, 3, pad, pad; "good night" -> 2, 7, pad, pad
        assertArrayEquals(new double[][] {{6, 3, 0, 0}, {2, 7, 0, 0}},
                r.data().client(1).features().toDoubleMatrix());
        assertArrayEquals(new double[] {0, 1}, r.data().client(1).labels().toDoubleVector(), 0.0);
        // test: "unseen good" -> unknown (1), good (2)
        assertArrayEquals(new double[] {1, 2, 0, 0}, r.data().test().features().toDoubleVector(), 0.0);
    }

    @Test
    void sent140BagOfWords() throws IOException {
        Path train = write("bow.json.gz", "");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(train))) {
            out.write(TWEETS.getBytes(StandardCharsets.UTF_8));
        }
        LeafReader.Result r = LeafReader.builder(LeafReader.Task.SENT140)
                .encoding(LeafReader.Sent140Encoding.BAG_OF_WORDS).vocabularySize(3).build().read(train, null);
        assertEquals(List.of("good", "day", "!"), r.vocabulary());
        assertArrayEquals(new double[] {2, 1, 1}, r.data().client(0).features().toDoubleVector(), 0.0);
        assertArrayEquals(new double[][] {{0, 1, 0}, {1, 0, 0}}, r.data().client(1).features().toDoubleMatrix());
        LeafReader.Result frequent = LeafReader.builder(LeafReader.Task.SENT140).minCount(2).build()
                .read(train, null);
        assertEquals(List.of("good", "day"), frequent.vocabulary());
    }

    private String error(LeafReader reader, String json) throws IOException {
        Path f = write("bad.json", json);
        return assertThrows(IOException.class, () -> reader.read(f, null)).getMessage();
    }

    @Test
    void malformedFilesNameTheFileTheUserAndTheField() throws IOException {
        LeafReader sent = LeafReader.builder(LeafReader.Task.SENT140).build();
        String m = error(sent, "{\"users\": [\"a\"], \"num_samples\": [2], \"user_data\": {\"a\": {\"x\": [\"hi\"], "
                + "\"y\": [1]}}}");
        assertTrue(m.contains("bad.json: user 'a': \"num_samples\"[0] is 2 but \"user_data\" holds 1 samples"), m);
        m = error(sent, "{\"users\": [\"a\"], \"num_samples\": [1], \"user_data\": {\"a\": {\"x\": [\"hi\"], "
                + "\"y\": [2]}}}");
        assertTrue(m.contains("bad.json: user 'a', field \"y\"[0] at line 1") && m.contains("expected a class index "
                + "0..1, found 2"), m);
        m = error(sent, "{\"users\": [\"a\", \"b\"], \"num_samples\": [1, 1], \"user_data\": {\"a\": {\"x\": "
                + "[\"hi\"], \"y\": [1]}}}");
        assertTrue(m.contains("user 'b' (\"users\"[1]) has no entry in \"user_data\""), m);
        m = error(sent, "{\"users\": [\"a\"], \"num_samples\": [1], \"user_data\": {\"a\": {\"x\": [\"hi\", \"ho\"], "
                + "\"y\": [1]}}}");
        assertTrue(m.contains("user 'a': \"x\" holds 2 samples but \"y\" holds 1 labels"), m);
        m = error(sent, "{\"users\": [\"a\"], \"num_samples\": [1], \"user_data\": {\"a\": {\"x\": [[\"1\", \"2\"]], "
                + "\"y\": [1]}}}");
        assertTrue(m.contains("user 'a', field \"x\"[0] has 2 elements; a tweet record holds its text at element 4"),
                m);
        m = error(sent, "{\"users\": [\"a\"], \"num_samples\": [1], \"user_data\": {\"a\": {\"x\": [\"hi\"], ");
        assertTrue(m.contains("bad.json: malformed JSON at line 1"), m);
        m = error(sent, "[1, 2]");
        assertTrue(m.contains("must be one JSON object"), m);
        m = error(sent, "{\"users\": [\"a\"], \"user_data\": {}}");
        assertTrue(m.contains("missing field \"num_samples\""), m);

        LeafReader femnist = femnist();
        m = error(femnist, "{\"users\": [\"w\"], \"num_samples\": [1], \"user_data\": {\"w\": {\"x\": [[0.5, 1]], "
                + "\"y\": [3]}}}");
        assertTrue(m.contains("user 'w', field \"x\"[0] has 2 values, a FEMNIST image has 784"), m);
        m = error(femnist, "{\"users\": [\"w\"], \"num_samples\": [1], \"user_data\": {\"w\": {\"x\": [[0.5, \"a\"]], "
                + "\"y\": [3]}}}");
        assertTrue(m.contains("user 'w', field \"x\"[0][1] at line 1") && m.contains("expected a number, found the "
                + "string 'a'"), m);
        m = error(femnist, "{\"users\": [\"w\"], \"num_samples\": [0], \"user_data\": {\"w\": {\"x\": [], "
                + "\"y\": []}}}");
        assertTrue(m.contains("no LEAF user has a training sample (1 users)"), m);

        LeafReader shakespeare = LeafReader.builder(LeafReader.Task.SHAKESPEARE).build();
        String bad = "a".repeat(40) + "\u00e9" + "a".repeat(39);
        m = error(shakespeare, "{\"users\": [\"r\"], \"num_samples\": [1], \"user_data\": {\"r\": {\"x\": [\"" + bad
                + "\"], \"y\": [\"a\"]}}}");
        assertTrue(m.contains("user 'r', field \"x\"[0]: character '\u00e9' (U+00E9) at position 40 is not in LEAF's "
                + "80-symbol Shakespeare vocabulary"), m);
        m = error(shakespeare, "{\"users\": [\"r\"], \"num_samples\": [1], \"user_data\": {\"r\": {\"x\": [\"short\"], "
                + "\"y\": [\"a\"]}}}");
        assertTrue(m.contains("field \"x\"[0] has 5 characters, a Shakespeare sample has 80"), m);
    }

    @Test
    void aUserInTwoFilesOfASplitIsAnError() throws IOException {
        String one = "{\"users\": [\"a\"], \"num_samples\": [1], \"user_data\": {\"a\": {\"x\": [\"hi\"], "
                + "\"y\": [1]}}}";
        write("dup/train/1.json", one);
        write("dup/train/2.json", one);
        String m = assertThrows(IOException.class, () -> LeafReader.builder(LeafReader.Task.SENT140).build()
                .read(tmp.resolve("dup"))).getMessage();
        assertTrue(m.contains("2.json: user 'a' appears again (also in ") && m.contains("1.json"), m);
        String none = assertThrows(IOException.class, () -> femnist().read(tmp.resolve("empty"))).getMessage();
        assertTrue(none.contains("has no train/ (or data/train/) folder"), none);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LeafReader.Task.parse("mnist")).getMessage()
                .contains("femnist, shakespeare or sent140, was 'mnist'"));
    }
}
