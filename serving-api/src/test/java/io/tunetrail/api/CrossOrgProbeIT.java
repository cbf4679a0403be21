package io.tunetrail.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.auth.Scope;
import io.tunetrail.api.http.ApiRoute;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.probe.CrossOrgProbe;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.TestResolver;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 8 of the fault suite: another org's key on every route with an id, with every method, generated from the
 * app's own route list (so a new route is attempted, or the probe fails saying what it lacks), gets nothing; and the
 * probe is shown to catch a leak planted in a test-only route.
 */
class CrossOrgProbeIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    private static final String LEAK = "/api/v1/leaky/tracks/{track_id}";

    @Test
    void anotherOrgsKeyGetsNothingOnAnyRouteWithAnId() {
        String victim = stack.key(stack.org("victim", "enterprise"), "read", "write", "admin");
        String intruder = stack.key(stack.org("intruder", "enterprise"), "read", "write", "admin");
        JavalinTest.test(stack.app(ApiTestStack.loopbackWebhooks(new TestResolver().answer(CrossOrgProbe.WEBHOOK_HOST, "127.0.0.1")), 0), (server, client) -> {
            List<ApiRoute> routes = ServingApp.routes(server);
            assertThat(CrossOrgProbe.uncovered(routes)).isEmpty();
            int paths = CrossOrgProbe.paths(routes).size();
            assertThat(paths).as("paths with an id in the app").isGreaterThanOrEqualTo(20);

            CrossOrgProbe.Report report = new CrossOrgProbe(URI.create(client.getOrigin()), victim, intruder).run(routes);

            assertThat(report.findings()).isEmpty();
            assertThat(report.successes()).isZero();
            assertThat(report.attempts()).hasSize(paths * 5);
            long registered = routes.stream().filter(r -> !r.pathParams().isEmpty()).count();
            assertThat(report.attempts().stream().filter(a -> a.status() == 404 && "not_found".equals(a.code())))
                    .as("every registered route with an id looked it up and found nothing").hasSizeGreaterThanOrEqualTo((int) registered - 1);
        });
    }

    @Test
    void theProbeReportsALeakPlantedInATestOnlyRoute() {
        String victim = stack.key(stack.org("victim-2", "enterprise"), "read", "write", "admin");
        String intruder = stack.key(stack.org("intruder-2", "enterprise"), "read", "write", "admin");
        Javalin app = stack.app(ApiTestStack.loopbackWebhooks(new TestResolver().answer(CrossOrgProbe.WEBHOOK_HOST, "127.0.0.1")), 0);
        // The planted leak: a lookup by id that forgets the org.
        app.get(LEAK, ctx -> ctx.json(stack.sql().one("leaking", "SELECT title FROM tracks WHERE track_id = ?",
                ps -> ps.setString(1, ctx.pathParam("track_id")), rs -> Map.of("title", rs.getString(1)))
                .orElseThrow(() -> io.tunetrail.api.http.ApiErrors.notFound("track", ctx.pathParam("track_id")))));
        JavalinTest.test(app, (server, client) -> {
            List<ApiRoute> routes = new ArrayList<>(ServingApp.routes(server));
            routes.add(ApiRoute.get(LEAK, Gate.metered(Scope.READ, null), "Test", "leaks", ctx -> {}));

            CrossOrgProbe.Report report = new CrossOrgProbe(URI.create(client.getOrigin()), victim, intruder).run(routes);

            assertThat(report.clean()).isFalse();
            assertThat(report.successes()).isEqualTo(1);
            assertThat(report.findings()).hasSize(1);
            assertThat(report.findings().get(0)).startsWith("GET " + LEAK).contains("SUCCESS across orgs").contains("Probe track");
        });
    }

    @Test
    void aRouteWithAnIdTheProbeCannotMakeFailsNamingWhatToAdd() {
        List<ApiRoute> routes = List.of(
                ApiRoute.get("/api/v1/playlists/{playlist_id}", Gate.metered(Scope.READ, null), "Test", "new", ctx -> {}),
                ApiRoute.put("/api/v1/tracks/{track_id}/lyrics", Gate.metered(Scope.WRITE, null), "Test", "new", ctx -> {}).body("LyricsRequest"));
        assertThat(CrossOrgProbe.uncovered(routes)).containsExactly(
                "GET /api/v1/playlists/{playlist_id}: no object factory for path parameter {playlist_id}; add a Kind for it to "
                        + "io.tunetrail.api.probe.ProbeObjects.KINDS (how to create one in the victim org and where it reads it back)",
                "PUT /api/v1/tracks/{track_id}/lyrics: no sample body for request schema LyricsRequest; add one to "
                        + "io.tunetrail.api.probe.ProbeObjects.SAMPLE_BODIES");
        assertThatThrownBy(() -> new CrossOrgProbe(URI.create("http://127.0.0.1:9"), "tt_x", "tt_y").run(routes))
                .hasMessageContaining("{playlist_id}").hasMessageContaining("LyricsRequest");
    }
}
