package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.Stripe;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Stripe webhooks signed by the test itself (Stripe's scheme): valid, invalid and replayed; plan changes apply at once. */
class StripeWebhookIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    static String event(String id, String type, String object) {
        return event(id, type, object, Instant.now());
    }

    static String event(String id, String type, String object, Instant created) {
        return "{\"id\":\"" + id + "\",\"object\":\"event\",\"api_version\":\"" + Stripe.API_VERSION + "\",\"created\":"
                + created.getEpochSecond() + ",\"livemode\":false,\"type\":\"" + type + "\",\"data\":{\"object\":" + object + "}}";
    }

    static String sign(String payload, String secret) throws Exception {
        long t = Instant.now().getEpochSecond();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String v1 = HexFormat.of().formatHex(mac.doFinal((t + "." + payload).getBytes(StandardCharsets.UTF_8)));
        return "t=" + t + ",v1=" + v1;
    }

    static Http.Answer deliver(HttpClient client, String payload, String signature) {
        Request.Builder b = new Request.Builder().url(client.getOrigin() + "/billing/stripe/webhook")
                .post(RequestBody.create(payload, MediaType.get("application/json")));
        if (signature != null) {
            b.header("Stripe-Signature", signature);
        }
        return Http.answer(client, b.build());
    }

    static String plan(String org) {
        return stack.sql().one("plan", "SELECT plan_id FROM organisations WHERE org_id = ?", ps -> ps.setString(1, org), rs -> rs.getString(1))
                .orElseThrow();
    }

    static long processed() {
        return stack.sql().one("count", "SELECT count(*) FROM processed_stripe_events", ps -> { }, rs -> rs.getLong(1)).orElseThrow();
    }

    static String evt() {
        return "evt_" + UUID.randomUUID().toString().replace("-", "");
    }

    @Test
    void invalidSignaturesChangeNothing() throws Exception {
        String org = stack.org("unsigned", "starter");
        String payload = event(evt(), "checkout.session.completed", "{\"object\":\"checkout.session\",\"client_reference_id\":\"" + org
                + "\",\"customer\":\"cus_Bad1\",\"subscription\":\"sub_Bad1\",\"metadata\":{\"price_id\":\"price_enterprise_monthly\"}}");
        long before = processed();
        JavalinTest.test(stack.app(), (server, client) -> {
            for (String signature : new String[] {null, "t=1,v1=00", sign(payload, "whsec_someone_else"), sign(payload + " ", ApiTestStack.WEBHOOK_SECRET)}) {
                Http.Answer a = deliver(client, payload, signature);
                assertThat(a.status()).as(String.valueOf(signature)).isEqualTo(400);
                assertThat(a.json().get("code").asText()).isEqualTo("invalid_signature");
            }
        });
        assertThat(plan(org)).isEqualTo("starter");
        assertThat(processed()).isEqualTo(before);
    }

    @Test
    void checkoutAndSubscriptionEventsSetThePlanOnceAndDowngradesBiteAtOnce() throws Exception {
        String org = stack.org("billing", "starter");
        String key = stack.key(org, "read");
        String customer = "cus_" + UUID.randomUUID().toString().replace("-", "").substring(0, 14);
        String subscription = "sub_" + UUID.randomUUID().toString().replace("-", "").substring(0, 14);
        JavalinTest.test(stack.app(), (server, client) -> {
            assertThat(get(client, "/api/v1/ml/daily-mix?user_id=u1", key).status()).as("starter has daily mixes").isNotEqualTo(402);

            String checkout = event(evt(), "checkout.session.completed", "{\"object\":\"checkout.session\",\"client_reference_id\":\"" + org
                    + "\",\"customer\":\"" + customer + "\",\"subscription\":\"" + subscription + "\",\"metadata\":{\"price_id\":\"price_pro_monthly\"}}");
            Http.Answer applied = deliver(client, checkout, sign(checkout, ApiTestStack.WEBHOOK_SECRET));
            assertThat(applied.status()).isEqualTo(200);
            assertThat(applied.json().get("result").asText()).isEqualTo("plan_changed");
            assertThat(plan(org)).isEqualTo("pro");

            String updateId = evt();
            String toEnterprise = event(updateId, "customer.subscription.updated", "{\"object\":\"subscription\",\"id\":\"" + subscription
                    + "\",\"customer\":\"" + customer + "\",\"status\":\"active\",\"items\":{\"object\":\"list\",\"data\":[{\"object\":\"subscription_item\","
                    + "\"price\":{\"object\":\"price\",\"id\":\"price_enterprise_yearly\"}}]}}");
            assertThat(deliver(client, toEnterprise, sign(toEnterprise, ApiTestStack.WEBHOOK_SECRET)).json().get("plan_id").asText())
                    .isEqualTo("enterprise");

            String deleted = event(evt(), "customer.subscription.deleted", "{\"object\":\"subscription\",\"id\":\"" + subscription
                    + "\",\"customer\":\"" + customer + "\",\"status\":\"canceled\"}");
            assertThat(deliver(client, deleted, sign(deleted, ApiTestStack.WEBHOOK_SECRET)).status()).isEqualTo(200);
            // A cloud org whose subscription ended lands on the limited free plan, never on the self-hosted community plan
            // (whose quotas are unlimited).
            assertThat(plan(org)).isEqualTo("free");
            Http.Answer gated = get(client, "/api/v1/ml/daily-mix?user_id=u1", key);
            assertThat(gated.status()).as("the downgrade applies to the next request").isEqualTo(402);
            assertThat(gated.json().get("current_plan").asText()).isEqualTo("free");
            Http.Answer metered = get(client, "/api/v1/tracks/top", key);
            assertThat(metered.status()).isEqualTo(200);
            assertThat(metered.header("RateLimit-Limit")).as("a free org is rate limited").isEqualTo("10");

            // Stripe redelivers the earlier update: already applied, so it must not bring the enterprise plan back.
            Http.Answer replay = deliver(client, toEnterprise, sign(toEnterprise, ApiTestStack.WEBHOOK_SECRET));
            assertThat(replay.status()).isEqualTo(200);
            assertThat(replay.json().get("result").asText()).isEqualTo("duplicate");
            assertThat(plan(org)).isEqualTo("free");
            assertThat(stack.sql().one("linked", "SELECT stripe_customer_id FROM organisations WHERE org_id = ?", ps -> ps.setString(1, org),
                    rs -> rs.getString(1)).orElseThrow()).isEqualTo(customer);
        });
    }
}
