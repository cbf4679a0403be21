package io.tunetrail.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.model.EventCodec;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.UsageEvent;
import io.tunetrail.store.testing.RedisNamespace;
import io.tunetrail.store.testing.S3TestServer;
import io.tunetrail.streaming.common.RetainedCheckpoints;
import io.tunetrail.streaming.common.StreamSettings;
import io.tunetrail.streaming.testing.StreamTestKit;
import io.tunetrail.streaming.testing.UsageWorkload;
import io.tunetrail.streaming.usage.UsageCountersIT;
import io.tunetrail.streaming.usage.UsageCountersJob;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Checkpoints on {@code s3a://} (s3proxy on 127.0.0.1, through Flink's fallback to Hadoop's S3A), as on a cluster whose
 * workers share no disk: a continuous usage-counters run checkpoints into the bucket and is cancelled; the next run finds
 * the newest retained checkpoint by listing the bucket ({@link RetainedCheckpoints}), restores it, and the counters,
 * ledger and dead letters equal the ground truth: a run that started afresh would emit the already written windows a
 * second time, which the comparison refuses.
 */
class S3aCheckpointsIT {
    @RegisterExtension
    static final RedisNamespace REDIS = new RedisNamespace();

    @Test
    void usageCountersRestoreTheirNewestCheckpointFromABucket() throws Exception {
        long t0 = System.nanoTime();
        try (S3TestServer s3 = S3TestServer.startForHadoop()) {
            String bucket = s3.newBucket(1024).bucket();
            try (StreamTestKit kit = new StreamTestKit("s3a-ckpt", Map.of(
                    PlatformConfig.STREAM_OUT_OF_ORDERNESS_SECONDS.name(), "10",
                    PlatformConfig.STREAM_ALLOWED_LATENESS_SECONDS.name(), "50",
                    // The flush below lies up to two days after the workload, which starts a day before this month.
                    PlatformConfig.STREAM_MAX_FUTURE_SECONDS.name(), String.valueOf(7 * 86_400),
                    PlatformConfig.OFFLINE_S3_ENDPOINT.name(), s3.endpoint(),
                    PlatformConfig.OFFLINE_S3_PATH_STYLE.name(), "true",
                    PlatformConfig.OFFLINE_S3_ACCESS_KEY.name(), S3TestServer.ACCESS_KEY,
                    PlatformConfig.OFFLINE_S3_SECRET_KEY.name(), S3TestServer.SECRET_KEY))) {
                StreamSettings s = kit.settings("s3a://" + bucket + "/flink/checkpoints", false);
                String dir = StreamingJobsMain.checkpointDirectory(s, UsageCountersJob.NAME);
                assertThat(dir).startsWith("s3a://" + bucket + "/");
                UsageWorkload w = UsageWorkload.write(kit, s, REDIS.newOrgId("sa"), REDIS.newOrgId("sb"), 13);

                // Run 1: continuous, cancelled once it has completed a few checkpoints (retained on cancellation).
                JobClient first = start(s, null);
                long firstCheckpoint = awaitCheckpoint(dir, 3, 120);
                cancel(first);
                assertThat(s3.anyObjectUnder(bucket, "flink/checkpoints/" + UsageCountersJob.NAME + "/"))
                        .as("the checkpoints are objects in the bucket").isTrue();

                // Run 2: restores what the bucket holds, as StreamingJobsMain does.
                s.checkpointStorage().initializeFileSystems();
                Path restored = RetainedCheckpoints.newest(dir).orElseThrow();
                assertThat(restored.toString()).startsWith("s3a://" + bucket + "/flink/checkpoints/" + UsageCountersJob.NAME + "/");
                long restoredNumber = number(restored);
                assertThat(restoredNumber).isGreaterThanOrEqualTo(firstCheckpoint);
                System.out.printf("S3aCheckpointsIT: cancelled after chk-%d, restoring %s%n", firstCheckpoint, restored);
                JobClient second = start(s, restored.toString());
                try {
                    // Event time moves only with events: a later event per partition closes the windows still open.
                    flush(kit, s, REDIS.newOrgId("sf"));
                    awaitResults(kit, s, w, 180);
                    // The restored run numbers its checkpoints on from the restored one (a fresh run starts at chk-1).
                    assertThat(awaitCheckpoint(dir, restoredNumber + 1, 60)).isGreaterThan(restoredNumber);
                } finally {
                    cancel(second);
                }
            }
        }
        System.out.printf("S3aCheckpointsIT: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    private static JobClient start(StreamSettings s, String restoreFrom) throws Exception {
        StreamExecutionEnvironment env = StreamingJobsMain.environment(s, UsageCountersJob.NAME, restoreFrom);
        UsageCountersJob.production(s).build(env);
        return env.executeAsync("s3a-checkpoints-it");
    }

    /** Waits for a complete checkpoint numbered at least {@code atLeast} in the bucket, and answers its number. */
    private static long awaitCheckpoint(String dir, long atLeast, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            Optional<Path> newest = RetainedCheckpoints.newest(dir);
            if (newest.isPresent() && number(newest.get()) >= atLeast) {
                return number(newest.get());
            }
            assertThat(System.nanoTime()).as("a checkpoint numbered %d or more under %s within %d s (newest: %s)",
                    atLeast, dir, seconds, newest).isLessThan(deadline);
            Thread.sleep(300);
        }
    }

    private static long number(Path checkpoint) {
        return Long.parseLong(checkpoint.getName().substring("chk-".length()));
    }

    /** Cancels the job and waits until it has ended (a local environment's MiniCluster then shuts down). */
    private static void cancel(JobClient job) throws Exception {
        job.cancel().get(60, TimeUnit.SECONDS);
        try {
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException expected) {
            // A cancelled job ends without a result.
        }
    }

    /** One valid usage event per partition of both input topics, of another org, two days after the workload. */
    private static void flush(StreamTestKit kit, StreamSettings s, String org) {
        Instant ts = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).plusDays(2).atStartOfDay().toInstant(ZoneOffset.UTC);
        EventCodec<UsageEvent> usage = EventCodec.usage();
        int n = 0;
        for (String topic : new String[] {s.usageTopic(), s.interactionsTopic()}) {
            for (int p = 0; p < StreamTestKit.PARTITIONS; p++) {
                byte[] value = topic.equals(s.usageTopic())
                        ? usage.encode(new UsageEvent(org, "key-f", "api_calls", 1, ts, "flush-" + n++))
                        : EventCodec.interactions().encode(new io.tunetrail.model.InteractionEvent(org, "user-f", "track-f",
                                io.tunetrail.model.EventType.PLAY, 40_000, 180_000, ts, new io.tunetrail.model.InteractionContext(
                                        io.tunetrail.model.Device.MOBILE, io.tunetrail.model.Activity.NONE), "flush-" + n++, 1));
                kit.send(topic, p, org, value);
            }
        }
        kit.flush();
    }

    /** Polls until the results equal the truth (they come with the checkpoints that commit them), then asserts them. */
    private static void awaitResults(StreamTestKit kit, StreamSettings s, UsageWorkload w, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            try {
                UsageCountersIT.assertResultsMatch(kit, s, w, REDIS);
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(1000);
            }
        }
    }
}
