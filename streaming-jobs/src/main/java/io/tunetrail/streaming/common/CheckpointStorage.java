package io.tunetrail.streaming.common;

import io.tunetrail.model.OfflineStoreS3aConf;
import io.tunetrail.model.PlatformConfig;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.PluginUtils;

/**
 * Where the jobs' checkpoints and savepoints live ({@code stream.checkpoint-dir}): a local folder, {@code s3a://bucket/prefix}
 * or {@code s3://bucket/prefix}, and the Flink settings that make the folder reachable.
 *
 * <p>Flink's own S3 plugins (flink-s3-fs-hadoop/-presto) are not in the registry this project builds from, so
 * {@code s3a://} goes through Flink's fallback to Hadoop's S3A filesystem: Flink refuses the fallback for the S3 schemes
 * unless {@code fs.allowed-fallback-filesystems} names it, and hands every {@code flink.hadoop.*} key, prefix removed, to
 * Hadoop. The keys are the offline store's S3 settings ({@code offline.s3.*}) scoped to the checkpoint bucket, so other
 * s3a:// data keeps S3A's defaults. {@code s3://} is passed through untouched: a cluster with Flink's presto plugin
 * (infra/k8s) configures it itself.
 *
 * <p>The values include the secret key: {@link #toString()} leaves them out, and nothing here logs them. (Flink's
 * {@code HadoopUtils} logs each {@code flink.hadoop.*} value at DEBUG; keep that logger above DEBUG.)
 */
public final class CheckpointStorage implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Flink's list of schemes it may serve with a Hadoop filesystem when it has no plugin for them. */
    static final String ALLOWED_FALLBACK = "fs.allowed-fallback-filesystems";
    /** Flink copies keys with this prefix, without it, into the Hadoop configuration of its Hadoop filesystems. */
    static final String HADOOP_PREFIX = "flink.hadoop.";

    private final String directory;
    private final Map<String, String> flinkConf;

    private CheckpointStorage(String directory, Map<String, String> flinkConf) {
        this.directory = directory;
        this.flinkConf = Collections.unmodifiableMap(new LinkedHashMap<>(flinkConf));
    }

    /**
     * Reads {@code stream.checkpoint-dir} (empty: {@code <home>/flink/checkpoints}); fails with one line on a URI Flink
     * could not write to here (another scheme, an s3 URI without a bucket).
     */
    public static CheckpointStorage of(PlatformConfig config) {
        String dir = config.get(PlatformConfig.STREAM_CHECKPOINT_DIR).strip();
        if (dir.isEmpty()) {
            return local(config.home().resolve("flink").resolve("checkpoints"));
        }
        int colon = dir.indexOf(':');
        if (colon < 0) {
            return local(Path.of(dir).toAbsolutePath());
        }
        String scheme = dir.substring(0, colon).toLowerCase();
        String trimmed = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
        switch (scheme) {
            case "file" -> {
                return new CheckpointStorage(trimmed, Map.of());
            }
            case "s3a" -> {
                Map<String, String> conf = new LinkedHashMap<>();
                conf.put(ALLOWED_FALLBACK, "s3a");
                OfflineStoreS3aConf.forBucketOf(config, dir, PlatformConfig.STREAM_CHECKPOINT_DIR)
                        .forEach((k, v) -> conf.put(HADOOP_PREFIX + k, v));
                return new CheckpointStorage(trimmed, conf);
            }
            case "s3" -> {
                requireBucket(dir);
                return new CheckpointStorage(trimmed, Map.of());
            }
            default -> throw new IllegalArgumentException(PlatformConfig.STREAM_CHECKPOINT_DIR.describe() + " = " + dir
                    + " is neither a local folder, file:, s3a://bucket/prefix (Hadoop's S3A, the offline.s3.* settings) nor "
                    + "s3://bucket/prefix (a cluster's Flink S3 plugin)");
        }
    }

    private static CheckpointStorage local(Path folder) {
        String uri = folder.toUri().toString();
        return new CheckpointStorage(uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri, Map.of());
    }

    private static void requireBucket(String dir) {
        String bucket;
        try {
            bucket = URI.create(dir).getHost();
        } catch (IllegalArgumentException e) {
            bucket = null;
        }
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException(dir + " (" + PlatformConfig.STREAM_CHECKPOINT_DIR.describe()
                    + ") names no bucket; give s3://bucket/prefix");
        }
    }

    /** The checkpoint root as a URI ({@code file:/...}, {@code s3a://...}), without a trailing slash. */
    public String directory() {
        return directory;
    }

    /** The Flink configuration entries the directory needs (empty for local folders and s3://). Holds the secret key. */
    public Map<String, String> flinkConf() {
        return flinkConf;
    }

    /**
     * Adds {@link #flinkConf()} to a Flink configuration; not a job's, where a cluster ignores them and the secret key
     * would travel with the job.
     */
    public void applyTo(Configuration conf) {
        flinkConf.forEach(conf::setString);
    }

    /**
     * Sets up Flink's {@link FileSystem} in this JVM with these settings (and the plugins of {@code FLINK_PLUGINS_DIR},
     * if any): the client that lists retained checkpoints, and a MiniCluster's TaskManagers, which share the JVM's
     * static file systems and never initialise them themselves. A cluster's own processes read their config.yaml instead.
     */
    public void initializeFileSystems() {
        if (flinkConf.isEmpty()) {
            return;
        }
        Configuration conf = new Configuration();
        applyTo(conf);
        FileSystem.initialize(conf, PluginUtils.createPluginManagerFromRootFolder(conf));
    }

    @Override
    public String toString() {
        // The keys only: the values include the secret key.
        return "CheckpointStorage[" + directory + ", keys " + flinkConf.keySet() + "]";
    }
}
