package io.github.fl4j.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Dataset.rows: a copy of the given rows in the given order (repeats allowed), for every layout of the source. */
class DatasetRowsTest {
    /** features[i][j] = 10 i + j, labels[i] = i: every copied value tells which row and column it came from. */
    private static Dataset numbered(DataType type, char order) {
        INDArray f = Nd4j.create(type, new long[] {6, 4}, order);
        INDArray y = Nd4j.create(type, new long[] {6, 1}, order);
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 4; j++) {
                f.putScalar(i, j, 10 * i + j);
            }
            y.putScalar(i, 0, i);
        }
        return new Dataset(f, y);
    }

    @Test
    void copiesTheRowsInOrder() {
        int[] idx = {5, 0, 3, 3, 1};
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (char order : new char[] {'c', 'f'}) {
                Dataset d = numbered(type, order);
                Dataset r = d.rows(idx);
                assertEquals(idx.length, r.size());
                assertEquals(type, r.features().dataType());
                assertEquals('c', r.features().ordering());
                for (int i = 0; i < idx.length; i++) {
                    for (int j = 0; j < 4; j++) {
                        assertEquals(10 * idx[i] + j, r.features().getDouble(i, j), 0.0, type + " " + order);
                    }
                    assertEquals(idx[i], r.labels().getDouble(i, 0), 0.0);
                }
                r.features().putScalar(0, 0, -1); // a copy: the source is untouched
                assertEquals(50, d.features().getDouble(5, 0), 0.0);
            }
        }
    }

    @Test
    void badIndexNamesTheValue() {
        String m = assertThrows(IllegalArgumentException.class,
                () -> numbered(DataType.FLOAT, 'c').rows(new int[] {0, 6})).getMessage();
        assertTrue(m.contains("[0, 6)") && m.contains("6"), m);
    }
}
