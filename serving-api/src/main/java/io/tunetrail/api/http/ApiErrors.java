package io.tunetrail.api.http;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place the API's user-facing errors are made. Every detail says what went wrong and what to do about it;
 * nothing says anything about another organisation (an object of another org is "not found", exactly like an
 * object that does not exist).
 */
public final class ApiErrors {
    private ApiErrors() {}

    private static ApiException problem(int status, String code, String title, String detail, String field) {
        return new ApiException(status, code, title, detail, field, null, null);
    }

    // --- 400 / 413 / 415: the request itself -----------------------------------------------------------------

    public static ApiException invalidField(String field, String detail) {
        return problem(400, "invalid_field", "Invalid request field", detail, field);
    }

    public static ApiException missingField(String field) {
        return problem(400, "missing_field", "Missing request field", "'" + field + "' is required", field);
    }

    public static ApiException unknownField(String field) {
        return problem(400, "unknown_field", "Unknown request field",
                "'" + field + "' is not a field of this request; see /api/docs for the accepted fields", field);
    }

    public static ApiException malformedJson(String detail) {
        return problem(400, "malformed_json", "Malformed JSON", "The request body is not valid JSON: " + detail
                + ". Send one JSON object (Content-Type: application/json)", null);
    }

    public static ApiException bodyTooLarge(long maxBytes) {
        return problem(413, "body_too_large", "Request body too large",
                "The request body exceeds " + maxBytes + " bytes; send smaller batches", null);
    }

    public static ApiException invalidSignature(String why) {
        return problem(400, "invalid_signature", "Invalid webhook signature",
                "The Stripe-Signature does not verify: " + why + ". Nothing was changed; check the endpoint's signing secret", "Stripe-Signature");
    }

    /** A webhook URL the platform will not send to; the detail never says what (if anything) listens there. */
    public static ApiException webhookUrlForbidden(String detail) {
        return problem(422, "webhook_url_forbidden", "Webhook URL forbidden", detail, "url");
    }

    // --- 401 / 403 / 404: who is asking, and for what -------------------------------------------------------

    public static ApiException missingKey() {
        return problem(401, "missing_api_key", "API key required",
                "Send your API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'", null);
    }

    public static ApiException badKey() {
        // The same answer for unknown, revoked and expired keys: a caller learns nothing about which keys exist.
        return problem(401, "invalid_api_key", "Invalid API key",
                "The API key is unknown, revoked or expired; create a new one (POST /api/v1/api-keys or ./tunetrail admin key create)", null);
    }

    public static ApiException badOperatorToken() {
        return problem(401, "invalid_operator_token", "Operator token required",
                "Send the operator token (configuration key api.metrics.token) as 'Authorization: Bearer <token>'", null);
    }

    public static ApiException metricsOff() {
        return problem(404, "metrics_disabled", "Metrics are off",
                "This server exposes no metrics: set api.metrics.token (env TUNETRAIL_API_METRICS_TOKEN) and scrape with it as a bearer token", null);
    }

    public static ApiException missingScope(String scope) {
        return problem(403, "insufficient_scope", "Insufficient scope",
                "This route needs an API key with scope '" + scope + "'; create a key with that scope", null);
    }

    public static ApiException insufficientRole(String required, String actual) {
        return problem(403, "insufficient_role", "Insufficient role",
                "This needs the " + required + " role or higher; the key belongs to a member with role '" + actual
                        + "'. Ask an owner or admin of the organisation", null);
    }

    /** Another key than the one that made the object tries to change it without the admin scope. */
    public static ApiException notRequester(String what, String id) {
        return problem(403, "not_requester", "Not the requester",
                "Only the key that made " + what + " '" + id + "', or a key with the admin scope, may change it", null);
    }

    /** A key asked for with a scope its member's role does not allow. */
    public static ApiException scopeAboveRole(String field, String scope, String role) {
        return problem(403, "scope_exceeds_role", "Scope exceeds the member's role",
                "A key of a member with role '" + role + "' cannot have scope '" + scope + "'; ask for read or write, or have an owner "
                        + "change the member's role first", field);
    }

    /** A key asked to live longer than the key that makes it. */
    public static ApiException outlivesCaller(Instant callerExpiresAt) {
        return problem(403, "expiry_exceeds_caller", "Expiry exceeds the calling key's",
                "A key cannot make a key that outlives it: 'expires_at' must be at or before " + callerExpiresAt
                        + ", when the calling key expires; use a key without expiry to make longer-lived keys", "expires_at");
    }

    /** Ownership transferred by a key that belongs to no member (an org key): no one would step down. */
    public static ApiException ownershipNeedsMember() {
        return problem(403, "ownership_needs_member", "Ownership passes from a member",
                "Ownership is handed over by the owner who steps down: call with a key of that owner, not an org key (an operator "
                        + "changes roles with PUT /api/v1/members/{member_id}/role)", null);
    }

    public static ApiException keyExpired(String keyId) {
        return problem(409, "key_expired", "API key expired",
                "API key '" + keyId + "' has expired; an expired key cannot be rotated (that would renew it). Create a new key instead", null);
    }

    /** A team key reaching outside its team where the action is org-wide. */
    public static ApiException teamKeyNotAllowed(String action) {
        return problem(403, "team_key_not_allowed", "Not allowed for a team key",
                "A key of a team cannot " + action + "; use a key without a team", null);
    }

    public static ApiException notFound(String what, String id) {
        return problem(404, "not_found", "Not found", what + " '" + id + "' does not exist", null);
    }

    /** Not found, in the store's own words (which name only the caller's org's objects). */
    public static ApiException notFoundDetail(String detail) {
        return problem(404, "not_found", "Not found", detail, null);
    }

    public static ApiException noRoute(String method, String path) {
        return problem(404, "no_such_route", "No such route", method + " " + path + " is not a route of this API; see /api/docs", null);
    }

    public static ApiException methodNotAllowed(String method, String path) {
        return problem(405, "method_not_allowed", "Method not allowed", method + " is not allowed on " + path + "; see /api/docs", null);
    }

    public static ApiException conflict(String code, String detail) {
        return problem(409, code, "Conflict", detail, null);
    }

    public static ApiException seatLimit(String detail) {
        return problem(409, "plan_limit_reached", "Plan limit reached", detail, null);
    }

    // --- 402 / 429: plans, quotas and rates -------------------------------------------------------------------

    /** The fixed 402 body customers' apps parse. */
    public static ApiException planUpgradeRequired(String currentPlan, List<String> requiredPlans, String upgradeUrl,
            String featureDescription, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "Plan upgrade required");
        body.put("message", message);
        body.put("current_plan", currentPlan);
        body.put("required_plans", requiredPlans);
        body.put("upgrade_url", upgradeUrl);
        body.put("feature_description", featureDescription);
        return new ApiException(402, "plan_upgrade_required", "Plan upgrade required", message, null, body, null);
    }

    /** The fixed 429 body of an exhausted daily or monthly quota. */
    public static ApiException usageLimitExceeded(String resource, long limit, long currentUsage, Instant resetsAt,
            String upgradeMessage, Map<String, String> headers) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "Usage limit exceeded");
        body.put("resource", resource);
        body.put("limit", limit);
        body.put("current_usage", currentUsage);
        body.put("resets_at", resetsAt.toString());
        body.put("upgrade_message", upgradeMessage);
        return new ApiException(429, "usage_limit_exceeded", "Usage limit exceeded", upgradeMessage, null, body, headers);
    }

    /**
     * 402 at the org's hard-stop cost cap: new costly work waits for the next month. A problem document whose extension
     * members carry the figures: {@code spent_usd}, {@code held_usd} (queued jobs not yet measured), {@code cap_usd} and
     * {@code resets_at}.
     */
    public static ApiException costCapReached(BigDecimal spentUsd, BigDecimal heldUsd, BigDecimal capUsd, Instant resetsAt) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("spent_usd", spentUsd);
        figures.put("held_usd", heldUsd);
        figures.put("cap_usd", capUsd);
        figures.put("resets_at", resetsAt.toString());
        return new ApiException(402, "cost_cap_reached", "Cost cap reached", "Your organisation's cost this month (" + spentUsd.toPlainString()
                + " USD, and " + heldUsd.toPlainString() + " USD held by queued jobs) has reached its plan's cap of " + capUsd.toPlainString()
                + " USD, which stops new costly work; it resets at " + resetsAt + ". Upgrade the plan or wait for the reset "
                + "(GET /api/v1/usage/costs shows the month)", null, null, null, figures);
    }

    /** Too many requests per minute for one key: a problem document, with Retry-After. */
    public static ApiException rateLimited(long retryAfterSeconds, Map<String, String> headers) {
        return new ApiException(429, "rate_limited", "Rate limit exceeded",
                "Too many requests for this API key; retry after " + retryAfterSeconds + " s or spread requests over the minute",
                null, null, headers);
    }

    // --- audio uploads (AudioController): the analyser's refusals -------------------------------------------

    public static ApiException emptyAudio() {
        return problem(400, "empty_audio", "Empty audio", "The upload has no bytes; send the audio file as the request body or as the "
                + "multipart part 'file'", "file");
    }

    /** An audio route's body past its limit (files plus room for a multipart envelope). */
    public static ApiException audioBodyTooLarge(long maxBytes) {
        return audioTooLarge("the request body exceeds " + maxBytes + " bytes");
    }

    public static ApiException audioTooLarge(String detail) {
        return problem(413, "audio_too_large", "Audio too large", detail + "; send a shorter or smaller file", "file");
    }

    public static ApiException unsupportedMedia(String detail) {
        return problem(415, "unsupported_media", "Unsupported media", detail
                + ". Accepted: WAV (PCM or float), Ogg Vorbis, FLAC and MP3", "file");
    }

    public static ApiException undecodableAudio(String decoderMessage) {
        return problem(422, "undecodable_audio", "Undecodable audio", "The audio could not be decoded: " + decoderMessage
                + ". The file may be truncated or corrupt; nothing was counted against the quota", "file");
    }

    /** Every analysis thread busy and the wait queue full: try again after {@code retryAfterSeconds}. */
    public static ApiException analysisBusy(long retryAfterSeconds) {
        return new ApiException(503, "analysis_busy", "Audio analysis busy", "Every audio analysis slot is taken; retry after "
                + retryAfterSeconds + " s. Nothing was counted against the quota", null, null,
                Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    /** Too many requests per minute for the org's keys together: the org ceiling, whatever the number of keys. */
    public static ApiException orgRateLimited(long retryAfterSeconds, Map<String, String> headers) {
        return new ApiException(429, "org_rate_limited", "Organisation rate limit exceeded",
                "Too many requests for this organisation (all its API keys together; more keys do not raise the limit); retry after "
                        + retryAfterSeconds + " s or spread requests over the minute", null, null, headers);
    }

    // --- 5xx ------------------------------------------------------------------------------------------------

    /** A query ran past the API's PostgreSQL statement_timeout and was cancelled. */
    public static ApiException queryTimeout() {
        return problem(503, "query_timeout", "Query timed out",
                "The database did not answer in time and the query was cancelled; narrow the request "
                        + "(a more specific search, a smaller page) or retry shortly", null);
    }

    /** The database refused a statement; what it said stays in the server's log under {@code reference}. */
    public static ApiException databaseRefused(int status, String code, String reference) {
        return problem(status, code, status == 409 ? "Conflict" : "Request not processed",
                "The database refused the request (reference " + reference + "); check the values sent against /api/docs", null);
    }

    public static ApiException unavailable(String detail) {
        return problem(503, "unavailable", "Service unavailable", detail, null);
    }

    /** Seconds a client is told to wait before retrying after a backing service failed (Retry-After). */
    public static final int BACKING_SERVICE_RETRY_SECONDS = 5;

    /**
     * 503 for a route whose data lives on a backing service that is down ({@code server}: PostgreSQL, Redis, Kafka, or
     * null when unknown), with Retry-After. The code names the server so a client or an operator knows which one;
     * the server's own error text stays in the log.
     */
    public static ApiException backingServiceUnavailable(String server) {
        String code = server == null ? "unavailable" : switch (server) {
            case "PostgreSQL" -> "database_unavailable";
            case "Redis" -> "redis_unavailable";
            case "Kafka" -> "kafka_unavailable";
            default -> "unavailable";
        };
        String what = server == null ? "A backing service" : "The " + server + " server this route needs";
        return new ApiException(503, code, "Service unavailable", what + " is unavailable; retry after "
                + BACKING_SERVICE_RETRY_SECONDS + " s", null, null, Map.of("Retry-After", Integer.toString(BACKING_SERVICE_RETRY_SECONDS)));
    }

    // --- Billing: checkout and portal sessions -------------------------------------------------------------------

    public static ApiException unknownPlan(String planId) {
        return problem(400, "unknown_plan", "Unknown plan", "'" + planId + "' is not a plan of the catalog; GET /api/v1/plans lists them",
                "plan_id");
    }

    public static ApiException planNotForSale(String planId) {
        return problem(400, "plan_not_for_sale", "Plan not sold through checkout", "Plan '" + planId
                + "' has no Stripe price; choose a paid plan", "plan_id");
    }

    public static ApiException priceNotOfPlan(String priceId, String planId, List<String> prices) {
        return problem(400, "unknown_price", "Unknown price", "'" + priceId + "' is not a price of plan '" + planId + "'; use one of "
                + String.join(", ", prices), "price_id");
    }

    public static ApiException notAnUpgrade(String currentPlan, String planId) {
        return problem(409, "not_an_upgrade", "Not an upgrade", "Plan '" + planId + "' is not above the current plan '" + currentPlan
                + "'; checkout only upgrades. Change or cancel a subscription in the customer portal (POST /api/v1/billing/portal)", "plan_id");
    }

    public static ApiException subscriptionExists() {
        return problem(409, "subscription_exists", "Subscription exists", "The organisation already has a live Stripe subscription; "
                + "change its plan in the customer portal (POST /api/v1/billing/portal) rather than starting a second one", null);
    }

    public static ApiException noStripeCustomer() {
        return problem(409, "no_stripe_customer", "No Stripe customer", "The organisation has no Stripe customer yet; the portal opens "
                + "after a first checkout (POST /api/v1/billing/checkout)", null);
    }

    public static ApiException redirectNotAllowed(String field, String origin) {
        return problem(400, "redirect_not_allowed", "Redirect not allowed", "'" + field + "' must be an address under " + origin
                + " (the console's own address), at most 2048 characters", field);
    }

    public static ApiException billingNotConfigured() {
        return problem(503, "billing_not_configured", "Billing not configured",
                "This server has no Stripe API key (api.stripe.api-key); billing sessions are off", null);
    }

    /** Stripe could not be reached or failed after the retries; nothing changed on our side. */
    public static ApiException stripeUnavailable() {
        return problem(502, "stripe_unavailable", "Stripe unavailable",
                "Stripe could not be reached or failed to answer; nothing was changed. Retry in a minute", null);
    }

    /** Stripe refused what we sent: our configuration (a price, the key), not the caller's input. */
    public static ApiException stripeRefused(Integer status, String stripeCode) {
        return problem(502, "stripe_refused", "Stripe refused the request", "Stripe refused the session (HTTP " + status
                + (stripeCode == null ? "" : ", " + stripeCode) + "); the operator has been logged the reason", null);
    }

    public static ApiException internal(String reference) {
        return problem(500, "internal_error", "Internal error",
                "The server failed to handle the request; it has been logged with reference " + reference, null);
    }
}
