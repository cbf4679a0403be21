package io.tunetrail.batch.land;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import io.tunetrail.batch.OfflineStoreS3a;
import io.tunetrail.batch.marts.MartsJob;
import io.tunetrail.batch.nightly.NightlyChain;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.testing.LocalSpark;
import io.tunetrail.ingestion.kafka.KafkaEventPublisher;
import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.model.Activity;
import io.tunetrail.model.Device;
import io.tunetrail.model.EventType;
import io.tunetrail.model.InteractionContext;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.OfflineStoreLayout;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.TestStack;
import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.store.testing.S3TestServer;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The offline store on {@code s3a://} against s3proxy on 127.0.0.1, as on a cluster whose workers share no disk: the
 * lander and the marts job write their Delta tables into the bucket (seen through the S3 API, not the disk) and read
 * them back; wrong credentials fail the lander rather than land anywhere.
 */
class S3aOfflineStoreIT {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final int EVENTS = 30;

    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    private static S3TestServer s3;
    private static SparkSession spark;
    private static PlatformConfig config;
    private static String bucket;

    @BeforeAll
    static void setUp() throws Exception {
        s3 = S3TestServer.startForHadoop();
        bucket = s3.newBucket(1024).bucket();
        config = s3aConfig(bucket, S3TestServer.SECRET_KEY);
        KafkaTopics.ensure(config);
        KafkaTopics.ensure(config, KafkaTopics.resultNames(config));
        spark = LocalSpark.get();
        OfflineStoreS3a.applyTo(spark, config);
    }

    @AfterAll
    static void tearDown() throws Exception {
        try (Admin admin = Admin.create(KafkaTopics.adminProperties(config))) {
            admin.deleteTopics(KafkaTopics.names(config)).all().get(30, TimeUnit.SECONDS);
            admin.deleteTopics(KafkaTopics.resultNames(config)).all().get(30, TimeUnit.SECONDS);
        }
        if (s3 != null) {
            s3.close();
        }
    }

    private static PlatformConfig s3aConfig(String bucketName, String secret) {
        return TestStack.withFreshTopics("s3a", Map.of(
                PlatformConfig.POSTGRES_DATABASE.name(), DB.name(),
                PlatformConfig.OFFLINE_STORE.name(), "s3a://" + bucketName + "/lake/",
                PlatformConfig.OFFLINE_S3_ENDPOINT.name(), s3.endpoint(),
                PlatformConfig.OFFLINE_S3_PATH_STYLE.name(), "true",
                PlatformConfig.OFFLINE_S3_ACCESS_KEY.name(), S3TestServer.ACCESS_KEY,
                PlatformConfig.OFFLINE_S3_SECRET_KEY.name(), secret));
    }

    @Test
    void landerAndMartsWriteDeltaTablesIntoTheBucketAndReadThemBack() {
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(config)) {
            for (int i = 0; i < EVENTS; i++) {
                publisher.publish(interaction(i));
            }
        }
        LanderSettings settings = LanderSettings.from(config);
        assertThat(settings.storeRoot()).isEqualTo("s3a://" + bucket + "/lake");

        LandResult landed = new KafkaToDeltaLander(spark, settings, new UsageLedgerPublisher(spark, DB.dataSource())).landAll();
        assertThat(landed.table("interactions").rowsLanded()).isEqualTo(EVENTS);

        List<String> keys = objectKeys("lake/raw/interactions/");
        assertThat(keys).contains("lake/raw/interactions/_delta_log/00000000000000000000.json");
        assertThat(keys).anyMatch(k -> k.startsWith("lake/raw/interactions/org_id=org-s3a-1/event_date=") && k.endsWith(".parquet"));
        assertThat(read("interactions").count()).isEqualTo(EVENTS);
        assertThat(read("interactions").select("client_event_id").distinct().count()).isEqualTo(EVENTS);
        // The table's size from Delta's snapshot, read through S3A as the demo's read-back does.
        assertThat(DeltaTableStats.read(spark, table("interactions").location(config.offlineStoreUri())))
                .contains(new DeltaTableStats(EVENTS, 2, landed.table("interactions").deltaVersion()));

        try (NightlyContext ctx = NightlyContext.builder(spark, config).dataSource(DB.dataSource()).build()) {
            new NightlyChain(List.of(new MartsJob())).run(ctx);
        }
        assertThat(objectKeys("lake/")).contains("lake/" + table("mart_listening_daily").path() + "/_delta_log/00000000000000000000.json");
        // Every event sent is counted once in the mart, per org.
        List<Row> perOrg = read("mart_listening_daily").groupBy("org_id").agg(sum("events").as("events")).orderBy("org_id").collectAsList();
        assertThat(perOrg).extracting(r -> r.getString(0) + "=" + r.getLong(1))
                .containsExactly("org-s3a-1=" + EVENTS / 2, "org-s3a-2=" + EVENTS / 2);
        assertThat(read("mart_listening_daily").filter(col("org_id").equalTo("org-s3a-1")).count()).isPositive();
    }

    @Test
    void wrongSecretFailsTheLanderAndWritesNothing() {
        String other = s3.newBucket(1024).bucket();
        PlatformConfig wrong = s3aConfig(other, "not-the-secret");
        KafkaTopics.ensure(wrong);
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(wrong)) {
            publisher.publish(interaction(0));
        }
        OfflineStoreS3a.applyTo(spark, wrong);
        try {
            assertThatThrownBy(() -> new KafkaToDeltaLander(spark, LanderSettings.from(wrong),
                    new UsageLedgerPublisher(spark, DB.dataSource())).landAll())
                    .hasStackTraceContaining("403");
            assertThat(listing(other, "")).isEmpty();
        } finally {
            try (Admin admin = Admin.create(KafkaTopics.adminProperties(wrong))) {
                admin.deleteTopics(KafkaTopics.names(wrong)).all().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static OfflineStoreLayout.Table table(String name) {
        return OfflineStoreLayout.load().table(name);
    }

    private static org.apache.spark.sql.Dataset<Row> read(String name) {
        return spark.read().format("delta").load(table(name).location(config.offlineStoreUri()));
    }

    private static List<String> objectKeys(String prefix) {
        return listing(bucket, prefix);
    }

    /** The bucket's keys under {@code prefix}, through the S3 API. */
    private static List<String> listing(String bucketName, String prefix) {
        try (S3Client client = S3Client.builder().httpClient(UrlConnectionHttpClient.builder().build())
                .endpointOverride(URI.create(s3.endpoint())).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)))
                .build()) {
            return client.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucketName).prefix(prefix).build())
                    .contents().stream().map(S3Object::key).toList();
        }
    }

    private static InteractionEvent interaction(int i) {
        return new InteractionEvent(i % 2 == 0 ? "org-s3a-1" : "org-s3a-2", "user-" + (i % 5), "track-" + i, EventType.PLAY,
                60_000L, 180_000L, T0.plusSeconds(i * 3600L), new InteractionContext(Device.MOBILE, Activity.NONE),
                "ce-" + i, 1);
    }
}
