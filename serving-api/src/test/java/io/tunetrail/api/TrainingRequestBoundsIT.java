package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POST /api/v1/models/train: every param bounded, a 400 naming the field, nothing queued for a refused request. */
class TrainingRequestBoundsIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    static long queued(String org) {
        return stack.sql().one("count", "SELECT count(*) FROM training_requests WHERE org_id = ?", ps -> ps.setString(1, org),
                rs -> rs.getLong(1)).orElseThrow();
    }

    @Test
    void eachParamOutOfBoundsIsRefusedNamingItAndNothingIsQueued() throws Exception {
        String org = stack.org("trainer", "enterprise");
        String key = stack.key(org, "read", "write");
        String[][] refused = {
            {"{\"algorithm\": \"als\", \"params\": {\"rank\": 100000}}", "params.rank"},
            {"{\"algorithm\": \"als\", \"params\": {\"rank\": 0}}", "params.rank"},
            {"{\"algorithm\": \"als\", \"params\": {\"rank\": 12.5}}", "params.rank"},
            {"{\"algorithm\": \"als\", \"params\": {\"rank\": \"64\"}}", "params.rank"},
            {"{\"algorithm\": \"als\", \"params\": {\"iterations\": 100000}}", "params.iterations"},
            {"{\"algorithm\": \"als\", \"params\": {\"regularization\": -0.1}}", "params.regularization"},
            {"{\"algorithm\": \"als\", \"params\": {\"regularization\": 1e308}}", "params.regularization"},
            {"{\"algorithm\": \"als\", \"params\": {\"alpha\": 1000000}}", "params.alpha"},
            {"{\"algorithm\": \"als\", \"params\": {\"top_n\": 100000}}", "params.top_n"},
            {"{\"algorithm\": \"als\", \"params\": {\"seed\": 99999999999999}}", "params.seed"},
            {"{\"algorithm\": \"als\", \"params\": {\"log_scale\": \"yes\"}}", "params.log_scale"},
            {"{\"algorithm\": \"als\", \"params\": {\"confidence_weights\": \"" + "play:1,".repeat(200) + "like:4\"}}", "params.confidence_weights"},
            {"{\"algorithm\": \"als\", \"params\": {\"confidence_weights\": \"play=1\"}}", "params.confidence_weights"},
            {"{\"algorithm\": \"als\", \"params\": {\"window_days\": 36500}}", "params.window_days"},
            {"{\"algorithm\": \"als\", \"params\": {\"rank\": null}}", "params.rank"},
            {"{\"algorithm\": \"track-similarity\", \"params\": {}}", "algorithm"}};
        JavalinTest.test(stack.app(), (server, client) -> {
            for (String[] r : refused) {
                Http.Answer a = post(client, "/api/v1/models/train", key, r[0]);
                assertThat(a.status()).as(r[0] + " -> " + a.text()).isEqualTo(400);
                assertThat(a.contentType()).startsWith("application/problem+json");
                assertThat(a.json().get("code").asText()).isEqualTo("invalid_field");
                assertThat(a.json().get("field").asText()).as(r[0]).isEqualTo(r[1]);
            }
            assertThat(queued(org)).isZero();
            Http.Answer ok = post(client, "/api/v1/models/train", key, "{\"algorithm\": \"als\", \"params\": {\"rank\": 256, \"iterations\": 50, "
                    + "\"regularization\": 0.05, \"alpha\": 40, \"seed\": 7, \"top_n\": 500, \"confidence_weights\": \"play:1,like:4,skip:-1\", "
                    + "\"log_scale\": false, \"exclude_heard\": true}}");
            assertThat(ok.status()).as(ok.text()).isEqualTo(202);
            assertThat(queued(org)).isEqualTo(1);
        });
    }
}
