package io.tunetrail.store.testing;

import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.TestStack;
import io.tunetrail.store.online.RedisOnlineStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;

/**
 * Redis for one IT class: a client to the stack's Redis, org ids no other test uses, and the deletion of every key
 * of those orgs after the class.
 *
 * <p>Register it as {@code @RegisterExtension static final RedisNamespace REDIS = new RedisNamespace();} and take
 * org ids from {@link #newOrgId(String)}. Since every key of the platform carries its org ({@code feature-store/KEYS.md}),
 * fresh org ids isolate tests without a Redis of their own or a FLUSHDB that would wipe the demo data.
 */
public final class RedisNamespace implements BeforeAllCallback, AfterAllCallback {
    private final List<String> orgIds = new ArrayList<>();
    private PlatformConfig config;
    private JedisPooled jedis;
    private String run;

    @Override
    public void beforeAll(ExtensionContext context) {
        config = TestStack.config(Map.of());
        jedis = new JedisPooled(new HostAndPort(config.get(PlatformConfig.REDIS_HOST), config.getInt(PlatformConfig.REDIS_PORT)),
                DefaultJedisClientConfig.builder().timeoutMillis(5_000).build());
        run = "it-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (jedis == null) {
            return;
        }
        try {
            for (String org : orgIds) {
                deleteOrg(org);
            }
        } finally {
            jedis.close();
        }
    }

    /** An org id unique to this run ({@code it-<random>-<name>}); its keys are deleted after the class. */
    public String newOrgId(String name) {
        String org = run + "-" + name;
        orgIds.add(org);
        return org;
    }

    /** A client of the stack's Redis, shared by the class; closed after it. */
    public JedisPooled jedis() {
        return jedis;
    }

    /** A store over {@link #jedis()}; closing it leaves the client open. */
    public RedisOnlineStore store() {
        return new RedisOnlineStore(jedis, config.redisUri());
    }

    public PlatformConfig config() {
        return config;
    }

    /** Deletes every key of an org (SCAN, not KEYS: the stack's Redis may hold the demo data). */
    public long deleteOrg(String orgId) {
        return io.tunetrail.store.OrgDeletion.deleteOnlineKeys(jedis, orgId);
    }
}
