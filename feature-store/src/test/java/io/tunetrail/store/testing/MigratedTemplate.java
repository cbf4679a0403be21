package io.tunetrail.store.testing;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.TestStack;
import io.tunetrail.store.Database;
import java.util.Map;
import java.util.UUID;

/**
 * The database every {@link FreshDatabase} of this JVM is copied from: created and migrated once, on first use, and
 * dropped when the JVM exits. Its name is unique to the JVM, so concurrent builds on one stack never share one, and no
 * connection to it stays open (PostgreSQL copies a database only while nobody is connected to it).
 */
record MigratedTemplate(String name, int migrationsApplied) {
    private static MigratedTemplate instance;

    static synchronized MigratedTemplate get(PlatformConfig base) {
        if (instance == null) {
            String name = "it_template_" + UUID.randomUUID().toString().substring(0, 8);
            FreshDatabase.admin(base, "CREATE DATABASE " + name);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    FreshDatabase.admin(base, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                } catch (RuntimeException e) {
                    System.err.println("could not drop the test template database " + name + ": " + e.getMessage());
                }
            }, "drop-" + name));
            PlatformConfig config = TestStack.config(Map.of(PlatformConfig.POSTGRES_DATABASE.name(), name));
            int applied;
            try (HikariDataSource dataSource = Database.connect(config, 4)) {
                applied = Database.migrate(dataSource, config);
            }
            instance = new MigratedTemplate(name, applied);
        }
        return instance;
    }
}
