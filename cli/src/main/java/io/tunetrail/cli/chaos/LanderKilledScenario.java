package io.tunetrail.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.api.store.OrgStore;
import io.tunetrail.api.store.Sql;
import io.tunetrail.cli.demo.DeltaLogStats;
import io.tunetrail.cli.jobs.JobLauncher;
import io.tunetrail.model.OfflineStoreLayout;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.Database;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Scenario 6 of issue 11: the lander ({@code ./tunetrail land}) is killed at a random point mid-run, then crashes exactly
 * between landing the usage days and writing the billing ledger, then runs clean. Its Delta tables and the ledger must
 * equal what one clean run gives (no duplicate, no gap). The second crash is the one an in-memory set of months owed
 * a recomputation could not survive: the days are landed, so the next run finds nothing new to land.
 */
public final class LanderKilledScenario implements ChaosScenario {
    /**
     * The batch-training jar's hook (its {@code BatchJobsMain.HALT_BEFORE_LEDGER}; the CLI does not link the jar): the
     * lander's JVM halts after landing, before the ledger, with exit code {@link #HALTED_EXIT_CODE}.
     */
    static final String HALT_BEFORE_LEDGER = "tunetrail.lander.halt-before-ledger";
    static final int HALTED_EXIT_CODE = 86;
    /** Usage days the "streaming job" reports, across a month boundary: day and units. */
    private static final Map<LocalDate, Long> DAYS = Map.of(LocalDate.parse("2026-10-30"), 10L, LocalDate.parse("2026-10-31"), 20L,
            LocalDate.parse("2026-11-01"), 30L, LocalDate.parse("2026-11-02"), 40L);
    private static final List<String> EXPECTED_LEDGER = List.of("day 2026-10-30 10", "day 2026-10-31 20", "day 2026-11-01 30",
            "day 2026-11-02 40", "month 2026-10-01 30", "month 2026-11-01 70");

    private final Path root;

    public LanderKilledScenario() {
        this(null);
    }

    /** @param root the repository whose job jars to run; null means {@code TUNETRAIL_ROOT} */
    public LanderKilledScenario(Path root) {
        this.root = root;
    }

    @Override
    public String name() {
        return "lander-killed";
    }

    @Override
    public String description() {
        return "the lander is killed mid-run, then crashes between landing and the ledger; Delta and the ledger equal a clean run";
    }

    @Override
    public Outcome run(PlatformConfig config, Consumer<String> progress) throws Exception {
        Path repository = ChaosWorld.repository(root);
        try (ChaosWorld world = ChaosWorld.create(config, name(), Map.of());
                HikariDataSource db = Database.connect(world.config(), 2)) {
            PlatformConfig c = world.config();
            String org = world.unique("org");
            new OrgStore(new Sql(db)).create(org, "Chaos lander", "pro", "cloud");
            ListeningWorkload events = ListeningWorkload.build(List.of(org), 20, 5, 20, 6);
            world.send(events.records(c.get(PlatformConfig.TOPIC_INTERACTIONS)), null);
            List<ProducerRecord<byte[], byte[]>> days = new ArrayList<>();
            DAYS.forEach((day, units) -> days.add(ChaosWorld.record(c.get(PlatformConfig.TOPIC_USAGE_DAILY), org, usageDay(org, day, units))));
            // As the streaming job writes them: in a committed transaction, which the lander reads read_committed.
            world.send(days, world.unique("usage-daily"));
            progress.accept(String.format("sent %,d interactions and %d usage days of org %s", events.size(), DAYS.size(), org));

            Path lake = c.offlineStore();
            Path interactions = Path.of(OfflineStoreLayout.load().table("interactions").location(lake.toString()));
            BackgroundJob first = BackgroundJob.start(c, repository, JobLauncher.Engine.SPARK, List.of(), List.of("--job", "land"),
                    line -> progress.accept("  | " + line));
            // Once the first batch of events is in Delta, anywhere in the next two seconds: mid-table or between tables.
            boolean killedMidRun = first.awaitWhileRunning(() -> Files.exists(interactions.resolve("_delta_log/00000000000000000001.json")),
                    Duration.ofMinutes(10));
            if (killedMidRun) {
                Thread.sleep(new Random().nextInt(2_000));
                killedMidRun = first.kill();
            }
            int firstExit = first.await(Duration.ofMinutes(1)).exitCode();
            progress.accept(killedMidRun ? "killed the lander's JVM mid-run (exit " + firstExit + ")" : "the lander ended before the kill");

            JobLauncher launcher = new JobLauncher(c, repository);
            JobLauncher.JobRun halted = launcher.run(JobLauncher.Engine.SPARK, List.of("-D" + HALT_BEFORE_LEDGER + "=true"),
                    List.of("--job", "land"), line -> progress.accept("  | " + line));
            List<String> ledgerAfterCrash = ledger(db, org);
            int marked = marks(db, org);
            progress.accept("the lander halted between landing and the ledger (exit " + halted.exitCode() + "): ledger rows "
                    + ledgerAfterCrash.size() + ", months marked for recomputation " + marked);

            JobLauncher.JobRun clean = launcher.run(JobLauncher.Engine.SPARK, List.of(), List.of("--job", "land"),
                    line -> progress.accept("  | " + line));
            long landedByLastRun = 0;
            if (clean.result() != null) {
                for (JsonNode t : clean.result().path("tables")) {
                    landedByLastRun += t.path("rows_landed").asLong();
                }
            }
            long interactionRows = DeltaLogStats.read(interactions).map(DeltaLogStats::rows).orElse(-1L);
            long dayRows = DeltaLogStats.read(Path.of(OfflineStoreLayout.load().table("usage_daily").location(lake.toString())))
                    .map(DeltaLogStats::rows).orElse(-1L);
            List<String> ledger = ledger(db, org);
            int marksLeft = marks(db, org);

            List<String> wrong = new ArrayList<>();
            if (!killedMidRun) {
                wrong.add("the first run ended before it could be killed");
            }
            if (halted.exitCode() != HALTED_EXIT_CODE) {
                wrong.add("the second run did not halt at the hook (exit " + halted.exitCode() + ")");
            }
            if (!clean.ok()) {
                wrong.add("the clean run failed (exit " + clean.exitCode() + ")");
            }
            if (interactionRows != events.size()) {
                wrong.add("Delta interactions holds " + interactionRows + " rows, " + events.size() + " sent");
            }
            if (dayRows != DAYS.size()) {
                wrong.add("Delta usage_daily holds " + dayRows + " rows, " + DAYS.size() + " sent");
            }
            if (!ledger.equals(EXPECTED_LEDGER)) {
                wrong.add("ledger " + ledger + ", a clean run writes " + EXPECTED_LEDGER);
            }
            if (marksLeft != 0) {
                wrong.add(marksLeft + " months still marked after the clean run");
            }
            String measured = String.format("kill exit %d, halt exit %d (ledger rows then %d, months marked %d); after the clean run"
                    + " (which landed %d new rows): interactions %,d/%,d rows, usage_daily %d/%d, ledger %d/%d rows equal, marks left %d%s",
                    firstExit, halted.exitCode(), ledgerAfterCrash.size(), marked, landedByLastRun, interactionRows, events.size(), dayRows,
                    DAYS.size(), ledger.equals(EXPECTED_LEDGER) ? ledger.size() : 0, EXPECTED_LEDGER.size(), marksLeft,
                    wrong.isEmpty() ? "" : "; WRONG: " + String.join("; ", wrong));
            return new Outcome(wrong.isEmpty(), "Delta's idempotent writes and upserts skipped replayed batches; the months owed"
                    + " a ledger recomputation outlived the crash in PostgreSQL and the next run billed them", measured);
        }
    }

    private static byte[] usageDay(String org, LocalDate day, long units) {
        String start = day + "T00:00:00Z";
        return ("{\"org_id\":\"" + org + "\",\"api_key_id\":null,\"resource\":\"interactions\",\"window_start\":\"" + start
                + "\",\"window_end\":\"" + day.plusDays(1) + "T00:00:00Z\",\"usage_date\":\"" + day + "\",\"units\":" + units
                + ",\"events\":" + units + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> ledger(HikariDataSource db, String org) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT period, period_start, units FROM usage_ledger WHERE org_id = ? ORDER BY period, period_start")) {
            ps.setString(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + " " + rs.getDate(2) + " " + rs.getLong(3));
                }
            }
        }
        return out;
    }

    private static int marks(HikariDataSource db, String org) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM ledger_dirty_months WHERE org_id = ?")) {
            ps.setString(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
