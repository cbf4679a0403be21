package io.tunetrail.cli;

import io.tunetrail.ingestion.kafka.TopicInspector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./tunetrail peek TOPIC}: the newest records of a topic, with their headers, without moving any consumer. */
@Command(name = "peek", mixinStandardHelpOptions = true,
        description = {"Print the newest records of a topic (value, key, headers) without joining a consumer group.",
            "On the dead-letter topic the headers say where each record came from and why it was refused."})
public final class PeekCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TOPIC", description = "interactions, usage, dead-letter, or any topic.")
    String topic;

    @Option(names = {"-n", "--records"}, description = "How many records (default: ${DEFAULT-VALUE}).")
    int records = 5;

    @Override
    public Integer call() {
        if (records < 1 || records > 10_000) {
            throw CliError.usage("-n " + records + " is out of range", "ask for 1 to 10000 records");
        }
        try (TopicInspector inspector = new TopicInspector(TunetrailCli.config())) {
            long count = inspector.count(topic);
            System.out.printf("%s: %,d records; the newest %d:%n", topic, count, Math.min(count, records));
            for (ConsumerRecord<byte[], byte[]> r : inspector.newest(topic, records, Duration.ofSeconds(30))) {
                System.out.printf("- partition %d offset %d at %s key %s%n", r.partition(), r.offset(),
                        Instant.ofEpochMilli(r.timestamp()), r.key() == null ? "-" : text(r.key()));
                for (Header h : r.headers()) {
                    System.out.printf("    %s: %s%n", h.key(), text(h.value()));
                }
                System.out.println("    " + (r.value() == null ? "(no value)" : text(r.value())));
            }
        } catch (IllegalArgumentException e) {
            throw CliError.usage(e.getMessage(), "the platform's topics are named by the kafka.topic.* keys (default: interactions, usage, dead-letter)");
        } catch (org.apache.kafka.common.KafkaException e) {
            throw CliError.environment("cannot read topic " + topic, e.getMessage(), "start the stack with ./tunetrail stack start");
        }
        return 0;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
