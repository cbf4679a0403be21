package io.tunetrail.model;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/** Lookup of our enums by their wire names: the decoders look one up per event, so no scan and no lower-casing. */
final class WireNames {
    private WireNames() {}

    static <E> Map<String, E> index(E[] values, Function<E, String> wireName) {
        // A HashMap and not Map.copyOf: get(null) must answer null, not throw.
        Map<String, E> byName = new HashMap<>();
        for (E e : values) {
            byName.put(wireName.apply(e), e);
        }
        return byName;
    }
}
