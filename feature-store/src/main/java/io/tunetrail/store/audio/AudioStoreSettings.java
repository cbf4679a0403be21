package io.tunetrail.store.audio;

import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.StoreException;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which {@link AudioObjectStore} to use and how to reach it (keys {@code audio.store}, {@code audio.s3.*},
 * {@code api.audio.store-dir}), read once and checked, then opened where the audio is needed: serializable, so a Spark
 * job ships it to its executors and each opens its own store.
 *
 * @param kind         {@code local} or {@code s3}
 * @param root         the local store's folder, as a string (a Path is not serializable); unused for s3
 * @param maxReadBytes an object larger than this is refused on read ({@code api.audio.max-upload-bytes}: nothing
 *                     larger was ever accepted)
 */
public record AudioStoreSettings(String kind, String root, String endpoint, String bucket, String region, boolean pathStyle,
        String accessKey, String secretKey, long maxReadBytes) implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String LOCAL = "local";
    public static final String S3 = "s3";

    public AudioStoreSettings {
        if (!LOCAL.equals(kind) && !S3.equals(kind)) {
            throw invalidConfig(PlatformConfig.AUDIO_STORE, kind, "is neither local nor s3");
        }
        if (maxReadBytes < 1) {
            throw invalidConfig(PlatformConfig.API_AUDIO_MAX_UPLOAD_BYTES, Long.toString(maxReadBytes), "must be positive");
        }
        if (S3.equals(kind)) {
            if (bucket == null || bucket.isBlank()) {
                throw invalidConfig(PlatformConfig.AUDIO_S3_BUCKET, "", "is required when audio.store=s3");
            }
            if (!endpoint.isBlank()) {
                URI uri = URI.create(endpoint);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw invalidConfig(PlatformConfig.AUDIO_S3_ENDPOINT, endpoint, "is not an http(s)://host[:port] URL");
                }
            }
            if (accessKey.isBlank() != secretKey.isBlank()) {
                throw invalidConfig(PlatformConfig.AUDIO_S3_ACCESS_KEY, accessKey.isBlank() ? "" : accessKey,
                        "and audio.s3.secret-key must be set together (or both empty for the default credentials chain)");
            }
        }
    }

    /** A local store under {@code root}. */
    public static AudioStoreSettings local(Path root, long maxReadBytes) {
        return new AudioStoreSettings(LOCAL, root.toAbsolutePath().normalize().toString(), "", "", "", false, "", "", maxReadBytes);
    }

    /** An S3 store with static credentials (tests, S3-compatible servers). */
    public static AudioStoreSettings s3(String endpoint, String bucket, String region, boolean pathStyle, String accessKey,
            String secretKey, long maxReadBytes) {
        return new AudioStoreSettings(S3, "", endpoint, bucket, region, pathStyle, accessKey, secretKey, maxReadBytes);
    }

    public static AudioStoreSettings from(PlatformConfig config) {
        return new AudioStoreSettings(config.get(PlatformConfig.AUDIO_STORE).trim().toLowerCase(Locale.ROOT),
                TrackAudioStore.storeRoot(config).toString(), config.get(PlatformConfig.AUDIO_S3_ENDPOINT).trim(),
                config.get(PlatformConfig.AUDIO_S3_BUCKET).trim(), config.get(PlatformConfig.AUDIO_S3_REGION).trim(),
                Boolean.parseBoolean(config.get(PlatformConfig.AUDIO_S3_PATH_STYLE).trim()),
                config.get(PlatformConfig.AUDIO_S3_ACCESS_KEY).trim(), config.get(PlatformConfig.AUDIO_S3_SECRET_KEY),
                config.getLong(PlatformConfig.API_AUDIO_MAX_UPLOAD_BYTES));
    }

    /** Opens the store; the caller closes it. */
    public AudioObjectStore open() {
        return S3.equals(kind) ? S3AudioObjectStore.open(this) : new LocalAudioObjectStore(Path.of(root), maxReadBytes);
    }

    /** Where the audio is, for messages: the folder or s3://bucket at the endpoint. */
    public String where() {
        return S3.equals(kind) ? "s3://" + bucket + (endpoint.isBlank() ? "" : " at " + endpoint) : root;
    }

    @Override
    public String toString() {
        // Never the secret key: settings end up in logs and job descriptions.
        return "AudioStoreSettings[" + kind + " " + where() + ", max read " + maxReadBytes + " bytes]";
    }

    static StoreException tooLarge(String key, long size, long max) {
        return StoreException.invalid("audio object '" + key + "' has " + size + " bytes, more than the " + max + " the audio store reads",
                "Raise api.audio.max-upload-bytes if such files are expected, or upload a shorter file");
    }

    private static StoreException invalidConfig(PlatformConfig.Key key, String value, String problem) {
        return StoreException.invalid(key.name() + " '" + value + "' " + problem, "Fix it in the config file (" + key.description() + ")");
    }
}
