package io.tunetrail.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast path must never accept what the schema validator refuses, nor decode an event differently: every input
 * here goes through {@link EventCodec#interactions()} (fast path first) and through the validator alone, and the two
 * outcomes must be equal. The inputs are a valid event with one or more fields replaced by values near each rule's
 * edge, plus structural damage (duplicates, truncation, trailing bytes, nesting).
 */
class InteractionFastPathTest {
    private final EventCodec<InteractionEvent> codec = EventCodec.interactions();
    private final EventCodec<InteractionEvent> reference = EventCodec.interactionsByValidatorOnly();
    private final InteractionFastPath fast = new InteractionFastPath(EventCodec.mapper().getFactory());

    private static final int MUTANTS = 6_000;
    private static final String[] FIELDS = {"org_id", "user_id", "track_id", "event_type", "played_ms", "track_duration_ms",
        "event_time", "context", "client_event_id", "count"};

    private static final String[] IDS = {"\"a\"", "\"org-1\"", "\"\"", "\"-a\"", "\"_a\"", "\"a b\"", "\"a.b:c@d/e_f-g\"", "\"é\"",
        "\"a\\u0000\"", "\"" + "x".repeat(128) + "\"", "\"" + "x".repeat(129) + "\"", "1", "null", "true", "[]", "{}", "\"A9\"",
        "\"a\\/b\"", "\"\\u0041bc\"", "\"a\\nb\""};
    private static final String[] TYPES = {"\"play\"", "\"skip\"", "\"like\"", "\"dislike\"", "\"add_to_playlist\"", "\"complete\"",
        "\"PLAY\"", "\"plays\"", "\"\"", "1", "null"};
    private static final String[] MILLIS = {"0", "1", "86400000", "86400001", "-1", "1.0", "1.5", "1e3", "\"5\"", "null",
        "99999999999999999999", "-0", "true"};
    private static final String[] TIMES = {"\"2026-01-01T10:00:00Z\"", "\"2026-01-01T10:00:00+02:00\"", "\"2026-01-01T10:00:00.123456789Z\"",
        "\"2026-01-01T10:00:00.1234567891Z\"", "\"2026-01-01t10:00:00z\"", "\"2026-01-01T10:00:60Z\"", "\"2026-02-30T10:00:00Z\"",
        "\"2026-01-01T24:00:00Z\"", "\"2026-01-01 10:00:00Z\"", "\"2026-01-01T10:00:00\"", "\"2026-01-01T10:00Z\"", "\"2026-13-01T10:00:00Z\"",
        "\"2026-01-01T10:00:00+24:00\"", "\"2026-01-01T10:00:00-00:00\"", "\"+12026-01-01T10:00:00Z\"", "\"0000-01-01T00:00:00Z\"",
        "\"9999-12-31T23:59:59.999Z\"", "\"2026-01-01T10:00:00.Z\"", "1767261600", "null", "\"\""};
    private static final String[] CONTEXTS = {"{}", "{\"device\":\"mobile\"}", "{\"activity\":\"sleep\"}", "{\"device\":\"car\",\"activity\":\"party\"}",
        "{\"device\":\"phone\"}", "{\"device\":null}", "{\"device\":\"mobile\",\"device\":\"web\"}", "{\"mood\":\"happy\"}", "[]", "null",
        "\"mobile\"", "{\"device\":\"tv\",\"activity\":\"none\",\"x\":1}", "{\"device\":{}}"};
    private static final String[] COUNTS = {"1", "0", "2", "1000000", "1000001", "-1", "1.0", "null", "\"1\""};

    private static String value(String field, SplittableRandom r) {
        return switch (field) {
            case "event_type" -> TYPES[r.nextInt(TYPES.length)];
            case "played_ms", "track_duration_ms" -> MILLIS[r.nextInt(MILLIS.length)];
            case "event_time" -> TIMES[r.nextInt(TIMES.length)];
            case "context" -> CONTEXTS[r.nextInt(CONTEXTS.length)];
            case "count" -> COUNTS[r.nextInt(COUNTS.length)];
            default -> IDS[r.nextInt(IDS.length)];
        };
    }

    private static String valid(String field) {
        return switch (field) {
            case "event_type" -> "\"play\"";
            case "played_ms" -> "61000";
            case "track_duration_ms" -> "215000";
            case "event_time" -> "\"2026-11-22T08:15:30.250Z\"";
            case "context" -> "{\"device\":\"mobile\",\"activity\":\"commute\"}";
            case "count" -> "1";
            default -> "\"id-" + field.charAt(0) + "\"";
        };
    }

    /** A valid event with some fields replaced, dropped, duplicated or added, then perhaps damaged as text. */
    private static String mutant(SplittableRandom r) {
        List<String> parts = new ArrayList<>();
        for (String f : FIELDS) {
            int roll = r.nextInt(100);
            if (roll < 4) {
                continue; // dropped
            }
            String v = roll < 14 ? value(f, r) : valid(f);
            parts.add("\"" + f + "\":" + v);
            if (r.nextInt(100) < 3) {
                parts.add("\"" + f + "\":" + value(f, r)); // duplicated
            }
        }
        if (r.nextInt(100) < 5) {
            parts.add(r.nextInt(parts.size() + 1), "\"extra\":1");
        }
        String json = "{" + String.join(",", parts) + "}";
        int damage = r.nextInt(100);
        if (damage < 3) {
            json = json.substring(0, r.nextInt(json.length()));
        } else if (damage < 5) {
            json = json + (r.nextBoolean() ? " {}" : " x");
        } else if (damage < 7) {
            json = "[" + json + "]";
        } else if (damage < 8) {
            json = " \n" + json + " \t";
        }
        return json;
    }

    @Test
    void bothPathsAgreeOnEveryMutant() {
        SplittableRandom r = new SplittableRandom(20261205);
        int fastAccepted = 0;
        int accepted = 0;
        for (int i = 0; i < MUTANTS; i++) {
            byte[] bytes = mutant(r).getBytes(StandardCharsets.UTF_8);
            Decoded<InteractionEvent> viaCodec = codec.decode(bytes);
            Decoded<InteractionEvent> viaValidator = reference.decode(bytes);
            String input = new String(bytes, StandardCharsets.UTF_8);
            assertThat(viaCodec.isAccepted()).as(input).isEqualTo(viaValidator.isAccepted());
            if (viaValidator.isAccepted()) {
                assertThat(viaCodec.value()).as(input).isEqualTo(viaValidator.value());
            }
            assertThat(viaCodec.code()).as(input).isEqualTo(viaValidator.code());
            assertThat(viaCodec.reason()).as(input).isEqualTo(viaValidator.reason());
            InteractionEvent direct = fast.tryDecode(bytes);
            if (direct != null) {
                fastAccepted++;
                assertThat(viaValidator.isAccepted()).as("fast path accepted what the schema refuses: %s", new String(bytes, StandardCharsets.UTF_8)).isTrue();
                assertThat(direct).isEqualTo(viaValidator.value());
            }
            if (viaValidator.isAccepted()) {
                accepted++;
            }
        }
        // The mix must exercise both outcomes, and the fast path must carry most valid events.
        assertThat(accepted).isBetween(MUTANTS / 10, MUTANTS * 9 / 10);
        assertThat(fastAccepted).isGreaterThan(accepted * 8 / 10);
    }

    @Test
    void takesTheCommonFormsAndLeavesTheRestToTheValidator() {
        assertThat(fast.tryDecode(("{\"org_id\":\"o\",\"user_id\":\"u\",\"track_id\":\"t\",\"event_type\":\"skip\","
                + "\"event_time\":\"2026-01-01T10:00:00+02:00\",\"client_event_id\":\"c\"}").getBytes(StandardCharsets.UTF_8)))
                .isNotNull()
                .satisfies(e -> assertThat(e.eventTime()).isEqualTo(java.time.Instant.parse("2026-01-01T08:00:00Z")));
        assertThat(InteractionFastPath.dateTime("2026-01-01t10:00:00z")).isNull();
        assertThat(InteractionFastPath.dateTime("2026-01-01T23:59:60Z")).isNull();
        assertThat(InteractionFastPath.dateTime("2026-02-29T10:00:00Z")).isNull();
        assertThat(InteractionFastPath.dateTime("2028-02-29T10:00:00.5-01:30")).isEqualTo(java.time.Instant.parse("2028-02-29T11:30:00.5Z"));
    }

    @Test
    void readsEveryFieldOfATimestampAsOffsetDateTimeDoes() {
        // The path reads the digits itself (no DateTimeFormatter): each field, fraction length and offset sign must
        // land where java.time puts it, and what java.time refuses must be refused.
        String[] same = {"1970-01-01T00:00:00Z", "2026-12-31T23:59:59.999999999Z", "2026-06-15T07:08:09.1Z",
            "2026-06-15T07:08:09.123456+14:00", "2026-06-15T07:08:09.05-00:30", "2026-06-15T07:08:09+18:00",
            "2026-06-15T07:08:09-18:00", "2024-02-29T12:00:00-11:45", "0001-01-01T00:00:00Z"};
        for (String s : same) {
            assertThat(InteractionFastPath.dateTime(s)).as(s).isEqualTo(java.time.OffsetDateTime.parse(s).toInstant());
        }
        for (String refused : new String[] {"2026-06-15T07:08:09+18:01", "2026-06-15T07:08:09+05:60", "2026-04-31T00:00:00Z",
            "2026-00-10T00:00:00Z", "2026-01-00T00:00:00Z"}) {
            assertThat(InteractionFastPath.dateTime(refused)).as(refused).isNull();
        }
    }

    @Test
    void aContextWithOneFieldGetsTheSchemaDefaultForTheOther() {
        Decoded<InteractionEvent> d = codec.decode(("{\"org_id\":\"o\",\"user_id\":\"u\",\"track_id\":\"t\",\"event_type\":\"play\","
                + "\"event_time\":\"2026-01-01T10:00:00Z\",\"client_event_id\":\"c\",\"context\":{\"device\":\"car\"}}").getBytes(StandardCharsets.UTF_8));
        assertThat(d.value().context()).isEqualTo(new InteractionContext(Device.CAR, Activity.NONE));
        assertThat(reference.decode(codec.encode(d.value())).value()).isEqualTo(d.value());
    }
}
