package io.github.fl4j.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.ref.WeakReference;
import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The per-thread caches behind Tensors.nativePointer / floatView: hits, misses, and weak keys. */
class BufferCacheTest {
    @Test
    void hitReturnsTheCachedValueWithoutMakingAnother() {
        AtomicInteger made = new AtomicInteger();
        BufferCache<Pointer> cache = new BufferCache<>(b -> {
            made.incrementAndGet();
            return b.addressPointer();
        });
        INDArray a = Nd4j.zeros(DataType.FLOAT, 10);
        INDArray b = Nd4j.zeros(DataType.FLOAT, 10);
        Pointer pa = cache.get(a.data());
        assertSame(pa, cache.get(a.data()));
        Pointer pb = cache.get(b.data());
        assertNotSame(pa, pb);
        assertEquals(a.data().addressPointer().address(), pa.address());
        assertEquals(b.data().addressPointer().address(), pb.address());
        assertEquals(2, made.get());
    }

    @Test
    void tensorsViewsAreTheBuffersOwnViewsAndStable() {
        INDArray a = Nd4j.createFromArray(1f, 2f, 3f, 4f);
        INDArray view = a.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 3));
        FloatBuffer v = Tensors.floatView(a);
        assertSame(v, Tensors.floatView(a));
        assertEquals(3f, v.get(2), 0f);
        // a view: element i at offset() + i of its buffer's view, as with data().asNioFloat()
        assertEquals(3f, Tensors.floatView(view).get((int) view.offset() + 1), 0f);
        assertEquals(view.data().addressPointer().address(), Tensors.nativePointer(view).address());
    }

    /** The cache keeps no array alive: its buffer is collectable while cached (pointer and NIO view as values). */
    @Test
    void keysAreWeak() throws InterruptedException {
        BufferCache<Pointer> pointers = new BufferCache<>(DataBuffer::addressPointer);
        BufferCache<FloatBuffer> views = new BufferCache<>(DataBuffer::asNioFloat);
        WeakReference<DataBuffer> ref = cacheAndForget(pointers, views);
        for (int i = 0; i < 50 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(ref.get(), "the cached buffer was not collected");
    }

    private static WeakReference<DataBuffer> cacheAndForget(BufferCache<Pointer> p, BufferCache<FloatBuffer> v) {
        DataBuffer b = Nd4j.zeros(DataType.FLOAT, 1000).data();
        p.get(b);
        v.get(b);
        return new WeakReference<>(b);
    }
}
