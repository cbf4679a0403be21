package io.tunetrail.api.service;

import io.tunetrail.store.StoreException;
import io.tunetrail.store.registry.ModelRegistry;
import io.tunetrail.store.registry.ModelVersion;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which model family produced the rows of a served version: the registry's {@code input_snapshot.family}
 * ({@link ModelVersion#family}), remembered per org, lineage and version label. A version's family never changes once
 * registered, so each API process asks PostgreSQL once per version it serves, not per request.
 *
 * <p>A label the registry does not know (rows written without registering a version) is remembered too, but only for
 * {@code missTtlMillis}: it may be registered later, and then its family shows within that bound. Without this, every
 * request for such rows cost a PostgreSQL query.
 */
public final class ServedFamilies {
    /** Versions remembered at most; the least recently served is forgotten first (an org serves one or two at a time). */
    static final int CAPACITY = 10_000;

    /** What is remembered of a label: its family, or (family null) that the registry did not know it at {@code askedAtMillis}. */
    private record Known(String family, long askedAtMillis) {}

    private final ModelRegistry registry;
    private final Clock clock;
    private final long missTtlMillis;
    private final Map<String, Known> known = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
            return size() > CAPACITY;
        }
    });

    /** {@code missTtlMillis}: how long a label the registry did not know is answered without asking again (0: never). */
    public ServedFamilies(ModelRegistry registry, Clock clock, long missTtlMillis) {
        if (missTtlMillis < 0) {
            throw new IllegalArgumentException("the miss expiry cannot be negative, not " + missTtlMillis);
        }
        this.registry = registry;
        this.clock = clock;
        this.missTtlMillis = missTtlMillis;
    }

    /**
     * The family of the org's {@code lineage} version {@code label}; empty when the registry does not know the label
     * (asked again once the remembered miss expires) or cannot be read now (asked again next time).
     */
    public Optional<String> of(String orgId, String lineage, String label) {
        String key = orgId + '\u0000' + lineage + '\u0000' + label;
        long now = clock.millis();
        Known remembered = known.get(key);
        if (remembered != null && (remembered.family() != null || now - remembered.askedAtMillis() < missTtlMillis)) {
            return Optional.ofNullable(remembered.family());
        }
        Optional<String> found;
        try {
            found = registry.byLabel(orgId, lineage, label).map(ModelVersion::family);
        } catch (StoreException unreadable) {
            // The list itself is served from Redis; an answer without its family beats no answer.
            return Optional.empty();
        }
        if (found.isPresent() || missTtlMillis > 0) {
            known.put(key, new Known(found.orElse(null), now));
        }
        return found;
    }
}
