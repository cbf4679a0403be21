package io.tunetrail.batch.eval.family;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The model families the evaluation knows, by name, in the order the eval runs and prints them. */
public final class Families {
    private static final Map<String, Family> ALL = new LinkedHashMap<>();

    static {
        for (Family f : List.of(new Als(), new Ease(), new ItemKnn(), new Sar(), new Bpr(), new LightGcn(), new Content())) {
            ALL.put(f.name(), f);
        }
    }

    private Families() {}

    public static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    /** The families named in a comma-separated list ({@code null} or blank: all), in the canonical order. */
    public static List<Family> parse(String list) {
        if (list == null || list.isBlank()) {
            return List.copyOf(ALL.values());
        }
        List<String> wanted = new ArrayList<>();
        for (String name : list.split(",")) {
            String n = name.trim();
            if (!ALL.containsKey(n)) {
                throw new IllegalArgumentException("unknown family '" + n + "'; the families are " + String.join(", ", names()));
            }
            wanted.add(n);
        }
        return ALL.values().stream().filter(f -> wanted.contains(f.name())).toList();
    }

    public static Family popularity() {
        return new Popularity();
    }
}
