package io.tunetrail.api.http;

import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.ops.ApiMetrics;
import io.tunetrail.api.ops.Readiness;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * The operator's routes: {@code /health} (liveness), {@code /ready} (readiness: PostgreSQL, Redis and Kafka, each
 * with its latency; 503 when one is down) and {@code /metrics} (Prometheus text).
 *
 * <p>{@code /metrics} is served on the API's own port but only to a caller presenting the operator token
 * ({@code api.metrics.token}) as a bearer token; without a configured token it is off. A token rather than a second
 * port: one listener to secure and route, and a scraper needs one header. Health and readiness are open, for load
 * balancers and orchestrators, and say nothing but up/down, latency and an error kind.
 */
public final class OperatorController {
    private static final String TAG = "Operations";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Readiness readiness;
    private final ApiMetrics metrics;
    private final byte[] token;

    /** Liveness: always ok while the server answers. */
    public record Health(String status) {}

    public OperatorController(Readiness readiness, ApiMetrics metrics, String metricsToken) {
        this.readiness = readiness;
        this.metrics = metrics;
        this.token = metricsToken == null || metricsToken.isBlank() ? null : metricsToken.getBytes(StandardCharsets.UTF_8);
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.get("/health", Gate.PUBLIC, TAG, "Liveness: answers 200 while the server runs",
                        ctx -> ctx.json(new Health("ok"))).returns(Health.class),
                ApiRoute.get("/ready", Gate.PUBLIC, TAG, "Readiness: PostgreSQL, Redis and Kafka reachable, each with its latency; 503 when one is not",
                        ctx -> {
                            Readiness.Report report = readiness.check();
                            ctx.status(report.ready() ? 200 : 503).json(report.body());
                        }).returns(Readiness.ReadinessStatus.class),
                ApiRoute.get("/metrics", Gate.PUBLIC, TAG, "Prometheus metrics; needs 'Authorization: Bearer <api.metrics.token>'",
                        ctx -> {
                            requireToken(ctx.header("Authorization"));
                            ctx.contentType(PROMETHEUS_TEXT).result(metrics.scrape());
                        }).returnsMedia(PROMETHEUS_TEXT));
    }

    private void requireToken(String authorization) {
        if (token == null) {
            throw ApiErrors.metricsOff();
        }
        byte[] presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(presented, token)) { // constant time: the comparison must not reveal a prefix
            throw ApiErrors.badOperatorToken();
        }
    }
}
