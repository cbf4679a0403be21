package io.tunetrail.batch.nightly;

import io.tunetrail.model.PlatformConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The rows of a PostgreSQL query as a Spark frame (Spark's JDBC source), to join with the offline store's tables. */
public final class PostgresQuery {
    private PostgresQuery() {}

    public static Dataset<Row> rows(SparkSession spark, PlatformConfig config, String query) {
        return spark.read().format("jdbc")
                .option("url", config.jdbcUrl())
                .option("driver", "org.postgresql.Driver")
                .option("user", config.get(PlatformConfig.POSTGRES_USER))
                .option("password", config.get(PlatformConfig.POSTGRES_PASSWORD))
                .option("query", query)
                .load();
    }
}
