package io.tunetrail.api.service;

import io.tunetrail.store.StoreException;
import io.tunetrail.store.registry.ModelRegistry;
import io.tunetrail.store.registry.ModelVersion;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which model family produced the rows of a served version: the registry's {@code input_snapshot.family}
 * ({@link ModelVersion#family}), remembered per org, lineage and version label. A version's family never changes once
 * registered, so each API process asks PostgreSQL once per version it serves, not per request.
 */
public final class ServedFamilies {
    /** Versions remembered at most; the least recently served is forgotten first (an org serves one or two at a time). */
    static final int CAPACITY = 10_000;

    private final ModelRegistry registry;
    private final Map<String, String> known = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > CAPACITY;
        }
    });

    public ServedFamilies(ModelRegistry registry) {
        this.registry = registry;
    }

    /**
     * The family of the org's {@code lineage} version {@code label}; empty when the registry does not know the label
     * (rows written without registering a version) or cannot be read now, which is asked again next time.
     */
    public Optional<String> of(String orgId, String lineage, String label) {
        String key = orgId + '\u0000' + lineage + '\u0000' + label;
        String family = known.get(key);
        if (family != null) {
            return Optional.of(family);
        }
        try {
            Optional<String> found = registry.byLabel(orgId, lineage, label).map(ModelVersion::family);
            found.ifPresent(f -> known.put(key, f));
            return found;
        } catch (StoreException unreadable) {
            // The list itself is served from Redis; an answer without its family beats no answer.
            return Optional.empty();
        }
    }
}
