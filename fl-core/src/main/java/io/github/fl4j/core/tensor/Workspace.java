package io.github.fl4j.core.tensor;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reusable scratch arrays of one worker thread, looked up by a name that says who owns them (e.g.
 * {@code "fedavg.iterate"}).
 *
 * <p>Why: allocating an ND4J array costs 40 to 400 microseconds on the reference machine (JavaCPP bookkeeping and
 * off-heap allocation), against about 50 microseconds for a whole softmax-regression minibatch gradient, so a client
 * task that allocated its iterate, gradient and batch buffers every round spent most of its time allocating. The
 * engine gives every worker thread one workspace ({@code ClientContext.workspace()}); a client's buffers then live as
 * long as the thread and are reused by every client task it runs.
 *
 * <p>Rules: the contents of a buffer are undefined when it is handed out (callers overwrite or zero it); a buffer is
 * valid until the same name is requested again on this thread, so a task must not keep it beyond its own run (state
 * that persists between rounds belongs in the client state). Different components use different names. Not
 * thread-safe: one workspace per thread.
 */
public final class Workspace {
    private final Map<String, INDArray> arrays = new HashMap<>();

    /** A vector of the given length and precision, reused when the name was used before with the same shape. */
    public INDArray vector(String name, Precision precision, long length) {
        INDArray a = arrays.get(name);
        if (a == null || a.rank() != 1 || a.length() != length || a.dataType() != precision.dataType()) {
            a = Nd4j.createUninitialized(precision.dataType(), length);
            arrays.put(name, a);
        }
        return a;
    }

    /** A c-ordered matrix of the given shape and precision, reused when the name was used before with that shape. */
    public INDArray matrix(String name, Precision precision, long rows, long columns) {
        INDArray a = arrays.get(name);
        if (a == null || a.rank() != 2 || a.rows() != rows || a.columns() != columns
                || a.dataType() != precision.dataType()) {
            a = Nd4j.createUninitialized(precision.dataType(), new long[] {rows, columns}, 'c');
            arrays.put(name, a);
        }
        return a;
    }

    /** Number of arrays held. */
    public int size() {
        return arrays.size();
    }

    /**
     * Frees the native memory of every array held, now (ND4J arrays are otherwise freed when the garbage collector
     * finds them, at no predictable time), and forgets them; the workspace stays usable. Only when no task uses it.
     *
     * @return the number of native bytes freed
     */
    public long release() {
        long bytes = 0;
        for (INDArray a : arrays.values()) {
            if (!a.wasClosed()) {
                bytes += a.length() * a.dataType().width();
                a.close();
            }
        }
        arrays.clear();
        return bytes;
    }
}
