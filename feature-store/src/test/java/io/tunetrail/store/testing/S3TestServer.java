package io.tunetrail.store.testing;

import io.tunetrail.store.audio.AudioStoreSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 API for tests: s3proxy on 127.0.0.1 (a free port) over a filesystem blobstore in a folder of the caller's,
 * with signature checking on. Each {@link #newBucket} is a bucket of its own, so tests never see each other's objects.
 */
public final class S3TestServer implements AutoCloseable {
    public static final String ACCESS_KEY = "tunetrail-test";
    public static final String SECRET_KEY = "tunetrail-test-secret";

    private final BlobStoreContext context;
    private final S3Proxy proxy;

    private S3TestServer(BlobStoreContext context, S3Proxy proxy) {
        this.context = context;
        this.proxy = proxy;
    }

    /** Starts a server keeping its buckets under {@code dir} (e.g. a folder under target/). */
    public static S3TestServer start(Path dir) throws Exception {
        Files.createDirectories(dir);
        Properties p = new Properties();
        p.setProperty("jclouds.filesystem.basedir", dir.toAbsolutePath().toString());
        return start(p, "filesystem");
    }

    /**
     * A server keeping its buckets in memory (small data only), for Hadoop's S3A: it keeps the empty directory markers
     * ({@code key/} objects) S3A writes and lists them as S3 does, where the folder-backed stores lose them (filesystem)
     * or answer for the folders themselves (filesystem-nio2).
     */
    public static S3TestServer startForHadoop() throws Exception {
        return start(new Properties(), "transient");
    }

    private static S3TestServer start(Properties p, String provider) throws Exception {
        BlobStoreContext context = ContextBuilder.newBuilder(provider).overrides(p).credentials("unused", "unused")
                .build(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder().blobStore(context.getBlobStore())
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .endpoint(URI.create("http://127.0.0.1:0")).build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
            if (System.nanoTime() > deadline || AbstractLifeCycle.FAILED.equals(proxy.getState())) {
                proxy.stop();
                context.close();
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.sleep(20);
        }
        return new S3TestServer(context, proxy);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    /** Creates a fresh bucket and answers the settings of an S3 audio store on it. */
    public AudioStoreSettings newBucket(long maxReadBytes) {
        String bucket = "tt-" + UUID.randomUUID().toString().substring(0, 13);
        context.getBlobStore().createContainerInLocation(null, bucket);
        return AudioStoreSettings.s3(endpoint(), bucket, "us-east-1", true, ACCESS_KEY, SECRET_KEY, maxReadBytes);
    }

    /** Whether any object's key starts with {@code prefix} in the bucket (read past the store under test). */
    public boolean anyObjectUnder(String bucket, String prefix) {
        return context.getBlobStore().list(bucket, org.jclouds.blobstore.options.ListContainerOptions.Builder.prefix(prefix).recursive())
                .stream().anyMatch(m -> m.getName().startsWith(prefix));
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        context.close();
    }
}
