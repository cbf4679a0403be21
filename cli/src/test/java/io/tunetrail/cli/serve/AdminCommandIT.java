package io.tunetrail.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.api.auth.ApiKeySecrets;
import io.tunetrail.api.auth.ApiKeyStore;
import io.tunetrail.api.http.Json;
import io.tunetrail.api.store.OrgStore;
import io.tunetrail.api.store.Sql;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.StoreException;
import io.tunetrail.store.audio.AudioAnalysisWriter;
import io.tunetrail.store.audio.LocalAudioObjectStore;
import io.tunetrail.store.audio.TrackAudioStore;
import io.tunetrail.store.online.RedisKeys;
import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.store.testing.RedisNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./tunetrail admin org create|delete}, {@code admin key create}, {@code admin stripe parked} and {@code admin models
 * freeze|unfreeze|status} as operators run them: the CLI's real main in a
 * JVM of its own, configured by environment variables to a fresh database, its standard output parsed as the one JSON
 * object it promises, and what it created read back through the API's stores.
 */
class AdminCommandIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    @RegisterExtension
    static final RedisNamespace REDIS = new RedisNamespace();

    @TempDir
    Path home;

    private record Run(int exit, String out, String err) {}

    private Run tunetrail(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TunetrailCli.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        // An empty home (no tunetrail.properties of the machine), then the fresh database's coordinates.
        pb.environment().put(PlatformConfig.HOME.envVar(), home.toString());
        for (PlatformConfig.Key key : List.of(PlatformConfig.POSTGRES_HOST, PlatformConfig.POSTGRES_PORT, PlatformConfig.POSTGRES_DATABASE,
                PlatformConfig.POSTGRES_USER, PlatformConfig.POSTGRES_PASSWORD)) {
            pb.environment().put(key.envVar(), DB.config().get(key));
        }
        Path out = home.resolve("out.txt");
        Path err = home.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the CLI finished").isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8).strip(), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void orgCreateThenKeyCreatePrintOneJsonObjectEachAndTheKeyAuthenticates() throws Exception {
        Run org = tunetrail("admin", "org", "create", "--name", "Acme Music", "--plan", "pro");
        assertThat(org.exit()).as(org.err()).isZero();
        assertThat(org.out().lines().count()).as("one JSON object on one line").isEqualTo(1);
        JsonNode orgJson = Json.mapper().readTree(org.out());
        assertThat(orgJson.get("org_id").asText()).isEqualTo("acme-music");
        assertThat(orgJson.get("plan_id").asText()).isEqualTo("pro");
        assertThat(orgJson.get("edition").asText()).isEqualTo("cloud");
        Sql sql = new Sql(DB.dataSource());
        assertThat(new OrgStore(sql).get("acme-music")).hasValueSatisfying(o -> assertThat(o.name()).isEqualTo("Acme Music"));

        Run key = tunetrail("admin", "key", "create", "--org", "Acme Music", "--scopes", "read,write", "--name", "ci");
        assertThat(key.exit()).as(key.err()).isZero();
        JsonNode keyJson = Json.mapper().readTree(key.out());
        assertThat(keyJson.get("org_id").asText()).isEqualTo("acme-music");
        assertThat(keyJson.get("plan").asText()).isEqualTo("pro");
        assertThat(keyJson.get("scopes")).extracting(JsonNode::asText).containsExactly("read", "write");
        String secret = keyJson.get("secret").asText();
        assertThat(secret).startsWith(keyJson.get("prefix").asText());
        ApiKeyStore.KeyLookup found = new ApiKeyStore(sql).findByHash(ApiKeySecrets.hash(secret)).orElseThrow();
        assertThat(found.key().keyId()).isEqualTo(keyJson.get("key_id").asText());
        assertThat(found.key().orgId()).isEqualTo("acme-music");
        assertThat(found.key().memberId()).as("an operator's key is an org key").isNull();
    }

    @Test
    void stripeParkedListsTheEventsWaitingForTheirCustomerWithTheReason() throws Exception {
        DB.execute("INSERT INTO parked_stripe_events (event_id, event_type, reason, customer_id, event_created, payload) VALUES "
                + "('evt_waiting1', 'customer.subscription.updated', 'unknown_customer', 'cus_Later1', now(), '{}'), "
                + "('evt_done1', 'customer.subscription.updated', 'unknown_price', 'cus_Later1', now(), '{}')");
        DB.execute("UPDATE parked_stripe_events SET resolved_at = now(), resolution = 'plan_changed' WHERE event_id = 'evt_done1'");

        Run open = tunetrail("admin", "stripe", "parked");
        assertThat(open.exit()).as(open.err()).isZero();
        JsonNode openJson = Json.mapper().readTree(open.out());
        assertThat(openJson.get("count").asInt()).isEqualTo(1);
        assertThat(openJson.get("events").get(0).get("event_id").asText()).isEqualTo("evt_waiting1");
        assertThat(openJson.get("events").get(0).get("reason").asText()).isEqualTo("unknown_customer");
        assertThat(openJson.get("events").get(0).get("customer_id").asText()).isEqualTo("cus_Later1");

        Run all = tunetrail("admin", "stripe", "parked", "--all");
        assertThat(Json.mapper().readTree(all.out()).get("events")).extracting(e -> e.get("event_id").asText())
                .containsExactlyInAnyOrder("evt_waiting1", "evt_done1");
        assertThat(tunetrail("admin", "stripe", "parked", "--limit", "0").exit()).isEqualTo(2);
    }

    @Test
    void modelsFreezeStopsPromotionsUntilUnfreezeAndStatusSaysWhoAndWhy() throws Exception {
        String org = DB.newOrg("starter");
        io.tunetrail.store.registry.ModelRegistry registry = new io.tunetrail.store.registry.ModelRegistry(DB.dataSource(),
                io.tunetrail.model.PlanCatalog.load());
        io.tunetrail.store.registry.ModelVersion candidate = registry.register(org, "als", java.util.Map.of("rank", 8), java.util.Map.of());

        Run frozen = tunetrail("admin", "models", "freeze", "--reason", "bad 2.0 models", "--by", "oncall@tunetrail.io");
        assertThat(frozen.exit()).as(frozen.err()).isZero();
        JsonNode state = Json.mapper().readTree(frozen.out());
        assertThat(state.get("frozen").asBoolean()).isTrue();
        assertThat(state.get("rollback_allowed").asBoolean()).isTrue();
        JsonNode status = Json.mapper().readTree(tunetrail("admin", "models", "status").out());
        assertThat(status.get("reason").asText()).isEqualTo("bad 2.0 models");
        assertThat(status.get("changed_by").asText()).isEqualTo("oncall@tunetrail.io");
        assertThat(registry.promote(candidate.id()).reason()).contains("platform's models are frozen");

        assertThat(tunetrail("admin", "models", "freeze").exit()).as("a freeze says why").isEqualTo(2);
        Run unfrozen = tunetrail("admin", "models", "unfreeze");
        assertThat(Json.mapper().readTree(unfrozen.out()).get("frozen").asBoolean()).isFalse();
        assertThat(registry.promote(candidate.id()).promoted()).isTrue();
    }

    @Test
    void badInputExitsWithTwoAndOneLineReasonAndCreatesNothing() throws Exception {
        Run unknownPlan = tunetrail("admin", "org", "create", "--name", "Nope", "--plan", "platinum");
        assertThat(unknownPlan.exit()).isEqualTo(2);
        assertThat(unknownPlan.err()).contains("unknown plan 'platinum'");
        assertThat(unknownPlan.out()).isEmpty();
        Sql sql = new Sql(DB.dataSource());
        assertThat(new OrgStore(sql).get("nope")).isEmpty();

        assertThat(tunetrail("admin", "org", "create", "--name", "Twice", "--plan", "free").exit()).isZero();
        Run again = tunetrail("admin", "org", "create", "--name", "Twice", "--plan", "free");
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("exists already");

        Run noOrg = tunetrail("admin", "key", "create", "--org", "no-such-org");
        assertThat(noOrg.exit()).isEqualTo(2);
        assertThat(noOrg.err()).contains("no org has the id or name 'no-such-org'");
        Run badScope = tunetrail("admin", "key", "create", "--org", "twice", "--scopes", "read,root");
        assertThat(badScope.exit()).isEqualTo(2);
        assertThat(badScope.err()).contains("unknown scope 'root'");
        assertThat(new ApiKeyStore(sql).list("twice", null)).as("no key was made by the refused commands").isEmpty();
    }

    @Test
    void consoleUserCreatePrintsAPasswordOnceThatSignsInAndRefusesWhatItMustNot() throws Exception {
        // The free plan holds two members: the first one, created here, takes the org to 50% of its seats.
        assertThat(tunetrail("admin", "org", "create", "--name", "Console Org", "--plan", "free").exit()).isZero();
        Run created = tunetrail("admin", "console-user", "create", "--org", "console-org", "--email", "ana@console.example", "--role", "admin");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out().lines().count()).as("one JSON object on one line").isEqualTo(1);
        JsonNode user = Json.mapper().readTree(created.out());
        assertThat(user.get("role").asText()).isEqualTo("admin");
        String password = user.get("password").asText();
        assertThat(password).hasSizeGreaterThanOrEqualTo(32);
        Sql sql = new Sql(DB.dataSource());
        io.tunetrail.console.auth.ConsoleAccounts.Credential credential = new io.tunetrail.console.auth.ConsoleAccounts(sql,
                new io.tunetrail.console.auth.Argon2idPasswords()).byEmail("ANA@console.example").orElseThrow();
        assertThat(credential.memberId()).isEqualTo(user.get("member_id").asText());
        assertThat(credential.passwordHash()).startsWith("$argon2id$").doesNotContain(password);
        assertThat(new io.tunetrail.console.auth.Argon2idPasswords().matches(password, credential.passwordHash())).isTrue();

        Run again = tunetrail("admin", "console-user", "create", "--org", "console-org", "--email", "ana@console.example", "--role", "admin");
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("can sign in to the console already");
        Run otherRole = tunetrail("admin", "console-user", "create", "--org", "console-org", "--email", "ana@console.example", "--role", "owner");
        assertThat(otherRole.exit()).isEqualTo(2);
        assertThat(otherRole.err()).contains("with role 'admin'");
        Run badRole = tunetrail("admin", "console-user", "create", "--org", "console-org", "--email", "bo@console.example", "--role", "boss");
        assertThat(badRole.exit()).isEqualTo(2);
        assertThat(badRole.err()).contains("unknown role 'boss'");
        Run noOrg = tunetrail("admin", "console-user", "create", "--org", "no-such-org", "--email", "bo@console.example", "--role", "member");
        assertThat(noOrg.exit()).isEqualTo(2);
        assertThat(sql.one("counting members", "SELECT count(*) FROM members WHERE lower(email) = 'bo@console.example'", ps -> {},
                rs -> rs.getLong(1)).orElseThrow()).as("nothing saved by the refused runs").isZero();
        // The seat alerts as an add through the API does; the refused runs took none and alerted nothing.
        assertThat(sql.list("reading alerts", "SELECT resource || ' ' || threshold_percent || ' ' || used_value::bigint || '/' "
                + "|| limit_value::bigint FROM alerts WHERE org_id = 'console-org' AND kind = 'quota'", ps -> {}, rs -> rs.getString(1)))
                .containsExactly("team_members 50 1/2");
    }

    @Test
    void analystCreatePrintsTheJdbcUrlOfTheDatabaseTheAccountMayRead() throws Exception {
        assertThat(tunetrail("admin", "org", "create", "--name", "Bi Org", "--plan", "enterprise").exit()).isZero();
        Run everyOrg = tunetrail("admin", "analyst", "create", "--name", "ana-all");
        assertThat(everyOrg.exit()).as(everyOrg.err()).isZero();
        assertThat(Json.mapper().readTree(everyOrg.out()).get("jdbc_url").asText()).endsWith("/default");
        Run bound = tunetrail("admin", "analyst", "create", "--name", "bo-bound", "--org", "bi-org");
        assertThat(bound.exit()).as(bound.err()).isZero();
        JsonNode account = Json.mapper().readTree(bound.out());
        assertThat(account.get("org_id").asText()).isEqualTo("bi-org");
        // The id has a '-', so the database name carries a short hash (OrgDatabase): the URL opens on exactly that one.
        assertThat(account.get("jdbc_url").asText()).matches("jdbc:hive2://127\\.0\\.0\\.1:\\d+/org_bi_org_[0-9a-f]{8}");
    }

    @Test
    void orgDeleteRemovesOnlyThatOrgsRowsAudioObjectsAndRedisKeysAndOnlyWithAMatchingConfirm() throws Exception {
        String gone = REDIS.newOrgId("gone");
        String kept = REDIS.newOrgId("kept");
        // The CLI's local audio store: <home>/audio, as the subprocess's configuration (an empty home) has it.
        LocalAudioObjectStore objects = new LocalAudioObjectStore(home.resolve("audio"), Long.MAX_VALUE);
        java.util.Map<String, String> objectKeys = new java.util.HashMap<>();
        String usageKey = "audio_analysis";
        for (String org : List.of(gone, kept)) {
            DB.execute("INSERT INTO organisations (org_id, name, plan_id) VALUES ('" + org + "', 'Org " + org + "', 'pro')");
            DB.execute("INSERT INTO tracks (org_id, track_id, title, duration_ms, popularity) VALUES ('" + org + "', 't-1', 'T', 1000, 1)");
            String key = objects.put(org, "aud_1.wav", new byte[] {1, 2, 3});
            objectKeys.put(org, key);
            new TrackAudioStore(DB.dataSource()).register(new TrackAudioStore.TrackAudio(org, "t-1", key, "0".repeat(64), 3));
            float[] embedding = new float[512];
            java.util.Arrays.fill(embedding, 0.5f);
            new AudioAnalysisWriter(DB.dataSource()).insert(new AudioAnalysisWriter.TrackAnalysis(org, AudioAnalysisWriter.newAnalysisId(),
                    "t-1", "test-1", "{}", "{}", 1000, key, null, embedding, "test-model"));
            DB.execute("INSERT INTO audio_jobs (org_id, job_id, key_id, source, file_count) VALUES ('" + org + "', 'job-1', 'key-1', 'keys', 1)");
            DB.execute("INSERT INTO audio_job_files (org_id, job_id, position, object_key, analysis_id) VALUES ('" + org + "', 'job-1', 0, '"
                    + key + "', 'aud_x')");
            REDIS.jedis().set(RedisKeys.usageDay(org, usageKey, java.time.LocalDate.now()), "4");
        }

        Run refused = tunetrail("admin", "org", "delete", "--org", gone, "--confirm", kept);
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("--confirm").contains("nothing was deleted");
        assertThat(audioRows(gone)).as("nothing deleted without the matching confirm").containsOnly(1L);

        Run deleted = tunetrail("admin", "org", "delete", "--org", gone, "--confirm", gone);
        assertThat(deleted.exit()).as(deleted.err()).isZero();
        JsonNode report = Json.mapper().readTree(deleted.out());
        assertThat(report.get("org_existed").asBoolean()).isTrue();
        for (String table : List.of("tracks", "track_audio", "audio_analyses", "audio_embeddings", "audio_jobs", "audio_job_files")) {
            assertThat(report.get("rows").get(table).asLong()).as(table).isEqualTo(1);
        }
        assertThat(report.get("redis_keys").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(audioRows(gone)).as("the org's rows are gone").containsOnly(0L);
        assertThat(new OrgStore(new Sql(DB.dataSource())).get(gone)).isEmpty();
        assertThatThrownBy(() -> objects.get(gone, objectKeys.get(gone))).isInstanceOf(StoreException.class)
                .satisfies(e -> assertThat(((StoreException) e).kind()).isEqualTo(StoreException.Kind.NOT_FOUND));
        assertThat(REDIS.jedis().exists(RedisKeys.usageDay(gone, usageKey, java.time.LocalDate.now()))).isFalse();

        assertThat(audioRows(kept)).as("another org is untouched").containsOnly(1L);
        assertThat(objects.get(kept, objectKeys.get(kept))).containsExactly(1, 2, 3);
        assertThat(REDIS.jedis().get(RedisKeys.usageDay(kept, usageKey, java.time.LocalDate.now()))).isEqualTo("4");
    }

    /** The org's row counts in the organisation table and each audio table. */
    private static List<Long> audioRows(String org) {
        Sql sql = new Sql(DB.dataSource());
        List<Long> out = new ArrayList<>();
        for (String table : List.of("organisations", "tracks", "track_audio", "audio_analyses", "audio_embeddings", "audio_jobs", "audio_job_files")) {
            out.add(sql.one("count", "SELECT count(*) FROM " + table + " WHERE org_id = ?", ps -> ps.setString(1, org), rs -> rs.getLong(1))
                    .orElseThrow());
        }
        return out;
    }
}
