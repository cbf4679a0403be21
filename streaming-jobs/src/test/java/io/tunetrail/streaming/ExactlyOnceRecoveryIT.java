package io.tunetrail.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.catalog.PostgresCatalogStore;
import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.store.testing.RedisNamespace;
import io.tunetrail.streaming.common.Listen;
import io.tunetrail.streaming.common.Metered;
import io.tunetrail.streaming.common.StreamSettings;
import io.tunetrail.streaming.session.SessionFeaturesIT;
import io.tunetrail.streaming.session.SessionFeaturesJob;
import io.tunetrail.streaming.testing.FailOnce;
import io.tunetrail.streaming.testing.SessionWorkload;
import io.tunetrail.streaming.testing.StreamTestKit;
import io.tunetrail.streaming.testing.UsageWorkload;
import io.tunetrail.streaming.usage.UsageCountersIT;
import io.tunetrail.streaming.usage.UsageCountersJob;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once across a failure: each job fails once mid-stream (after a checkpoint has completed), Flink restarts it
 * from that checkpoint (source offsets, the lateness rule's state, windows, ledger and per-user state), the Kafka
 * sinks abort their open transactions and Redis gets the replayed values again. The final counters, sessions, online
 * rows and dead letters must still equal the ground truth: none lost, none counted twice.
 */
class ExactlyOnceRecoveryIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();
    @RegisterExtension
    static final RedisNamespace REDIS = new RedisNamespace();

    @Test
    void usageCountersSurviveAFailure(@TempDir Path checkpoints) throws Exception {
        try (StreamTestKit kit = new StreamTestKit("recover-usage", Map.of(PlatformConfig.STREAM_OUT_OF_ORDERNESS_SECONDS.name(), "10",
                PlatformConfig.STREAM_ALLOWED_LATENESS_SECONDS.name(), "50"))) {
            StreamSettings s = kit.untilIdle(checkpoints);
            UsageWorkload w = UsageWorkload.write(kit, s, REDIS.newOrgId("ra"), REDIS.newOrgId("rb"), 99);
            String probe = "usage-" + UUID.randomUUID();
            StreamExecutionEnvironment env = StreamingJobsMain.environment(s, UsageCountersJob.NAME);
            UsageCountersJob.production(s).withProbe(new FailOnce<Metered>(probe, 400)).build(env);
            env.execute("usage-counters-recovery-it");

            assertThat(FailOnce.failed(probe)).as("the job failed once and recovered").isTrue();
            UsageCountersIT.assertResultsMatch(kit, s, w, REDIS);
        }
    }

    @Test
    void sessionFeaturesSurviveAFailure(@TempDir Path checkpoints) throws Exception {
        try (StreamTestKit kit = new StreamTestKit("recover-sessions", Map.of(PlatformConfig.POSTGRES_DATABASE.name(), DB.name(),
                PlatformConfig.STREAM_OUT_OF_ORDERNESS_SECONDS.name(), "10", PlatformConfig.STREAM_ALLOWED_LATENESS_SECONDS.name(), "50"))) {
            StreamSettings s = kit.untilIdle(checkpoints);
            SessionWorkload w = SessionWorkload.build(REDIS.newOrgId("rs"), 11, s);
            new PostgresCatalogStore(DB.dataSource()).load(w.catalog());
            w.send(kit, s);
            String probe = "sessions-" + UUID.randomUUID();
            StreamExecutionEnvironment env = StreamingJobsMain.environment(s, SessionFeaturesJob.NAME);
            SessionFeaturesJob.production(s).withProbe(new FailOnce<Listen>(probe, 300)).build(env);
            env.execute("session-features-recovery-it");

            assertThat(FailOnce.failed(probe)).as("the job failed once and recovered").isTrue();
            SessionFeaturesIT.assertResultsMatch(kit, s, w, REDIS);
        }
    }
}
