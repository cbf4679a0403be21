package io.tunetrail.sql.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.MutableClock;
import io.tunetrail.store.Database;
import io.tunetrail.store.analyst.AuditWriterStatus;
import io.tunetrail.store.analyst.QueryAuditLog;
import io.tunetrail.store.testing.FreshDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention of the statement audit on the real PostgreSQL: the writer's thread deletes what is older than the
 * retention, in batches, keeps the rest, and waits an hour before the next purge; the counters reach the status file.
 */
class AuditRetentionIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();
    static final Instant NOW = Instant.parse("2026-12-06T04:00:00Z");
    static HikariDataSource pool;

    @BeforeAll
    static void setUp() {
        pool = Database.connect(DB.config(), 2);
    }

    @AfterAll
    static void tearDown() {
        pool.close();
    }

    @Test
    void theWriterDeletesEntriesPastTheRetentionInBatchesAndKeepsTheRest(@TempDir Path home) throws Exception {
        QueryAuditLog log = new QueryAuditLog(pool);
        List<QueryAuditLog.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            entries.add(AuditWriterTest.entry("old-" + i, NOW.minus(Duration.ofDays(91)).minusSeconds(i)));
        }
        entries.add(AuditWriterTest.entry("edge", NOW.minus(Duration.ofDays(89))));
        entries.add(AuditWriterTest.entry("new", NOW.minusSeconds(60)));
        log.record(entries);
        List<Integer> batches = new ArrayList<>();
        AuditRetention retention = new AuditRetention((before, n) -> {
            int deleted = log.purgeBefore(before, n);
            batches.add(deleted);
            return deleted;
        }, Duration.ofDays(90), 10, Clock.fixed(NOW, ZoneOffset.UTC));
        Path statusFile = AuditWriterStatus.file(PlatformConfig.load(java.util.Map.of(), java.util.Map.of(PlatformConfig.HOME.name(), home.toString())));
        try (AuditWriter writer = new AuditWriter(log::record, 10, retention, s -> s.write(statusFile), Clock.fixed(NOW, ZoneOffset.UTC))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (writer.purged() < 25 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(writer.purged()).isEqualTo(25);
        }
        assertThat(batches).containsExactly(10, 10, 5);
        assertThat(ids()).containsExactly("edge", "new");
        assertThat(AuditWriterStatus.read(statusFile)).hasValueSatisfying(s -> assertThat(s.purged()).isEqualTo(25));
    }

    @Test
    void thePurgeRunsAgainAnHourAfterItFinished() {
        MutableClock clock = new MutableClock(NOW);
        List<Instant> calls = new ArrayList<>();
        AuditRetention retention = new AuditRetention((before, n) -> {
            calls.add(before);
            return 0;
        }, Duration.ofDays(90), 10, clock);
        retention.step();
        clock.set(NOW.plus(Duration.ofMinutes(59)));
        retention.step();
        clock.set(NOW.plus(Duration.ofMinutes(60)));
        retention.step();
        assertThat(calls).containsExactly(NOW.minus(Duration.ofDays(90)), NOW.plus(Duration.ofMinutes(60)).minus(Duration.ofDays(90)));
        assertThatThrownBy(() -> new AuditRetention((b, n) -> 0, Duration.ofHours(5), 10, clock)).hasMessageContaining("sql.audit.retention-days");
    }

    private static List<String> ids() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT statement_id FROM sql_query_audit ORDER BY started_at")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
