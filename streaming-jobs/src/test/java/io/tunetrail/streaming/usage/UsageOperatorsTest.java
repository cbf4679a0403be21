package io.tunetrail.streaming.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.streaming.common.Metered;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.triggers.EventTimeTrigger;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.operators.windowing.WindowOperator;
import org.apache.flink.streaming.runtime.operators.windowing.WindowOperatorBuilder;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The usage-counters operators under Flink's test harnesses: what they emit, and that their state and timers go. */
class UsageOperatorsTest {
    private static final long T0 = Instant.parse("2026-10-31T23:58:00Z").toEpochMilli();

    @Test
    void minuteWindowsFireOnceWhenTheWatermarkPassesThenLeaveNoStateOrTimers() throws Exception {
        WindowOperatorBuilder<Metered, String, TimeWindow> builder = new WindowOperatorBuilder<>(
                TumblingEventTimeWindows.of(Duration.ofMinutes(1)), EventTimeTrigger.create(), new ExecutionConfig(),
                TypeInformation.of(Metered.class), (KeySelector<Metered, String>) Metered::groupKey, Types.STRING);
        WindowOperator<String, Metered, ?, UsageTotal, TimeWindow> op = builder.aggregate(new UsageWindows.SumMetered(),
                new UsageWindows.Stamp(), TypeInformation.of(long[].class));
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(op, Metered::groupKey, Types.STRING)) {
            h.open();
            h.processElement(new Metered("acme", "k1", "api_calls", 3, T0 + 1_000), T0 + 1_000);
            h.processElement(new Metered("acme", "k1", "api_calls", 2, T0 + 59_000), T0 + 59_000);
            h.processElement(new Metered("acme", "", "interactions", 1, T0 + 30_000), T0 + 30_000);
            h.processElement(new Metered("acme", "k1", "api_calls", 7, T0 + 61_000), T0 + 61_000);
            assertThat(h.numEventTimeTimers()).isEqualTo(3);

            h.processWatermark(T0 + 59_998);
            assertThat(h.extractOutputValues()).isEmpty();
            h.processWatermark(T0 + 59_999);
            assertThat(h.extractOutputValues()).containsExactlyInAnyOrder(
                    new UsageTotal("acme", "k1", "api_calls", T0, T0 + 60_000, 5, 2),
                    new UsageTotal("acme", "", "interactions", T0, T0 + 60_000, 1, 1));
            h.processWatermark(T0 + 120_000);
            assertThat(h.extractOutputValues()).hasSize(3)
                    .contains(new UsageTotal("acme", "k1", "api_calls", T0 + 60_000, T0 + 120_000, 7, 1));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void ledgerAddsUpDaysAndMonthsAndForgetsEndedPeriods() throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new LedgerFunction()),
                UsageTotal::orgResourceKey, Types.STRING)) {
            h.open();
            long oct31 = Instant.parse("2026-10-31T23:58:00Z").toEpochMilli();
            long nov1 = Instant.parse("2026-11-01T00:01:00Z").toEpochMilli();
            h.processElement(minute("k1", oct31, 4), oct31 + 59_999);
            h.processElement(minute("k2", oct31, 6), oct31 + 59_999);
            h.processElement(minute("k1", nov1, 5), nov1 + 59_999);
            assertThat(h.extractOutputValues()).containsExactly(
                    new LedgerTotal("acme", "api_calls", LedgerTotal.DAY, LocalDate.of(2026, 10, 31).toEpochDay(), 4),
                    new LedgerTotal("acme", "api_calls", LedgerTotal.MONTH, LocalDate.of(2026, 10, 1).toEpochDay(), 4),
                    new LedgerTotal("acme", "api_calls", LedgerTotal.DAY, LocalDate.of(2026, 10, 31).toEpochDay(), 10),
                    new LedgerTotal("acme", "api_calls", LedgerTotal.MONTH, LocalDate.of(2026, 10, 1).toEpochDay(), 10),
                    new LedgerTotal("acme", "api_calls", LedgerTotal.DAY, LocalDate.of(2026, 11, 1).toEpochDay(), 5),
                    new LedgerTotal("acme", "api_calls", LedgerTotal.MONTH, LocalDate.of(2026, 11, 1).toEpochDay(), 5));
            // One key, two map states (days, months); Oct 31 and October end at the same instant, which leaves
            // Nov 1 and November.
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
            assertThat(h.numEventTimeTimers()).isEqualTo(3);
            h.processWatermark(Instant.parse("2026-11-01T00:00:00Z").toEpochMilli());
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
            assertThat(h.extractOutputValues()).hasSize(6);
            h.processWatermark(Instant.parse("2026-11-02T00:00:00Z").toEpochMilli());
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            h.processWatermark(Instant.parse("2026-12-01T00:00:00Z").toEpochMilli());
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void resultRecordsCarryTheColumnsOfTheDeltaTables() {
        assertThat(new String(UsageCountersJob.json(new UsageTotal("acme", "", "interactions", 0, 3_600_000, 3, 2))))
                .isEqualTo("{\"org_id\":\"acme\",\"api_key_id\":null,\"resource\":\"interactions\",\"window_start\":\"1970-01-01T00:00:00Z\","
                        + "\"window_end\":\"1970-01-01T01:00:00Z\",\"usage_date\":\"1970-01-01\",\"units\":3,\"events\":2}");
    }

    private static UsageTotal minute(String key, long start, long units) {
        return new UsageTotal("acme", key, "api_calls", start, start + 60_000, units, 1);
    }
}
