package io.github.fl4j.experiments.grid;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Atomic writes: the content goes to a temporary file in the target's own folder (same file system), which is then
 * moved over the target in one step, so a reader (or a process killed mid-write) sees the old file or the new one,
 * never half of one. A leftover temporary file ({@code .tmp-*}) is the only trace of a kill.
 */
final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes {@code text} (UTF-8) to {@code file} atomically, creating the folder when needed. */
    static void write(Path file, CharSequence text) throws IOException {
        write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code bytes} to {@code file} atomically, creating the folder when needed. */
    static void write(Path file, byte[] bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        Path tmp = Files.createTempFile(dir, ".tmp-", dot < 0 ? ".tmp" : name.substring(dot));
        try {
            Files.write(tmp, bytes);
            move(tmp, file);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** Moves {@code tmp} over {@code file}, atomically where the file system can. */
    static void move(Path tmp, Path file) throws IOException {
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
