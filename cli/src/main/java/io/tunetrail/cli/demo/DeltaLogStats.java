package io.tunetrail.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.model.EventCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Rows and orgs of a local Delta table, read from its transaction log alone ({@code _delta_log/*.json}: the files each
 * commit added and removed, with their record counts), so the CLI reads the offline store back without Spark.
 * Counts come from the writers' file statistics, which Delta writes by default.
 *
 * <p>Replaying every JSON commit is exact while the log holds all of them; Delta's checkpoints (Parquet, every 10
 * commits) only summarise them. Once log clean-up has deleted the commits a checkpoint covers, the JSON files alone
 * no longer hold the table, so this refuses rather than count part of it: Delta's own snapshot
 * ({@code BatchJobsMain --peek}, batch-training's {@code DeltaTableStats}) reads such a table, and any table on S3.
 */
public record DeltaLogStats(long rows, int orgs, long version) {

    /** Empty when there is no table at {@code location}. */
    public static java.util.Optional<DeltaLogStats> read(Path location) throws IOException {
        Path log = location.resolve("_delta_log");
        if (!Files.isDirectory(log)) {
            return java.util.Optional.empty();
        }
        List<Path> commits;
        try (Stream<Path> files = Files.list(log)) {
            commits = files.filter(p -> p.getFileName().toString().matches("\\d{20}\\.json")).sorted().toList();
        }
        if (!commits.isEmpty() && version(commits.get(0)) != 0) {
            throw new IOException("its commits before version " + version(commits.get(0))
                    + " were cleaned up after a checkpoint; Delta's snapshot reads it (./tunetrail land shows its size)");
        }
        Map<String, Long> live = new HashMap<>();
        Map<String, String> orgOf = new HashMap<>();
        for (Path commit : commits) {
            try (BufferedReader r = Files.newBufferedReader(commit)) {
                String line;
                while ((line = r.readLine()) != null) {
                    JsonNode action = EventCodec.mapper().readTree(line);
                    if (action.has("add")) {
                        JsonNode add = action.get("add");
                        String stats = add.path("stats").asText("");
                        long n = stats.isEmpty() ? 0 : EventCodec.mapper().readTree(stats).path("numRecords").asLong();
                        live.put(add.get("path").asText(), n);
                        orgOf.put(add.get("path").asText(), add.path("partitionValues").path("org_id").asText(""));
                    } else if (action.has("remove")) {
                        live.remove(action.get("remove").get("path").asText());
                    }
                }
            }
        }
        Set<String> orgs = new HashSet<>();
        live.forEach((path, n) -> {
            if (n > 0) {
                orgs.add(orgOf.get(path));
            }
        });
        long version = commits.isEmpty() ? -1 : version(commits.get(commits.size() - 1));
        return java.util.Optional.of(new DeltaLogStats(live.values().stream().mapToLong(Long::longValue).sum(), orgs.size(), version));
    }

    private static long version(Path commit) {
        return Long.parseLong(commit.getFileName().toString().replace(".json", ""));
    }
}
