package io.tunetrail.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventCodecTest {
    private final EventCodec<InteractionEvent> codec = EventCodec.interactions();

    private static InteractionEvent sample() {
        return new InteractionEvent("org-1", "user-7", "trk-42", EventType.ADD_TO_PLAYLIST, 61_000, 215_000,
                Instant.parse("2026-11-22T08:15:30.250Z"), new InteractionContext(Device.MOBILE, Activity.COMMUTE),
                "evt-0001", 1);
    }

    private Decoded<InteractionEvent> decode(String json) {
        return codec.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void roundTripsEveryFieldInSnakeCase() {
        byte[] bytes = codec.encode(sample());
        String json = new String(bytes, StandardCharsets.UTF_8);
        assertThat(json).contains("\"event_type\":\"add_to_playlist\"", "\"client_event_id\":\"evt-0001\"",
                "\"event_time\":\"2026-11-22T08:15:30.250Z\"", "\"activity\":\"commute\"");
        Decoded<InteractionEvent> back = codec.decode(bytes);
        assertThat(back.isAccepted()).as(back.toString()).isTrue();
        assertThat(back.value()).isEqualTo(sample());
    }

    @Test
    void fillsSchemaDefaultsForOptionalFields() {
        Decoded<InteractionEvent> d = decode("""
                {"org_id":"o","user_id":"u","track_id":"t","event_type":"play",
                 "event_time":"2026-01-01T10:00:00+02:00","client_event_id":"c1"}""");
        assertThat(d.isAccepted()).as(d.toString()).isTrue();
        assertThat(d.value().count()).isEqualTo(1);
        assertThat(d.value().context()).isEqualTo(InteractionContext.UNKNOWN);
        assertThat(d.value().eventTime()).isEqualTo(Instant.parse("2026-01-01T08:00:00Z"));
    }

    @Test
    void truncatedJsonIsMalformed() {
        Decoded<InteractionEvent> d = decode("{\"org_id\":\"o\",\"user_");
        assertThat(d.isAccepted()).isFalse();
        assertThat(d.code()).isEqualTo(RejectReason.MALFORMED_JSON);
    }

    @Test
    void nonObjectAndEmptyInputAreMalformed() {
        assertThat(decode("[1,2]").code()).isEqualTo(RejectReason.MALFORMED_JSON);
        assertThat(codec.decode(new byte[0]).code()).isEqualTo(RejectReason.MALFORMED_JSON);
        assertThat(codec.decode(new byte[] {(byte) 0xff, (byte) 0xfe, 0x00}).code()).isEqualTo(RejectReason.MALFORMED_JSON);
    }

    @Test
    void schemaViolationsNameTheField() {
        Decoded<InteractionEvent> wrongType = decode("""
                {"org_id":"o","user_id":"u","track_id":"t","event_type":"play","played_ms":"long",
                 "event_time":"2026-01-01T10:00:00Z","client_event_id":"c1"}""");
        assertThat(wrongType.code()).isEqualTo(RejectReason.SCHEMA_VIOLATION);
        assertThat(wrongType.reason()).contains("played_ms");

        Decoded<InteractionEvent> unknownType = decode("""
                {"org_id":"o","user_id":"u","track_id":"t","event_type":"scrobble",
                 "event_time":"2026-01-01T10:00:00Z","client_event_id":"c1"}""");
        assertThat(unknownType.code()).isEqualTo(RejectReason.SCHEMA_VIOLATION);
        assertThat(unknownType.reason()).contains("event_type");

        Decoded<InteractionEvent> missingOrg = decode("""
                {"user_id":"u","track_id":"t","event_type":"play",
                 "event_time":"2026-01-01T10:00:00Z","client_event_id":"c1"}""");
        assertThat(missingOrg.code()).isEqualTo(RejectReason.SCHEMA_VIOLATION);
        assertThat(missingOrg.reason()).contains("org_id");

        Decoded<InteractionEvent> unknownField = decode("""
                {"org_id":"o","user_id":"u","track_id":"t","event_type":"play","mood":"happy",
                 "event_time":"2026-01-01T10:00:00Z","client_event_id":"c1"}""");
        assertThat(unknownField.code()).isEqualTo(RejectReason.SCHEMA_VIOLATION);
        assertThat(unknownField.reason()).contains("mood");
    }

    @Test
    void badTimestampsAndIdsAreRejected() {
        assertThat(decode("""
                {"org_id":"o","user_id":"u","track_id":"t","event_type":"play",
                 "event_time":"yesterday","client_event_id":"c1"}""").code()).isEqualTo(RejectReason.SCHEMA_VIOLATION);
        assertThat(decode("""
                {"org_id":"o o","user_id":"u","track_id":"t","event_type":"play",
                 "event_time":"2026-01-01T10:00:00Z","client_event_id":"c1"}""").reason()).contains("org_id");
        assertThat(decode("""
                {"org_id":"o","user_id":"u","track_id":"t","event_type":"play","count":0,
                 "event_time":"2026-01-01T10:00:00Z","client_event_id":"c1"}""").reason()).contains("count");
    }

    @Test
    void usageEventsRoundTripAndValidate() {
        EventCodec<UsageEvent> usage = EventCodec.usage();
        UsageEvent e = new UsageEvent("org-1", "key-9", "api_calls", 1, Instant.parse("2026-11-22T00:00:00Z"), "req-1");
        assertThat(usage.decode(usage.encode(e)).value()).isEqualTo(e);
        Decoded<UsageEvent> zeroUnits = usage.decode("""
                {"org_id":"o","api_key_id":"k","resource":"api_calls","units":0,
                 "event_time":"2026-01-01T10:00:00Z","request_id":"r"}""".getBytes(StandardCharsets.UTF_8));
        assertThat(zeroUnits.code()).isEqualTo(RejectReason.SCHEMA_VIOLATION);
        assertThat(zeroUnits.reason()).contains("units");
    }
}
