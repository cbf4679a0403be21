package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.assertProblem;
import static io.tunetrail.api.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.api.testing.StripeStandIn;
import io.tunetrail.api.testing.TeamOfThree;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Checkout and portal sessions through stripe-java against a local Stripe stand-in: what is sent, who may ask, where a
 * browser may be sent back to, and the webhook that completes a checkout moving the plan.
 */
class BillingSessionsIT {
    static final String CONSOLE = "http://127.0.0.1:18080";

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    static final StripeStandIn stripe = new StripeStandIn();

    @BeforeEach
    void clear() {
        stripe.clear();
    }

    @AfterAll
    static void stop() {
        stripe.close();
    }

    static String checkout(String plan, String success) {
        return "{\"plan_id\":\"" + plan + "\",\"success_url\":\"" + success + "\",\"cancel_url\":\"" + CONSOLE + "/console/billing\"}";
    }

    static String plan(String org) {
        return stack.sql().one("plan", "SELECT plan_id FROM organisations WHERE org_id = ?", ps -> ps.setString(1, org), rs -> rs.getString(1))
                .orElseThrow();
    }

    static void setPlan(String org, String plan) {
        stack.sql().update("plan", "UPDATE organisations SET plan_id = ? WHERE org_id = ?", ps -> {
            ps.setString(1, plan);
            ps.setString(2, org);
        });
    }

    @Test
    void anOwnersCheckoutUpgradesThePlanOnceStripesWebhookArrives() throws Exception {
        TeamOfThree t = TeamOfThree.create(stack, "checkout", List.of("read", "write", "admin"));
        setPlan(t.org(), "starter");
        JavalinTest.test(stack.app(stripe.settings()), (server, client) -> {
            Http.Answer a = post(client, "/api/v1/billing/checkout", t.ownerKey(), checkout("pro", CONSOLE + "/console/billing?done=1"));
            assertThat(a.status()).as(a.text()).isEqualTo(201);
            assertThat(a.json().get("url").asText()).startsWith("https://checkout.stripe.com/");
            assertThat(a.json().get("price_id").asText()).isEqualTo("price_pro_monthly");

            StripeStandIn.Received sent = stripe.received("POST", "/v1/checkout/sessions").get(0);
            assertThat(sent.param("mode")).isEqualTo("subscription");
            assertThat(sent.param("client_reference_id")).isEqualTo(t.org());
            assertThat(sent.param("line_items[0][price]")).isEqualTo("price_pro_monthly");
            assertThat(sent.param("line_items[0][quantity]")).isEqualTo("1");
            assertThat(List.of(sent.param("line_items[1][price]"), sent.param("line_items[2][price]")))
                    .as("the plan's metered prices, billed from the meter events")
                    .containsExactlyInAnyOrder("price_pro_api_calls_metered", "price_pro_audio_analysis_metered");
            assertThat(sent.param("line_items[1][quantity]")).isNull();
            assertThat(sent.param("metadata[price_id]")).isEqualTo("price_pro_monthly");
            assertThat(sent.param("subscription_data[metadata][org_id]")).isEqualTo(t.org());
            assertThat(sent.param("success_url")).isEqualTo(CONSOLE + "/console/billing?done=1");
            assertThat(sent.header("Idempotency-Key")).startsWith("tt-checkout-");
            assertThat(plan(t.org())).as("nothing changes before Stripe confirms").isEqualTo("starter");

            // Stripe completes the session and tells us, with what the session carried.
            String customer = "cus_" + UUID.randomUUID().toString().replace("-", "").substring(0, 14);
            String completed = StripeWebhookIT.event(StripeWebhookIT.evt(), "checkout.session.completed", "{\"object\":\"checkout.session\","
                    + "\"id\":\"" + a.json().get("session_id").asText() + "\",\"client_reference_id\":\"" + sent.param("client_reference_id")
                    + "\",\"customer\":\"" + customer + "\",\"subscription\":\"sub_" + customer.substring(4) + "\",\"metadata\":{\"price_id\":\""
                    + sent.param("metadata[price_id]") + "\",\"org_id\":\"" + t.org() + "\"}}");
            Http.Answer hook = StripeWebhookIT.deliver(client, completed, StripeWebhookIT.sign(completed, ApiTestStack.WEBHOOK_SECRET));
            assertThat(hook.json().get("result").asText()).isEqualTo("plan_changed");
            assertThat(plan(t.org())).isEqualTo("pro");

            Http.Answer portal = post(client, "/api/v1/billing/portal", t.ownerKey(), "{\"return_url\":\"" + CONSOLE + "/console\"}");
            assertThat(portal.status()).as(portal.text()).isEqualTo(201);
            assertThat(portal.json().get("url").asText()).startsWith("https://billing.stripe.com/");
            assertThat(stripe.received("POST", "/v1/billing_portal/sessions").get(0).param("customer")).isEqualTo(customer);

            assertProblem(post(client, "/api/v1/billing/checkout", t.ownerKey(), checkout("enterprise", CONSOLE + "/x")), 409,
                    "subscription_exists", null);

            // The subscription carries the metered prices beside the flat one, in any order: the flat price names the plan.
            String upgraded = StripeWebhookIT.event(StripeWebhookIT.evt(), "customer.subscription.updated", "{\"object\":\"subscription\","
                    + "\"id\":\"sub_" + customer.substring(4) + "\",\"customer\":\"" + customer + "\",\"status\":\"active\","
                    + "\"items\":{\"object\":\"list\",\"data\":[{\"object\":\"subscription_item\",\"price\":{\"object\":\"price\","
                    + "\"id\":\"price_enterprise_api_calls_metered\"}},{\"object\":\"subscription_item\",\"price\":{\"object\":\"price\","
                    + "\"id\":\"price_enterprise_monthly\"}}]}}");
            assertThat(StripeWebhookIT.deliver(client, upgraded, StripeWebhookIT.sign(upgraded, ApiTestStack.WEBHOOK_SECRET)).json()
                    .get("plan_id").asText()).isEqualTo("enterprise");
            assertThat(plan(t.org())).isEqualTo("enterprise");
        });
    }

    @Test
    void onlyTheOwnerMayAskAndOnlyForTheirOwnOrg() throws Exception {
        TeamOfThree t = TeamOfThree.create(stack, "roles", List.of("read", "write", "admin"));
        TeamOfThree other = TeamOfThree.create(stack, "otherorg", List.of("read"));
        stack.sql().update("link", "UPDATE organisations SET stripe_customer_id = 'cus_OtherOrg1' WHERE org_id = ?", ps -> ps.setString(1, other.org()));
        JavalinTest.test(stack.app(stripe.settings()), (server, client) -> {
            assertProblem(post(client, "/api/v1/billing/checkout", t.adminKey(), checkout("enterprise", CONSOLE)), 403, "insufficient_role", null);
            assertProblem(post(client, "/api/v1/billing/portal", t.memberKey(), "{\"return_url\":\"" + CONSOLE + "\"}"), 403, "insufficient_role", null);
            // The org comes from the key, never the request: this owner's org has no customer, the other org's is never used.
            assertProblem(post(client, "/api/v1/billing/portal", t.ownerKey(), "{\"return_url\":\"" + CONSOLE + "\"}"), 409,
                    "no_stripe_customer", null);
            assertProblem(post(client, "/api/v1/billing/checkout", t.ownerKey(), "{\"plan_id\":\"enterprise\",\"org_id\":\"" + other.org()
                    + "\",\"success_url\":\"" + CONSOLE + "\",\"cancel_url\":\"" + CONSOLE + "\"}"), 400, "unknown_field", "org_id");
            assertThat(stripe.received("POST", "/v1/")).isEmpty();
        });
    }

    @Test
    void badPlansAndForeignRedirectsAreRefusedBeforeStripeIsAsked() throws Exception {
        TeamOfThree t = TeamOfThree.create(stack, "badinput", List.of("read"));
        JavalinTest.test(stack.app(stripe.settings()), (server, client) -> {
            assertProblem(post(client, "/api/v1/billing/checkout", t.ownerKey(), checkout("platinum", CONSOLE)), 400, "unknown_plan", "plan_id");
            assertProblem(post(client, "/api/v1/billing/checkout", t.ownerKey(), checkout("free", CONSOLE)), 400, "plan_not_for_sale", "plan_id");
            assertProblem(post(client, "/api/v1/billing/checkout", t.ownerKey(), checkout("starter", CONSOLE)), 409, "not_an_upgrade", "plan_id");
            assertProblem(post(client, "/api/v1/billing/checkout", t.ownerKey(), checkout("pro", CONSOLE)), 409, "not_an_upgrade", "plan_id");
            assertProblem(post(client, "/api/v1/billing/checkout", t.ownerKey(), "{\"plan_id\":\"enterprise\",\"price_id\":\"price_pro_monthly\","
                    + "\"success_url\":\"" + CONSOLE + "\",\"cancel_url\":\"" + CONSOLE + "\"}"), 400, "unknown_price", "price_id");
            for (String evil : List.of("https://evil.test/x", "http://127.0.0.1:18080@evil.test/", "http://127.0.0.1:18080.evil.test/",
                    "//evil.test/x", "/relative", "javascript:alert(1)", "http://127.0.0.1:18081/", "https://127.0.0.1:18080/",
                    CONSOLE + "/" + "a".repeat(2100))) {
                assertProblem(post(client, "/api/v1/billing/checkout", t.ownerKey(), checkout("enterprise", evil)), 400,
                        "redirect_not_allowed", "success_url");
            }
            assertProblem(post(client, "/api/v1/billing/portal", t.ownerKey(), "{\"return_url\":\"https://evil.test/\"}"), 400,
                    "redirect_not_allowed", "return_url");
            assertProblem(post(client, "/api/v1/billing/checkout", t.ownerKey(), "{\"plan_id\":\"enterprise\"}"), 400, "missing_field", "success_url");
            assertThat(stripe.received("POST", "/v1/")).isEmpty();
        });
    }

    @Test
    void stripeDownOrRefusingAnswers502WithACodeAndNoKeyAnswers503() throws Exception {
        TeamOfThree t = TeamOfThree.create(stack, "stripedown", List.of("read"));
        setPlan(t.org(), "starter");
        JavalinTest.test(stack.app(stripe.settings()), (server, client) -> {
            stripe.fail("/v1/checkout/sessions", 500, 3);
            Http.Answer down = post(client, "/api/v1/billing/checkout", t.ownerKey(), checkout("pro", CONSOLE));
            assertProblem(down, 502, "stripe_unavailable", null);
            assertThat(down.text()).doesNotContain("sk_test").doesNotContain("Exception");
            assertThat(stripe.received("POST", "/v1/checkout/sessions")).as("retried up to the attempts").hasSize(3);
            stripe.fail("/v1/checkout/sessions", 400, 1);
            assertProblem(post(client, "/api/v1/billing/checkout", t.ownerKey(), checkout("pro", CONSOLE)), 502, "stripe_refused", null);
        });
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        JavalinTest.test(stack.app(stripe.settings().withApi("sk_test_standin", "http://127.0.0.1:" + closedPort)), (server, client) ->
                assertProblem(post(client, "/api/v1/billing/checkout", t.ownerKey(), checkout("pro", CONSOLE)), 502, "stripe_unavailable", null));
        JavalinTest.test(stack.app(), (server, client) ->
                assertProblem(post(client, "/api/v1/billing/checkout", t.ownerKey(), checkout("pro", CONSOLE)), 503, "billing_not_configured", null));
    }
}
