package io.tunetrail.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.cli.CliError;
import io.tunetrail.cli.jobs.StreamCommand;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.Database;
import io.tunetrail.store.online.FeatureRow;
import io.tunetrail.store.online.FeatureViews;
import io.tunetrail.store.online.RedisOnlineStore;
import io.tunetrail.store.online.UsageCount;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Streams the topics through both Flink jobs ({@code ./tunetrail stream --until-idle}), prints what each refused and
 * why, and reads back from Redis one org's usage ledger and one listener's session features.
 */
final class StreamStage implements DemoStage {
    /** Listeners of the org whose online rows are read to pick the one to show. */
    private static final int SAMPLE = 200;
    private static final List<String> RESOURCES = List.of("interactions", "api_calls", "audio_analysis", "model_training");

    @Override
    public String name() {
        return "stream";
    }

    @Override
    public String description() {
        return "stream the topics through the Flink jobs (usage counters, session features) into Redis and Kafka"
                + " (a MiniCluster, or the Flink session cluster with --cluster)";
    }

    @Override
    public void run(DemoContext context) throws SQLException {
        if (context.repositoryRoot() == null) {
            throw CliError.environment("the repository root is unknown", "TUNETRAIL_ROOT is not set", "Run the demo through ./tunetrail demo");
        }
        JsonNode result = StreamCommand.run(context.jobs(), "all", true, line -> { });
        PrintStream out = context.out();
        StreamCommand.describe(result).lines().forEach(l -> out.println("      " + l));
        try (RedisOnlineStore redis = RedisOnlineStore.connect(context.config())) {
            printReadBack(context.config(), redis, out);
        }
    }

    /** The busiest listener among the first of the first org, and that org's ledger on the day of their last session. */
    static void printReadBack(PlatformConfig config, RedisOnlineStore redis, PrintStream out) throws SQLException {
        Optional<String> org = firstOrg(config);
        if (org.isEmpty()) {
            out.println("      no org in PostgreSQL: nothing to read back");
            return;
        }
        List<String> users = users(config, org.get());
        Map<String, FeatureRow> rows = redis.read(org.get(), FeatureViews.USER_SESSIONS, users);
        Optional<FeatureRow> busiest = rows.values().stream().max(Comparator.comparingLong((FeatureRow r) -> r.getLong("sessions_7d"))
                .thenComparing(FeatureRow::entityId, Comparator.reverseOrder()));
        Instant at = busiest.map(r -> Instant.ofEpochMilli(r.getLong("updated_at_ms"))).orElse(Instant.now());
        LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        Map<String, UsageCount> ledger = redis.ledger(org.get(), RESOURCES, at);
        out.printf(Locale.ROOT, "      Redis: org %s, usage ledger for %s (day / month to date):%n", org.get(), day);
        for (UsageCount c : ledger.values()) {
            if (c.day() > 0 || c.month() > 0) {
                out.printf(Locale.ROOT, "        %-15s %,10d / %,d%n", c.resource(), c.day(), c.month());
            }
        }
        if (busiest.isEmpty()) {
            out.println("      Redis: no session features yet for the org's first " + users.size() + " listeners");
            return;
        }
        FeatureRow r = busiest.get();
        out.printf(Locale.ROOT, "      Redis: listener %s (user_sessions, as of %s): %d sessions in 7 days, %.1f minutes, skip rate %.2f%n",
                r.entityId(), at, r.getLong("sessions_7d"), r.getDouble("minutes_listened_7d"), r.getDouble("skip_rate_7d"));
        out.printf(Locale.ROOT, "        top genres %s; recent tracks %s%n", String.join(", ", r.getIds("top_genres_7d")),
                String.join(", ", r.getIds("recent_tracks").subList(0, Math.min(5, r.getIds("recent_tracks").size()))));
    }

    /** The org the demo reads back: the first by id that has listeners (the stream and land stages show the same one). */
    static Optional<String> firstOrg(PlatformConfig config) throws SQLException {
        try (HikariDataSource db = Database.connect(config, 1); Connection c = db.getConnection();
                // Orgs with listeners only: the serve stage adds empty orgs (one per plan) that have nothing to show.
                PreparedStatement ps = c.prepareStatement("SELECT org_id FROM organisations o WHERE EXISTS "
                        + "(SELECT 1 FROM end_users e WHERE e.org_id = o.org_id) ORDER BY org_id LIMIT 1");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
    }

    private static List<String> users(PlatformConfig config, String org) throws SQLException {
        List<String> users = new ArrayList<>();
        try (HikariDataSource db = Database.connect(config, 1); Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT user_id FROM end_users WHERE org_id = ? ORDER BY user_id LIMIT " + SAMPLE)) {
            ps.setString(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    users.add(rs.getString(1));
                }
            }
        }
        return users;
    }
}
