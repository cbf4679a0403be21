package io.tunetrail.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.TestStack;
import io.tunetrail.store.testing.FreshDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The migrations on an empty database, and the schema's conventions checked against the catalog of the result. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatabaseSchemaIT {
    @RegisterExtension
    static final FreshDatabase DB = FreshDatabase.unmigrated();

    /** Indexes of org-scoped tables that do not start with org_id, each with its reason in the migration. */
    private static final Set<String> INDEX_EXCEPTIONS = Set.of("api_keys_by_hash", "api_keys_key_id_key", "track_embeddings_hnsw",
            "audio_embeddings_hnsw", "console_credentials_by_email", "console_sessions_by_hash",
            "console_invitations_by_token", "console_password_resets_by_token",
            // The API's minute tasks look across orgs: canaries whose period is over, model versions not yet announced.
            "model_canaries_due", "model_version_notices_unannounced");

    @Test
    @Order(1)
    void migrationsApplyToAnEmptyDatabaseAndASecondRunAppliesNothing() {
        assertThat(Database.embeddingDimension(DB.dataSource())).isEmpty();
        int applied = Database.migrate(DB.dataSource(), DB.config());
        assertThat(applied).as("every V*.sql of db/migration").isEqualTo(migrationFiles()).isPositive();
        assertThat(Database.migrate(DB.dataSource(), DB.config())).isZero();
        assertThat(Database.embeddingDimension(DB.dataSource())).hasValue(DB.config().getInt(PlatformConfig.EMBEDDING_DIMENSION));
    }

    /** Counted from the sources (tests run in the module's directory), independently of how Flyway finds them. */
    private static int migrationFiles() {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/migration"))) {
            return (int) files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot list the migrations under src/main/resources/db/migration", e);
        }
    }

    @Test
    @Order(2)
    void aChangedEmbeddingDimensionIsRefusedWithTheFix() {
        int current = DB.config().getInt(PlatformConfig.EMBEDDING_DIMENSION);
        PlatformConfig other = TestStack.config(Map.of(PlatformConfig.POSTGRES_DATABASE.name(), DB.name(),
                PlatformConfig.EMBEDDING_DIMENSION.name(), String.valueOf(current + 1)));
        assertThatThrownBy(() -> Database.migrate(DB.dataSource(), other))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("has " + current + " dimensions but configuration key embedding.dimension is " + (current + 1))
                .hasMessageContaining("TUNETRAIL_EMBEDDING_DIMENSION");
    }

    @Test
    @Order(3)
    void everyOrgScopedTableIsKeyedAndReferencedByOrgId() throws SQLException {
        List<String> orgScoped = strings("SELECT c.table_name FROM information_schema.columns c JOIN information_schema.tables t "
                + "USING (table_schema, table_name) WHERE c.table_schema = 'public' AND c.column_name = 'org_id' "
                + "AND c.is_nullable = 'NO' AND t.table_type = 'BASE TABLE' AND c.table_name <> 'organisations' ORDER BY 1");
        assertThat(orgScoped).contains("teams", "members", "team_members", "api_keys", "end_users", "artists", "genres", "tracks",
                "track_genres", "audio_features", "track_embeddings", "usage_ledger", "track_similarities", "user_similarities",
                "genre_correlations", "temporal_patterns", "monthly_trends", "context_correlations", "org_model_policy",
                "training_requests");
        for (String table : orgScoped) {
            // The first column of the primary key, or of the natural unique key where there is no primary key.
            List<String> firstKeyColumn = strings("SELECT a.attname FROM pg_index i JOIN pg_attribute a "
                    + "ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] WHERE i.indrelid = '" + table + "'::regclass "
                    + "AND (i.indisprimary OR (i.indisunique AND NOT EXISTS (SELECT 1 FROM pg_index p WHERE p.indrelid = i.indrelid AND p.indisprimary))) "
                    + "AND i.indexprs IS NULL AND i.indpred IS NULL");
            assertThat(firstKeyColumn).as("key of %s starts with org_id", table).contains("org_id");
            // Directly, or through a composite key into another org-scoped table (which, by this same loop, does). Other
            // cascades (analytics rows from their model version) are allowed beside it; they lead with org_id too (below).
            List<String> foreignKeys = strings("SELECT confrelid::regclass::text FROM pg_constraint WHERE contype = 'f' AND conrelid = '"
                    + table + "'::regclass AND confdeltype = 'c'");
            assertThat(foreignKeys).as("%s cascades from organisations or another org-scoped table", table).isNotEmpty()
                    .anySatisfy(target -> assertThat(target).isIn(orgScopedOrOrganisations(orgScoped)));
            List<String> foreignKeysWithoutOrg = strings("SELECT conname FROM pg_constraint c WHERE contype = 'f' AND conrelid = '"
                    + table + "'::regclass AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.conrelid "
                    + "AND a.attnum = c.conkey[1] AND a.attname = 'org_id')");
            assertThat(foreignKeysWithoutOrg).as("foreign keys of %s lead with org_id", table).isEmpty();
            List<String> indexesNotLeadingWithOrg = strings("SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
                    + "LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
                    + "WHERE i.indrelid = '" + table + "'::regclass AND a.attname IS DISTINCT FROM 'org_id'");
            assertThat(indexesNotLeadingWithOrg).as("indexes of %s lead with org_id", table).isSubsetOf(INDEX_EXCEPTIONS);
        }
    }

    private static List<String> orgScopedOrOrganisations(List<String> orgScoped) {
        List<String> targets = new ArrayList<>(orgScoped);
        targets.add("organisations");
        return targets;
    }

    @Test
    @Order(4)
    void everyTableSaysWhatItIs() throws SQLException {
        List<String> uncommented = strings("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'flyway_schema_history' "
                + "AND coalesce(obj_description(c.oid, 'pg_class'), '') = ''");
        assertThat(uncommented).isEmpty();
    }

    @Test
    @Order(5)
    void theIdDomainIsThePlatformsIdRule() throws SQLException {
        List<String> check = strings("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contypid = 'tt_id'::regtype");
        assertThat(check).singleElement().asString()
                .contains("'" + io.tunetrail.model.Ids.PATTERN + "'")
                .contains("<= " + io.tunetrail.model.Ids.MAX_LENGTH);
    }

    @Test
    @Order(5)
    void constraintsRefuseOutOfRangeValues() throws SQLException {
        execute("INSERT INTO organisations (org_id, name, plan_id) VALUES ('o1', 'Org one', 'pro')");
        assertRefused("INSERT INTO organisations (org_id, name, plan_id) VALUES ('bad id', 'x', 'pro')", "tt_id");
        assertRefused("INSERT INTO organisations (org_id, name, plan_id, edition) VALUES ('o2', 'x', 'pro', 'gold')", "edition");
        assertRefused("INSERT INTO members (org_id, member_id, email, role) VALUES ('o1', 'm1', 'a@b.c', 'boss')", "role");
        assertRefused("INSERT INTO tracks (org_id, track_id, title, duration_ms, popularity) VALUES ('o1', 't1', 'x', 1, 101)", "popularity");
        assertRefused("INSERT INTO api_keys (org_id, key_id, name, key_hash, key_prefix) VALUES ('o1', 'k1', 'k', 'secret', 'tt_ab')",
                "key_hash");
        assertRefused("INSERT INTO model_versions (org_id, algorithm, version, status) VALUES ('o1', 'als', 'v1', 'active')",
                "model_versions_active_was_promoted");
        assertRefused("INSERT INTO usage_ledger (org_id, resource, period, period_start, units) VALUES ('o1', 'api_calls', 'month', '2026-11-02', 1)",
                "usage_ledger_month_starts_on_the_first");
        // A storage cost (V99): one row per org and day, keyed by the day, with no CPU time.
        execute("INSERT INTO usage_costs (org_id, kind, job_id, day, cpu_seconds, usd) VALUES ('o1', 'storage', '2026-11-22', '2026-11-22', 0, 0.01)");
        assertRefused("INSERT INTO usage_costs (org_id, kind, job_id, day, cpu_seconds, usd) VALUES ('o1', 'storage', '2026-11-22', '2026-11-22', 0, 0.01)",
                "usage_costs_once");
        assertRefused("INSERT INTO usage_costs (org_id, kind, job_id, day, cpu_seconds, usd) VALUES ('o1', 'storage', 'x', '2026-11-23', 0, 0)",
                "usage_costs_storage_shape");
        assertRefused("INSERT INTO usage_costs (org_id, kind, job_id, day, cpu_seconds, usd) VALUES ('o1', 'storage', '2026-11-23', '2026-11-23', 1, 0)",
                "usage_costs_storage_shape");
        assertRefused("INSERT INTO usage_costs (org_id, kind, job_id, day, cpu_seconds, usd) VALUES ('o1', 'disk', 'j', '2026-11-23', 0, 0)",
                "usage_costs_kind_check");
        // A track of org o1 cannot point at an artist of another org, even one with the same id.
        execute("INSERT INTO organisations (org_id, name, plan_id) VALUES ('o2', 'Org two', 'pro')");
        execute("INSERT INTO artists (org_id, artist_id, name) VALUES ('o2', 'a1', 'Artist')");
        assertRefused("INSERT INTO tracks (org_id, track_id, title, artist_id, duration_ms, popularity) VALUES ('o1', 't1', 'x', 'a1', 1, 1)",
                "tracks_org_id_artist_id_fkey");
    }

    @Test
    @Order(6)
    void globalModelsAreUniqueAndOneVersionIsActivePerOrgAndAlgorithm() throws SQLException {
        execute("INSERT INTO model_versions (org_id, algorithm, version) VALUES (NULL, 'popularity', 'v1')");
        assertRefused("INSERT INTO model_versions (org_id, algorithm, version) VALUES (NULL, 'popularity', 'v1')", "model_versions_unique");
        execute("INSERT INTO model_versions (org_id, algorithm, version, status, promoted_at) VALUES (NULL, 'popularity', 'v2', 'active', now())");
        assertRefused("INSERT INTO model_versions (org_id, algorithm, version, status, promoted_at) VALUES (NULL, 'popularity', 'v3', 'active', now())",
                "model_versions_one_active");
        execute("INSERT INTO model_versions (org_id, algorithm, version, status, promoted_at) VALUES ('o1', 'popularity', 'v3', 'active', now())");
    }

    @Test
    @Order(7)
    void analyticsRowsAndPinsPointOnlyAtTheOrgsOwnVersions() throws SQLException {
        execute("INSERT INTO model_versions (org_id, algorithm, version) VALUES ('o1', 'track-similarity', 'ts1')");
        String o1Version = "(SELECT model_version_id FROM model_versions WHERE org_id = 'o1' AND version = 'ts1')";
        execute("INSERT INTO track_similarities (org_id, model_version_id, track_id, rank, similar_track_id, score) "
                + "VALUES ('o1', " + o1Version + ", 't1', 1, 't2', 0.9)");
        assertRefused("INSERT INTO track_similarities (org_id, model_version_id, track_id, rank, similar_track_id, score) "
                + "VALUES ('o2', " + o1Version + ", 't1', 1, 't2', 0.9)", "track_similarities_org_id_model_version_id_fkey");
        assertRefused("INSERT INTO org_model_policy (org_id, pinned_model_version_id) VALUES ('o2', " + o1Version + ")",
                "org_model_policy_org_id_pinned_model_version_id_fkey");
        execute("INSERT INTO org_model_policy (org_id, pinned_model_version_id) VALUES ('o1', " + o1Version + ")");
        // A model-version alert (V98): once per version, of the org's own versions, without a quota's fields; a quota alert keeps them.
        execute("INSERT INTO alerts (org_id, kind, version_id, reached_at) VALUES ('o1', 'model_version', " + o1Version + ", now())");
        assertRefused("INSERT INTO alerts (org_id, kind, version_id, reached_at) VALUES ('o1', 'model_version', " + o1Version + ", now())",
                "alerts_once_per_model_version");
        assertRefused("INSERT INTO alerts (org_id, kind, version_id, reached_at) VALUES ('o2', 'model_version', " + o1Version + ", now())",
                "alerts_org_id_version_id_fkey");
        assertRefused("INSERT INTO alerts (org_id, kind, version_id, threshold_percent, reached_at) VALUES ('o1', 'model_version', "
                + o1Version + ", 50, now())", "alerts_shape_of_kind");
        assertRefused("INSERT INTO alerts (org_id, kind, period, period_start, threshold_percent, limit_value, used_value, reached_at) "
                + "VALUES ('o1', 'quota', 'day', '2026-11-22', 50, 10, 5, now())", "alerts_shape_of_kind");
        assertRefused("DELETE FROM model_versions WHERE org_id = 'o1' AND version = 'ts1'", "org_model_policy");
        execute("DELETE FROM org_model_policy WHERE org_id = 'o1'");
        execute("DELETE FROM model_versions WHERE org_id = 'o1' AND version = 'ts1'");
        assertThat(strings("SELECT track_id FROM track_similarities WHERE org_id = 'o1'")).isEmpty();
    }

    @Test
    @Order(8)
    void deletingAnOrgDeletesItsData() throws SQLException {
        execute("INSERT INTO teams (org_id, team_id, name) VALUES ('o2', 'team1', 'Team')");
        execute("INSERT INTO api_keys (org_id, key_id, team_id, name, key_hash, key_prefix, scopes) VALUES ('o2', 'k2', 'team1', 'ci', "
                + "encode(sha256('secret'::bytea), 'hex'), 'tt_k2ab', '{recommendations:read}')");
        execute("INSERT INTO usage_ledger (org_id, api_key_id, resource, period, period_start, units) VALUES ('o2', 'k2', 'api_calls', 'day', '2026-11-22', 5)");
        // A key's team may go; the key stays (team_id only is set to null, org_id is untouched).
        execute("DELETE FROM teams WHERE org_id = 'o2'");
        assertThat(strings("SELECT coalesce(team_id, 'none') FROM api_keys WHERE key_id = 'k2'")).containsExactly("none");
        execute("INSERT INTO model_versions (org_id, algorithm, version) VALUES ('o2', 'genre-correlations', 'g1')");
        execute("INSERT INTO org_model_policy (org_id, pinned_model_version_id, frozen) SELECT 'o2', model_version_id, true "
                + "FROM model_versions WHERE org_id = 'o2'");
        execute("DELETE FROM organisations WHERE org_id = 'o2'");
        assertThat(strings("SELECT org_id FROM artists WHERE org_id = 'o2' UNION ALL SELECT org_id FROM api_keys WHERE org_id = 'o2' "
                + "UNION ALL SELECT org_id FROM usage_ledger WHERE org_id = 'o2'")).isEmpty();
    }

    private static void assertRefused(String sql, String constraint) {
        assertThatThrownBy(() -> execute(sql)).isInstanceOf(SQLException.class).hasMessageContaining(constraint);
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = DB.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static List<String> strings(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DB.dataSource().getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
