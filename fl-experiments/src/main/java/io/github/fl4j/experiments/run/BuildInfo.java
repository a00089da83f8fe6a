package io.github.fl4j.experiments.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The fl4j version (from a resource filtered at build time) and the git revision of the fl4j checkout (the
 * resource's, else {@code git rev-parse HEAD} in the folder the launcher names with {@code -Dfl4j.home}; "unknown"
 * when neither works: never an error).
 *
 * @param version  the project version, e.g. 0.1.0-SNAPSHOT
 * @param revision the git commit, with "-dirty" when the checkout had changes, or "unknown"
 */
public record BuildInfo(String version, String revision) {
    private static volatile BuildInfo current;

    /**
     * The build information of this fl4j (computed once).
     *
     * @return the version and revision
     */
    public static BuildInfo current() {
        BuildInfo b = current;
        if (b == null) {
            Properties p = new Properties();
            try (InputStream in = BuildInfo.class.getResourceAsStream("fl4j-build.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                // fail soft
            }
            String version = clean(p.getProperty("version"));
            String revision = clean(p.getProperty("revision"));
            if (revision == null) {
                revision = git(Path.of(System.getProperty("fl4j.home", ".")));
            }
            b = new BuildInfo(version == null ? "unknown" : version, revision == null ? "unknown" : revision);
            current = b;
        }
        return b;
    }

    private static String clean(String v) {
        return v == null || v.isBlank() || v.startsWith("${") ? null : v.strip();
    }

    private static String git(Path dir) {
        String head = run(dir, "git", "rev-parse", "HEAD");
        if (head == null || head.isBlank()) {
            return null;
        }
        String status = run(dir, "git", "status", "--porcelain", "--untracked-files=no");
        return head.strip() + (status != null && !status.isBlank() ? "-dirty" : "");
    }

    private static String run(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroy();
                return null;
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
