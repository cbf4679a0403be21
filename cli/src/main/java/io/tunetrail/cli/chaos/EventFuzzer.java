package io.tunetrail.cli.chaos;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunetrail.model.Activity;
import io.tunetrail.model.Device;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.EventType;
import io.tunetrail.model.InteractionContext;
import io.tunetrail.model.InteractionEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * Hostile interaction events for the fuzz scenario, deterministic for a seed: random bytes, truncated JSON, wrong types,
 * huge strings, far-future and far-past timestamps, and Unicode's edge cases (lone surrogates escaped and raw, NUL,
 * right-to-left overrides, 4-byte emoji, overlong and invalid UTF-8), between well-formed events. Each body says what
 * it is ({@link Fuzzed#kind}), so a failure names the input that caused it.
 */
final class EventFuzzer {
    /** One body and what kind of hostility it carries. */
    record Fuzzed(String kind, byte[] body) {}

    static final List<String> KINDS = List.of("valid", "random-bytes", "truncated-json", "wrong-type", "huge-string", "future-time",
            "ancient-time", "lone-surrogate-escaped", "lone-surrogate-raw", "nul", "rtl-and-emoji", "overlong-utf8", "invalid-utf8",
            "deep-nesting", "huge-number", "not-an-object", "unknown-field");
    private static final List<String> STRING_FIELDS = List.of("user_id", "track_id", "client_event_id", "event_type", "event_time");
    private static final List<String> ALL_FIELDS = List.of("user_id", "track_id", "client_event_id", "event_type", "event_time",
            "played_ms", "track_duration_ms", "context", "count");

    private final Random random;
    private final String orgId;
    private final String idPrefix;
    private final EventCodec<InteractionEvent> codec = EventCodec.interactions();
    private int n;

    /** Events of {@code orgId} (null: no org field, as the API wants them), client ids starting with {@code idPrefix}. */
    EventFuzzer(long seed, String orgId, String idPrefix) {
        this.random = new Random(seed);
        this.orgId = orgId;
        this.idPrefix = idPrefix;
    }

    /** The next body: the kinds in turn, so any {@code KINDS.size()} consecutive bodies hold one of each. */
    Fuzzed next() {
        String kind = KINDS.get(n % KINDS.size());
        n++;
        return new Fuzzed(kind, body(kind));
    }

    private byte[] body(String kind) {
        ObjectNode e = validEvent();
        String field = STRING_FIELDS.get(random.nextInt(STRING_FIELDS.size()));
        return switch (kind) {
            case "valid" -> bytes(e);
            case "random-bytes" -> {
                byte[] b = new byte[random.nextInt(300)];
                random.nextBytes(b);
                yield b;
            }
            case "truncated-json" -> {
                byte[] full = bytes(e);
                yield java.util.Arrays.copyOf(full, random.nextInt(full.length - 1));
            }
            case "wrong-type" -> {
                String f = ALL_FIELDS.get(random.nextInt(ALL_FIELDS.size()));
                switch (random.nextInt(5)) {
                    case 0 -> e.put(f, random.nextLong());
                    case 1 -> e.put(f, "not-a-" + f);
                    case 2 -> e.putArray(f).add(1).add("two");
                    case 3 -> e.putObject(f).put("nested", true);
                    default -> e.put(f, random.nextBoolean());
                }
                yield bytes(e);
            }
            case "huge-string" -> {
                e.put(field, "x".repeat(50_000 + random.nextInt(400_000)));
                yield bytes(e);
            }
            case "future-time" -> {
                e.put("event_time", Instant.now().plus(Duration.ofDays(2 + random.nextInt(3_000_000))).toString());
                yield bytes(e);
            }
            case "ancient-time" -> {
                e.put("event_time", random.nextBoolean() ? "0001-01-01T00:00:00Z" : "1970-01-01T00:00:00Z");
                yield bytes(e);
            }
            case "lone-surrogate-escaped" -> replace(e, field, "\\ud800", "lone-\\ud83d-high");
            case "lone-surrogate-raw" -> spliced(e, field, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
            case "nul" -> random.nextBoolean() ? replace(e, field, "\\u0000", "a\\u0000b") : spliced(e, field, new byte[] {0});
            case "rtl-and-emoji" -> {
                e.put(field.equals("event_time") || field.equals("event_type") ? "user_id" : field, "\u202Elisten\u202C\uD83C\uDFB5-" + n);
                yield bytes(e);
            }
            case "overlong-utf8" -> spliced(e, field, new byte[] {(byte) 0xC0, (byte) 0xAF, (byte) 0xE0, (byte) 0x80, (byte) 0xAF});
            case "invalid-utf8" -> spliced(e, field, new byte[] {(byte) 0xFF, (byte) 0xFE, (byte) 0x80});
            case "deep-nesting" -> {
                int depth = 2_000 + random.nextInt(8_000);
                yield ("{\"context\":" + "[".repeat(depth) + "]".repeat(depth) + "}").getBytes(StandardCharsets.UTF_8);
            }
            case "huge-number" -> {
                String json = new String(bytes(e), StandardCharsets.UTF_8);
                yield json.replaceFirst("\"played_ms\":\\d+", "\"played_ms\":" + (random.nextBoolean() ? "1e400" : "9".repeat(400)))
                        .getBytes(StandardCharsets.UTF_8);
            }
            case "not-an-object" -> List.of("null", "42", "\"event\"", "[]", "true", "").get(random.nextInt(6)).getBytes(StandardCharsets.UTF_8);
            case "unknown-field" -> {
                e.put("surprise_" + random.nextInt(100), "value");
                yield bytes(e);
            }
            default -> throw new IllegalStateException(kind);
        };
    }

    private ObjectNode validEvent() {
        // Within a minute of now: never late against each other, never in the future.
        InteractionEvent event = new InteractionEvent(orgId == null ? "placeholder" : orgId, "listener-" + random.nextInt(50),
                "track-" + random.nextInt(200), EventType.PLAY, 60_000L, 180_000L, Instant.now().minusMillis(random.nextInt(60_000)),
                new InteractionContext(Device.MOBILE, Activity.NONE), idPrefix + "-" + n, 1);
        try {
            ObjectNode node = (ObjectNode) EventCodec.mapper().readTree(codec.encode(event));
            if (orgId == null) {
                node.remove("org_id");
            }
            return node;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The event with {@code field}'s value replaced by raw JSON text {@code escaped} (a JSON escape sequence). */
    private byte[] replace(ObjectNode e, String field, String escaped, String alternative) {
        e.put(field, "@@FUZZ@@");
        String value = random.nextBoolean() ? escaped : alternative;
        return new String(bytes(e), StandardCharsets.UTF_8).replace("@@FUZZ@@", value).getBytes(StandardCharsets.UTF_8);
    }

    /** The event with {@code raw} bytes spliced into {@code field}'s string value, bypassing any encoder. */
    private byte[] spliced(ObjectNode e, String field, byte[] raw) {
        e.put(field, "@@FUZZ@@");
        String json = new String(bytes(e), StandardCharsets.UTF_8);
        int at = json.indexOf("@@FUZZ@@");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(json.substring(0, at).getBytes(StandardCharsets.UTF_8));
        out.writeBytes(raw);
        out.writeBytes(json.substring(at + "@@FUZZ@@".length()).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] bytes(ObjectNode e) {
        try {
            return EventCodec.mapper().writeValueAsBytes(e);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
