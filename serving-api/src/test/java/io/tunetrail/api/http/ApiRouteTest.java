package io.tunetrail.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.api.limits.Gate;
import org.junit.jupiter.api.Test;

class ApiRouteTest {
    record Answer(String name) {}

    @Test
    void aRouteThatDoesNotSayWhatItAnswersIsRefusedWithTheFix() {
        ApiRoute undeclared = ApiRoute.post("/api/v1/billing/checkout", Gate.PUBLIC, "Billing", "Start a checkout", ctx -> ctx.json(new Answer("x")));
        assertThatThrownBy(undeclared::requireResponse).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("POST /api/v1/billing/checkout")
                .hasMessageContaining(ApiRouteTest.class.getName())
                .hasMessageContaining(".returns(TheRecord.class)")
                .hasMessageContaining(".status(204)");
    }

    @Test
    void aRouteThatSaysWhatItAnswersPasses() {
        assertThat(ApiRoute.get("/a", Gate.PUBLIC, "T", "s", ctx -> { }).returns(Answer.class).requireResponse().response().isJson()).isTrue();
        assertThat(ApiRoute.delete("/a", Gate.PUBLIC, "T", "s", ctx -> { }).status(204).requireResponse().response())
                .isEqualTo(ApiRoute.Response.NOTHING);
        assertThat(ApiRoute.get("/a", Gate.PUBLIC, "T", "s", ctx -> { }).returnsMedia("text/html").requireResponse().response().isJson()).isFalse();
    }
}
