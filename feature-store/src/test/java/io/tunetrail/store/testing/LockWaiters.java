package io.tunetrail.store.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;

/** For race tests: waits until transactions are blocked on advisory locks, so they are known to overlap. */
public final class LockWaiters {
    private LockWaiters() {}

    /** Returns once {@code n} sessions of {@code c}'s database wait for an advisory lock; fails after 20 s. */
    public static void await(Connection c, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                    + "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getInt(1) >= n) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError(n + " transactions never all waited on an advisory lock");
    }
}
