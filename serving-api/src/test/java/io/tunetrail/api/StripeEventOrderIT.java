package io.tunetrail.api;

import static io.tunetrail.api.StripeWebhookIT.deliver;
import static io.tunetrail.api.StripeWebhookIT.event;
import static io.tunetrail.api.StripeWebhookIT.evt;
import static io.tunetrail.api.StripeWebhookIT.sign;
import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.model.PlanCatalog;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * H3: Stripe events applied by the subscription's own recency, events for unknown customers and prices parked and
 * re-applied, and Stripe answered 5xx whenever the event could not be stored (so it retries). Payloads are signed by
 * the test (STACK.md gotcha 9); nothing leaves the machine.
 */
class StripeEventOrderIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    static String id(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 14);
    }

    static String checkout(String org, String customer, String subscription, String price, Instant created) {
        return event(evt(), "checkout.session.completed", "{\"object\":\"checkout.session\",\"client_reference_id\":\"" + org
                + "\",\"customer\":\"" + customer + "\",\"subscription\":\"" + subscription + "\",\"metadata\":{\"price_id\":\"" + price + "\"}}", created);
    }

    static String updated(String customer, String subscription, String status, String price, Instant created) {
        return event(evt(), "customer.subscription.updated", "{\"object\":\"subscription\",\"id\":\"" + subscription + "\",\"customer\":\""
                + customer + "\",\"status\":\"" + status + "\",\"items\":{\"object\":\"list\",\"data\":[{\"object\":\"subscription_item\","
                + "\"price\":{\"object\":\"price\",\"id\":\"" + price + "\"}}]}}", created);
    }

    static Http.Answer send(io.javalin.testtools.HttpClient client, String payload) throws Exception {
        return deliver(client, payload, sign(payload, ApiTestStack.WEBHOOK_SECRET));
    }

    static String plan(String org) {
        return stack.sql().one("plan", "SELECT plan_id FROM organisations WHERE org_id = ?", ps -> ps.setString(1, org), rs -> rs.getString(1))
                .orElseThrow();
    }

    static String eventId(String payload) {
        return payload.substring(7, payload.indexOf('"', 7));
    }

    /** reason, resolution of a parked event; resolution null while it is parked. */
    static List<String> parked(String eventId) {
        return stack.sql().one("parked", "SELECT reason, resolution FROM parked_stripe_events WHERE event_id = ?", ps -> ps.setString(1, eventId),
                rs -> java.util.Arrays.asList(rs.getString(1), rs.getString(2))).orElse(null);
    }

    @Test
    void aDelayedOlderUpdateNeverUndoesANewerOne() throws Exception {
        String org = stack.org("order", "starter");
        String customer = id("cus_");
        String subscription = id("sub_");
        JavalinTest.test(stack.app(), (server, client) -> {
            assertThat(send(client, checkout(org, customer, subscription, "price_pro_monthly", T0)).json().get("result").asText())
                    .isEqualTo("plan_changed");
            String newer = updated(customer, subscription, "active", "price_enterprise_monthly", T0.plusSeconds(20));
            String older = updated(customer, subscription, "active", "price_pro_monthly", T0.plusSeconds(10));
            assertThat(send(client, newer).json().get("plan_id").asText()).isEqualTo("enterprise");

            Http.Answer late = send(client, older);
            assertThat(late.status()).isEqualTo(200);
            assertThat(late.json().get("result").asText()).isEqualTo("stale");
            assertThat(plan(org)).as("the older update arrived last and changed nothing").isEqualTo("enterprise");

            String deleted = event(evt(), "customer.subscription.deleted", "{\"object\":\"subscription\",\"id\":\"" + subscription
                    + "\",\"customer\":\"" + customer + "\",\"status\":\"canceled\"}", T0.plusSeconds(30));
            assertThat(send(client, deleted).json().get("plan_id").asText()).isEqualTo("free");
            // An update created before the cancellation but delivered after it (Stripe retried it) must not revive the plan.
            Http.Answer retried = send(client, updated(customer, subscription, "active", "price_enterprise_yearly", T0.plusSeconds(25)));
            assertThat(retried.json().get("result").asText()).isEqualTo("stale");
            assertThat(plan(org)).isEqualTo("free");
        });
    }

    @Test
    void eventsOfAnUnknownCustomerAreParkedThenAppliedInStripesOrderOnceTheCheckoutLinksIt() throws Exception {
        String org = stack.org("parked", "starter");
        String customer = id("cus_");
        String subscription = id("sub_");
        JavalinTest.test(stack.app(), (server, client) -> {
            // The subscription's updates overtake the checkout that tells us whose customer this is.
            String toEnterprise = updated(customer, subscription, "active", "price_enterprise_monthly", T0.plusSeconds(10));
            String toStarter = updated(customer, subscription, "active", "price_starter_monthly", T0.plusSeconds(5));
            for (String payload : List.of(toEnterprise, toStarter)) {
                Http.Answer a = send(client, payload);
                assertThat(a.status()).as("stored, so Stripe must not retry").isEqualTo(200);
                assertThat(a.json().get("result").asText()).isEqualTo("parked");
                assertThat(a.json().get("reason").asText()).isEqualTo("unknown_customer");
            }
            assertThat(send(client, toEnterprise).json().get("result").asText()).as("a redelivered parked event").isEqualTo("duplicate");
            assertThat(parked(eventId(toEnterprise))).containsExactly("unknown_customer", null);
            assertThat(plan(org)).isEqualTo("starter");

            assertThat(send(client, checkout(org, customer, subscription, "price_pro_monthly", T0)).json().get("result").asText())
                    .isEqualTo("plan_changed");
            // Re-applied oldest first: the starter update (t0+5) then the enterprise one (t0+10); the other order would
            // have made the starter one stale.
            assertThat(parked(eventId(toStarter))).containsExactly("unknown_customer", "plan_changed");
            assertThat(parked(eventId(toEnterprise))).containsExactly("unknown_customer", "plan_changed");
            assertThat(plan(org)).isEqualTo("enterprise");
            assertThat(send(client, toEnterprise).json().get("result").asText()).isEqualTo("duplicate");
        });
    }

    @Test
    void anEventForAPriceMissingFromTheCatalogIsParkedAndAppliedWhenTheCatalogHasIt(@TempDir Path dir) throws Exception {
        String org = stack.org("newprice", "starter");
        String customer = id("cus_");
        String subscription = id("sub_");
        String unknownPrice = "price_enterprise_" + UUID.randomUUID().toString().substring(0, 8);
        String payload = updated(customer, subscription, "active", unknownPrice, T0.plusSeconds(10));
        JavalinTest.test(stack.app(), (server, client) -> {
            send(client, checkout(org, customer, subscription, "price_pro_monthly", T0));
            Http.Answer a = send(client, payload);
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.json().get("reason").asText()).isEqualTo("unknown_price");
        });
        assertThat(plan(org)).isEqualTo("pro");

        // The operator adds the price to config/plans.yaml and restarts the API: the parked event applies at start.
        String yaml;
        try (InputStream in = PlanCatalog.class.getClassLoader().getResourceAsStream(PlanCatalog.RESOURCE)) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String withPrice = yaml.replace("[price_enterprise_monthly, price_enterprise_yearly]",
                "[price_enterprise_monthly, price_enterprise_yearly, " + unknownPrice + "]");
        assertThat(withPrice).isNotEqualTo(yaml);
        Path plans = Files.writeString(dir.resolve("plans.yaml"), withPrice);
        ApiSettings settings = new ApiSettings(PlanCatalog.load(plans), ApiTestStack.WEBHOOK_SECRET, 1_048_576, 5_000, 0);
        JavalinTest.test(ServingApp.create(stack.stores(), stack.clock, settings), (server, client) -> {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (parked(eventId(payload)).get(1) == null && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        });
        assertThat(parked(eventId(payload))).containsExactly("unknown_price", "plan_changed");
        assertThat(plan(org)).isEqualTo("enterprise");
    }

    @Test
    void aFailedDatabaseWriteAnswers503SoStripeRetriesAndTheRetryApplies() throws Exception {
        String org = stack.org("dbfail", "starter");
        String customer = id("cus_");
        String subscription = id("sub_");
        String applicable = checkout(org, customer, subscription, "price_pro_monthly", T0);
        String unknownCustomer = updated(id("cus_"), id("sub_"), "active", "price_pro_monthly", T0);
        // Real failures of the real database: a trigger refuses the write the handler depends on.
        stack.db.execute("CREATE FUNCTION tt_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "RAISE EXCEPTION 'disk full (test) at /var/lib/postgresql/secret-path' USING ERRCODE = 'disk_full'; END $$");
        stack.db.execute("CREATE TRIGGER tt_test_refuse_processed BEFORE INSERT ON processed_stripe_events FOR EACH ROW EXECUTE FUNCTION tt_test_refuse()");
        stack.db.execute("CREATE TRIGGER tt_test_refuse_parked BEFORE INSERT ON parked_stripe_events FOR EACH ROW EXECUTE FUNCTION tt_test_refuse()");
        try {
            JavalinTest.test(stack.app(), (server, client) -> {
                for (String payload : List.of(applicable, unknownCustomer)) {
                    Http.Answer a = send(client, payload);
                    assertThat(a.status()).as("Stripe retries a 5xx").isEqualTo(503);
                    assertThat(a.contentType()).startsWith("application/problem+json");
                    assertThat(a.json().get("code").asText()).isEqualTo("unavailable");
                    assertThat(a.text()).as("no database text in the body").doesNotContain("secret-path").doesNotContain("disk full");
                }
            });
        } finally {
            stack.db.execute("DROP TRIGGER tt_test_refuse_processed ON processed_stripe_events");
            stack.db.execute("DROP TRIGGER tt_test_refuse_parked ON parked_stripe_events");
            stack.db.execute("DROP FUNCTION tt_test_refuse()");
        }
        assertThat(plan(org)).as("nothing applied by the refused delivery").isEqualTo("starter");
        assertThat(parked(eventId(unknownCustomer))).isNull();
        JavalinTest.test(stack.app(), (server, client) -> {
            assertThat(send(client, applicable).json().get("result").asText()).isEqualTo("plan_changed");
            Http.Answer parkedNow = send(client, unknownCustomer);
            assertThat(parkedNow.status()).isEqualTo(200);
            assertThat(parkedNow.json().get("result").asText()).isEqualTo("parked");
        });
        assertThat(plan(org)).isEqualTo("pro");
        assertThat(parked(eventId(unknownCustomer))).containsExactly("unknown_customer", null);
    }
}
