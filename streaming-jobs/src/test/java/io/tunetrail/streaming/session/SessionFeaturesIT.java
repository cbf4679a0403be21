package io.tunetrail.streaming.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.catalog.PostgresCatalogStore;
import io.tunetrail.store.online.FeatureRow;
import io.tunetrail.store.online.FeatureViews;
import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.store.testing.RedisNamespace;
import io.tunetrail.streaming.StreamingJobsMain;
import io.tunetrail.streaming.common.JobCounters;
import io.tunetrail.streaming.common.StreamSettings;
import io.tunetrail.streaming.testing.SessionWorkload;
import io.tunetrail.streaming.testing.StreamTestKit;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * session-features on a MiniCluster against the stack's Kafka, PostgreSQL (the catalog, in a fresh database) and Redis:
 * every session on the sessions topic and every listener's online row equal the ground truth {@link SessionWorkload}
 * computes in plain Java, with out-of-order, late and malformed events in the input.
 */
public class SessionFeaturesIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();
    @RegisterExtension
    static final RedisNamespace REDIS = new RedisNamespace();

    static StreamTestKit kit;

    @BeforeAll
    static void topics() {
        kit = new StreamTestKit("sessions", Map.of(PlatformConfig.POSTGRES_DATABASE.name(), DB.name(),
                PlatformConfig.STREAM_OUT_OF_ORDERNESS_SECONDS.name(), "10", PlatformConfig.STREAM_ALLOWED_LATENESS_SECONDS.name(), "50"));
    }

    @AfterAll
    static void dropTopics() throws Exception {
        if (kit != null) {
            kit.close();
        }
    }

    @Test
    void everySessionAndEveryListenerRowEqualTheGroundTruth(@TempDir Path checkpoints) throws Exception {
        StreamSettings s = kit.untilIdle(checkpoints);
        SessionWorkload w = SessionWorkload.build(REDIS.newOrgId("sessions"), 7, s);
        new PostgresCatalogStore(DB.dataSource()).load(w.catalog());
        w.send(kit, s);
        assertThat(w.lateEvents()).isPositive();
        assertThat(w.sessions()).hasSizeGreaterThan(50);
        assertThat(w.users()).hasSize(8);

        StreamExecutionEnvironment env = StreamingJobsMain.environment(s, SessionFeaturesJob.NAME);
        SessionFeaturesJob.production(s).build(env);
        JobExecutionResult result = env.execute("session-features-it");

        Map<String, Long> counters = JobCounters.of(result, SessionFeaturesJob.NAME);
        assertThat(counters.get(JobCounters.READ)).isEqualTo(w.records());
        assertThat(counters.get(JobCounters.ACCEPTED)).isEqualTo(w.accepted());
        assertThat(counters.get(JobCounters.LATE_EVENT)).isEqualTo(w.lateEvents());
        assertThat(counters.get(JobCounters.MALFORMED_JSON) + counters.get(JobCounters.SCHEMA_VIOLATION)).isEqualTo(w.malformed());
        assertThat(counters.get(JobCounters.WINDOW_LATE)).isZero();

        assertResultsMatch(kit, s, w, REDIS);
    }

    public static void assertResultsMatch(StreamTestKit kit, StreamSettings s, SessionWorkload w, RedisNamespace redis) throws Exception {
        List<SessionWorkload.ExpectedSession> actual = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kit.readAll(s.sessionsTopic())) {
            JsonNode n = EventCodec.mapper().readTree(r.value());
            assertThat(n.get("org_id").asText()).isEqualTo(w.org());
            assertThat(n.get("session_date").asText()).isEqualTo(n.get("session_start").asText().substring(0, 10));
            assertThat(n.get("duration_ms").asLong()).isEqualTo(Instant.parse(n.get("session_end").asText()).toEpochMilli()
                    - Instant.parse(n.get("session_start").asText()).toEpochMilli());
            actual.add(new SessionWorkload.ExpectedSession(n.get("user_id").asText(), Instant.parse(n.get("session_start").asText()),
                    Instant.parse(n.get("session_end").asText()), n.get("events").asLong(), n.get("tracks_played").asLong(),
                    n.get("completion_rate").asDouble(), n.get("skip_rate").asDouble(), n.get("minutes_listened").asDouble(),
                    n.get("distinct_artists").asInt(), n.get("distinct_genres").asInt(),
                    n.get("top_genre").isNull() ? null : n.get("top_genre").asText(), n.get("dominant_activity").asText(),
                    n.get("hour_of_day").asInt(), n.get("day_of_week").asInt()));
        }
        assertThat(actual).as("each session written once").doesNotHaveDuplicates();
        Set<SessionWorkload.ExpectedSession> written = new HashSet<>(actual);
        assertThat(written).isEqualTo(w.sessions());

        Map<String, FeatureRow> rows = redis.store().read(w.org(), FeatureViews.USER_SESSIONS, List.copyOf(w.users().keySet()));
        assertThat(rows.keySet()).isEqualTo(w.users().keySet());
        w.users().forEach((user, expected) -> {
            FeatureRow row = rows.get(user);
            assertThat(new SessionWorkload.ExpectedUser(row.getLong("sessions_7d"), row.getDouble("minutes_listened_7d"),
                    row.getDouble("skip_rate_7d"), row.getIds("top_genres_7d"), row.getIds("recent_tracks"), row.getLong("updated_at_ms")))
                    .as("user %s", user).isEqualTo(expected);
        });
    }
}
