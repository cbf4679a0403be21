package io.tunetrail.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.cli.jobs.JobLauncher;
import io.tunetrail.model.PlatformConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The submission command lines: what spark-submit and flink run would be given on any cluster. */
class ClusterSubmitTest {
    @TempDir
    Path home;

    private PlatformConfig config() {
        return PlatformConfig.load(Map.of(), Map.of(PlatformConfig.HOME.name(), home.toString(),
                PlatformConfig.CLUSTER_SPARK_MASTER_PORT.name(), "41077", PlatformConfig.CLUSTER_FLINK_REST_PORT.name(), "41081"));
    }

    @Test
    void sparkRunsInClientModeWithTheJava17FlagsOnDriverAndExecutors() {
        List<String> flags = JobLauncher.sparkJvmFlags();
        Path jar = Path.of("/repo/batch-training/target/tunetrail-batch-training.jar");
        ClusterSubmit.Submission s = new ClusterSubmit(config(), Path.of("/repo"))
                .spark(jar, "io.tunetrail.batch.BatchJobsMain", "tunetrail-job-als", flags, List.of("--job", "als", "--org", "o1"));
        List<String> c = s.command();
        assertThat(c).containsSubsequence(flags);
        assertThat(c.indexOf(flags.get(0))).isLessThan(c.indexOf("org.apache.spark.deploy.SparkSubmit"));
        assertThat(c).containsSubsequence("--master", "spark://127.0.0.1:41077").containsSubsequence("--deploy-mode", "client")
                .contains("spark.executor.extraJavaOptions=" + String.join(" ", flags))
                .contains("-Dlog4j2.configurationFile=jar:" + jar.toUri() + "!/tunetrail/batch-log4j2.properties");
        // The jar's own arguments come last, unchanged: the same as local mode.
        assertThat(c.subList(c.size() - 5, c.size())).containsExactly(jar.toString(), "--job", "als", "--org", "o1");
        assertThat(s.env()).containsEntry("SPARK_SCALA_VERSION", "2.12").containsEntry("SPARK_LOCAL_IP", "127.0.0.1")
                .containsEntry("SPARK_HOME", home.resolve("cluster/spark/home").toString())
                .containsEntry(PlatformConfig.HOME.envVar(), home.toString());
    }

    @Test
    void anS3aOfflineStoreReachesTheDriverThroughItsEnvironmentAndNoSecretIsOnTheCommandLine() {
        PlatformConfig s3 = PlatformConfig.load(Map.of(PlatformConfig.OFFLINE_S3_SECRET_KEY.envVar(), "s3cr3t-value"), Map.of(
                PlatformConfig.HOME.name(), home.toString(), PlatformConfig.CLUSTER_SPARK_MASTER_PORT.name(), "41077",
                PlatformConfig.OFFLINE_STORE.name(), "s3a://lake-1/tunetrail", PlatformConfig.OFFLINE_S3_ACCESS_KEY.name(), "AK",
                PlatformConfig.OFFLINE_S3_ENDPOINT.name(), "http://127.0.0.1:9000"));
        ClusterSubmit.Submission s = new ClusterSubmit(s3, Path.of("/repo")).spark(Path.of("/repo/b.jar"),
                "io.tunetrail.batch.BatchJobsMain", "tunetrail-job-land", JobLauncher.sparkJvmFlags(), List.of("--job", "land"));
        // BatchJobsMain turns these into spark.hadoop.fs.s3a.* of its session, which the executors receive with it.
        assertThat(s.env()).containsEntry(PlatformConfig.OFFLINE_STORE.envVar(), "s3a://lake-1/tunetrail")
                .containsEntry(PlatformConfig.OFFLINE_S3_ENDPOINT.envVar(), "http://127.0.0.1:9000")
                .containsEntry(PlatformConfig.OFFLINE_S3_ACCESS_KEY.envVar(), "AK")
                .containsEntry(PlatformConfig.OFFLINE_S3_SECRET_KEY.envVar(), "s3cr3t-value");
        assertThat(String.join(" ", s.command())).doesNotContain("s3cr3t-value").doesNotContain("fs.s3a");
    }

    @Test
    void flinkRunsTheJarThroughTheCliFrontendWithCheckpointsInTheClusterHome() {
        ClusterSubmit submit = new ClusterSubmit(config(), Path.of("/repo"));
        Path jar = Path.of("/repo/streaming-jobs/target/tunetrail-streaming-jobs.jar");
        ClusterSubmit.Submission attached = submit.flink(jar, "io.tunetrail.streaming.StreamingJobsMain", false, List.of("--job", "all"));
        assertThat(attached.command()).containsSubsequence("org.apache.flink.client.cli.CliFrontend", "run", "-c",
                "io.tunetrail.streaming.StreamingJobsMain", jar.toString(), "--job", "all").doesNotContain("-d");
        assertThat(submit.flink(jar, "M", true, List.of()).command()).containsSubsequence("run", "-d");
        assertThat(attached.env()).containsEntry("FLINK_CONF_DIR", home.resolve("cluster/flink/conf").toString())
                .containsEntry(PlatformConfig.STREAM_CHECKPOINT_DIR.envVar(), home.resolve("cluster/flink/checkpoints").toUri().toString());
    }

    @Test
    void s3aCheckpointsGoToTheBucketWhoseS3aKeysTheClustersConfigHolds() throws Exception {
        String secret = "s3cr3t/+\"quoted\": #x";
        PlatformConfig s3 = PlatformConfig.load(Map.of(PlatformConfig.OFFLINE_S3_SECRET_KEY.envVar(), secret), Map.of(
                PlatformConfig.HOME.name(), home.toString(), PlatformConfig.CLUSTER_FLINK_REST_PORT.name(), "41081",
                PlatformConfig.STREAM_CHECKPOINT_DIR.name(), "s3a://ckpts/flink/", PlatformConfig.OFFLINE_S3_ACCESS_KEY.name(), "AK",
                PlatformConfig.OFFLINE_S3_ENDPOINT.name(), "http://127.0.0.1:9000", PlatformConfig.OFFLINE_S3_PATH_STYLE.name(), "true"));
        ClusterSubmit submit = new ClusterSubmit(s3, Path.of("/repo"));
        assertThat(submit.flinkCheckpointDir()).isEqualTo("s3a://ckpts/flink");
        ClusterSubmit.Submission s = submit.flink(Path.of("/repo/s.jar"), "M", true, List.of());
        assertThat(s.env()).containsEntry(PlatformConfig.STREAM_CHECKPOINT_DIR.envVar(), "s3a://ckpts/flink");
        assertThat(String.join(" ", s.command())).doesNotContain("s3cr3t");

        // The JobManager and TaskManagers read these from config.yaml: YAML must give the secret back unchanged.
        var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(FlinkHome.under(home.resolve("cluster")).configYaml(s3));
        assertThat(yaml.path("fs.allowed-fallback-filesystems").asText()).isEqualTo("s3a");
        assertThat(yaml.path("flink.hadoop.fs.s3a.bucket.ckpts.endpoint").asText()).isEqualTo("http://127.0.0.1:9000");
        assertThat(yaml.path("flink.hadoop.fs.s3a.bucket.ckpts.path.style.access").asText()).isEqualTo("true");
        assertThat(yaml.path("flink.hadoop.fs.s3a.bucket.ckpts.access.key").asText()).isEqualTo("AK");
        assertThat(yaml.path("flink.hadoop.fs.s3a.bucket.ckpts.secret.key").asText()).isEqualTo(secret);

        // A local checkpoint folder keeps the cluster's own folder and no S3A keys.
        assertThat(FlinkHome.under(home.resolve("cluster")).configYaml(config())).doesNotContain("fs.s3a").doesNotContain("fallback");
    }
}
