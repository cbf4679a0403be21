package io.tunetrail.store;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.catalog.PostgresCatalogStore;
import io.tunetrail.store.online.RedisOnlineStore;
import io.tunetrail.store.vector.PgVectorStore;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the stores are, as a small serialisable value: what a Flink operator or Spark closure carries to the workers,
 * which then open the stores themselves.
 *
 * <p>Stores hold connection pools and are not serialisable. Capture a spec when the job is built
 * ({@code StoreSpec.of(config)}), and open the stores in {@code open()} / per partition; close them when done. The
 * spec holds the configuration's values, database password included, so treat it like the configuration.
 */
public final class StoreSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    private final LinkedHashMap<String, String> settings;
    private transient PlatformConfig config;

    private StoreSpec(Map<String, String> settings) {
        this.settings = new LinkedHashMap<>(settings);
    }

    public static StoreSpec of(PlatformConfig config) {
        return new StoreSpec(config.asMap());
    }

    /** The configuration the spec was made from, rebuilt (the keys are explicit, so the worker's environment does not matter). */
    public PlatformConfig config() {
        if (config == null) {
            config = PlatformConfig.load(Map.of(), settings);
        }
        return config;
    }

    /** A connection pool of at most {@code maxPoolSize} connections; close it when done. */
    public HikariDataSource openDataSource(int maxPoolSize) {
        return Database.connect(config(), maxPoolSize);
    }

    /** The online store; close it when done. */
    public RedisOnlineStore openOnlineStore() {
        return RedisOnlineStore.connect(config());
    }

    /** The vector store over a pool from {@link #openDataSource}, which the caller keeps and closes. */
    public PgVectorStore openVectorStore(HikariDataSource dataSource) {
        return new PgVectorStore(dataSource);
    }

    /** The catalog store over a pool from {@link #openDataSource}, which the caller keeps and closes. */
    public PostgresCatalogStore openCatalogStore(HikariDataSource dataSource) {
        return new PostgresCatalogStore(dataSource);
    }
}
