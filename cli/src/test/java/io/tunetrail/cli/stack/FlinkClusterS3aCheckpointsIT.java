package io.tunetrail.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.cli.jobs.FlinkSessionJobs;
import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.TestStack;
import io.tunetrail.store.testing.S3TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/**
 * {@code stream --cluster} with {@code stream.checkpoint-dir=s3a://…} (s3proxy on 127.0.0.1): the session cluster's
 * JobManager and TaskManagers write the job's checkpoints into the bucket (Hadoop's S3A from their lib/, the keys from
 * config.yaml), a stop takes its savepoint there, and the next submission finds that savepoint by listing the bucket
 * and restores it.
 */
class FlinkClusterS3aCheckpointsIT {
    private static final Set<LocalCluster.Part> FLINK = EnumSet.of(LocalCluster.Part.FLINK);

    @Test
    void checkpointsAndASavepointGoToTheBucketAndTheNextSubmissionRestoresTheSavepoint() throws Exception {
        long t0 = System.nanoTime();
        Path root = ClusterTestSupport.repositoryRoot();
        try (S3TestServer s3 = S3TestServer.startForHadoop()) {
            String bucket = s3.newBucket(1024).bucket();
            Map<String, String> overrides = new HashMap<>(ClusterTestSupport.overrides(
                    Files.createTempDirectory(ClusterTestSupport.scratch(), "tt-cj-s3a")));
            overrides.put(PlatformConfig.STREAM_CHECKPOINT_INTERVAL_MS.name(), "500");
            overrides.put(PlatformConfig.STREAM_CHECKPOINT_DIR.name(), "s3a://" + bucket + "/flink");
            overrides.put(PlatformConfig.OFFLINE_S3_ENDPOINT.name(), s3.endpoint());
            overrides.put(PlatformConfig.OFFLINE_S3_PATH_STYLE.name(), "true");
            overrides.put(PlatformConfig.OFFLINE_S3_ACCESS_KEY.name(), S3TestServer.ACCESS_KEY);
            overrides.put(PlatformConfig.OFFLINE_S3_SECRET_KEY.name(), S3TestServer.SECRET_KEY);
            PlatformConfig config = TestStack.withFreshTopics("clusters3a", overrides);
            List<String> topics = new ArrayList<>(KafkaTopics.names(config));
            topics.addAll(KafkaTopics.resultNames(config));
            KafkaTopics.ensure(config, topics);
            LocalCluster cluster = new LocalCluster(config, root, System.out::println);
            cluster.stopOnExit(FLINK);
            cluster.start(FLINK);
            FlinkSessionJobs jobs = new FlinkSessionJobs(config, root);
            try {
                assertThat(Files.readString(cluster.flinkHome().conf().resolve("config.yaml")))
                        .contains("fs.allowed-fallback-filesystems: s3a");
                List<String> firstOut = new ArrayList<>();
                String first = jobs.submit("usage-counters", line -> { firstOut.add(line); System.out.println(line); });
                awaitObject(s3, bucket, "flink/usage-counters/" + first + "/chk-", "a checkpoint of the first run");

                Map<String, String> savepoints = jobs.stopWithSavepoints();
                String savepoint = savepoints.get(first);
                assertThat(savepoint).as("the savepoint goes to the job's folder in the bucket")
                        .startsWith("s3a://" + bucket + "/flink/usage-counters/savepoint-");
                String key = savepoint.substring(("s3a://" + bucket + "/").length());
                assertThat(s3.anyObjectUnder(bucket, key + "/_metadata")).as("%s/_metadata in the bucket", savepoint).isTrue();

                List<String> secondOut = new ArrayList<>();
                String second = jobs.submit("usage-counters", line -> { secondOut.add(line); System.out.println(line); });
                assertThat(String.join("\n", secondOut)).as("the submission lists the bucket and restores the savepoint")
                        .contains("restoring usage-counters from the savepoint " + savepoint);
                JsonNode restored = awaitRestored(cluster, second);
                assertThat(restored.path("external_path").asText().replaceAll("/$", "")).isEqualTo(savepoint);
            } finally {
                jobs.cancelStreamingJobs();
                cluster.stop(FLINK);
                try (Admin admin = Admin.create(KafkaTopics.adminProperties(config))) {
                    admin.deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
                }
            }
        }
        System.out.printf("FlinkClusterS3aCheckpointsIT: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    private static void awaitObject(S3TestServer s3, String bucket, String prefix, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!s3.anyObjectUnder(bucket, prefix)) {
            assertThat(System.nanoTime()).as("%s under s3a://%s/%s within 2 minutes", what, bucket, prefix).isLessThan(deadline);
            Thread.sleep(300);
        }
    }

    private static JsonNode awaitRestored(LocalCluster cluster, String job) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            JsonNode restored = ClusterHttp.get(cluster.flinkRestUrl() + "/jobs/" + job + "/checkpoints")
                    .map(n -> n.path("latest").path("restored")).orElse(null);
            if (restored != null && restored.isObject()) {
                return restored;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + job + " reported no restore within 2 minutes");
    }
}
