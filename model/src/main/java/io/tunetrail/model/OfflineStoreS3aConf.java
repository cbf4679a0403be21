package io.tunetrail.model;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hadoop S3A settings for an offline store on {@code s3a://bucket/prefix}, from the {@code offline.s3.*} keys: what the
 * batch jobs and the SQL endpoint give their Spark sessions as {@code spark.hadoop.*}.
 *
 * <p>They are scoped to the store's bucket ({@code fs.s3a.bucket.NAME.*}), so other {@code s3a://} data a job reads keeps
 * S3A's own defaults. Delta picks its LogStore by scheme: {@code s3a} gets {@code S3SingleDriverLogStore}, safe only
 * while one cluster writes a table at a time (concurrent writers from several clusters need Delta's DynamoDB LogStore).
 * Spark redacts keys matching {@code secret} from its UI and logs; nothing here logs values.
 */
public final class OfflineStoreS3aConf {
    private OfflineStoreS3aConf() {}

    /** The Hadoop keys and values for the store's bucket; empty when the store is a local folder. */
    public static Map<String, String> hadoopConf(PlatformConfig config) {
        if (!config.offlineStoreOnS3()) {
            return new LinkedHashMap<>();
        }
        return forBucketOf(config, config.offlineStoreUri(), PlatformConfig.OFFLINE_STORE);
    }

    /**
     * The same {@code offline.s3.*} settings scoped to the bucket of another {@code s3a://bucket/...} URI (e.g. Flink's
     * checkpoints beside the lake, on the same S3 API); {@code key} names the setting the URI came from, for the error.
     */
    public static Map<String, String> forBucketOf(PlatformConfig config, String s3aUri, PlatformConfig.Key key) {
        Map<String, String> conf = new LinkedHashMap<>();
        String bucket;
        try {
            bucket = URI.create(s3aUri).getHost();
        } catch (IllegalArgumentException e) {
            bucket = null;
        }
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException(s3aUri + " (" + key.describe() + ") names no bucket; give s3a://bucket/prefix");
        }
        String prefix = "fs.s3a.bucket." + bucket + ".";
        String endpoint = config.get(PlatformConfig.OFFLINE_S3_ENDPOINT).strip();
        if (!endpoint.isEmpty()) {
            conf.put(prefix + "endpoint", endpoint);
            conf.put(prefix + "connection.ssl.enabled", String.valueOf(!endpoint.startsWith("http://")));
        }
        conf.put(prefix + "endpoint.region", config.get(PlatformConfig.OFFLINE_S3_REGION));
        conf.put(prefix + "path.style.access", String.valueOf(config.getBoolean(PlatformConfig.OFFLINE_S3_PATH_STYLE)));
        String accessKey = config.get(PlatformConfig.OFFLINE_S3_ACCESS_KEY);
        String secretKey = config.get(PlatformConfig.OFFLINE_S3_SECRET_KEY);
        if (accessKey.isEmpty() != secretKey.isEmpty()) {
            throw new IllegalArgumentException("give both " + PlatformConfig.OFFLINE_S3_ACCESS_KEY.describe() + " and "
                    + PlatformConfig.OFFLINE_S3_SECRET_KEY.describe() + ", or neither (S3A's default credentials chain)");
        }
        if (!accessKey.isEmpty()) {
            conf.put(prefix + "access.key", accessKey);
            conf.put(prefix + "secret.key", secretKey);
        }
        return conf;
    }
}
