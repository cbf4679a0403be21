package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiContract;
import io.tunetrail.api.testing.ApiTestStack;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The OpenAPI document as a contract: every operation declares its success answer (a schema with an example that the
 * schema accepts, a media type, or no body), and {@link ApiContract}, which checks every answer the ITs receive,
 * refuses an answer that drifted from it, naming the operation, the status and the JSON pointer.
 */
class ApiContractIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    @Test
    void everyOperationDeclaresItsSuccessWithASchemaAndAnExampleItAccepts() {
        JavalinTest.test(stack.app(), (server, client) -> {
            JsonNode doc = get(client, "/api/docs", null).json();
            ApiContract contract = new ApiContract(doc);
            List<String> problems = new ArrayList<>();
            int operations = 0;
            int typed = 0;
            for (Map.Entry<String, JsonNode> path : (Iterable<Map.Entry<String, JsonNode>>) doc.get("paths")::fields) {
                for (Map.Entry<String, JsonNode> op : (Iterable<Map.Entry<String, JsonNode>>) path.getValue()::fields) {
                    operations++;
                    String name = op.getKey().toUpperCase() + " " + path.getKey();
                    List<Map.Entry<String, JsonNode>> successes = new ArrayList<>();
                    op.getValue().get("responses").fields().forEachRemaining(r -> {
                        if (r.getKey().startsWith("2")) {
                            successes.add(r);
                        }
                    });
                    if (successes.isEmpty()) {
                        problems.add(name + " declares no 2xx");
                    }
                    for (Map.Entry<String, JsonNode> success : successes) {
                        JsonNode content = success.getValue().get("content");
                        if (content == null) {
                            if (!success.getKey().equals("204")) {
                                problems.add(name + " " + success.getKey() + " declares no body");
                            }
                            continue;
                        }
                        JsonNode json = content.get("application/json");
                        if (json == null) {
                            continue; // HTML, Prometheus text
                        }
                        typed++;
                        if (!json.has("example")) {
                            problems.add(name + " " + success.getKey() + " has no example");
                            continue;
                        }
                        contract.compile(json.get("schema")).validate(json.get("example"))
                                .forEach(m -> problems.add(name + " " + success.getKey() + " example at " + m.getInstanceLocation() + ": " + m.getMessage()));
                    }
                }
            }
            assertThat(problems).isEmpty();
            assertThat(operations).isGreaterThanOrEqualTo(99);
            assertThat(typed).isGreaterThanOrEqualTo(90);
            System.out.printf("OpenAPI contract: %d operations, %d JSON success answers typed%n", operations, typed);
            JsonNode item = doc.at("/components/schemas/Item");
            assertThat(item.at("/properties/score/type").asText()).isEqualTo("number");
            assertThat(doc.at("/paths/~1api~1v1~1ml~1daily-mix/get/responses/200/content/application~1json/schema/$ref").asText())
                    .isEqualTo("#/components/schemas/Recommendations");
        });
    }

    @Test
    void anAnswerThatDriftedFromTheDocumentFailsNamingTheOperationStatusAndPointer() {
        JavalinTest.test(stack.app(), (server, client) -> {
            ApiContract contract = new ApiContract(get(client, "/api/docs", null).json());
            String good = "{\"model_version\": \"als-1.0\", \"items\": [{\"track_id\": \"t1\", \"score\": 0.9, \"reason\": \"r\", "
                    + "\"source\": \"model\"}], \"next_cursor\": null, \"experiment\": null}";
            assertThat(contract.check("GET", "/api/v1/ml/daily-mix", 200, "application/json", good)).isEmpty();

            List<String> wrongType = contract.check("GET", "/api/v1/ml/daily-mix", 200, "application/json", good.replace("0.9", "\"high\""));
            assertThat(wrongType).singleElement().asString().contains("get_api_v1_ml_daily_mix").contains("answered 200")
                    .contains("/items/0/score");
            assertThat(contract.check("GET", "/api/v1/ml/daily-mix", 200, "application/json", good.replace("\"next_cursor\": null,", "")))
                    .singleElement().asString().contains("next_cursor");
            assertThat(contract.check("GET", "/api/v1/ml/daily-mix", 200, "application/json", good.replace("{\"model_version\"",
                    "{\"surprise\": 1, \"model_version\""))).singleElement().asString().contains("surprise");
            assertThat(contract.check("GET", "/api/v1/ml/daily-mix", 201, "application/json", good)).singleElement().asString()
                    .contains("a success the document does not declare");
            assertThat(contract.check("GET", "/api/v1/tracks/top", 200, "text/html", "<p>")).singleElement().asString()
                    .contains("get_api_v1_tracks_top");
            assertThat(contract.check("DELETE", "/api/v1/tracks/t1", 204, null, "")).isEmpty();
            assertThatThrownBy(() -> contract.require("GET", "/api/v1/tracks/t1", 200, "application/json", "{\"track_id\": 5}"))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("get_api_v1_tracks_track_id_").hasMessageContaining("/track_id");
        });
    }
}
