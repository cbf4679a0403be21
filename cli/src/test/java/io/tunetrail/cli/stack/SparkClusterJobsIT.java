package io.tunetrail.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.data.PlatformLoader;
import io.tunetrail.cli.jobs.JobLauncher;
import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.ingestion.synthetic.GeneratorSettings;
import io.tunetrail.ingestion.synthetic.SyntheticGenerator;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.TestStack;
import io.tunetrail.store.catalog.PostgresCatalogStore;
import io.tunetrail.store.testing.FreshDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The batch jar submitted to the local Spark standalone cluster ({@code train --cluster}): the same jobs on the same
 * events give the same tables as local mode, and a worker SIGKILLed in the middle of a job does not fail it. One
 * cluster and one tiny data set for the class; the two runs have a home and a database each.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkClusterJobsIT {
    @RegisterExtension
    static final FreshDatabase LOCAL_DB = new FreshDatabase();
    @RegisterExtension
    static final FreshDatabase CLUSTER_DB = new FreshDatabase();

    private static final Set<LocalCluster.Part> SPARK = EnumSet.of(LocalCluster.Part.SPARK);
    /**
     * Deterministic jobs (aggregates of the landed events and the catalog): equal inputs must give equal rows. One job
     * keeps the class within the suite's budget (genre-correlations passed the same comparison when it was written).
     */
    private static final List<String> JOBS = List.of("temporal-patterns");
    private static final List<String> TABLES = List.of("temporal_patterns");

    private static PlatformConfig local;
    private static PlatformConfig onCluster;
    private static LocalCluster cluster;
    private static Path root;

    @BeforeAll
    static void dataAndCluster() throws Exception {
        root = ClusterTestSupport.repositoryRoot();
        Path localHome = Files.createTempDirectory(ClusterTestSupport.scratch(), "tt-cj-local");
        local = TestStack.withFreshTopics("clusterjobs", Map.of(PlatformConfig.HOME.name(), localHome.toString(),
                PlatformConfig.POSTGRES_DATABASE.name(), LOCAL_DB.name()));
        Map<String, String> clusterOverrides = new HashMap<>(ClusterTestSupport.overrides(Files.createTempDirectory(ClusterTestSupport.scratch(), "tt-cj-cluster")));
        clusterOverrides.put(PlatformConfig.POSTGRES_DATABASE.name(), CLUSTER_DB.name());
        onCluster = PlatformConfig.load(local.asEnv(), clusterOverrides);

        SyntheticGenerator generator = new SyntheticGenerator(GeneratorSettings.defaults(Instant.parse("2026-11-01T00:00:00Z"))
                .withSeed(7).withScale(0.02).withOrgs(2));
        new PlatformLoader(local, new PrintStream(new ByteArrayOutputStream())).loadSynthetic(generator, -1);
        new PostgresCatalogStore(CLUSTER_DB.dataSource()).load(generator.catalog());

        cluster = new LocalCluster(onCluster, root, System.out::println);
        cluster.stopOnExit(SPARK);
        cluster.start(SPARK);
    }

    @AfterAll
    static void stopAndDeleteTopics() throws Exception {
        if (cluster != null) {
            cluster.stop(SPARK);
        }
        if (local != null) {
            try (Admin admin = Admin.create(KafkaTopics.adminProperties(local))) {
                admin.deleteTopics(KafkaTopics.names(local)).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Order(1)
    void theClusterGivesTheSameTablesAsLocalMode() throws Exception {
        JobLauncher localJobs = new JobLauncher(local, root);
        JobLauncher clusterJobs = JobLauncher.onCluster(onCluster, root);
        List<String> clusterOutput = Collections.synchronizedList(new ArrayList<>());

        long t0 = System.nanoTime();
        Map<String, Long> landedLocally = landed(run(localJobs, List.of("--job", "land"), line -> { }));
        long t1 = System.nanoTime();
        Map<String, Long> landedOnCluster = landed(run(clusterJobs, List.of("--job", "land"), clusterOutput::add));
        long t2 = System.nanoTime();
        assertThat(landedLocally.get("interactions")).isPositive();
        assertThat(landedOnCluster).isEqualTo(landedLocally);
        long localNanos = t1 - t0;
        long clusterNanos = t2 - t1;
        for (String job : JOBS) {
            long a = System.nanoTime();
            run(localJobs, List.of("--job", job), line -> { });
            long b = System.nanoTime();
            run(clusterJobs, List.of("--job", job), clusterOutput::add);
            localNanos += b - a;
            clusterNanos += System.nanoTime() - b;
        }
        // Wall time of each mode's runs (JVM start included), for the README's figures; not asserted.
        System.out.printf("{\"jobs\":\"land+%s\",\"local_s\":%.1f,\"cluster_s\":%.1f,\"cluster_vs_local_ratio\":%.2f}%n",
                String.join("+", JOBS), localNanos / 1e9, clusterNanos / 1e9, (double) clusterNanos / localNanos);
        for (String table : TABLES) {
            List<List<Object>> expected = rows(LOCAL_DB.dataSource(), table);
            assertThat(expected).as(table + " locally").isNotEmpty();
            assertThat(rows(CLUSTER_DB.dataSource(), table)).as(table + " on the cluster").isEqualTo(expected);
        }
        // The executors ran on the workers (each worker's folder holds the application's executor), not in the driver.
        assertThat(executorFolders("spark-worker-1")).isNotEmpty();
        assertThat(executorFolders("spark-worker-2")).isNotEmpty();
    }

    @Test
    @Order(2)
    void aJobSurvivesAWorkerKilledUnderIt() throws Exception {
        List<List<Object>> before = rows(CLUSTER_DB.dataSource(), "temporal_patterns");
        int appsBefore = executorFolders("spark-worker-1").size();
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        JobLauncher clusterJobs = JobLauncher.onCluster(onCluster, root);
        CompletableFuture<JobLauncher.JobRun> job = CompletableFuture.supplyAsync(
                () -> clusterJobs.run(JobLauncher.Engine.SPARK, List.of("--job", "temporal-patterns"), output::add));

        // Killed once its executor runs tasks of the job: their results, and its shuffle files, are lost with it.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (!runsTasks(appsBefore) && !job.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(job).as("the job is still running when its worker is killed").isNotDone();
        ProcessHandle worker = cluster.process("spark-worker-1").orElseThrow();
        worker.destroyForcibly();
        worker.onExit().get(30, TimeUnit.SECONDS);

        JobLauncher.JobRun run = job.get(10, TimeUnit.MINUTES);
        assertThat(run.ok()).as("exit code %d; last lines %s", run.exitCode(), run.tail()).isTrue();
        assertThat(String.join("\n", output)).as("the driver noticed the lost executor")
                .containsPattern("(?i)lost executor|ExecutorLostFailure");
        assertThat(rows(CLUSTER_DB.dataSource(), "temporal_patterns")).as("the re-run's new version holds the same rows").isEqualTo(before);
    }

    @Test
    @Order(3)
    void aClusterThatIsNotRunningIsOneClearError() throws Exception {
        PlatformConfig nowhere = PlatformConfig.load(local.asEnv(), ClusterTestSupport.overrides(Files.createTempDirectory(ClusterTestSupport.scratch(), "tt-cj-none")));
        assertThatThrownBy(() -> JobLauncher.onCluster(nowhere, root).run(JobLauncher.Engine.SPARK, List.of("--job", "land"), line -> { }))
                .isInstanceOf(CliError.class)
                .hasMessageContaining("the local Spark cluster is not running")
                .hasMessageContaining("./tunetrail cluster start --spark")
                .satisfies(e -> assertThat(((CliError) e).exitCode()).isEqualTo(CliError.ENVIRONMENT));
    }

    private static JobLauncher.JobRun run(JobLauncher launcher, List<String> args, java.util.function.Consumer<String> output) {
        JobLauncher.JobRun run = launcher.run(JobLauncher.Engine.SPARK, args, output);
        assertThat(run.ok()).as("%s exited with %d: %s", args, run.exitCode(), run.tail()).isTrue();
        assertThat(run.result()).as("%s printed its JSON result", args).isNotNull();
        return run;
    }

    /** Rows landed by table, from the lander's JSON result. */
    private static Map<String, Long> landed(JobLauncher.JobRun run) {
        Map<String, Long> out = new HashMap<>();
        run.result().path("tables").forEach(t -> out.put(t.path("table").asText(), t.path("rows_landed").asLong()));
        return out;
    }

    /** True once worker 1 runs an executor of a new application (after {@code appsBefore}) that has started a task. */
    private static boolean runsTasks(int appsBefore) throws Exception {
        List<Path> apps = executorFolders("spark-worker-1");
        if (apps.size() <= appsBefore) {
            return false;
        }
        Path newest = apps.stream().max(java.util.Comparator.comparing(Path::toString)).orElseThrow();
        try (Stream<Path> executors = Files.list(newest)) {
            for (Path stderr : executors.map(e -> e.resolve("stderr")).filter(Files::isRegularFile).toList()) {
                if (Files.readString(stderr).contains("Running task")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The application folders a worker made for its executors ({@code work/app-*}). */
    private static List<Path> executorFolders(String worker) throws Exception {
        Path work = cluster.home().resolve(worker).resolve("work");
        if (!Files.isDirectory(work)) {
            return List.of();
        }
        try (Stream<Path> apps = Files.list(work)) {
            return apps.filter(p -> p.getFileName().toString().startsWith("app-")).toList();
        }
    }

    /**
     * A table's rows of each org's newest model version, without the version's id (each run registers its own),
     * doubles to 9 significant digits (a sum's last bits depend on the order it was added in), sorted.
     */
    private static List<List<Object>> rows(DataSource ds, String table) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + table
                + " WHERE (org_id, model_version_id) IN (SELECT org_id, max(model_version_id) FROM " + table + " GROUP BY org_id)")) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    if (md.getColumnName(i).equals("model_version_id")) {
                        continue;
                    }
                    Object v = rs.getObject(i);
                    row.add(v instanceof Double d ? String.format("%.9g", d) : String.valueOf(v));
                }
                rows.add(row);
            }
        }
        rows.sort((a, b) -> a.toString().compareTo(b.toString()));
        return rows;
    }
}
