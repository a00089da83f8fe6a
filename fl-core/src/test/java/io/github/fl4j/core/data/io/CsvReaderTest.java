package io.github.fl4j.core.data.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.tensor.Precision;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class CsvReaderTest {

    @TempDir
    Path tmp;

    private static final String WITH_HEADER = ""
            + "a,\"label\",b\n"
            + "1.5,0,2\n"
            + "\n"
            + " -3 , 1 , \"4e1\"\n"
            + "0.25,1,-0\n";

    private static double[] values(INDArray a) {
        return a.dup('c').castTo(DataType.DOUBLE).data().asDouble();
    }

    private Path write(String name, String content, boolean gzip) throws IOException {
        return LibSvmReaderTest.write(tmp.resolve(name), content, gzip);
    }

    @Test
    void headerLabelByNamePlainAndGzip() throws IOException {
        for (boolean gzip : new boolean[] {false, true}) {
            Path f = write("h" + gzip + ".csv", WITH_HEADER, gzip);
            Dataset d = CsvReader.builder().header(true).labelColumn("label").precision(Precision.FLOAT64).build()
                    .read(f);
            // 3 data rows (blank line skipped), columns a and b are features
            assertArrayEquals(new long[] {3, 2}, d.features().shape());
            assertArrayEquals(new double[] {1.5, 2, -3, 40, 0.25, -0.0}, values(d.features()), 0.0);
            assertArrayEquals(new double[] {0, 1, 1}, values(d.labels()), 0.0);
        }
    }

    @Test
    void labelByIndexSeparatorMappingAndSkipLines() throws IOException {
        Path f = write("s.csv", "150;3 (a sklearn-style first line)\n2;7;8\n1;9;10\n", false);
        Dataset d = CsvReader.builder().separator(';').skipLines(1).labelColumn(0)
                .labelMapping(Map.of(1.0, -1.0, 2.0, 1.0)).build().read(f);
        assertEquals(DataType.FLOAT, d.features().dataType());
        assertArrayEquals(new double[] {7, 8, 9, 10}, values(d.features()), 0.0);
        assertArrayEquals(new double[] {1, -1}, values(d.labels()), 0.0); // {1 -> -1, 2 -> +1}
        // default: last column is the label
        Path g = write("g.csv", "1,2,3\n4,5,6\n", false);
        Dataset e = CsvReader.builder().build().read(g);
        assertArrayEquals(new double[] {1, 2, 4, 5}, values(e.features()), 0.0);
        assertArrayEquals(new double[] {3, 6}, values(e.labels()), 0.0);
    }

    // ---- malformed ----

    private void fails(String content, CsvReader reader, String... parts) throws IOException {
        Path f = write("bad" + System.nanoTime() + ".csv", content, false);
        IOException e = assertThrows(IOException.class, () -> reader.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message should contain '" + p + "': " + e.getMessage());
        }
    }

    @Test
    void badTokenNamesLineColumnAndToken() throws IOException {
        fails("x,y,label\n1,2,0\n3,oops,1\n", CsvReader.builder().header(true).labelColumn("label").build(),
                "line 3", "column 2", "('y')", "non-numeric token 'oops'");
        fails("1,2\n3,\n", CsvReader.builder().build(), "line 2", "column 2", "empty field");
        fails("1,2\n3,4,5\n", CsvReader.builder().build(), "line 2", "3 columns, expected 2");
        fails("1,\"2\n", CsvReader.builder().build(), "line 1", "unterminated");
    }

    @Test
    void missingLabelColumn() throws IOException {
        fails("x,y\n1,2\n", CsvReader.builder().header(true).labelColumn("label").build(), "line 1",
                "no label column named 'label'", "[x, y]");
        fails("1,2\n", CsvReader.builder().labelColumn(5).build(), "line 1", "label column index 5",
                "2 columns");
    }

    @Test
    void labelOutsideMapping() throws IOException {
        fails("1,0\n1,1\n1,2\n", CsvReader.builder().labelMapping(Map.of(0.0, -1.0, 1.0, 1.0)).build(),
                "line 3", "column 2", "label '2'", "not in the label mapping");
    }

    @Test
    void labelNameNeedsHeader() {
        assertThrows(IllegalArgumentException.class, () -> CsvReader.builder().labelColumn("y").build());
        assertThrows(IllegalArgumentException.class, () -> CsvReader.builder().separator('"'));
    }
}
