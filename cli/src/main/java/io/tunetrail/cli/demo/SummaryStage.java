package io.tunetrail.cli.demo;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.ingestion.kafka.TopicInspector;
import io.tunetrail.ingestion.synthetic.SyntheticGenerator;
import io.tunetrail.model.DeadLetter;
import io.tunetrail.model.Decoded;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.EventType;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.Org;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.Database;
import io.tunetrail.store.catalog.PostgresCatalogStore;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads back what the demo loaded, from Kafka and PostgreSQL themselves (not from the loader's own counts), and
 * prints it with what to try next.
 */
final class SummaryStage implements DemoStage {
    /** Beyond this many records the topic is counted from its offsets instead of read in full. */
    private static final long FULL_SCAN_LIMIT = 3_000_000;

    @Override
    public String name() {
        return "summary";
    }

    @Override
    public String description() {
        return "read back from Kafka, PostgreSQL and the offline store, and what to try next";
    }

    @Override
    public void run(DemoContext context) {
        PlatformConfig config = context.config();
        PrintStream out = context.out();
        List<Org> orgs = orgs(context);
        String interactions = config.get(PlatformConfig.TOPIC_INTERACTIONS);
        String deadLetter = config.get(PlatformConfig.TOPIC_DEAD_LETTER);

        Map<String, OrgTally> tallies = new TreeMap<>();
        Map<String, Long> deadByReason = new TreeMap<>();
        long total;
        long dead;
        String sample = null;
        try (TopicInspector kafka = new TopicInspector(config)) {
            total = kafka.count(interactions);
            dead = kafka.count(deadLetter);
            if (total <= FULL_SCAN_LIMIT) {
                EventCodec<InteractionEvent> codec = EventCodec.interactions();
                String[] first = new String[1];
                kafka.scan(interactions, r -> {
                    Decoded<InteractionEvent> d = codec.decode(r.value());
                    if (d.isAccepted()) {
                        tallies.computeIfAbsent(d.value().orgId(), k -> new OrgTally()).add(d.value());
                        if (first[0] == null) {
                            first[0] = new String(r.value(), StandardCharsets.UTF_8);
                        }
                    }
                }, Duration.ofMinutes(5));
                sample = first[0];
            }
            kafka.scan(deadLetter, r -> {
                var h = r.headers().lastHeader(DeadLetter.HEADER_REASON_CODE);
                deadByReason.merge(h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8), 1L, Long::sum);
            }, Duration.ofMinutes(1));
        }

        out.printf(Locale.ROOT, "      Kafka %s%n", config.kafkaBootstrap());
        out.printf(Locale.ROOT, "        %-13s %,d records%n", interactions, total);
        out.printf(Locale.ROOT, "        %-13s %,d records %s%n", deadLetter, dead, deadByReason.isEmpty() ? "" : deadByReason);
        boolean scanned = total <= FULL_SCAN_LIMIT;
        out.printf(Locale.ROOT, "      PostgreSQL %s, per org, with the org's events in Kafka%s:%n", config.jdbcUrl(),
                scanned ? "" : String.format(Locale.ROOT, " (not read: %,d events are more than the %,d a summary reads)", total, FULL_SCAN_LIMIT));
        out.printf(Locale.ROOT, "        %-16s %-10s %9s %8s %7s %8s %9s | %10s %9s %7s %7s %6s%n", "org", "plan", "listeners",
                "artists", "genres", "tracks", "features", "events", "active", "skip%", "likes", "adds");
        try (HikariDataSource db = Database.connect(config, 2)) {
            PostgresCatalogStore store = new PostgresCatalogStore(db);
            for (Org org : orgs) {
                Map<String, Long> c = store.counts(org.orgId());
                OrgTally t = tallies.getOrDefault(org.orgId(), new OrgTally());
                String events = scanned
                        ? String.format(Locale.ROOT, "%,10d %,9d %6.1f%% %,7d %,6d", t.events, t.users.size(), t.skipPercent(),
                                t.byType.getOrDefault(EventType.LIKE, 0L), t.byType.getOrDefault(EventType.ADD_TO_PLAYLIST, 0L))
                        : String.format(Locale.ROOT, "%10s %9s %7s %7s %6s", "-", "-", "-", "-", "-");
                out.printf(Locale.ROOT, "        %-16s %-10s %,9d %,8d %,7d %,8d %,9d | %s%n", org.orgId(), org.planId(),
                        c.get("end_users"), c.get("artists"), c.get("genres"), c.get("tracks"), c.get("audio_features"), events);
            }
        }
        if (sample != null) {
            out.println("      one event as it sits in Kafka:");
            out.println("        " + sample);
        }
        printStreamingTables(config, out);
        printNextSteps(config, out);
    }

    /** The streaming jobs' tables in the offline store, counted from their Delta logs (the CLI has no Spark). */
    static void printStreamingTables(PlatformConfig config, PrintStream out) {
        if (config.offlineStoreOnS3()) {
            // DeltaLogStats reads the log from disk; the land stage's read-back sized these tables through Delta's
            // snapshot in the batch jar, which reaches S3, so a second Spark start here would only repeat it.
            out.printf(Locale.ROOT, "      offline store %s: on S3, the streaming jobs' tables are sized in the land stage's read-back above%n",
                    config.offlineStoreUri());
            return;
        }
        out.printf(Locale.ROOT, "      offline store %s, the streaming jobs' tables (from their Delta logs):%n", config.offlineStore());
        io.tunetrail.model.OfflineStoreLayout layout = io.tunetrail.model.OfflineStoreLayout.load();
        for (String table : List.of("usage_hourly", "usage_daily", "sessions")) {
            java.nio.file.Path location = java.nio.file.Path.of(layout.table(table).location(config.offlineStore().toString()));
            try {
                var stats = DeltaLogStats.read(location);
                if (stats.isEmpty()) {
                    out.printf(Locale.ROOT, "        %-13s not landed yet (./tunetrail stream --until-idle, then ./tunetrail land)%n", table);
                } else {
                    out.printf(Locale.ROOT, "        %-13s %,d rows, %d orgs, Delta version %d%n", table, stats.get().rows(), stats.get().orgs(),
                            stats.get().version());
                }
            } catch (java.io.IOException e) {
                out.printf(Locale.ROOT, "        %-13s unreadable: %s%n", table, e.getMessage());
            }
        }
    }

    private static List<Org> orgs(DemoContext context) {
        if (context.loaded() != null) {
            return context.loaded().orgs();
        }
        return context.dataset().equals(DataStage.SYNTHETIC)
                ? new SyntheticGenerator(context.data().generatorSettings()).catalog().orgs()
                : List.of(context.data().importOrg(context.dataset()));
    }

    private static void printNextSteps(PlatformConfig config, PrintStream out) {
        String psql = String.format(Locale.ROOT, "psql postgresql://%s:%s@%s:%d/%s", config.get(PlatformConfig.POSTGRES_USER),
                config.get(PlatformConfig.POSTGRES_PASSWORD), config.get(PlatformConfig.POSTGRES_HOST),
                config.getInt(PlatformConfig.POSTGRES_PORT), config.get(PlatformConfig.POSTGRES_DATABASE));
        out.println();
        out.println("Try next:");
        out.println("  ./tunetrail stack status                 # the services, their ports and pids");
        out.println("  ./tunetrail peek " + config.get(PlatformConfig.TOPIC_DEAD_LETTER) + " -n 3        # refused records with their reasons");
        out.println("  ./tunetrail peek " + config.get(PlatformConfig.TOPIC_INTERACTIONS) + " -n 5       # the newest events");
        out.println("  ./tunetrail stream                       # the Flink jobs, continuously (Ctrl-C stops; --until-idle drains and stops)");
        out.println("  ./tunetrail peek " + config.get(PlatformConfig.TOPIC_SESSIONS) + " -n 3            # closed listening sessions");
        out.println("  " + psql + " -c 'SELECT g.name, count(*) FROM track_genres tg JOIN genres g USING (org_id, genre_id) GROUP BY 1 ORDER BY 2 DESC LIMIT 10'");
        out.println("  ./tunetrail import --dataset lastfm-2k --data-dir ../shared/datasets/hetrec2011-lastfm-2k");
        out.println("  ./tunetrail generate --scale 10 --seed 7   # more data (tens of millions with --scale 100)");
        out.println("  ./tunetrail stack stop                   # stop everything the demo started");
    }

    /** Per-org figures computed from the events read back. */
    private static final class OrgTally {
        long events;
        final Set<String> users = new HashSet<>();
        final Map<EventType, Long> byType = new EnumMap<>(EventType.class);

        void add(InteractionEvent e) {
            events += e.count();
            users.add(e.userId());
            byType.merge(e.eventType(), (long) e.count(), Long::sum);
        }

        double skipPercent() {
            return events == 0 ? 0 : 100.0 * byType.getOrDefault(EventType.SKIP, 0L) / events;
        }
    }
}
