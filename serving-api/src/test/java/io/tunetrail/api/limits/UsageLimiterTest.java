package io.tunetrail.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.api.service.UsageAnalyticsService;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What the limit script is given instead of building it: the hourly field usage analytics reads back. */
class UsageLimiterTest {
    private static final String ROUTE = "GET /api/v1/ml/daily-mix";

    @Test
    void theHourlyFieldIsTheTwoDigitUtcHourThenTheRoute() {
        assertThat(UsageLimiter.hourField(Instant.parse("2026-12-07T00:59:59.999Z"), ROUTE)).isEqualTo("@00 " + ROUTE);
        assertThat(UsageLimiter.hourField(Instant.parse("2026-12-07T09:00:00Z"), ROUTE)).isEqualTo("@09 " + ROUTE);
        assertThat(UsageLimiter.hourField(Instant.parse("2026-12-07T23:30:00Z"), ROUTE)).isEqualTo("@23 " + ROUTE);
        assertThat(UsageAnalyticsService.isHourField(UsageLimiter.hourField(Instant.parse("2026-12-07T13:00:00Z"), ROUTE))).isTrue();
    }
}
