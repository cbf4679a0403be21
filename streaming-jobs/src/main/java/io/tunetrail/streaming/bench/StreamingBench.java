package io.tunetrail.streaming.bench;

import io.tunetrail.model.EventCodec;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.streaming.StreamingJobsMain;
import io.tunetrail.streaming.common.EventDecoder;
import io.tunetrail.streaming.common.EventRouter;
import io.tunetrail.streaming.common.KafkaIo;
import io.tunetrail.streaming.common.Listen;
import io.tunetrail.streaming.common.StreamSettings;
import io.tunetrail.streaming.session.SessionFeaturesJob;
import io.tunetrail.streaming.usage.UsageCountersJob;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code ./tunetrail bench streaming}: pre-loads N synthetic interactions into a fresh topic, then, in this one JVM,
 * measures events/s of (a0) a plain KafkaConsumer loop that only fetches, (a) the same loop that decodes and validates each record with {@code EventCodec}
 * (the same work the jobs' sources do, nothing else), (d) a Flink job that only decodes and routes (source, router,
 * discarding sink: Flink's own cost), (b) usage-counters and (c) session-features, each a bounded run over the same
 * events with their real sinks (Redis, exactly-once Kafka, checkpoints). Prints a table, then one JSON line whose
 * ratio keys end in {@code _ratio}, and the CPU time per event of each pipeline ({@code *_cpu_us_per_event}). The baseline is measured on a second pass, after a warm-up pass. Job times are Flink's net runtime (submission to end, the MiniCluster's start
 * excluded), which includes the final checkpoint and transaction commit.
 */
public final class StreamingBench {
    private StreamingBench() {}

    public static void run(PlatformConfig base, long events) throws Exception {
        try (BenchWorld world = new BenchWorld(base)) {
            long t0 = System.nanoTime();
            long n = world.load(events);
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("pre-loaded %,d interactions in %.1f s (topic %s)%n", n, loadSeconds,
                    world.config().get(PlatformConfig.TOPIC_INTERACTIONS));
            StreamSettings s = StreamSettings.of(world.config(), true);

            // One unmeasured pass first: the decoder's JIT warm-up would otherwise be charged to the baseline alone
            // (the jobs run later in the same JVM and inherit the compiled decoder).
            baseline(world.config(), n, true);
            Pipeline fetchOnly = measure(n, () -> baseline(world.config(), n, false));
            Pipeline baseline = measure(n, () -> baseline(world.config(), n, true));
            Pipeline decodeOnly = measure(n, () -> flinkDecodeOnly(s, n));
            Pipeline usage = measure(n, () -> job(s, n, UsageCountersJob.NAME));
            Pipeline sessions = measure(n, () -> job(s, n, SessionFeaturesJob.NAME));

            System.out.println();
            System.out.printf("%-44s %14s %10s %12s%n", "pipeline (" + String.format("%,d", n) + " events, parallelism " + s.parallelism() + ")",
                    "events/s", "vs (a)", "CPU us/event");
            row("(a0) KafkaConsumer only, no decoding", fetchOnly, baseline);
            row("(a) KafkaConsumer + EventCodec.decode", baseline, baseline);
            row("(d) Flink: Kafka source + decode/route only", decodeOnly, baseline);
            row("(b) usage-counters (all sinks)", usage, baseline);
            row("(c) session-features (all sinks)", sessions, baseline);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("bench", "streaming");
            json.put("events", n);
            json.put("parallelism", s.parallelism());
            json.put("consumer_fetch_only_events_per_s", Math.round(fetchOnly.eventsPerSecond()));
            json.put("baseline_events_per_s", Math.round(baseline.eventsPerSecond()));
            json.put("flink_decode_only_events_per_s", Math.round(decodeOnly.eventsPerSecond()));
            json.put("usage_counters_events_per_s", Math.round(usage.eventsPerSecond()));
            json.put("session_features_events_per_s", Math.round(sessions.eventsPerSecond()));
            json.put("consumer_fetch_only_cpu_us_per_event", round(fetchOnly.cpuMicrosPerEvent()));
            json.put("baseline_cpu_us_per_event", round(baseline.cpuMicrosPerEvent()));
            json.put("flink_decode_only_cpu_us_per_event", round(decodeOnly.cpuMicrosPerEvent()));
            json.put("usage_counters_cpu_us_per_event", round(usage.cpuMicrosPerEvent()));
            json.put("session_features_cpu_us_per_event", round(sessions.cpuMicrosPerEvent()));
            json.put("baseline_vs_fetch_only_ratio", round(baseline.eventsPerSecond() / fetchOnly.eventsPerSecond()));
            json.put("flink_decode_only_ratio", round(decodeOnly.eventsPerSecond() / baseline.eventsPerSecond()));
            json.put("usage_counters_ratio", round(usage.eventsPerSecond() / baseline.eventsPerSecond()));
            json.put("session_features_ratio", round(sessions.eventsPerSecond() / baseline.eventsPerSecond()));
            System.out.println(EventCodec.mapper().writeValueAsString(json));
        }
    }

    /**
     * (a) One consumer reading every partition, decoding and validating every record; with {@code decode} false
     * (a0), only fetching, which shows what the broker alone delivers.
     */
    static double baseline(PlatformConfig config, long expected, boolean decode) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        EventCodec<InteractionEvent> codec = EventCodec.interactions();
        String topic = config.get(PlatformConfig.TOPIC_INTERACTIONS);
        long start = System.nanoTime();
        long accepted = 0;
        long read = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            while (read < expected) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    read++;
                    if (!decode || codec.decode(r.value()).isAccepted()) {
                        accepted++;
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (accepted != expected) {
            throw new IllegalStateException("baseline accepted " + accepted + " of " + expected + " events");
        }
        return read / seconds;
    }

    /** (d) Source + decode/route into a discarding sink: what Flink costs before any window. */
    static double flinkDecodeOnly(StreamSettings s, long n) throws Exception {
        StreamExecutionEnvironment env = StreamingJobsMain.environment(s, "bench-decode-only");
        EventDecoder decoder = new EventDecoder(s.interactionsTopic(), s.usageTopic(), EventDecoder.InteractionsAs.LISTEN, s.maxFutureMs());
        env.fromSource(KafkaIo.source(s, "bench-decode-only", decoder, s.interactionsTopic()), KafkaIo.watermarks(s), "source")
                .process(new EventRouter<>("bench", s.latenessBoundMs(), e -> e.listen), TypeInformation.of(Listen.class))
                .sinkTo(new DiscardingSink<>());
        return rate(env.execute("bench decode-only"), n, "decode-only");
    }

    static double job(StreamSettings s, long n, String name) throws Exception {
        StreamExecutionEnvironment env = StreamingJobsMain.environment(s, "bench-" + name);
        if (name.equals(UsageCountersJob.NAME)) {
            UsageCountersJob.production(s).build(env);
        } else {
            SessionFeaturesJob.production(s).build(env);
        }
        return rate(env.execute("bench " + name), n, name);
    }

    /**
     * Events/s of one pipeline and the CPU time this JVM spent on it per event. On a machine shared with other work
     * the rate moves with the load; the CPU time far less, so it is what to compare between runs. For the Flink
     * pipelines it includes the MiniCluster's start and stop (a few CPU seconds: a few us per event at a million).
     */
    record Pipeline(double eventsPerSecond, double cpuMicrosPerEvent) {}

    private static Pipeline measure(long n, Callable<Double> pipeline) throws Exception {
        long cpuBefore = processCpuNanos();
        double eventsPerSecond = pipeline.call();
        return new Pipeline(eventsPerSecond, (processCpuNanos() - cpuBefore) / 1000.0 / n);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double rate(JobExecutionResult r, long n, String what) {
        double seconds = r.getNetRuntime() / 1000.0;
        System.out.printf("%s: %,d events in %.1f s%n", what, n, seconds);
        return n / seconds;
    }

    private static void row(String name, Pipeline p, Pipeline baseline) {
        System.out.printf("%-44s %,14.0f %10.2f %12.1f%n", name, p.eventsPerSecond(), p.eventsPerSecond() / baseline.eventsPerSecond(),
                p.cpuMicrosPerEvent());
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
