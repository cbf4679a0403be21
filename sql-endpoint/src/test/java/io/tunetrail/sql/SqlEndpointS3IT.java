package io.tunetrail.sql;

import static io.tunetrail.sql.SqlEndpointFixture.count;
import static io.tunetrail.sql.SqlEndpointFixture.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.store.testing.S3TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The endpoint over an offline store on {@code s3a://} (s3proxy on 127.0.0.1, {@link S3TestServer}, with the batch
 * jobs' {@code offline.s3.*} keys), its lake written after the server started, so every query reads the bucket. One
 * test: reading through S3 is slow, and {@link SqlEndpointIT} covers the endpoint's rules on a local folder.
 */
class SqlEndpointS3IT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    static S3TestServer s3;
    static String bucket;
    static Path home;
    static SqlEndpointFixture endpoint;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3TestServer.startForHadoop();
        bucket = s3.newBucket(1024).bucket();
        home = Path.of("target", "sql-endpoint-s3-it-" + System.nanoTime()).toAbsolutePath();
        endpoint = new SqlEndpointFixture(DB, home, SqlEndpointFixture.MAX_ROWS, SqlEndpointFixture.TIME_LIMIT_SECONDS,
                SqlEndpointFixture::writeLake, Map.of(PlatformConfig.OFFLINE_STORE.name(), "s3a://" + bucket + "/lake",
                        PlatformConfig.OFFLINE_S3_ENDPOINT.name(), s3.endpoint(), PlatformConfig.OFFLINE_S3_PATH_STYLE.name(), "true",
                        PlatformConfig.OFFLINE_S3_ACCESS_KEY.name(), S3TestServer.ACCESS_KEY,
                        PlatformConfig.OFFLINE_S3_SECRET_KEY.name(), S3TestServer.SECRET_KEY));
    }

    @AfterAll
    static void stop() throws Exception {
        if (endpoint != null) {
            endpoint.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    /**
     * The bucket's tables answer by name and with time travel, and registering the layout's tables creates none of the
     * ones not written yet (CREATE TABLE over an empty location would).
     */
    @Test
    void theLakeIsReadFromTheBucketAndNothingIsWrittenIntoIt() throws Exception {
        try (Connection c = endpoint.connectAs(endpoint.everyOrg)) {
            assertThat(query(c, "SHOW TABLES IN lake")).extracting(r -> r.get(1)).containsExactlyInAnyOrder("interactions", "dead_letters");
            assertThat(count(c, "SELECT count(*) FROM lake.interactions")).isEqualTo(40);
            assertThat(count(c, "SELECT count(*) FROM lake.interactions VERSION AS OF 0")).isEqualTo(35);
        }
        assertThat(s3.anyObjectUnder(bucket, "lake/raw/interactions/_delta_log/")).as("the Delta log is in the bucket").isTrue();
        assertThat(s3.anyObjectUnder(bucket, "lake/models/")).as("no table of the endpoint's own in the store").isFalse();
        try (Stream<Path> files = Files.walk(home)) {
            assertThat(files).as("nothing of the lake on disk").noneMatch(p -> p.toString().contains("interactions"));
        }
    }
}
