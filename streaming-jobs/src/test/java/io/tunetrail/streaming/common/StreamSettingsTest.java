package io.tunetrail.streaming.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.model.PlatformConfig;
import io.tunetrail.streaming.StreamingJobsMain;
import java.util.Map;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/** The exactly-once sinks' Kafka transactions must outlive a checkpoint: checked when the settings are made. */
class StreamSettingsTest {

    static StreamSettings settings(Map<String, String> overrides) {
        return StreamSettings.of(PlatformConfig.load(Map.of(), overrides), true);
    }

    @Test
    void theDefaultsLeaveTheTransactionAMarginOverTheCheckpointAndAreWhatTheJobsUse() {
        StreamSettings s = settings(Map.of());
        assertThat(s.transactionTimeoutMs())
                .isGreaterThan(s.checkpointIntervalMs() + s.checkpointTimeoutMs() + StreamSettings.TRANSACTION_MARGIN_MS);
        assertThat(KafkaIo.producerProperties(s).getProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG))
                .isEqualTo(String.valueOf(s.transactionTimeoutMs()));
        StreamExecutionEnvironment env = StreamingJobsMain.environment(s, "settings-test");
        assertThat(env.getCheckpointConfig().getCheckpointTimeout()).isEqualTo(s.checkpointTimeoutMs());
    }

    @Test
    void stateOfARemovedOperatorFailsTheRestoreUnlessAllowed() {
        StreamSettings strict = settings(Map.of());
        StreamSettings upgrade = settings(Map.of(PlatformConfig.STREAM_ALLOW_NON_RESTORED_STATE.name(), "true"));
        assertThat(strict.allowNonRestoredState()).isFalse();
        assertThat(upgrade.withParallelism(3).allowNonRestoredState()).isTrue();
        assertThat(StreamingJobsMain.environment(strict, "settings-test", "/tmp/chk-1").getConfiguration()
                .get(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE)).isFalse();
        assertThat(StreamingJobsMain.environment(upgrade, "settings-test", "/tmp/chk-1").getConfiguration()
                .get(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE)).isTrue();
    }

    @Test
    void aTransactionTimeoutThatACheckpointCouldOutliveIsRefusedNamingBothKeys() {
        Map<String, String> equal = Map.of(PlatformConfig.STREAM_CHECKPOINT_TIMEOUT_MS.name(), "600000",
                PlatformConfig.STREAM_TRANSACTION_TIMEOUT_MS.name(), "600000");
        assertThatThrownBy(() -> settings(equal)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(PlatformConfig.STREAM_TRANSACTION_TIMEOUT_MS.name())
                .hasMessageContaining(PlatformConfig.STREAM_CHECKPOINT_TIMEOUT_MS.name())
                .hasMessageContaining("transaction.max.timeout.ms");
    }

    @Test
    void theMarginIsStrict() {
        long interval = 10_000;
        long checkpoint = 300_000;
        long needed = interval + checkpoint + StreamSettings.TRANSACTION_MARGIN_MS;
        assertThatThrownBy(() -> StreamSettings.requireTransactionOutlivesCheckpoint(interval, checkpoint, needed))
                .isInstanceOf(IllegalArgumentException.class);
        StreamSettings.requireTransactionOutlivesCheckpoint(interval, checkpoint, needed + 1);
        assertThatThrownBy(() -> StreamSettings.requireTransactionOutlivesCheckpoint(interval, 0, 900_000))
                .hasMessageContaining(PlatformConfig.STREAM_CHECKPOINT_TIMEOUT_MS.name());
    }
}
