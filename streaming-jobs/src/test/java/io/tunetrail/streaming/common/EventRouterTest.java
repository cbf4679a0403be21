package io.tunetrail.streaming.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.model.EventCodec;
import io.tunetrail.model.EventType;
import io.tunetrail.model.InteractionContext;
import io.tunetrail.model.InteractionEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Decoding and routing: refused records with their reason, the per-partition lateness rule, and its state across a restore. */
class EventRouterTest {
    private static final long NOW = Instant.parse("2026-11-22T12:00:00Z").toEpochMilli();
    private static final EventDecoder DECODER = new EventDecoder("i", "u", EventDecoder.InteractionsAs.LISTEN, 86_400_000);

    @Test
    void decoderRefusesWithAReasonAndNeverThrows() {
        assertThat(DECODER.decode("i", 0, 1, null, "{\"org_id\":".getBytes(StandardCharsets.UTF_8), NOW).rejectCode).isEqualTo("MALFORMED_JSON");
        assertThat(DECODER.decode("i", 0, 2, null, "{\"org_id\":\"a\"}".getBytes(StandardCharsets.UTF_8), NOW).rejectCode)
                .isEqualTo("SCHEMA_VIOLATION");
        Envelope future = DECODER.decode("i", 0, 3, null, event(Instant.parse("2099-01-01T00:00:00Z")), NOW);
        assertThat(future.rejectCode).isEqualTo("FUTURE_EVENT");
        assertThat(future.eventTimeMs).isEqualTo(Long.MIN_VALUE);
        assertThat(future.listen).isNull();
        Envelope ok = DECODER.decode("i", 1, 4, null, event(Instant.ofEpochMilli(NOW - 1000)), NOW);
        assertThat(ok.accepted()).isTrue();
        assertThat(ok.listen.userId()).isEqualTo("u1");
        assertThat(ok.eventTimeMs).isEqualTo(NOW - 1000);
    }

    @Test
    void lateMeansBehindTheNewestEventOfThePartitionByMoreThanTheBoundAndSurvivesARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            route(h, 0, NOW);
            route(h, 0, NOW - 60_000);          // exactly the bound: accepted
            route(h, 1, NOW - 3_600_000);       // another partition has its own newest event
            route(h, 0, NOW - 60_001);          // beyond the bound: late
            route(h, 0, NOW + 5_000);
            h.processElement(DECODER.decode("i", 0, 9, null, "nope".getBytes(StandardCharsets.UTF_8), NOW), 0);
            assertThat(h.extractOutputValues()).hasSize(4);
            List<Rejected> dead = h.getSideOutput(EventRouter.DEAD_LETTERS).stream().map(r -> r.getValue()).toList();
            assertThat(dead).extracting(r -> r.code).containsExactly("LATE_EVENT", "MALFORMED_JSON");
            assertThat(dead.get(0).reason).contains("behind the newest event of i/0");
            assertThat(new String(dead.get(1).value, StandardCharsets.UTF_8)).isEqualTo("nope");
            assertThat(dead.get(0).stage).isEqualTo("test");
            snapshot = h.snapshot(1, 1);
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            route(restored, 0, NOW + 5_000 - 60_001);   // still late against the restored newest time
            route(restored, 1, NOW - 3_600_000 - 60_000);
            assertThat(restored.extractOutputValues()).hasSize(1);
            assertThat(restored.getSideOutput(EventRouter.DEAD_LETTERS)).hasSize(1);
        }
    }

    private static OneInputStreamOperatorTestHarness<Envelope, Listen> harness() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new EventRouter<Listen>("test", 60_000, e -> e.listen)));
    }

    private static void route(OneInputStreamOperatorTestHarness<Envelope, Listen> h, int partition, long ts) throws Exception {
        Envelope e = DECODER.decode("i", partition, 0, null, event(Instant.ofEpochMilli(ts)), NOW + 3_600_000);
        h.processElement(e, ts);
    }

    private static byte[] event(Instant at) {
        return EventCodec.interactions().encode(new InteractionEvent("acme", "u1", "t1", EventType.PLAY, 1000, 2000, at,
                InteractionContext.UNKNOWN, "e1", 1));
    }
}
