package io.tunetrail.store.audio;

import io.tunetrail.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Audio kept in an S3 bucket (AWS or an S3-compatible server), one key prefix per org ({@link AudioObjectKeys}).
 * Talks through the JDK's URL connection: no Netty beside the engines' own.
 */
public final class S3AudioObjectStore implements AudioObjectStore {
    private final S3Client s3;
    private final String bucket;
    private final long maxReadBytes;
    private final String where;

    public S3AudioObjectStore(S3Client s3, String bucket, long maxReadBytes, String where) {
        this.s3 = s3;
        this.bucket = bucket;
        this.maxReadBytes = maxReadBytes;
        this.where = where;
    }

    static S3AudioObjectStore open(AudioStoreSettings settings) {
        S3ClientBuilder b = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder().build())
                .region(Region.of(settings.region().isBlank() ? "us-east-1" : settings.region()))
                .forcePathStyle(settings.pathStyle())
                // Checksums only where S3 demands them: S3-compatible servers refuse the SDK's default aws-chunked
                // trailers (x-amz-checksum-*), and the body is signed anyway.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(settings.accessKey().isBlank() ? DefaultCredentialsProvider.builder().build()
                        : StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())));
        if (!settings.endpoint().isBlank()) {
            b.endpointOverride(URI.create(settings.endpoint()));
        }
        return new S3AudioObjectStore(b.build(), settings.bucket(), settings.maxReadBytes(), settings.where());
    }

    @Override
    public String put(String orgId, String name, byte[] bytes) {
        String key = AudioObjectKeys.key(orgId, name);
        try {
            s3.putObject(r -> r.bucket(bucket).key(key).contentLength((long) bytes.length), RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            throw unavailable(e);
        }
        return key;
    }

    @Override
    public byte[] get(String orgId, String key) {
        AudioObjectKeys.requireOfOrg(orgId, key);
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(bucket).key(key))) {
            Long length = in.response().contentLength();
            if (length != null && length > maxReadBytes) {
                in.abort();
                throw AudioStoreSettings.tooLarge(key, length, maxReadBytes);
            }
            return readAtMost(in, key);
        } catch (NoSuchKeyException e) {
            throw StoreException.notFound("audio object '" + key + "' does not exist in " + where, "Upload or register the audio again");
        } catch (SdkException | IOException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void deleteOrg(String orgId) {
        String prefix = AudioObjectKeys.orgPrefix(orgId);
        // One DeleteObject per key, not DeleteObjects: the batch call needs a request checksum (Content-MD5 or CRC32)
        // that S3-compatible servers disagree on, and deleting an org is rare enough to afford one request per file.
        // A failed delete throws: an org's audio must not survive its deletion silently.
        try {
            for (S3Object o : s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build()).contents()) {
                s3.deleteObject(d -> d.bucket(bucket).key(o.key()));
            }
        } catch (SdkException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }

    private StoreException unavailable(Throwable cause) {
        return StoreException.unavailable("S3", where, cause, "Check audio.s3.endpoint, audio.s3.bucket, audio.s3.region and the "
                + "credentials (audio.s3.access-key/secret-key, or the AWS default chain)");
    }

    // The length header is the server's word; the read itself stops one byte past the bound whatever it said.
    private byte[] readAtMost(InputStream in, String key) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxReadBytes + 1));
        if (bytes.length > maxReadBytes) {
            throw AudioStoreSettings.tooLarge(key, bytes.length, maxReadBytes);
        }
        return bytes;
    }
}
