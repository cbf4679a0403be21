package io.tunetrail.streaming.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.model.DeadLetter;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.online.RedisKeys;
import io.tunetrail.store.testing.RedisNamespace;
import io.tunetrail.streaming.StreamingJobsMain;
import io.tunetrail.streaming.common.JobCounters;
import io.tunetrail.streaming.common.StreamSettings;
import io.tunetrail.streaming.testing.StreamTestKit;
import io.tunetrail.streaming.testing.UsageWorkload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.HashMap;
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
import redis.clients.jedis.params.ScanParams;

/**
 * usage-counters on a MiniCluster against the stack's Kafka and Redis: every hourly and daily total, every ledger
 * key and every dead letter equals the ground truth {@link UsageWorkload} computes in plain Java from the same records,
 * including out-of-order events (accepted), late events and a batch of malformed ones (dead-lettered with reasons,
 * while the job keeps counting what follows).
 */
public class UsageCountersIT {
    @RegisterExtension
    static final RedisNamespace REDIS = new RedisNamespace();

    static StreamTestKit kit;

    @BeforeAll
    static void topics() {
        kit = new StreamTestKit("usage", Map.of(PlatformConfig.STREAM_OUT_OF_ORDERNESS_SECONDS.name(), "10",
                PlatformConfig.STREAM_ALLOWED_LATENESS_SECONDS.name(), "50"));
    }

    @AfterAll
    static void dropTopics() throws Exception {
        if (kit != null) {
            kit.close();
        }
    }

    @Test
    void everyCounterEqualsTheGroundTruth(@TempDir Path checkpoints) throws Exception {
        StreamSettings s = kit.untilIdle(checkpoints);
        UsageWorkload w = UsageWorkload.write(kit, s, REDIS.newOrgId("a"), REDIS.newOrgId("b"), 42);
        assertThat(w.lateEvents()).as("the workload has late events").isPositive();
        assertThat(w.outOfOrderAccepted()).as("the workload has out-of-order events within the bound").isPositive();

        StreamExecutionEnvironment env = StreamingJobsMain.environment(s, UsageCountersJob.NAME);
        UsageCountersJob.production(s).build(env);
        JobExecutionResult result = env.execute("usage-counters-it");

        Map<String, Long> counters = JobCounters.of(result, UsageCountersJob.NAME);
        assertThat(counters.get(JobCounters.READ)).isEqualTo(w.records());
        assertThat(counters.get(JobCounters.ACCEPTED)).isEqualTo(w.accepted());
        assertThat(counters.get(JobCounters.LATE_EVENT)).isEqualTo(w.lateEvents());
        assertThat(counters.get(JobCounters.MALFORMED_JSON)).isEqualTo(w.rejected("MALFORMED_JSON"));
        assertThat(counters.get(JobCounters.SCHEMA_VIOLATION)).isEqualTo(w.rejected("SCHEMA_VIOLATION"));
        assertThat(counters.get(JobCounters.FUTURE_EVENT)).isEqualTo(w.rejected("FUTURE_EVENT"));
        assertThat(counters.get(JobCounters.WINDOW_LATE)).isZero();

        assertResultsMatch(kit, s, w, REDIS);
    }

    /** Checks the result topics, the ledger in Redis and the dead letters against the workload's ground truth. */
    public static void assertResultsMatch(StreamTestKit kit, StreamSettings s, UsageWorkload w, RedisNamespace redis) throws Exception {
        assertThat(totals(kit.readAll(s.usageHourlyTopic()))).isEqualTo(w.hourly());
        assertThat(totals(kit.readAll(s.usageDailyTopic()))).isEqualTo(w.daily());

        Map<String, Long> ledger = new HashMap<>();
        for (String org : w.orgs()) {
            ScanParams match = new ScanParams().match(RedisKeys.org(org) + ":ledger:*").count(1000);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                var page = redis.jedis().scan(cursor, match);
                for (String key : page.getResult()) {
                    ledger.put(key, Long.parseLong(redis.jedis().get(key)));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
        Map<String, Long> expected = new HashMap<>();
        w.ledgerDays().forEach((k, v) -> expected.put(RedisKeys.ledgerDay(k.org(), k.resource(), k.start()), v));
        w.ledgerMonths().forEach((k, v) -> expected.put(RedisKeys.ledgerMonth(k.org(), k.resource(), YearMonth.from(k.start())), v));
        assertThat(ledger).isEqualTo(expected);

        List<ConsumerRecord<byte[], byte[]>> dead = kit.readAll(s.deadLetterTopic());
        Map<String, Long> codes = new HashMap<>();
        Set<String> values = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            codes.merge(StreamTestKit.header(r, DeadLetter.HEADER_REASON_CODE), 1L, Long::sum);
            assertThat(StreamTestKit.header(r, DeadLetter.HEADER_STAGE)).isEqualTo(UsageCountersJob.NAME);
            assertThat(StreamTestKit.header(r, DeadLetter.HEADER_REASON)).isNotBlank();
            assertThat(Instant.parse(StreamTestKit.header(r, DeadLetter.HEADER_FAILED_AT))).isBefore(Instant.now().plusSeconds(1));
            values.add(new String(r.value(), StandardCharsets.UTF_8));
        }
        assertThat(codes).isEqualTo(w.deadLetterCodes());
        // Original bytes, unchanged, for every refused record (late ones included).
        assertThat(values).isEqualTo(w.deadLetterValues());
    }

    /** (org, key, resource, window start) to {units, events}; fails on a window written twice. */
    static Map<String, List<Long>> totals(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        Map<String, List<Long>> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            JsonNode n = EventCodec.mapper().readTree(r.value());
            String key = n.get("org_id").asText() + "|" + (n.get("api_key_id").isNull() ? "" : n.get("api_key_id").asText()) + "|"
                    + n.get("resource").asText() + "|" + n.get("window_start").asText();
            assertThat(LocalDate.parse(n.get("usage_date").asText())).isEqualTo(LocalDate.parse(n.get("window_start").asText().substring(0, 10)));
            List<Long> previous = out.put(key, List.of(n.get("units").asLong(), n.get("events").asLong()));
            assertThat(previous).as("window %s written once", key).isNull();
        }
        return out;
    }
}
