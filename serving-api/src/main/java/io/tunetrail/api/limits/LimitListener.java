package io.tunetrail.api.limits;

import java.time.Instant;

/** Told when an org's quota refuses a request (for the {@code usage.limit_reached} webhook). Called on the request's thread. */
@FunctionalInterface
public interface LimitListener {
    void limitReached(String orgId, String resource, String period, long limit, Instant resetsAt);
}
