package io.tunetrail.api.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.model.EventCodec;
import io.tunetrail.model.InteractionEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The field named in a 400 comes from the schema validator's own messages. */
class InteractionFieldTest {
    private static final EventCodec<InteractionEvent> CODEC = EventCodec.interactions();
    private static final String GOOD = "{\"org_id\":\"o\",\"user_id\":\"u\",\"track_id\":\"t\",\"event_type\":\"play\","
            + "\"event_time\":\"2026-11-22T10:00:00Z\",\"client_event_id\":\"e\"}";

    private static String fieldOf(String json) {
        String reason = CODEC.decode(json.getBytes(StandardCharsets.UTF_8)).reason();
        assertThat(reason).isNotNull();
        return InteractionService.field(reason);
    }

    @Test
    void namesTheFieldOfEachKindOfViolation() {
        assertThat(fieldOf(GOOD.replace("\"play\"", "\"hum\""))).isEqualTo("event_type");
        assertThat(fieldOf(GOOD.replace("\"track_id\":\"t\"", "\"track_id\":\"bad id\""))).isEqualTo("track_id");
        assertThat(fieldOf(GOOD.replace("\"user_id\":\"u\",", ""))).isEqualTo("user_id");
        assertThat(fieldOf(GOOD.replace("}", ",\"played_ms\":-1}"))).isEqualTo("played_ms");
        assertThat(fieldOf(GOOD.replace("}", ",\"context\":{\"device\":\"toaster\"}}"))).isEqualTo("context.device");
        assertThat(fieldOf(GOOD.replace("}", ",\"mood\":\"happy\"}"))).isEqualTo("mood");
    }
}
