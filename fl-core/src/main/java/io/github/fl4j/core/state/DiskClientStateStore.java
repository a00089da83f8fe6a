package io.github.fl4j.core.state;

import io.github.fl4j.core.api.StateCodec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ClientStateStore} on disk with bounded memory: each state is encoded by its {@link StateCodec} and appended
 * to the file {@code name.log} in a directory (see the log format below), with an in-memory index from client id to
 * the file offset (12 bytes per client) and a cache of recently used encoded states in front, bounded in bytes.
 *
 * <p><b>Same bits as the memory store.</b> The store holds exactly the bytes the codec wrote, whether they sit in the
 * cache or in the file, and every {@link #getAll} decodes them; so what a run computes cannot depend on the cache size
 * or on where a state was, and a run with this store is bit-identical to one with {@link InMemoryClientStateStore}.
 * {@link #writeTo} writes the very format of {@link InMemoryClientStateStore#writeTo}, so a checkpoint written with
 * either store resumes with either.
 *
 * <p><b>Crash safety.</b> A {@link #putAll} is atomic: it encodes every state first (a codec that throws leaves the
 * store unchanged), then appends the records and one commit record; {@link #open} replays the file up to the last
 * commit, so a process killed in the middle of a put (even by SIGKILL) reopens to the last committed batch. With
 * {@code durable} every commit is also forced to the disk (safe against power loss, at the cost of one fsync per put).
 *
 * <p><b>Checkpoints.</b> A simulation's checkpoint copies the stored states into the checkpoint file ({@link #writeTo},
 * streamed from the file in id order without holding them in memory), and a resume refills the store from it
 * ({@link #readFrom}): the checkpoint file alone is a consistent snapshot, which stays valid whatever happens to the
 * store's directory afterwards.
 *
 * <p><b>Space.</b> Overwritten states are reclaimed by compaction (an atomic rewrite of the live states), so the file
 * stays below about twice the live encoded bytes plus 64 MiB.
 *
 * <p>Not thread-safe: used from the engine's thread. Holds a lock on its file while open, so two open stores never
 * share a file; {@link #close()} releases it.
 *
 * @param <T> the state type
 */
public final class DiskClientStateStore<T> implements ClientStateStore<T>, EncodedStore {
    /** The default cache budget: 64 MiB of encoded states. */
    public static final long DEFAULT_CACHE_BYTES = 64L << 20;
    private static final long RESTORE_BATCH_BYTES = 32L << 20;

    private final String name;
    private final StateCodec<T> codec;
    private final StateLog log;
    private final long cacheBudget;
    private final LinkedHashMap<Integer, byte[]> cache = new LinkedHashMap<>(64, 0.75f, true);
    private long cachedBytes;
    private final StateBytes<T> bytesOf;

    private DiskClientStateStore(String name, StateCodec<T> codec, StateLog log, long cacheBytes) {
        this.name = name;
        this.codec = codec;
        this.log = log;
        this.cacheBudget = cacheBytes;
        this.bytesOf = new StateBytes<>(name, codec);
    }

    /**
     * A new, empty store in {@code directory} (created if absent): the file {@code name.log} is emptied if it exists.
     *
     * @param cacheBytes the cache budget in bytes of encoded states (0: no cache)
     * @throws IllegalArgumentException if an argument is null, the name is not a plain file name or the budget is
     *                                  negative
     * @throws IllegalStateException    if another open store holds that file
     * @throws UncheckedIOException     if the directory or file cannot be created
     */
    public static <T> DiskClientStateStore<T> create(Path directory, String name, StateCodec<T> codec,
                                                     long cacheBytes) {
        return open(directory, name, codec, cacheBytes, true, false);
    }

    /**
     * Opens the store {@code name} in {@code directory} with what it held after its last complete {@link #putAll}
     * (an empty store if there is no file).
     *
     * @param fresh   empty the file first
     * @param durable force every put to the disk before it returns
     * @throws UncheckedIOException if the file is not a store file or cannot be read
     */
    public static <T> DiskClientStateStore<T> open(Path directory, String name, StateCodec<T> codec, long cacheBytes,
                                                   boolean fresh, boolean durable) {
        if (directory == null || name == null || codec == null) {
            throw new IllegalArgumentException("directory, name and codec must not be null, were " + directory + ", "
                    + name + ", " + codec);
        }
        if (cacheBytes < 0) {
            throw new IllegalArgumentException(name + ": cache bytes must be >= 0, was " + cacheBytes);
        }
        try {
            return new DiskClientStateStore<>(name, codec, StateLog.open(directory, name, fresh, durable), cacheBytes);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot open the store in " + directory + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<T> getAll(int[] clientIds) {
        checkOpen();
        List<T> result = new ArrayList<>(clientIds.length);
        for (int id : clientIds) {
            checkId(id);
            byte[] b = bytes(id);
            if (b == null) {
                result.add(null);
                continue;
            }
            result.add(bytesOf.decode(id, b));
        }
        return result;
    }

    /** The encoded state of {@code id} from the cache or the file (then cached), or null. */
    private byte[] bytes(int id) {
        byte[] b = cache.get(id);
        if (b != null) {
            return b;
        }
        b = log.get(id);
        if (b != null) {
            cache(id, b);
        }
        return b;
    }

    private void cache(int id, byte[] b) {
        if (b.length > cacheBudget) {
            byte[] old = cache.remove(id);
            if (old != null) {
                cachedBytes -= old.length;
            }
            return;
        }
        byte[] old = cache.put(id, b);
        cachedBytes += b.length - (old == null ? 0 : old.length);
        Iterator<Map.Entry<Integer, byte[]>> it = cache.entrySet().iterator();
        while (cachedBytes > cacheBudget && it.hasNext()) {
            cachedBytes -= it.next().getValue().length;
            it.remove();
        }
    }

    @Override
    public void putAll(int[] clientIds, List<T> values) {
        checkOpen();
        byte[][] encoded = bytesOf.encodeAll(clientIds, values);
        log.putAll(clientIds, encoded);
        for (int i = 0; i < clientIds.length; i++) {
            cache(clientIds[i], encoded[i]);
        }
    }

    /**
     * This store's encoded states seen through another codec, sharing them (and the file): how a server table restored
     * from a checkpoint before its codec was known gets its codec. This object must not be used afterwards.
     */
    @Override
    public <U> ClientStateStore<U> bind(StateCodec<U> c) {
        checkOpen();
        DiskClientStateStore<U> b = new DiskClientStateStore<>(name, c, log, cacheBudget);
        b.cache.putAll(cache);
        b.cachedBytes = cachedBytes;
        return b;
    }

    @Override
    public void release(T state) {
        bytesOf.release(state);
    }

    @Override
    public boolean contains(int clientId) {
        checkOpen();
        return log.length(clientId) >= 0;
    }

    @Override
    public int size() {
        checkOpen();
        return log.size();
    }

    @Override
    public long encodedBytes() {
        checkOpen();
        return log.liveBytes();
    }

    /** The bytes the store's file takes on disk now (the live states, overwritten ones not yet compacted, headers). */
    public long fileBytes() {
        checkOpen();
        return log.fileBytes();
    }

    /** Rewrites the file with the live states only (done automatically as the file grows; for tests). */
    void compact() {
        checkOpen();
        log.compact();
    }

    /** The bytes of encoded states held in the cache now (at most the budget). */
    public long cachedBytes() {
        return cachedBytes;
    }

    /** The store's file. */
    public Path file() {
        return log.file();
    }

    /**
     * The format of {@link InMemoryClientStateStore#writeTo}: version byte 1, int count, then for each stored client in
     * increasing id order: int id, int length, bytes. Streams from the file; the cache is not changed.
     */
    @Override
    public void writeTo(DataOutput o) throws IOException {
        checkOpen();
        StoreFormat.writeHeader(o, log.size());
        int limit = log.idLimit();
        for (int id = 0; id < limit; id++) {
            if (log.length(id) < 0) {
                continue;
            }
            byte[] b = cache.get(id);
            StoreFormat.writeEntry(o, id, b != null ? b : log.get(id));
        }
    }

    /**
     * Replaces the contents with what {@link #writeTo} (of this or the in-memory store) wrote, in batches of about
     * 32 MiB. If the input is bad the error names it, and the store is left empty or partly filled: a resume reads the
     * whole checkpoint before it uses the store, so it fails as a whole.
     */
    @Override
    public void readFrom(DataInput in) throws IOException {
        checkOpen();
        log.clear();
        cache.clear();
        cachedBytes = 0;
        bytesOf.clearReleased();
        List<Integer> ids = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        long[] batch = {0};
        StoreFormat.read(in, name, (id, b) -> {
            ids.add(id);
            values.add(b);
            batch[0] += b.length;
            if (batch[0] >= RESTORE_BATCH_BYTES) {
                flush(ids, values);
                batch[0] = 0;
            }
        });
        flush(ids, values);
    }

    private void flush(List<Integer> ids, List<byte[]> values) {
        if (ids.isEmpty()) {
            return;
        }
        log.putAll(ids.stream().mapToInt(Integer::intValue).toArray(), values.toArray(new byte[0][]));
        ids.clear();
        values.clear();
    }

    /** Closes the file and releases its lock; the file stays (reopen it with {@link #open}). Idempotent. */
    @Override
    public void close() {
        log.close();
        cache.clear();
        cachedBytes = 0;
        bytesOf.clearReleased();
    }

    private void checkOpen() {
        if (!log.isOpen()) {
            throw new IllegalStateException(name + ": the store on " + log.file() + " is closed");
        }
    }

    private void checkId(int id) {
        bytesOf.checkId(id);
    }

    @Override
    public String toString() {
        return "DiskClientStateStore[" + name + ", " + log.file() + "]";
    }
}
