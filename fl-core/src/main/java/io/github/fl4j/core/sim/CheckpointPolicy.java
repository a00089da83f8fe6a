package io.github.fl4j.core.sim;

import io.github.fl4j.core.state.CheckpointFile;
import java.nio.file.Path;

/**
 * When and where a simulation checkpoints: every {@code every} rounds (and after the last round) into {@code directory}
 * as {@code checkpoint-000012.fl4j} (the number is the round), keeping the {@code keep} newest complete files. Each
 * file is written atomically (see {@link CheckpointFile}), so the previous checkpoint stays valid until the new one is
 * complete, and {@link Simulation#resume(Path)} continues from the newest complete one.
 *
 * @param directory where the checkpoints go (created if absent)
 * @param every     checkpoint every this many rounds, at least 1
 * @param keep      how many complete checkpoints to keep, at least 1 (older ones are deleted after a new one is
 *                  complete)
 * @param progress  told after each section of a checkpoint is written (null: nobody); for progress reports and for
 *                  fault-injection tests that stop a process in the middle of a write
 */
public record CheckpointPolicy(Path directory, int every, int keep, CheckpointFile.Progress progress) {

    public CheckpointPolicy {
        if (directory == null) {
            throw new IllegalArgumentException("checkpoint directory must not be null");
        }
        if (every < 1) {
            throw new IllegalArgumentException("checkpoint every must be >= 1 round, was " + every);
        }
        if (keep < 1) {
            throw new IllegalArgumentException("checkpoint keep must be >= 1, was " + keep);
        }
    }

    /** Every {@code every} rounds into {@code directory}, keeping the two newest checkpoints. */
    public static CheckpointPolicy every(int every, Path directory) {
        return new CheckpointPolicy(directory, every, 2, null);
    }

    /** The same policy keeping {@code n} checkpoints. */
    public CheckpointPolicy keeping(int n) {
        return new CheckpointPolicy(directory, every, n, progress);
    }

    /** The same policy with a progress callback. */
    public CheckpointPolicy withProgress(CheckpointFile.Progress p) {
        if (p == null) {
            throw new IllegalArgumentException("checkpoint progress must not be null, was null");
        }
        return new CheckpointPolicy(directory, every, keep, p);
    }

    /** Whether round {@code t} of a run of {@code rounds} rounds is checkpointed. */
    public boolean checkpoints(int t, int rounds) {
        return t % every == 0 || t == rounds;
    }
}
