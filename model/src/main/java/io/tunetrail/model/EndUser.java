package io.tunetrail.model;

import java.time.Instant;

/** A listener of a customer org, known by the id the customer's app uses for them. */
public record EndUser(String orgId, String userId, String country, Instant firstSeen) {}
