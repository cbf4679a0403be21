package io.tunetrail.console.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The console's counters, in the API's registry (so {@code GET /metrics} exports them beside the API's):
 * {@code tunetrail_console_signins_total{outcome="ok|failed|limited"}} and
 * {@code tunetrail_console_password_resets_requested_total} (every request answered, whether or not the address has an
 * account; the limited ones included, as the page gives them the same answer).
 */
public final class ConsoleMetrics {
    private final Counter signInOk;
    private final Counter signInFailed;
    private final Counter signInLimited;
    private final Counter resetsRequested;

    public ConsoleMetrics(MeterRegistry registry) {
        signInOk = signIns(registry, "ok");
        signInFailed = signIns(registry, "failed");
        signInLimited = signIns(registry, "limited");
        resetsRequested = Counter.builder("tunetrail.console.password_resets.requested")
                .description("Web console password resets requested (the same answer whether or not the address has a sign-in)").register(registry);
    }

    private static Counter signIns(MeterRegistry registry, String outcome) {
        return Counter.builder("tunetrail.console.signins").description("Web console sign-ins by outcome: ok, failed (wrong e-mail or password), "
                + "limited (refused by the sign-in limits)").tag("outcome", outcome).register(registry);
    }

    public void signedIn() {
        signInOk.increment();
    }

    public void signInFailed() {
        signInFailed.increment();
    }

    public void signInLimited() {
        signInLimited.increment();
    }

    public void resetRequested() {
        resetsRequested.increment();
    }
}
