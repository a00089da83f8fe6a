package io.github.fl4j.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class WorkspaceAndPoolTest {

    @Test
    void workspaceReusesByNameAndShape() {
        Workspace ws = new Workspace();
        INDArray a = ws.vector("a", Precision.FLOAT32, 10);
        assertSame(a, ws.vector("a", Precision.FLOAT32, 10));
        assertNotSame(a, ws.vector("b", Precision.FLOAT32, 10));
        INDArray a64 = ws.vector("a", Precision.FLOAT64, 10);
        assertEquals(DataType.DOUBLE, a64.dataType());
        INDArray m = ws.matrix("m", Precision.FLOAT32, 3, 4);
        assertSame(m, ws.matrix("m", Precision.FLOAT32, 3, 4));
        assertEquals('c', m.ordering());
        assertNotSame(m, ws.matrix("m", Precision.FLOAT32, 4, 3));
        assertEquals(3, ws.size());
    }

    @Test
    void poolLendsDistinctArraysAndReusesThemAfterRecycle() {
        BufferPool pool = new BufferPool();
        INDArray a = pool.take(Precision.FLOAT32, 5);
        INDArray b = pool.take(Precision.FLOAT32, 5);
        assertNotSame(a, b);
        pool.recycle();
        INDArray c = pool.take(Precision.FLOAT32, 5);
        INDArray d = pool.take(Precision.FLOAT32, 5);
        assertSame(a, c);
        assertSame(b, d);
        assertNotSame(a, pool.take(Precision.FLOAT64, 5));
        assertNotSame(a, pool.take(Precision.FLOAT32, 6));
    }
}
