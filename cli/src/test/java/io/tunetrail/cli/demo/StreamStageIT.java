package io.tunetrail.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.model.Catalog;
import io.tunetrail.model.EndUser;
import io.tunetrail.model.Org;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.catalog.PostgresCatalogStore;
import io.tunetrail.store.online.FeatureRow;
import io.tunetrail.store.online.FeatureViews;
import io.tunetrail.store.online.LedgerEntry;
import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.store.testing.RedisNamespace;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The stream stage's read-back: one org's ledger and its busiest listener's session features, from Redis. */
class StreamStageIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();
    @RegisterExtension
    static final RedisNamespace REDIS = new RedisNamespace();

    @Test
    void printsTheLedgerAndTheBusiestListenersFeatures() throws Exception {
        String org = REDIS.newOrgId("stage");
        // An org without listeners that sorts first (as the serve stage's per-plan orgs do) has nothing to show.
        String empty = "0-empty-" + org;
        new PostgresCatalogStore(DB.dataSource()).load(new Catalog(List.of(new Org(empty, "Empty", "starter")),
                List.of(), List.of(), List.of(), List.of(), List.of()));
        new PostgresCatalogStore(DB.dataSource()).load(new Catalog(List.of(new Org(org, "Stage", "pro")),
                List.of(new EndUser(org, "u-1", null, null), new EndUser(org, "u-2", null, null)), List.of(), List.of(), List.of(), List.of()));
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        Instant last = day.atTime(21, 30).toInstant(ZoneOffset.UTC);
        REDIS.store().writeBatch(org, FeatureViews.USER_SESSIONS, null, List.of(row("u-1", 2, last.minusSeconds(7200)), row("u-2", 5, last)));
        REDIS.store().writeLedger(List.of(new LedgerEntry(org, "interactions", false, day, 321),
                new LedgerEntry(org, "interactions", true, day.withDayOfMonth(1), 4321)));

        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PlatformConfig config = DB.config();
        StreamStage.printReadBack(config, REDIS.store(), new PrintStream(buffer, true, StandardCharsets.UTF_8));
        String out = buffer.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("org " + org + ", usage ledger for " + day).contains("interactions").contains("321 / 4,321")
                .contains("listener u-2").contains("5 sessions in 7 days").contains("top genres rock, jazz").contains("recent tracks t9, t8");
    }

    private static FeatureRow row(String user, long sessions, Instant updated) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("sessions_7d", sessions);
        v.put("minutes_listened_7d", 42.5);
        v.put("skip_rate_7d", 0.25);
        v.put("top_genres_7d", List.of("rock", "jazz"));
        v.put("recent_tracks", List.of("t9", "t8", "t7"));
        v.put("updated_at_ms", updated.toEpochMilli());
        return new FeatureRow(user, v);
    }
}
