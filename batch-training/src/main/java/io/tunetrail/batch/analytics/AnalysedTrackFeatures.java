package io.tunetrail.batch.analytics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.get_json_object;

import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.PostgresQuery;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The audio features of each catalog track's newest analysis ({@code audio_analyses} in PostgreSQL: the API's uploads,
 * {@code ./tunetrail analyze} and the nightly audio-analysis job all write there), in the columns
 * {@link AudioEmbeddings#analysedSchema()} names.
 */
final class AnalysedTrackFeatures {
    // Newest first; the analysis id breaks ties of one instant, so a rerun picks the same analysis.
    private static final String NEWEST = """
            SELECT DISTINCT ON (org_id, track_id) org_id, track_id, analyser_version, features::text AS features_json
            FROM audio_analyses WHERE track_id IS NOT NULL%s
            ORDER BY org_id, track_id, created_at DESC, analysis_id DESC
            """;

    private AnalysedTrackFeatures() {}

    static Dataset<Row> read(NightlyContext ctx) {
        String filter = ctx.orgFilter().map(o -> " AND org_id = '" + o.replace("'", "''") + "'").orElse("");
        Dataset<Row> rows = PostgresQuery.rows(ctx.spark(), ctx.config(), NEWEST.formatted(filter));
        List<Column> columns = new ArrayList<>(List.of(col("org_id"), col("track_id"), col("analyser_version")));
        // The analyser writes Spotify's field names, which are the embedding's feature names.
        for (String c : AudioEmbeddings.AUDIO) {
            columns.add(get_json_object(col("features_json"), "$." + c).cast("double").as(c));
        }
        return rows.select(columns.toArray(new Column[0]));
    }
}
