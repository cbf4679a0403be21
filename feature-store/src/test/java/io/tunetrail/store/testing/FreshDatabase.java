package io.tunetrail.store.testing;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.TestStack;
import io.tunetrail.store.Database;
import io.tunetrail.store.StoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A PostgreSQL database of its own for one IT class: created (and migrated) before the class, dropped after it.
 *
 * <p>Migrating takes seconds (tens on a loaded machine) and nearly every IT class needs a database, so a JVM migrates
 * one template database once ({@link MigratedTemplate}) and each class gets a copy of it ({@code CREATE DATABASE ...
 * TEMPLATE}, a fraction of a second): the same schema, built by the same migrations from the same classpath.
 *
 * <p>Register it as {@code @RegisterExtension static final FreshDatabase DB = new FreshDatabase();}. It connects to
 * the stack the environment names ({@link TestStack}: {@code TUNETRAIL_POSTGRES_PORT}, ...), creates
 * {@code it_<class>_<random>}, and gives a {@link #config()} that points at it, so code under test connects the way
 * the apps do. ITs stay independent of each other and of the demo data. The configured user needs CREATEDB, and
 * the {@code vector} extension must be creatable (superuser) or present in {@code template1}.
 *
 * <p>Other modules reuse it through the {@code tunetrail-feature-store} test-jar.
 */
public final class FreshDatabase implements BeforeAllCallback, AfterAllCallback {
    private final boolean migrate;
    private PlatformConfig base;
    private PlatformConfig config;
    private String name;
    private HikariDataSource dataSource;
    private int migrationsApplied;

    /** A migrated database. */
    public FreshDatabase() {
        this(true);
    }

    private FreshDatabase(boolean migrate) {
        this.migrate = migrate;
    }

    /** An empty database, for tests of the migrations themselves. */
    public static FreshDatabase unmigrated() {
        return new FreshDatabase(false);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        base = TestStack.config(Map.of());
        String owner = context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        name = "it_" + owner.substring(0, Math.min(owner.length(), 40)) + "_" + UUID.randomUUID().toString().substring(0, 8);
        config = TestStack.config(Map.of(PlatformConfig.POSTGRES_DATABASE.name(), name));
        if (migrate) {
            MigratedTemplate template = MigratedTemplate.get(base);
            admin("CREATE DATABASE " + name + " TEMPLATE " + template.name());
            migrationsApplied = template.migrationsApplied();
        } else {
            admin("CREATE DATABASE " + name);
        }
        dataSource = Database.connect(config, 4);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (dataSource != null) {
            dataSource.close();
        }
        if (name != null) {
            dropWithRetries();
        }
    }

    /** The stack's configuration with {@code postgres.database} naming this database. */
    public PlatformConfig config() {
        return config;
    }

    /** A pool of up to four connections to this database; closed after the class. */
    public HikariDataSource dataSource() {
        return dataSource;
    }

    public String name() {
        return name;
    }

    /** Runs one statement of test set-up on this database. */
    public void execute(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** A new organisation on {@code plan} with a fresh id ({@code <plan>-<random>}); returns the id. */
    public String newOrg(String plan) throws SQLException {
        String id = plan + "-" + UUID.randomUUID().toString().substring(0, 8);
        execute("INSERT INTO organisations (org_id, name, plan_id) VALUES ('" + id + "', 'Org " + id + "', '" + plan + "')");
        return id;
    }

    /** How many migrations made this database's schema (all of them, applied to a fresh database). */
    public int migrationsApplied() {
        return migrationsApplied;
    }

    /**
     * WITH (FORCE) terminates the database's other sessions, but not an autovacuum worker that has just started on it
     * (it runs as the bootstrap superuser: "must be a member of the role whose process is being terminated"). Such a
     * worker is done within moments on a test database, so the drop is retried briefly.
     */
    private void dropWithRetries() {
        for (int attempt = 1; ; attempt++) {
            try {
                admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                return;
            } catch (StoreException e) {
                if (attempt >= 10 || !(e.getCause() instanceof SQLException sql) || !"42501".equals(sql.getSQLState())) {
                    throw e;
                }
                try {
                    Thread.sleep(200L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private void admin(String sql) {
        admin(base, sql);
    }

    // CREATE/DROP DATABASE cannot run inside the target database, so they go through the configured one.
    static void admin(PlatformConfig base, String sql) {
        String user = base.get(PlatformConfig.POSTGRES_USER);
        try (Connection c = DriverManager.getConnection(base.jdbcUrl(), user, base.get(PlatformConfig.POSTGRES_PASSWORD));
                Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw StoreException.unavailable("PostgreSQL (as " + user + ", for '" + sql + "')", base.jdbcUrl(), e);
        }
    }
}
