package io.tunetrail.api.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.tunetrail.store.StoreException;
import io.tunetrail.store.costs.CostCapReached;
import java.sql.SQLException;
import java.util.UUID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into one response shape: RFC 9457 problem+json (with {@code code} and {@code field}), except
 * the fixed 402 and quota-429 bodies. The only place the API writes an error response.
 */
public final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {}

    public static void register(Javalin app, long maxBodyBytes) {
        app.exception(ApiException.class, (e, ctx) -> write(ctx, e));
        app.exception(CostCapReached.class, (e, ctx) -> write(ctx, ApiErrors.costCapReached(e.spentUsd(), e.heldUsd(), e.capUsd(), e.resetsAt())));
        app.exception(StoreException.class, (e, ctx) -> write(ctx, e.getCause() instanceof SQLException sql ? fromDatabase(ctx, e, sql) : switch (e.kind()) {
            case INVALID -> ApiErrors.invalidField(null, e.getMessage());
            case NOT_FOUND -> ApiErrors.notFoundDetail(e.getMessage());
            case CONFLICT -> ApiErrors.conflict("conflict", e.getMessage());
            case UNAVAILABLE -> {
                LOG.warn("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
                yield ApiErrors.backingServiceUnavailable(e.server());
            }
        }));
        // A Redis call outside the stores' own error handling (a pipeline, a script) that lost its connection or found
        // no free one in time is an outage like any other: 503 with Retry-After, never a 500. A refused command
        // (JedisDataException: wrong type, script error) is a bug and stays a 500.
        app.exception(JedisException.class, (e, ctx) -> {
            if (e instanceof JedisDataException) {
                internal(ctx, e);
                return;
            }
            LOG.warn("{} {}: Redis: {}", ctx.method(), ctx.path(), e.getMessage());
            write(ctx, ApiErrors.backingServiceUnavailable("Redis"));
        });
        app.exception(HttpResponseException.class, (e, ctx) -> write(ctx, switch (e.getStatus()) {
            case 404 -> ApiErrors.noRoute(ctx.method().name(), ctx.path());
            case 405 -> ApiErrors.methodNotAllowed(ctx.method().name(), ctx.path());
            case 413 -> ApiErrors.bodyTooLarge(maxBodyBytes);
            default -> new ApiException(e.getStatus(), "http_" + e.getStatus(), e.getMessage(), e.getMessage(), null, null, null);
        }));
        app.exception(Exception.class, (e, ctx) -> internal(ctx, e));
    }

    private static void internal(Context ctx, Exception e) {
        String reference = UUID.randomUUID().toString();
        LOG.error("{} {} failed (reference {})", ctx.method(), ctx.path(), reference, e);
        write(ctx, ApiErrors.internal(reference));
    }

    /**
     * A failure the database reported. Its text names tables, columns, constraints and values, so it goes to the log
     * only; the caller gets the kind of failure and a reference to quote.
     */
    private static ApiException fromDatabase(Context ctx, StoreException e, SQLException cause) {
        if ("57014".equals(cause.getSQLState())) {
            LOG.warn("{} {}: statement cancelled by statement_timeout: {}", ctx.method(), ctx.path(), e.getMessage());
            return ApiErrors.queryTimeout();
        }
        if (e.kind() == StoreException.Kind.UNAVAILABLE) {
            LOG.warn("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            return ApiErrors.backingServiceUnavailable(e.server());
        }
        String reference = UUID.randomUUID().toString();
        String state = cause.getSQLState() == null ? "" : cause.getSQLState();
        if (state.startsWith("22") || state.startsWith("23")) { // a value the database would not take: the caller's to fix
            LOG.warn("{} {} refused by the database (reference {}): {}", ctx.method(), ctx.path(), reference, e.getMessage());
            return state.startsWith("23") ? ApiErrors.databaseRefused(409, "conflict", reference)
                    : ApiErrors.databaseRefused(400, "invalid_request", reference);
        }
        LOG.error("{} {} failed in the database (reference {})", ctx.method(), ctx.path(), reference, e);
        return ApiErrors.internal(reference);
    }

    static void write(Context ctx, ApiException e) {
        e.headers().forEach(ctx::header);
        if (e.status() == 413) {
            // The rest of the body is not wanted: reading it to keep the connection would be the very cost refused.
            ctx.header("Connection", "close");
        }
        ctx.status(e.status());
        ctx.contentType(e.hasFixedBody() ? "application/json" : "application/problem+json");
        ctx.result(Json.write(e.body()));
    }

    /** The same response, written before Javalin sees the request (the body-limit filter). */
    static void write(jakarta.servlet.http.HttpServletResponse response, ApiException e) throws java.io.IOException {
        e.headers().forEach(response::setHeader);
        if (e.status() == 413) {
            response.setHeader("Connection", "close");
        }
        response.setStatus(e.status());
        response.setContentType(e.hasFixedBody() ? "application/json" : "application/problem+json");
        byte[] body = Json.write(e.body());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
