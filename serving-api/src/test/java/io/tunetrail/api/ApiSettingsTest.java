package io.tunetrail.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.api.billing.StripeSettings;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API's settings as the configuration keys make them: Stripe calls and canary decisions. */
class ApiSettingsTest {
    @TempDir
    Path home;

    private ApiSettings from(Map<String, String> env) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("TUNETRAIL_HOME", home.toString());
        return ApiSettings.from(PlatformConfig.load(all, Map.of()), PlanCatalog.load());
    }

    @Test
    void stripeAndCanaryKeysReachTheSettingsAndTheKeyIsNeverPrinted() {
        ApiSettings defaults = from(Map.of());
        assertThat(defaults.stripe().configured()).isFalse();
        assertThat(defaults.stripe().meters()).containsEntry("api_calls", "tunetrail_api_calls").hasSize(3);
        assertThat(defaults.canary()).isEqualTo(ApiSettings.Canary.DEFAULT);
        assertThat(defaults.canary().minJudgements()).isEqualTo(100);

        ApiSettings set = from(Map.of("TUNETRAIL_API_STRIPE_API_KEY", "sk_live_secret123", "TUNETRAIL_API_STRIPE_METERS", "api_calls=calls_v2",
                "TUNETRAIL_CONSOLE_PUBLIC_URL", "HTTPS://Console.Example.com/app", "TUNETRAIL_API_CANARY_MIN_JUDGEMENTS", "7",
                "TUNETRAIL_API_CANARY_DECIDE_INTERVAL_SECONDS", "5"));
        StripeSettings stripe = set.stripe();
        assertThat(stripe.configured()).isTrue();
        assertThat(stripe.meters()).containsExactly(Map.entry("api_calls", "calls_v2"));
        assertThat(stripe.redirectOrigin()).isEqualTo("https://console.example.com");
        assertThat(stripe.toString()).doesNotContain("sk_live_secret123");
        assertThat(set.toString()).doesNotContain("sk_live_secret123");
        ApiSettings secrets = from(Map.of("TUNETRAIL_API_STRIPE_WEBHOOK_SECRET", "whsec_never_printed", "TUNETRAIL_API_METRICS_TOKEN",
                "metrics-token-never-printed"));
        assertThat(secrets.stripeWebhookSecret()).isEqualTo("whsec_never_printed");
        assertThat(secrets.toString()).doesNotContain("whsec_never_printed").doesNotContain("metrics-token-never-printed")
                .contains("stripeWebhookSecret=(set)");
        assertThat(set.canary()).isEqualTo(new ApiSettings.Canary(7, Duration.ofSeconds(5)));

        assertThatThrownBy(() -> from(Map.of("TUNETRAIL_API_STRIPE_METERS", "api_calls")))
                .hasMessageContaining("api.stripe.meters").hasMessageContaining("resource=event_name");
    }
}
