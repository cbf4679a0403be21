package io.tunetrail.store.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CopyTextTest {

    @Test
    void escapesWhatCopyTextFormatTreatsSpecially() {
        CopyText row = new CopyText();
        row.text("a\tb").text("c\nd").text("e\\f").text("g\rh").text(null).text("Ünï ♫").endRow();
        assertThat(row.drain()).isEqualTo("a\\tb\tc\\nd\te\\\\f\tg\\rh\t\\N\tÜnï ♫\n");
    }

    @Test
    void writesNumbersAndTimestampsInFormsPostgresReads() {
        CopyText row = new CopyText();
        row.number(42L).number((Integer) null).number(7).number(1e-5).number(0.1)
                .timestamp(Instant.parse("2026-11-22T10:15:30.123Z")).timestamp(null).endRow();
        assertThat(row.drain()).isEqualTo("42\t\\N\t7\t1.0E-5\t0.1\t2026-11-22T10:15:30.123Z\t\\N\n");
    }

    @Test
    void drainEmptiesTheBufferBetweenChunks() {
        CopyText rows = new CopyText();
        rows.text("x").endRow();
        assertThat(rows.drain()).isEqualTo("x\n");
        assertThat(rows.length()).isZero();
        rows.text("y").text("z").endRow();
        assertThat(rows.drain()).isEqualTo("y\tz\n");
    }
}
