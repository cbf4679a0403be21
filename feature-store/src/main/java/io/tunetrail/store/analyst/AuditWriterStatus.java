package io.tunetrail.store.analyst;

import io.tunetrail.model.PlatformConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * The SQL endpoint's audit writer counters, as the endpoint's JVM publishes them for {@code ./tunetrail sql status}
 * (which runs in another JVM; the endpoint has no metrics server): a small properties file under
 * {@code <home>/sql}, replaced whole every few seconds.
 *
 * @param queued  entries waiting to be written now
 * @param written entries PostgreSQL has
 * @param dropped entries dropped because the queue was full (each also logged)
 * @param failed  write attempts PostgreSQL refused (the batch is retried)
 * @param purged  entries deleted because they were older than {@code sql.audit.retention-days}
 */
public record AuditWriterStatus(long queued, long written, long dropped, long failed, long purged, Instant at) {
    private static final String[] KEYS = {"queued", "written", "dropped", "failed", "purged"};

    /** Where the endpoint of {@code config} publishes it. */
    public static Path file(PlatformConfig config) {
        return config.home().resolve("sql").resolve("audit-status.properties");
    }

    /** Replaces the file atomically, so a reader never sees half of it. */
    public void write(Path file) {
        Properties p = new Properties();
        long[] values = {queued, written, dropped, failed, purged};
        for (int i = 0; i < KEYS.length; i++) {
            p.setProperty(KEYS[i], Long.toString(values[i]));
        }
        p.setProperty("at", at.toString());
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "SQL endpoint audit writer counters");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The last counters published there; empty when there is no file (the endpoint never ran) or it is unreadable. */
    public static Optional<AuditWriterStatus> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            return Optional.of(new AuditWriterStatus(n(p, "queued"), n(p, "written"), n(p, "dropped"), n(p, "failed"), n(p, "purged"),
                    Instant.parse(p.getProperty("at"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** One line: {@code queued 0, written 12, dropped 0, failed 0, purged 3 (at ...)}. */
    public String line() {
        return "queued " + queued + ", written " + written + ", dropped " + dropped + ", failed " + failed + ", purged " + purged + " (at " + at + ")";
    }

    private static long n(Properties p, String key) {
        return Long.parseLong(p.getProperty(key));
    }
}
