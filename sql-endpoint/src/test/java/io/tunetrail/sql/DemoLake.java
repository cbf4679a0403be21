package io.tunetrail.sql;

import io.tunetrail.model.OfflineStoreLayout;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * A demo-like offline store for the notebooks: three weeks of plays and metered calls of two orgs, the dead letters of
 * a few refused records, a catalog, and the marts the nightly chain derives from them (computed here with the same
 * definitions in SQL; refusals, revenue, costs and A/B snapshots, whose sources are PostgreSQL and Redis, are made
 * up), each table with its columns of {@code schemas/offline-store.yaml}. Deterministic: pseudo-random values are
 * hashes of the row number, and plays are skewed to the first tracks (a few hits, a long tail).
 */
final class DemoLake {
    static final int DAYS = 21;
    static final int EVENTS = 6_000;
    static final int TRACKS = 60;

    private DemoLake() {}

    static void write(SparkSession spark, String root, List<String> orgs) {
        OfflineStoreLayout layout = OfflineStoreLayout.load();
        String orgCase = "CASE WHEN pmod(hash(id, 'org'), 3) = 0 THEN '" + orgs.get(1) + "' ELSE '" + orgs.get(0) + "' END";
        spark.sql("""
                SELECT org_id, user_id, track_id, event_type,
                       CAST(CASE WHEN event_type = 'skip' THEN 20000 + pmod(hash(id, 'p'), 20000)
                            WHEN event_type IN ('play', 'complete') THEN 120000 + pmod(hash(id, 'p'), 100000) ELSE 0 END AS BIGINT) AS played_ms,
                       CAST(180000 + pmod(hash(track_id), 60000) AS BIGINT) AS track_duration_ms,
                       event_time,
                       named_struct('device', element_at(array('mobile', 'desktop', 'web', 'speaker', 'car'), 1 + pmod(hash(id, 'd'), 5)),
                                    'activity', element_at(array('workout', 'study', 'commute', 'relax'), 1 + pmod(hash(id, 'a'), 4))) AS context,
                       concat('ce-', id) AS client_event_id, 1 AS count, to_date(event_time) AS event_date,
                       0 AS kafka_partition, id AS kafka_offset, event_time + INTERVAL 2 SECONDS AS kafka_timestamp
                FROM (SELECT id, %s AS org_id,
                             concat('u', lpad(CAST(pmod(hash(id, 'u'), 40) AS STRING), 3, '0')) AS user_id,
                             concat('tr-', lpad(CAST(1 + CAST(floor(pow(pmod(hash(id, 't'), 1000) / 1000.0D, 2) * %d) AS INT) AS STRING), 6, '0')) AS track_id,
                             element_at(array('play', 'play', 'complete', 'complete', 'skip', 'like', 'add_to_playlist', 'dislike'), 1 + pmod(hash(id, 'e'), 8)) AS event_type,
                             TIMESTAMP'2026-11-10 00:00:00' + make_dt_interval(pmod(hash(id, 'day'), %d), pmod(hash(id, 'h'), 24), pmod(hash(id, 'm'), 60), 0) AS event_time
                      FROM range(%d))
                """.formatted(orgCase, TRACKS, DAYS, EVENTS))
                .write().format("delta").partitionBy("org_id", "event_date").save(layout.table("interactions").location(root));
        spark.sql("""
                SELECT org_id, concat('key_', org_id, '_', pmod(hash(id, 'k'), 3)) AS api_key_id, resource,
                       CAST(CASE WHEN resource = 'api_calls' THEN 1 ELSE 1 + pmod(hash(id, 'n'), 5) END AS BIGINT) AS units,
                       event_time, concat('req-', id) AS request_id, to_date(event_time) AS event_date,
                       0 AS kafka_partition, id AS kafka_offset, event_time + INTERVAL 1 SECOND AS kafka_timestamp
                FROM (SELECT id, %s AS org_id,
                             element_at(array('api_calls', 'api_calls', 'api_calls', 'audio_analysis', 'model_training'), 1 + pmod(hash(id, 'r'), 5)) AS resource,
                             TIMESTAMP'2026-11-10 00:00:00' + make_dt_interval(pmod(hash(id, 'day'), %d), pmod(hash(id, 'h'), 24), 0, 0) AS event_time
                      FROM range(3000))
                """.formatted(orgCase, DAYS))
                .write().format("delta").partitionBy("org_id", "event_date").save(layout.table("usage").location(root));
        spark.sql("""
                SELECT CAST(NULL AS STRING) AS original_key, 'eyJiYWQiOg==' AS original_value_base64, 'interactions' AS source_topic,
                       CAST(pmod(id, 3) AS INT) AS source_partition, id * 17 AS source_offset,
                       element_at(array('MALFORMED_JSON', 'SCHEMA_VIOLATION', 'UNKNOWN_ORG'), 1 + pmod(hash(id), 3)) AS reason_code,
                       'demo refusal' AS reason, failed_at, element_at(array('lander', 'ingestion'), 1 + CAST(pmod(id, 2) AS INT)) AS stage,
                       to_date(failed_at) AS failed_date, 'interactions' AS kafka_topic, CAST(pmod(id, 3) AS INT) AS kafka_partition,
                       id AS kafka_offset, failed_at AS kafka_timestamp
                FROM (SELECT id, TIMESTAMP'2026-11-10 08:00:00' + make_dt_interval(pmod(id * 5, %d), 0, 0, 0) AS failed_at FROM range(24))
                """.formatted(DAYS))
                .write().format("delta").partitionBy("stage", "failed_date").save(layout.table("dead_letters").location(root));
        spark.sql("""
                SELECT org_id, concat('tr-', lpad(CAST(t AS STRING), 6, '0')) AS track_id, concat('Song ', t) AS title,
                       concat('ar-', pmod(t, 12)) AS artist_id, concat('Album ', pmod(t, 8)) AS album, 1990 + pmod(t, 35) AS release_year,
                       CAST(180000 + pmod(hash(concat('tr-', lpad(CAST(t AS STRING), 6, '0'))), 60000) AS BIGINT) AS duration_ms,
                       CAST(100 - t * 100 / %d AS INT) AS popularity, CAST(NULL AS STRING) AS isrc,
                       array(element_at(array('pop', 'rock', 'jazz', 'electronic'), 1 + pmod(t, 4))) AS genre_ids,
                       TIMESTAMP'1970-01-01 00:00:00' AS valid_from, CAST(NULL AS TIMESTAMP) AS valid_to, true AS is_current
                FROM (SELECT CAST(id AS INT) + 1 AS t FROM range(%d)) CROSS JOIN (SELECT explode(array('%s', '%s')) AS org_id)
                """.formatted(TRACKS, TRACKS, orgs.get(0), orgs.get(1)))
                .write().format("delta").partitionBy("org_id").save(layout.table("catalog_tracks").location(root));
        marts(spark, root, layout, orgs);
    }

    private static void marts(SparkSession spark, String root, OfflineStoreLayout layout, List<String> orgs) {
        String interactions = "delta.`" + layout.table("interactions").location(root) + "`";
        String usage = "delta.`" + layout.table("usage").location(root) + "`";
        spark.sql("""
                SELECT org_id, event_date,
                       sum(IF(event_type IN ('play', 'complete', 'skip'), count, 0)) AS plays,
                       count(DISTINCT IF(event_type IN ('play', 'complete', 'skip'), user_id, NULL)) AS listeners,
                       sum(IF(event_type IN ('play', 'complete', 'skip'), played_ms * count, 0)) / 60000.0D AS minutes,
                       sum(IF(event_type = 'skip', count, 0)) AS skips,
                       sum(IF(event_type = 'skip', count, 0)) / nullif(sum(IF(event_type IN ('play', 'complete', 'skip'), count, 0)), 0) AS skip_rate,
                       CAST(count(DISTINCT user_id, hour(event_time) DIV 4) AS BIGINT) AS sessions,
                       CAST(sum(count) AS BIGINT) AS events, 'demo-run' AS mart_run_id
                FROM %s GROUP BY org_id, event_date
                """.formatted(interactions))
                .write().format("delta").partitionBy("org_id").save(layout.table("mart_listening_daily").location(root));
        // Refusals: about one call in 40 refused for a plan feature, one in 15 for the rate limit.
        spark.sql("""
                SELECT *, IF(refused_402 + refused_429 = 0, NULL, map_filter(map('plan_feature:advanced_analytics', refused_402,
                          'rate_limited', refused_429), (k, v) -> v > 0)) AS refusal_reasons, 'demo-run' AS mart_run_id
                FROM (SELECT org_id, event_date AS usage_date, api_key_id, resource,
                             IF(org_id = '%s', 'enterprise', 'pro') AS plan_id,
                             count(DISTINCT request_id) AS requests, sum(units) AS units,
                             min(event_time) AS first_request_at, max(event_time) AS last_request_at,
                             CAST(sum(IF(pmod(hash(request_id, '402'), 40) = 0, 1, 0)) AS BIGINT) AS refused_402,
                             CAST(sum(IF(pmod(hash(request_id, '429'), 15) = 0, 1, 0)) AS BIGINT) AS refused_429
                      FROM %s GROUP BY org_id, event_date, api_key_id, resource)
                """.formatted(orgs.get(0), usage))
                .write().format("delta").partitionBy("org_id").save(layout.table("mart_usage_daily").location(root));
        spark.sql("""
                SELECT revenue_month, plan_id, orgs, paying_orgs, list_price_usd, paying_orgs * list_price_usd AS mrr_usd,
                       map('api_calls', orgs * 900, 'audio_analysis', orgs * 40) AS metered_units, 'demo-run' AS mart_run_id
                FROM VALUES (DATE'2026-11-01', 'free', 3L, 0L, 0.0D), (DATE'2026-11-01', 'starter', 4L, 3L, 49.0D),
                            (DATE'2026-11-01', 'pro', 2L, 1L, 299.0D), (DATE'2026-11-01', 'enterprise', 1L, 1L, 1999.0D),
                            (DATE'2026-12-01', 'free', 4L, 0L, 0.0D), (DATE'2026-12-01', 'starter', 5L, 4L, 49.0D),
                            (DATE'2026-12-01', 'pro', 2L, 2L, 299.0D), (DATE'2026-12-01', 'enterprise', 1L, 1L, 1999.0D)
                     AS t(revenue_month, plan_id, orgs, paying_orgs, list_price_usd)
                """).write().format("delta").partitionBy("revenue_month").save(layout.table("mart_revenue_monthly").location(root));
        spark.sql("""
                SELECT org_id, date_add(DATE'2026-11-10', d) AS cost_date, kind, CAST(1 + pmod(hash(org_id, d, kind), 3) AS BIGINT) AS runs,
                       CAST(cpu AS DOUBLE) AS cpu_seconds, CAST(cpu * 0.0000139D AS DECIMAL(18,8)) AS usd, 'demo-run' AS mart_run_id
                FROM (SELECT org_id, d, kind, 30 + pmod(hash(org_id, d, kind, 'cpu'), 300) AS cpu
                      FROM (SELECT explode(array('%s', '%s')) AS org_id) CROSS JOIN (SELECT CAST(id AS INT) AS d FROM range(%d))
                           CROSS JOIN (SELECT explode(array('nightly', 'training')) AS kind))
                """.formatted(orgs.get(0), orgs.get(1), DAYS))
                .write().format("delta").partitionBy("org_id").save(layout.table("mart_costs_daily").location(root));
        // Four nightly evaluations per org: the org's ALS improving version by version beside the popularity baseline.
        spark.sql("""
                SELECT org_id, model_version, model_family, model_family AS recommender, concat('run-', v) AS run_id, evaluated_at,
                       to_date(evaluated_at) AS evaluated_date, 10 AS k, 'leave-last-out' AS split, 40 AS users,
                       precision, precision * 1.6D AS recall, ndcg, ndcg * 0.8D AS map, coverage, novelty, popularity_bias,
                       baseline_precision, baseline_ndcg, 0.05D AS baseline_coverage,
                       ndcg / nullif(baseline_ndcg, 0) AS ndcg_vs_baseline, precision / nullif(baseline_precision, 0) AS precision_vs_baseline,
                       'demo-run' AS mart_run_id
                FROM (SELECT org_id, v, family AS model_family,
                             IF(family = 'als', concat('1.', v), 'popularity') AS model_version,
                             TIMESTAMP'2026-11-20 03:00:00' + make_dt_interval(v * 3, 0, 0, 0) AS evaluated_at,
                             IF(family = 'als', 0.08D + v * 0.01D, 0.06D) AS precision, IF(family = 'als', 0.12D + v * 0.015D, 0.09D) AS ndcg,
                             IF(family = 'als', 0.30D + v * 0.05D, 0.05D) AS coverage, IF(family = 'als', 6.5D + v * 0.2D, 4.0D) AS novelty,
                             IF(family = 'als', 1.8D - v * 0.1D, 3.2D) AS popularity_bias, 0.06D AS baseline_precision, 0.09D AS baseline_ndcg
                      FROM (SELECT explode(array('%s', '%s')) AS org_id) CROSS JOIN (SELECT CAST(id AS INT) AS v FROM range(4))
                           CROSS JOIN (SELECT explode(array('als', 'popularity')) AS family))
                """.formatted(orgs.get(0), orgs.get(1)))
                .write().format("delta").partitionBy("org_id").save(layout.table("mart_model_quality").location(root));
        // Ten nightly snapshots of one running experiment per org: the treatment pulling ahead of the control.
        spark.sql("""
                SELECT org_id, date_add(DATE'2026-11-20', d) AS snapshot_date, 'experiment' AS test_kind, 'exp-demo' AS test_id,
                       'rank 16 against rank 8' AS test_name, TIMESTAMP'2026-11-19 12:00:00' AS test_started_at, arm, model_version,
                       50.0D AS share_percent, positive, negative, positive + negative AS judged,
                       positive / (positive + negative) AS positive_rate, map('like', positive, 'skip', negative) AS feedback,
                       CAST(date_add(DATE'2026-11-20', d) AS TIMESTAMP) + INTERVAL 3 HOURS AS snapshot_at, 'demo-run' AS mart_run_id
                FROM (SELECT org_id, d, arm, IF(arm = 'control', '1.2', '1.3') AS model_version,
                             CAST((d + 1) * IF(arm = 'control', 12, 15) AS BIGINT) AS positive, CAST((d + 1) * 8 AS BIGINT) AS negative
                      FROM (SELECT explode(array('%s', '%s')) AS org_id) CROSS JOIN (SELECT CAST(id AS INT) AS d FROM range(10))
                           CROSS JOIN (SELECT explode(array('control', 'treatment')) AS arm))
                """.formatted(orgs.get(0), orgs.get(1)))
                .write().format("delta").partitionBy("org_id", "snapshot_date").save(layout.table("mart_model_arms_daily").location(root));
    }
}
