package io.tunetrail.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Spark standalone cluster and the Flink session cluster started from the build's jars: the masters see their
 * workers with the sizes the cluster gives them, and a TaskManager killed is noticed and reported.
 */
class SparkFlinkClusterIT {
    private static final Set<LocalCluster.Part> PARTS = EnumSet.of(LocalCluster.Part.SPARK, LocalCluster.Part.FLINK);
    private static LocalCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        Path home = Files.createTempDirectory("tt-engine-cluster");
        cluster = new LocalCluster(ClusterTestSupport.config(home), ClusterTestSupport.repositoryRoot(), System.out::println);
        cluster.stopOnExit(PARTS);
        assertThat(cluster.start(PARTS)).hasSize(6);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            List<ProcessHandle> all = new ArrayList<>();
            for (String p : List.of("spark-master", "spark-worker-1", "spark-worker-2", "flink-jobmanager", "flink-taskmanager-2")) {
                cluster.process(p).ifPresent(all::add);
            }
            cluster.stop(PARTS);
            assertThat(all).noneMatch(ProcessHandle::isAlive);
            assertThat(cluster.status(PARTS)).allMatch(s -> s.state() == ServiceStatus.State.STOPPED);
        }
    }

    @Test
    void mastersSeeTheirWorkersAndAKilledTaskManagerIsNoticed() throws Exception {
        assertThat(Files.readString(cluster.sparkHome().path().resolve("RELEASE"))).startsWith("Spark 3.5");
        JsonNode spark = ClusterHttp.get(cluster.sparkStatusUrl()).orElseThrow();
        assertThat(spark.path("aliveworkers").asInt()).isEqualTo(2);
        for (JsonNode w : spark.path("workers")) {
            assertThat(w.path("cores").asInt()).isEqualTo(1);
            assertThat(w.path("memory").asInt()).isEqualTo(768);
            assertThat(w.path("host").asText()).isEqualTo("127.0.0.1");
        }
        JsonNode tms = ClusterHttp.get(cluster.flinkRestUrl() + "/taskmanagers").orElseThrow().path("taskmanagers");
        assertThat(tms).hasSize(2).allSatisfy(tm -> assertThat(tm.path("slotsNumber").asInt()).isEqualTo(FlinkHome.SLOTS));
        assertThat(cluster.status(PARTS)).hasSize(6).allMatch(ServiceStatus::isRunning);

        ProcessHandle victim = cluster.process("flink-taskmanager-1").orElseThrow();
        victim.destroyForcibly();
        victim.onExit().get(30, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int registered = 2;
        while (registered != 1 && System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            registered = ClusterHttp.get(cluster.flinkRestUrl() + "/taskmanagers").map(j -> j.path("taskmanagers").size()).orElse(-1);
        }
        assertThat(registered).as("the JobManager drops the dead TaskManager after its heartbeat timeout").isEqualTo(1);
        assertThat(cluster.status(PARTS)).filteredOn(s -> s.service().equals("flink-taskmanager-1"))
                .singleElement().satisfies(s -> assertThat(s.state()).isEqualTo(ServiceStatus.State.STOPPED));
    }
}
