package io.github.fl4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An Mlp must not stay reachable after use (its per-thread scratch used to be a non-static inner class, so the
 * calling thread's ThreadLocal map kept every Mlp ever used on it alive: 40 of 40 after GC), and
 * {@link Mlp#releaseScratch()} frees its native blocks on every thread while leaving the model usable.
 */
class MlpReleaseTest {

    private static Dataset batch(int rows, int p, int k) {
        float[] f = new float[rows * p];
        float[] y = new float[rows];
        for (int i = 0; i < f.length; i++) {
            f[i] = (i % 7) / 7f - 0.5f;
        }
        for (int i = 0; i < rows; i++) {
            y[i] = i % k;
        }
        return new Dataset(Nd4j.create(f, new long[] {rows, p}), Nd4j.create(y, new long[] {rows, 1}));
    }

    private static INDArray params(Mlp m) {
        INDArray x = Nd4j.create(DataType.FLOAT, m.dimension());
        m.initialParameters(new SeedTree(3).stream(Purpose.INIT), x);
        return x;
    }

    @Test
    void usedModelsAreCollectable() throws InterruptedException {
        Dataset b = batch(5, 20, 3);
        List<WeakReference<Mlp>> refs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Mlp m = new Mlp(20, new int[] {8}, 3);
            INDArray x = params(m);
            m.lossAndGradient(x, b, Nd4j.create(DataType.FLOAT, m.dimension()));
            m.evaluate(x, b);
            refs.add(new WeakReference<>(m));
        }
        long alive = 40;
        for (int attempt = 0; attempt < 20 && alive > 0; attempt++) {
            System.gc();
            Thread.sleep(20);
            alive = refs.stream().filter(r -> r.get() != null).count();
        }
        assertEquals(0, alive, "Mlp instances still reachable after use on this thread and GC");
    }

    @Test
    void releaseFreesEveryThreadsBlocksAndTheModelStaysUsable() throws Exception {
        Mlp m = new Mlp(20, new int[] {8, 6}, 3);
        INDArray x = params(m);
        Dataset b = batch(5, 20, 3);
        double before = m.loss(x, b);
        Thread other = new Thread(() -> m.loss(x, batch(10, 20, 3)));
        other.start();
        other.join();
        // blocks: aligned to 16 elements, rows x (8 + 6 + 3) + delta rows x 8, float32:
        // 5 rows: 48 + 32 + 16 + 48 = 144 floats; 10 rows: 80 + 64 + 32 + 80 = 256 floats -> (144 + 256) * 4 bytes
        assertEquals((144 + 256) * 4, m.releaseScratch());
        assertEquals(0, m.releaseScratch(), "nothing left to free");
        assertEquals(before, m.loss(x, b), 0.0, "same bits after the scratch was freed and allocated again");
        assertTrue(m.releaseScratch() > 0);
    }

    @Test
    void linearModelsFreeTheCallingThreadsScratch() {
        Dataset b = batch(5, 20, 3);
        SoftmaxRegression m = new SoftmaxRegression(20, 3);
        INDArray x = Nd4j.create(DataType.FLOAT, m.dimension());
        m.initialParameters(new SeedTree(3).stream(Purpose.INIT), x);
        INDArray g = Nd4j.create(DataType.FLOAT, m.dimension());
        double before = m.lossAndGradient(x, b, g);
        assertTrue(m.releaseScratch() > 0);
        assertEquals(0, m.releaseScratch(), "nothing left to free");
        assertEquals(before, m.lossAndGradient(x, b, g), 0.0, "same bits with new scratch");
    }
}
