package io.tunetrail.ingestion.importers;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Readable ids for a small vocabulary of names (genres): {@code prefix + slug}, e.g. {@code sp-g-r-b} for "r&b".
 *
 * <p>Two different names with the same slug ("hip hop", "hip-hop") must not share an id, so the second one, and any
 * name without a slug, gets {@link Ids#hashed} instead. Which one is second depends on file order, which is fixed
 * for a given file, so ids are still deterministic per input.
 */
final class NamedIds {
    private final String prefix;
    private final Map<String, String> byName = new HashMap<>();
    private final Set<String> taken = new HashSet<>();

    NamedIds(String prefix) {
        this.prefix = prefix;
    }

    String idFor(String name) {
        String known = byName.get(name);
        if (known != null) {
            return known;
        }
        String slug = Ids.slug(name);
        String id = slug.isEmpty() || taken.contains(prefix + slug) ? Ids.hashed(prefix, name) : prefix + slug;
        byName.put(name, id);
        taken.add(id);
        return id;
    }
}
