package io.tunetrail.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.tunetrail.api.ApiSettings;
import io.tunetrail.api.ApiStores;
import io.tunetrail.api.ServingApp;
import io.tunetrail.api.auth.ApiKeyStore;
import io.tunetrail.api.limits.EventPublisher;
import io.tunetrail.api.store.OrgStore;
import io.tunetrail.api.store.Sql;
import io.tunetrail.cli.jobs.JobLauncher;
import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.TestStack;
import io.tunetrail.store.online.UsageCount;
import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.store.testing.RedisNamespace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two usage counts agree: the API counts each admitted metered call synchronously in Redis (for enforcement) and
 * publishes a usage event for it; the streaming usage-counters job, run on those events, writes the ledger (for
 * billing). Calls refused by the rate limit are in neither.
 */
class UsageReconciliationIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();
    @RegisterExtension
    static final RedisNamespace REDIS = new RedisNamespace();

    @TempDir
    Path home;

    @Test
    void theStreamingLedgerEqualsTheApisOwnCounters() throws Exception {
        PlatformConfig config = TestStack.withFreshTopics("reconcile", Map.of(PlatformConfig.HOME.name(), home.toString(),
                PlatformConfig.POSTGRES_DATABASE.name(), DB.name(), PlatformConfig.API_WEBHOOK_DISPATCH_MS.name(), "0"));
        List<String> topics = new ArrayList<>(KafkaTopics.names(config));
        topics.addAll(KafkaTopics.resultNames(config));
        KafkaTopics.ensure(config, topics);
        String org = REDIS.newOrgId("reconcile");
        Sql sql = new Sql(DB.dataSource());
        // Starter: a burst of 60, so a quick run of 80 calls has some refused by the rate limit.
        new OrgStore(sql).create(org, "Reconciled", "starter", "cloud");
        String key = new ApiKeyStore(sql).create(org, null, "reconcile", List.of("read"), null).secret();

        // One instant for every call: all of them fall in one UTC day, whenever the test runs.
        Instant now = Instant.now();
        int admitted = 0;
        int refused = 0;
        EventPublisher events = new EventPublisher(config);
        Javalin app = ServingApp.create(new ApiStores(DB.dataSource(), REDIS.jedis(), config.redisUri(), events, events::close),
                Clock.fixed(now, ZoneOffset.UTC), ApiSettings.from(config, PlanCatalog.load()));
        app.start("127.0.0.1", 0);
        try {
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 80; i++) {
                int status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/api/v1/tracks/top"))
                        .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    admitted++;
                } else {
                    assertThat(status).as("call %d", i).isEqualTo(429);
                    refused++;
                }
            }
        } finally {
            app.stop();
            events.close();
        }
        assertThat(admitted).isPositive();
        assertThat(refused).as("the rate limit refused some calls").isPositive();
        UsageCount enforced = REDIS.store().usage(org, List.of("api_calls"), now).get("api_calls");
        assertThat(enforced.day()).isEqualTo(admitted);

        Path repository = Path.of("").toAbsolutePath().getParent();
        JobLauncher.JobRun run = new JobLauncher(config, repository).run(JobLauncher.Engine.FLINK,
                List.of("--job", "usage-counters", "--until-idle"), line -> { });
        assertThat(run.ok()).as(String.join("\n", run.tail())).isTrue();

        UsageCount billed = REDIS.store().ledger(org, List.of("api_calls"), now).get("api_calls");
        assertThat(billed.day()).isEqualTo(enforced.day());
        assertThat(billed.month()).isEqualTo(enforced.month());
    }
}
