package io.tunetrail.api.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.tunetrail.api.auth.ApiKeyStore;
import io.tunetrail.api.store.Sql;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.StripeStandIn;
import java.sql.Date;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Closed usage days → Stripe meter events through stripe-java against a local stand-in: retries, idempotency, skips, reconciliation. */
class BillingMetersIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    static final StripeStandIn stripe = new StripeStandIn();

    LocalDate today;

    @BeforeEach
    void standIn() {
        stripe.clear();
        stripe.meter("tunetrail_api_calls");
        stripe.meter("tunetrail_audio_analysis");
        today = LocalDate.now(stack.clock.withZone(ZoneOffset.UTC));
    }

    @AfterAll
    static void stop() {
        stripe.close();
    }

    BillingMeterSync sync() {
        return new BillingMeterSync(stack.sql(), stack.plans, new StripeApi(stripe.settings()), stack.clock);
    }

    static String customer() {
        return "cus_" + UUID.randomUUID().toString().replace("-", "").substring(0, 14);
    }

    /** An org on {@code plan} linked to a Stripe customer (null: none). */
    static String org(String name, String plan, String customer) {
        String org = stack.org(name, plan);
        stack.sql().update("linking", "UPDATE organisations SET stripe_customer_id = ? WHERE org_id = ?", ps -> {
            ps.setString(1, customer);
            ps.setString(2, org);
        });
        return org;
    }

    static void ledger(String org, String keyId, String resource, LocalDate day, long units) {
        Sql sql = stack.sql();
        sql.update("ledger", "INSERT INTO usage_ledger (org_id, api_key_id, resource, period, period_start, units) VALUES (?, ?, ?, 'day', ?, ?) "
                + "ON CONFLICT (org_id, api_key_id, resource, period, period_start) DO UPDATE SET units = excluded.units", ps -> {
                    ps.setString(1, org);
                    ps.setString(2, keyId);
                    ps.setString(3, resource);
                    ps.setDate(4, Date.valueOf(day));
                    ps.setLong(5, units);
                });
    }

    static String keyId(String org) {
        return new ApiKeyStore(stack.sql()).create(org, null, "k", List.of("read"), null).key().keyId();
    }

    static Map<String, Object> report(String identifier) {
        return stack.sql().one("report", "SELECT status, attempts, units, stripe_answer::text FROM billing_meter_reports WHERE identifier = ?",
                ps -> ps.setString(1, identifier), rs -> Map.<String, Object>of("status", rs.getString(1), "attempts", rs.getInt(2),
                        "units", rs.getLong(3), "answer", rs.getString(4))).orElse(Map.of());
    }

    @Test
    void closedDaysAreSentOnceSummedOverKeysRetriedAfterA500AndNeverTwice() {
        String cus = customer();
        String org = org("meters", "pro", cus);
        String key = keyId(org);
        LocalDate d1 = today.minusDays(3);
        LocalDate d2 = today.minusDays(2);
        ledger(org, null, "api_calls", d1, 40);
        ledger(org, key, "api_calls", d1, 2);
        ledger(org, key, "audio_analysis", d2, 7);
        ledger(org, key, "api_calls", today, 99);             // today is not closed
        ledger(org, key, "model_training", d1, 3);            // pro has no metered training price
        ledger(org, key, "api_calls", today.minusDays(40), 5); // Stripe refuses events this old
        ledger(org, key, "audio_analysis", d1, 0);            // nothing to bill

        BillingMeterSync.Report dry = sync().sync(true, org);
        assertThat(dry.sent()).extracting(BillingMeterSync.Day::identifier)
                .containsExactly(BillingMeterSync.identifier(org, "api_calls", d1), BillingMeterSync.identifier(org, "audio_analysis", d2));
        assertThat(stripe.received("POST", "/v1/billing/meter_events")).as("a dry run sends nothing").isEmpty();
        assertThat(report(BillingMeterSync.identifier(org, "api_calls", d1))).as("and records nothing").isEmpty();

        stripe.fail("/v1/billing/meter_events", 500, 1);
        BillingMeterSync.Report first = sync().sync(false, org);
        assertThat(first.failed()).isEmpty();
        assertThat(first.sent()).extracting(BillingMeterSync.Day::units).containsExactly(42L, 7L);
        assertThat(first.skipped()).extracting(BillingMeterSync.Skipped::resource, BillingMeterSync.Skipped::reason).containsExactlyInAnyOrder(
                tuple("api_calls", "older_than_stripe_accepts"),
                tuple("audio_analysis", "no_units"),
                tuple("model_training", "resource_not_metered_by_plan"));

        List<StripeStandIn.Received> posts = stripe.received("POST", "/v1/billing/meter_events");
        assertThat(posts).as("one 500, retried, then two events").hasSize(3);
        assertThat(posts.get(0).header("Idempotency-Key")).as("the retry repeats the idempotency key").isEqualTo(posts.get(1).header("Idempotency-Key"))
                .isEqualTo(BillingMeterSync.identifier(org, "api_calls", d1));
        StripeStandIn.Received event = posts.get(1);
        assertThat(event.param("event_name")).isEqualTo("tunetrail_api_calls");
        assertThat(event.param("identifier")).isEqualTo(BillingMeterSync.identifier(org, "api_calls", d1));
        assertThat(event.param("payload[stripe_customer_id]")).isEqualTo(cus);
        assertThat(event.param("payload[value]")).isEqualTo("42");
        assertThat(event.param("timestamp")).isEqualTo(Long.toString(d1.atStartOfDay(ZoneOffset.UTC).toEpochSecond()));
        assertThat(event.header("Authorization")).isEqualTo("Bearer sk_test_standin");
        assertThat(report(BillingMeterSync.identifier(org, "api_calls", d1))).containsEntry("status", "sent").containsEntry("attempts", 2)
                .containsEntry("units", 42L);
        assertThat((String) report(BillingMeterSync.identifier(org, "api_calls", d1)).get("answer")).contains("billing.meter_event")
                .doesNotContain("sk_test");

        BillingMeterSync.Report second = sync().sync(false, org);
        assertThat(second.sent()).isEmpty();
        assertThat(stripe.received("POST", "/v1/billing/meter_events")).as("a second sync sends nothing twice").hasSize(3);
    }

    @Test
    void aDayStripeKeepsFailingIsRecordedAndSentByTheNextSync() {
        String org = org("failing", "starter", customer());
        LocalDate d = today.minusDays(1);
        ledger(org, null, "api_calls", d, 5);
        stripe.fail("/v1/billing/meter_events", 503, 3);
        BillingMeterSync.Report r = sync().sync(false, org);
        assertThat(r.sent()).isEmpty();
        assertThat(r.failed()).singleElement().extracting(BillingMeterSync.Day::attempts).isEqualTo(3);
        assertThat(report(BillingMeterSync.identifier(org, "api_calls", d))).containsEntry("status", "failed").containsEntry("attempts", 3);
        assertThat((String) report(BillingMeterSync.identifier(org, "api_calls", d)).get("answer")).contains("\"http_status\": 503");

        BillingMeterSync.Report again = sync().sync(false, org);
        assertThat(again.sent()).singleElement().extracting(BillingMeterSync.Day::attempts).isEqualTo(4);
        assertThat(report(BillingMeterSync.identifier(org, "api_calls", d))).containsEntry("status", "sent");
    }

    @Test
    void aRefusalIsNotRetried() {
        String org = org("refused", "starter", customer());
        ledger(org, null, "api_calls", today.minusDays(1), 5);
        stripe.fail("/v1/billing/meter_events", 400, 1);
        assertThat(sync().sync(false, org).failed()).singleElement().extracting(BillingMeterSync.Day::attempts).isEqualTo(1);
        assertThat(stripe.received("POST", "/v1/billing/meter_events")).hasSize(1);
    }

    @Test
    void orgsWithoutACustomerOrAMeteredPlanAreSkippedWithAReason() {
        String noCustomer = org("nocus", "pro", null);
        String free = org("free", "free", customer());
        ledger(noCustomer, null, "api_calls", today.minusDays(1), 5);
        ledger(free, null, "api_calls", today.minusDays(1), 5);
        assertThat(sync().sync(false, noCustomer).skipped()).extracting(BillingMeterSync.Skipped::reason).containsExactly("no_stripe_customer");
        assertThat(sync().sync(false, free).skipped()).extracting(BillingMeterSync.Skipped::reason).containsExactly("plan_without_metered_prices");
        assertThat(stripe.received("POST", "/v1/billing/meter_events")).isEmpty();
    }

    @Test
    void withoutAnApiKeyOnlyADryRunWorks() {
        BillingMeterSync off = new BillingMeterSync(stack.sql(), stack.plans, new StripeApi(StripeSettings.OFF), stack.clock);
        assertThatThrownBy(() -> off.sync(false, null)).hasMessageContaining("api.stripe.api-key");
        assertThat(off.sync(true, "no-such-org").sent()).isEmpty();
    }

    @Test
    void reconciliationFlagsWhatStripeHasAgainstWhatWeCounted() {
        String cus = customer();
        String org = org("reconcile", "pro", cus);
        LocalDate d1 = today.minusDays(4);
        LocalDate d2 = today.minusDays(3);
        LocalDate d3 = today.minusDays(2);
        ledger(org, null, "api_calls", d1, 10);
        ledger(org, null, "api_calls", d2, 20);
        ledger(org, null, "audio_analysis", d1, 4);
        sync().sync(false, org);
        stripe.plant("tunetrail_api_calls", cus, d1, 5);   // Stripe has 5 more than we sent
        ledger(org, null, "api_calls", d2, 25);            // the lander recomputed a sent day
        ledger(org, null, "api_calls", d3, 8);             // a closed day not yet sent

        MeterReconciliation.Report r = new MeterReconciliation(stack.sql(), stack.plans, new StripeApi(stripe.settings()), stack.clock)
                .reconcile(today.minusDays(10), today, org, false);
        assertThat(r.daysCompared()).isEqualTo(4);
        assertThat(r.differences()).isEqualTo(3);
        assertThat(r.rows()).extracting(MeterReconciliation.Row::resource, MeterReconciliation.Row::day, MeterReconciliation.Row::differences)
                .containsExactly(
                        tuple("api_calls", d1, List.of("stripe_differs_from_report")),
                        tuple("api_calls", d2, List.of("ledger_changed_after_report")),
                        tuple("api_calls", d3, List.of("not_reported")));
        assertThat(r.rows().get(0).stripe()).isEqualByComparingTo("15");
        assertThat(r.rows().get(0).reported()).isEqualTo(10L);
        List<StripeStandIn.Received> asked = stripe.received("GET", "/v1/billing/meters/mtr_test_tunetrail_api_calls/event_summaries");
        assertThat(asked).isNotEmpty();
        assertThat(asked.get(0).param("customer")).isEqualTo(cus);
        assertThat(asked.get(0).param("value_grouping_window")).isEqualTo("day");

        assertThatThrownBy(() -> new MeterReconciliation(stack.sql(), stack.plans, new StripeApi(stripe.settings()), stack.clock)
                .reconcile(today, today.minusDays(1), org, false)).isInstanceOf(IllegalArgumentException.class);
    }
}
