package io.tunetrail.api.auth;

import java.time.Instant;
import java.util.List;

/** An API key as the API shows it: never the secret, only its visible prefix. */
public record ApiKey(
        String keyId,
        String orgId,
        String teamId,
        String memberId,
        String name,
        String prefix,
        List<String> scopes,
        Instant expiresAt,
        Instant revokedAt,
        Instant lastUsedAt,
        Instant createdAt) {}
