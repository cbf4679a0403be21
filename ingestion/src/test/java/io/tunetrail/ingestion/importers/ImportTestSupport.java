package io.tunetrail.ingestion.importers;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.model.Decoded;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.Org;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Shared fixtures of the importer tests: a request, file writers, reject file reading, the event codec. */
final class ImportTestSupport {
    static final Instant REFERENCE = Instant.parse("2011-06-01T00:00:00Z");
    static final Org ORG = new Org("org-test", "Test org", "community");
    private static final EventCodec<InteractionEvent> CODEC = EventCodec.interactions();

    private ImportTestSupport() {}

    static ImportRequest request(Path data, Path out) {
        return new ImportRequest(data, ORG, out, REFERENCE);
    }

    static void write(Path dir, String file, String utf8) {
        write(dir, file, utf8.getBytes(StandardCharsets.UTF_8));
    }

    static void write(Path dir, String file, byte[] bytes) {
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(file), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Text in ISO-8859-1, as HetRec's tags.dat and MovieLens 100K's u.item are. */
    static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Concatenates byte chunks, to put invalid UTF-8 between valid lines. */
    static byte[] bytes(Object... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Object part : parts) {
            byte[] b = part instanceof byte[] raw ? raw : part.toString().getBytes(StandardCharsets.UTF_8);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    /** One reject: the five columns of a reject file line. */
    record Reject(String file, long line, String code, String reason, String raw) {}

    /** The rejects of one input file, or an empty list when the import wrote no reject file for it. */
    static List<Reject> rejects(Path out, String dataset, String file) {
        Path path = out.resolve("rejects").resolve(dataset + "-" + file + ".rejects.tsv");
        if (!Files.exists(path)) {
            return List.of();
        }
        try {
            List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
            assertThat(lines.get(0)).isEqualTo("file\tline\tcode\treason\traw");
            List<Reject> rejects = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split("\t", -1);
                assertThat(f).as("reject line %s has five tab-separated columns", line).hasSize(5);
                rejects.add(new Reject(f[0], Long.parseLong(f[1]), f[2], f[3], f[4]));
            }
            return rejects;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts that an event survives the wire: encoded and decoded against the schema, it is accepted unchanged. */
    static void assertValidOnTheWire(InteractionEvent event) {
        Decoded<InteractionEvent> decoded = CODEC.decode(CODEC.encode(event));
        assertThat(decoded.isAccepted()).as("%s: %s", event, decoded).isTrue();
        assertThat(decoded.value()).isEqualTo(event);
    }

    /** Collects emitted events in memory; fine for test inputs. */
    static final class Events implements Consumer<InteractionEvent> {
        final List<InteractionEvent> list = new ArrayList<>();

        @Override
        public void accept(InteractionEvent event) {
            list.add(event);
        }
    }
}
