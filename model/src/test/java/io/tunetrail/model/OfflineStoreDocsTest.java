package io.tunetrail.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every table of {@code schemas/offline-store.yaml} is documented for an analyst: how it is written, how long it is
 * kept, an example query, and each column's type and meaning; its partition columns are among its columns. (Whether the
 * documented columns are the written ones is OfflineStoreDocumentedIT's job in batch-training.)
 */
class OfflineStoreDocsTest {
    private static final List<String> TABLE_FIELDS = List.of("path", "partition_by", "write_mode", "retention", "written_by",
            "description", "example_query", "columns");

    @Test
    void everyTableAndColumnIsDocumented() throws Exception {
        JsonNode tables;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(OfflineStoreLayout.RESOURCE)) {
            tables = new ObjectMapper(new YAMLFactory()).readTree(in).path("tables");
        }
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, JsonNode> t : (Iterable<Map.Entry<String, JsonNode>>) tables::fields) {
            JsonNode table = t.getValue();
            TABLE_FIELDS.stream().filter(f -> blank(table.path(f))).forEach(f -> missing.add(t.getKey() + ": " + f));
            for (Map.Entry<String, JsonNode> c : (Iterable<Map.Entry<String, JsonNode>>) table.path("columns")::fields) {
                for (String f : List.of("type", "description")) {
                    if (blank(c.getValue().path(f))) {
                        missing.add(t.getKey() + "." + c.getKey() + ": " + f);
                    }
                }
            }
            table.path("partition_by").forEach(p -> {
                if (!table.path("columns").has(p.asText())) {
                    missing.add(t.getKey() + ": partition column " + p.asText() + " is not among its columns");
                }
            });
        }
        assertThat(tables.size()).isPositive();
        assertThat(missing).as("undocumented parts of schemas/offline-store.yaml").isEmpty();
    }

    private static boolean blank(JsonNode n) {
        return n.isMissingNode() || n.isNull() || (n.isContainerNode() ? n.isEmpty() : n.asText().isBlank());
    }
}
