package io.tunetrail.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each offline (Delta) table lives and how it is partitioned, read from {@code schemas/offline-store.yaml}.
 * Spark and Flink jobs resolve table locations only through this class, so the layout has one definition.
 */
public final class OfflineStoreLayout {
    public static final String RESOURCE = "tunetrail/schemas/offline-store.yaml";

    /** One table of the offline store. */
    public record Table(String name, String path, List<String> partitionBy, String writtenBy, String description) {
        /** The table's location under a store root ({@code /data/lake}, {@code s3a://bucket/lake}). */
        public String location(String root) {
            return root.endsWith("/") ? root + path : root + "/" + path;
        }
    }

    private final Map<String, Table> tables;

    private OfflineStoreLayout(Map<String, Table> tables) {
        this.tables = Collections.unmodifiableMap(tables);
    }

    public static OfflineStoreLayout load() {
        try (InputStream in = OfflineStoreLayout.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath; rebuild tunetrail-model");
            }
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
            Map<String, Table> tables = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("tables").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode t = e.getValue();
                List<String> partitions = new ArrayList<>();
                t.path("partition_by").forEach(p -> partitions.add(p.asText()));
                tables.put(e.getKey(), new Table(e.getKey(), t.path("path").asText(), List.copyOf(partitions),
                        t.path("written_by").asText(), t.path("description").asText()));
            }
            return new OfflineStoreLayout(tables);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** The table of this name; fails listing the known names when there is none. */
    public Table table(String name) {
        Table t = tables.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no offline table '" + name + "'; known: " + String.join(", ", tables.keySet()));
        }
        return t;
    }

    public List<Table> tables() {
        return List.copyOf(tables.values());
    }
}
