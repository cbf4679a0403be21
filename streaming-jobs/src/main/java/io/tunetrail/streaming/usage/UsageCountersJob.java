package io.tunetrail.streaming.usage;

import io.tunetrail.model.EventCodec;
import io.tunetrail.store.online.LedgerEntry;
import io.tunetrail.streaming.common.Envelope;
import io.tunetrail.streaming.common.EventDecoder;
import io.tunetrail.streaming.common.EventRouter;
import io.tunetrail.streaming.common.KafkaIo;
import io.tunetrail.streaming.common.Metered;
import io.tunetrail.streaming.common.RedisSink;
import io.tunetrail.streaming.common.Rejected;
import io.tunetrail.streaming.common.StreamSettings;
import io.tunetrail.streaming.common.WindowLate;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.OutputTag;

/**
 * usage-counters: metered API usage ({@code usage}) and listening events ({@code interactions}, resource
 * {@code interactions}) counted per org, API key and resource in event-time tumbling windows of a minute, an hour and
 * a UTC day (minutes cascade into hours, hours into days), plus the per-org day and month-to-date ledger.
 *
 * <p>Sinks: the ledger's day and month totals to Redis (absolute values, {@code feature-store/KEYS.md}); hours and
 * days to the {@code usage-hourly} and {@code usage-daily} topics (exactly once, Kafka transactions), which the lander
 * lands in Delta ({@code usage_hourly}, {@code usage_daily}); refused and late records to the dead-letter topic.
 *
 * <p>Why Kafka result topics and not a Flink Delta sink: the Delta connector for Flink (delta-flink) is built against
 * older Flink releases than our 1.20 (no release of it names 1.20) and brings a Hadoop client into the job jar, while the platform already lands Kafka topics into Delta
 * exactly once with Spark (idempotent transactional writes, {@code ./tunetrail land}). Writing results to Kafka with
 * Flink's transactional KafkaSink keeps Flink and Spark in their own JVMs and dependency trees, keeps one writer per
 * Delta table, and lets other consumers (billing, alerts) subscribe to the results too. The lander reads them with
 * {@code isolation.level=read_committed}, so it never sees the records of an aborted Flink transaction.
 */
public final class UsageCountersJob {
    public static final String NAME = "usage-counters";

    private final StreamSettings settings;
    private final Source<Envelope, ?, ?> source;
    private final Sink<Rejected> deadLetters;
    private final Sink<UsageTotal> hourly;
    private final Sink<UsageTotal> daily;
    private final Sink<LedgerTotal> ledger;
    private MapFunction<Metered, Metered> probe;

    public UsageCountersJob(StreamSettings settings, Source<Envelope, ?, ?> source, Sink<Rejected> deadLetters, Sink<UsageTotal> hourly,
            Sink<UsageTotal> daily, Sink<LedgerTotal> ledger) {
        this.settings = settings;
        this.source = source;
        this.deadLetters = deadLetters;
        this.hourly = hourly;
        this.daily = daily;
        this.ledger = ledger;
    }

    /** The job on the configured Kafka topics and Redis. */
    public static UsageCountersJob production(StreamSettings s) {
        EventDecoder decoder = new EventDecoder(s.interactionsTopic(), s.usageTopic(), EventDecoder.InteractionsAs.METERED, s.maxFutureMs());
        return new UsageCountersJob(s, KafkaIo.source(s, NAME, decoder, s.usageTopic(), s.interactionsTopic()),
                KafkaIo.deadLetterSink(s, NAME),
                KafkaIo.resultSink(s, NAME, s.usageHourlyTopic(), UsageCountersJob::key, UsageCountersJob::json),
                KafkaIo.resultSink(s, NAME, s.usageDailyTopic(), UsageCountersJob::key, UsageCountersJob::json),
                new RedisSink<>(s.stores(), UsageCountersJob::writeLedger));
    }

    /** A function every accepted event passes through after routing (tests use it to fail the job once). */
    public UsageCountersJob withProbe(MapFunction<Metered, Metered> probe) {
        this.probe = probe;
        return this;
    }

    /** Adds the job's operators to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        DataStream<Envelope> envelopes = env.fromSource(source, KafkaIo.watermarks(settings), NAME + "-source").uid(NAME + "-source");
        SingleOutputStreamOperator<Metered> metered = envelopes
                .process(new EventRouter<>(NAME, settings.latenessBoundMs(), e -> e.metered), TypeInformation.of(Metered.class))
                .name("decode-and-route").uid(NAME + "-router");
        DataStream<Rejected> rejected = metered.getSideOutput(EventRouter.DEAD_LETTERS);
        DataStream<Metered> events = metered;
        if (probe != null) {
            events = metered.map(probe).name("probe").uid(NAME + "-probe");
        }

        OutputTag<Metered> lateMinutes = new OutputTag<>("late-minutes", TypeInformation.of(Metered.class));
        SingleOutputStreamOperator<UsageTotal> minutes = events.keyBy(Metered::groupKey)
                .window(TumblingEventTimeWindows.of(Duration.ofMinutes(1)))
                .sideOutputLateData(lateMinutes)
                .aggregate(new UsageWindows.SumMetered(), new UsageWindows.Stamp())
                .name("minutes").uid(NAME + "-minutes");
        DataStream<Rejected> windowLate = minutes.getSideOutput(lateMinutes).process(new WindowLate<>(NAME)).name("window-late")
                .uid(NAME + "-window-late");

        DataStream<UsageTotal> hours = minutes.keyBy(UsageTotal::groupKey)
                .window(TumblingEventTimeWindows.of(Duration.ofHours(1)))
                .aggregate(new UsageWindows.SumTotals(), new UsageWindows.Stamp())
                .name("hours").uid(NAME + "-hours");
        // Epoch-aligned days are UTC days: quotas reset at 00:00 UTC.
        DataStream<UsageTotal> days = hours.keyBy(UsageTotal::groupKey)
                .window(TumblingEventTimeWindows.of(Duration.ofDays(1)))
                .aggregate(new UsageWindows.SumTotals(), new UsageWindows.Stamp())
                .name("days").uid(NAME + "-days");
        DataStream<LedgerTotal> ledgerTotals = minutes.keyBy(UsageTotal::orgResourceKey)
                .process(new LedgerFunction()).name("ledger").uid(NAME + "-ledger");

        hours.sinkTo(hourly).name("usage-hourly").uid(NAME + "-hourly-sink");
        days.sinkTo(daily).name("usage-daily").uid(NAME + "-daily-sink");
        ledgerTotals.sinkTo(ledger).name("ledger-redis").uid(NAME + "-ledger-sink");
        rejected.union(windowLate).sinkTo(deadLetters).name("dead-letters").uid(NAME + "-dead-letter-sink");
    }

    static String key(UsageTotal t) {
        return t.orgId();
    }

    /** The record of the usage-hourly / usage-daily topics (and of the Delta tables the lander fills from them). */
    static byte[] json(UsageTotal t) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("org_id", t.orgId());
        row.put("api_key_id", t.apiKeyId().isEmpty() ? null : t.apiKeyId());
        row.put("resource", t.resource());
        row.put("window_start", Instant.ofEpochMilli(t.windowStartMs()).toString());
        row.put("window_end", Instant.ofEpochMilli(t.windowEndMs()).toString());
        row.put("usage_date", t.day().toString());
        row.put("units", t.units());
        row.put("events", t.events());
        try {
            return EventCodec.mapper().writeValueAsBytes(row);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a usage total", e);
        }
    }

    /** Keeps the newest total of each key in the batch (they only grow) and writes them with SET. */
    static void writeLedger(io.tunetrail.store.online.RedisOnlineStore store, List<LedgerTotal> batch) {
        Map<String, LedgerEntry> latest = new LinkedHashMap<>();
        for (LedgerTotal t : batch) {
            latest.put(t.orgId() + "|" + t.resource() + "|" + t.period() + "|" + t.periodStart(),
                    new LedgerEntry(t.orgId(), t.resource(), LedgerTotal.MONTH.equals(t.period()), LocalDate.ofEpochDay(t.periodStart()), t.units()));
        }
        store.writeLedger(List.copyOf(latest.values()));
    }

}
