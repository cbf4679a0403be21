package io.tunetrail.batch.quality;

import io.delta.tables.DeltaTable;
import io.tunetrail.batch.nightly.OfflineTables;
import io.tunetrail.batch.nightly.PostgresQuery;
import io.tunetrail.model.PlatformConfig;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;
import javax.sql.DataSource;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What a {@link QualityCheck} reads: the offline store's Delta tables (newest versions), PostgreSQL (through Spark's
 * JDBC source for tables to join, through {@link QualityResultsTable} for earlier results), the configuration's
 * limits and the clock.
 */
public final class QualityContext {
    private final SparkSession spark;
    private final PlatformConfig config;
    private final OfflineTables tables;
    private final DataSource dataSource;
    private final QualityResultsTable results;
    private final Clock clock;

    public QualityContext(SparkSession spark, PlatformConfig config, OfflineTables tables, DataSource dataSource, Clock clock) {
        this.spark = spark;
        this.config = config;
        this.tables = tables;
        this.dataSource = dataSource;
        this.results = new QualityResultsTable(dataSource);
        this.clock = clock;
    }

    public SparkSession spark() {
        return spark;
    }

    public PlatformConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public QualityResultsTable results() {
        return results;
    }

    /** Where the offline table lives (for messages). */
    public String location(String table) {
        return tables.location(table);
    }

    /** The table's rows at its newest version; empty when it does not exist (yet). */
    public Optional<Dataset<Row>> delta(String table) {
        if (!tables.exists(table)) {
            return Optional.empty();
        }
        return Optional.of(spark.read().format("delta").load(tables.location(table)));
    }

    /** When the table's newest version was committed; empty when it does not exist. */
    public Optional<Instant> lastCommit(String table) {
        if (!tables.exists(table)) {
            return Optional.empty();
        }
        Row last = DeltaTable.forPath(spark, tables.location(table)).history(1).select("timestamp").first();
        return Optional.of(((Timestamp) last.get(0)).toInstant());
    }

    /** The rows of a PostgreSQL query, as a Spark frame to join with Delta tables. */
    public Dataset<Row> postgres(String query) {
        return PostgresQuery.rows(spark, config, query);
    }

    /** The value the previous run of {@code check} observed for {@code subject}, if any. */
    public OptionalDouble previous(String check, String subject) {
        return results.previousObserved(check, subject);
    }
}
