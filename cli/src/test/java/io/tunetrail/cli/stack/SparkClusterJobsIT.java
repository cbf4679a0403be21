package io.tunetrail.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
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
 * The local Spark standalone cluster and the batch jar submitted to it ({@code train --cluster}): the master sees its
 * workers with the sizes the cluster gives them; the cluster lands what was published; a job run there while one of its
 * workers is SIGKILLed under it still completes and gives the same rows as local mode. One cluster and one tiny data set
 * for the class; the two modes have a home and a database each.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkClusterJobsIT {
    @RegisterExtension
    static final FreshDatabase LOCAL_DB = new FreshDatabase();
    @RegisterExtension
    static final FreshDatabase CLUSTER_DB = new FreshDatabase();

    private static final Set<LocalCluster.Part> SPARK = EnumSet.of(LocalCluster.Part.SPARK);
    /**
     * A deterministic job (aggregates of the landed events and the catalog): equal inputs must give equal rows. One job
     * keeps the class within the suite's budget (genre-correlations passed the same comparison when it was written).
     */
    private static final String JOB = "temporal-patterns";
    private static final String TABLE = "temporal_patterns";

    private static PlatformConfig local;
    private static PlatformConfig onCluster;
    private static LocalCluster cluster;
    private static Path root;
    private static long published;

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
        published = new PlatformLoader(local, new PrintStream(new ByteArrayOutputStream())).loadSynthetic(generator, -1).eventsPublished();
        new PostgresCatalogStore(CLUSTER_DB.dataSource()).load(generator.catalog());

        cluster = new LocalCluster(onCluster, root, System.out::println);
        cluster.stopOnExit(SPARK);
        cluster.start(SPARK);
    }

    @AfterAll
    static void stopAndDeleteTopics() throws Exception {
        if (cluster != null) {
            List<ProcessHandle> all = new ArrayList<>();
            for (String p : List.of("spark-master", "spark-worker-1", "spark-worker-2")) {
                cluster.process(p).ifPresent(all::add);
            }
            cluster.stop(SPARK);
            assertThat(all).noneMatch(ProcessHandle::isAlive);
            assertThat(cluster.status(SPARK)).allMatch(s -> s.state() == ServiceStatus.State.STOPPED);
        }
        if (local != null) {
            try (Admin admin = Admin.create(KafkaTopics.adminProperties(local))) {
                admin.deleteTopics(KafkaTopics.names(local)).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Order(1)
    void theMasterSeesItsWorkers() throws Exception {
        assertThat(Files.readString(cluster.sparkHome().path().resolve("RELEASE"))).startsWith("Spark 3.5");
        JsonNode spark = ClusterHttp.get(cluster.sparkStatusUrl()).orElseThrow();
        assertThat(spark.path("aliveworkers").asInt()).isEqualTo(2);
        for (JsonNode w : spark.path("workers")) {
            assertThat(w.path("cores").asInt()).isEqualTo(1);
            assertThat(w.path("memory").asInt()).isEqualTo(768);
            assertThat(w.path("host").asText()).isEqualTo("127.0.0.1");
        }
        assertThat(cluster.status(SPARK)).hasSize(3).allMatch(ServiceStatus::isRunning);
    }

    /**
     * One cluster run proves both that the cluster computes what local mode computes and that a lost worker does not
     * fail the job: worker 1 is killed once its executor runs tasks of the job, and the rows must still equal local
     * mode's. The local reference reads a copy of the lake the cluster landed and runs beside the cluster job.
     */
    @Test
    @Order(2)
    void theClusterLandsAndGivesLocalModesRowsThoughAWorkerIsKilledUnderIt() throws Exception {
        JobLauncher localJobs = new JobLauncher(local, root);
        JobLauncher clusterJobs = JobLauncher.onCluster(onCluster, root);
        List<String> clusterOutput = Collections.synchronizedList(new ArrayList<>());

        long t0 = System.nanoTime();
        Map<String, Long> landed = landed(run(clusterJobs, List.of("--job", "land"), clusterOutput::add));
        long landNanos = System.nanoTime() - t0;
        assertThat(published).isPositive();
        assertThat(landed).as("the cluster landed every published event, and nothing else").containsEntry("interactions", published)
                .allSatisfy((table, rows) -> assertThat(rows).as(table).isEqualTo(table.equals("interactions") ? published : 0L));
        copyTree(onCluster.offlineStore(), local.offlineStore());

        int appsBefore = executorFolders("spark-worker-1").size();
        long t1 = System.nanoTime();
        CompletableFuture<Long> localRun = CompletableFuture.supplyAsync(() -> {
            run(localJobs, List.of("--job", JOB), line -> { });
            return System.nanoTime() - t1;
        });
        CompletableFuture<JobLauncher.JobRun> clusterRun = CompletableFuture.supplyAsync(
                () -> clusterJobs.run(JobLauncher.Engine.SPARK, List.of("--job", JOB), clusterOutput::add));

        // Killed once its executor runs tasks of the job: their results, and its shuffle files, are lost with it. The
        // waits below are generous for a machine at load 50 (where this run took 25 minutes); on CI's they are minutes.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
        while (!runsTasks(appsBefore) && !clusterRun.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(runsTasks(appsBefore)).as("worker 1's executor runs tasks of the job").isTrue();
        assertThat(clusterRun).as("the job is still running when its worker is killed").isNotDone();
        ProcessHandle worker = cluster.process("spark-worker-1").orElseThrow();
        worker.destroyForcibly();
        worker.onExit().get(30, TimeUnit.SECONDS);

        JobLauncher.JobRun run = clusterRun.get(30, TimeUnit.MINUTES);
        long clusterNanos = System.nanoTime() - t1;
        long localNanos = localRun.get(30, TimeUnit.MINUTES);
        assertThat(run.ok()).as("exit code %d; last lines %s", run.exitCode(), run.tail()).isTrue();
        assertThat(String.join("\n", clusterOutput)).as("the driver noticed the lost executor")
                .containsPattern("(?i)lost executor|ExecutorLostFailure");
        // Wall time of each mode's run side by side (JVM start included), for the README's figures; not asserted.
        System.out.printf("{\"job\":\"%s\",\"land_on_cluster_s\":%.1f,\"local_s\":%.1f,\"cluster_with_kill_s\":%.1f}%n",
                JOB, landNanos / 1e9, localNanos / 1e9, clusterNanos / 1e9);

        List<List<Object>> expected = rows(LOCAL_DB.dataSource(), TABLE);
        assertThat(expected).as(TABLE + " locally").isNotEmpty();
        assertThat(rows(CLUSTER_DB.dataSource(), TABLE)).as(TABLE + " on the cluster").isEqualTo(expected);
        // The executors ran on the workers (each worker's folder holds the application's executor), not in the driver.
        assertThat(executorFolders("spark-worker-1")).hasSize(appsBefore + 1);
        assertThat(executorFolders("spark-worker-2")).isNotEmpty();
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

    /** Copies a folder tree (a lake of Delta tables, whose logs name their files relative to the table). */
    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
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
