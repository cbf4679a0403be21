package io.tunetrail.sql;

import io.tunetrail.model.OfflineStoreLayout;
import io.tunetrail.model.OfflineStoreS3aConf;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.sql.audit.AuditWriter;
import io.tunetrail.sql.audit.StatementAudit;
import io.tunetrail.sql.auth.EndpointAuthenticator;
import io.tunetrail.sql.guard.AnalystGuardExtension;
import io.tunetrail.sql.guard.Guards;
import io.tunetrail.sql.guard.MetadataGuard;
import io.tunetrail.sql.guard.QueryTimeLimit;
import io.tunetrail.sql.guard.SessionAccount;
import io.tunetrail.sql.guard.SessionDirectory;
import io.tunetrail.sql.lake.LakeCatalog;
import io.tunetrail.store.StoreException;
import io.tunetrail.store.analyst.AnalystAccounts;
import io.tunetrail.store.analyst.AuditWriterStatus;
import io.tunetrail.store.analyst.QueryAuditLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.sasl.AuthenticationException;
import org.apache.hive.service.Service;
import org.apache.hive.service.cli.CLIService;
import org.apache.hive.service.cli.HiveSQLException;
import org.apache.hive.service.cli.SessionHandle;
import org.apache.hive.service.cli.session.SessionManager;
import org.apache.spark.sql.SQLContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2$;
import org.apache.spark.sql.hive.thriftserver.server.SparkSQLOperationManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL endpoint: Spark's Thrift JDBC/ODBC server (HiveServer2 protocol) over the offline store, in this JVM.
 *
 * <p>Spark runs {@code local[2]} with Delta's SQL extensions and catalog and ours ({@link AnalystGuardExtension});
 * the catalog is Spark's in-memory one, rebuilt from the offline store at each start ({@link LakeCatalog}), so there
 * is no metastore to migrate or to drift from the files. HiveServer2 authenticates with {@code CUSTOM}: our
 * {@link AnalystAccounts}. Every Thrift session gets a Spark session of its own, and this class tells the engine's
 * rules whose it is ({@link SessionDirectory}).
 */
public final class SqlEndpointServer implements AutoCloseable, SessionDirectory, EndpointAuthenticator.Logins {
    private static final Logger LOG = LoggerFactory.getLogger(SqlEndpointServer.class);
    /** Audit entries waiting for PostgreSQL: minutes of heavy use, a few MB (the SQL text is bounded). */
    private static final int AUDIT_QUEUE = 10_000;

    private final SparkSession session;
    private final LakeCatalog lake;
    private final AnalystAccounts accounts;
    private final long maxRows;
    private final Map<String, AnalystAccounts.Account> loggedIn = new ConcurrentHashMap<>();
    private final Map<SparkSession, SessionAccount> known = new WeakHashMap<>();
    private final QueryTimeLimit timeLimit;
    private final AuditWriter auditWriter;
    private final StatementAudit audit;
    private final String jdbcUrl;
    private volatile HiveThriftServer2 thrift;
    private volatile SessionManager sessions;

    private SqlEndpointServer(SparkSession session, PlatformConfig config, AnalystAccounts accounts, QueryAuditLog auditLog) {
        this.session = session;
        this.accounts = accounts;
        this.maxRows = config.getLong(PlatformConfig.SQL_MAX_ROWS);
        this.lake = new LakeCatalog(session, config.offlineStoreUri(), OfflineStoreLayout.load());
        long timeout = config.getLong(PlatformConfig.SQL_QUERY_TIMEOUT_SECONDS);
        this.timeLimit = timeout > 0 ? new QueryTimeLimit(session.sparkContext(), Duration.ofSeconds(timeout)) : null;
        this.jdbcUrl = jdbcUrl(config, "default");
        Path statusFile = AuditWriterStatus.file(config);
        this.auditWriter = new AuditWriter(auditLog, AUDIT_QUEUE, Duration.ofDays(config.getLong(PlatformConfig.SQL_AUDIT_RETENTION_DAYS)),
                status -> status.write(statusFile));
        this.audit = new StatementAudit(this::accountOfUser, auditWriter);
        session.sparkContext().addSparkListener(audit);
    }

    /** {@code jdbc:hive2://<sql.host>:<sql.port>/<database>}. */
    public static String jdbcUrl(PlatformConfig config, String database) {
        return "jdbc:hive2://" + config.get(PlatformConfig.SQL_HOST) + ":" + config.getInt(PlatformConfig.SQL_PORT) + "/" + database;
    }

    /** Starts Spark, registers the offline store's tables and opens the Thrift port; returns when clients can connect. */
    public static SqlEndpointServer start(PlatformConfig config, AnalystAccounts accounts, QueryAuditLog auditLog) throws Exception {
        Path dir = config.home().resolve("sql");
        Files.createDirectories(dir);
        // Derby (the Hive sessions' metastore, in memory: our tables live in Spark's catalog) writes derby.log into the
        // working directory unless told otherwise. derby.system.home is no option: it breaks Spark's in-memory URL.
        System.setProperty("derby.stream.error.file", dir.resolve("derby.log").toString());
        // HiveServer2 makes the CUSTOM provider from a HiveConf of its own, which reads system properties but not the
        // server's configuration.
        System.setProperty("hive.server2.custom.authentication.class", EndpointAuthenticator.class.getName());
        String host = config.get(PlatformConfig.SQL_HOST);
        SparkSession.Builder builder = SparkSession.builder()
                .appName("tunetrail-sql-endpoint")
                .master("local[2]")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                // Delta rebuilds a table's state from its log in 50 tasks by default, sized for big logs; on two local
                // cores every query of a small table paid for them (a table on s3a:// most: each task reads the bucket).
                .config("spark.databricks.delta.snapshotPartitions", "2")
                .config("spark.sql.catalogImplementation", "in-memory")
                .config("spark.sql.warehouse.dir", dir.resolve("warehouse").toString())
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension," + AnalystGuardExtension.class.getName())
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                // Each client its own session (its own current database and temp state), never one shared by all.
                .config("spark.sql.hive.thriftServer.singleSession", "false")
                .config("spark.hadoop.hive.server2.thrift.port", String.valueOf(config.getInt(PlatformConfig.SQL_PORT)))
                .config("spark.hadoop.hive.server2.thrift.bind.host", host)
                .config("spark.hadoop.hive.server2.transport.mode", "binary")
                .config("spark.hadoop.hive.server2.authentication", "CUSTOM")
                .config("spark.hadoop.hive.server2.custom.authentication.class", EndpointAuthenticator.class.getName())
                .config("spark.hadoop.hive.server2.enable.doAs", "false");
        // An s3a:// offline store: the batch jobs' S3A settings, so the endpoint reads the tables where they write them.
        OfflineStoreS3aConf.hadoopConf(config).forEach((key, value) -> builder.config("spark.hadoop." + key, value));
        SparkSession spark = builder.getOrCreate();
        SqlEndpointServer server = new SqlEndpointServer(spark, config, accounts, auditLog);
        Guards.install(server);
        EndpointAuthenticator.install(server);
        try {
            List<String> tables = server.lake.refresh();
            LOG.info("offline store {}: registered {}", config.offlineStoreUri(), tables);
            server.startThrift();
            LOG.info("SQL endpoint ready on {}", server.jdbcUrl);
            return server;
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    private void startThrift() {
        HiveThriftServer2 server = HiveThriftServer2$.MODULE$.startWithContext(session.sqlContext());
        for (Service s : server.getServices()) {
            if (s instanceof CLIService cli) {
                sessions = cli.getSessionManager();
            }
        }
        if (sessions == null) {
            server.stop();
            throw new IllegalStateException("the Thrift server has no CLI service; spark-hive-thriftserver changed shape");
        }
        MetadataGuard.install(sessions, this::accountOfUser, audit::statementOpened);
        thrift = server;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public LakeCatalog lake() {
        return lake;
    }

    /** The endpoint's own session (tests write their small lake through it). */
    SparkSession spark() {
        return session;
    }

    @Override
    public void authenticate(String user, String password) throws AuthenticationException {
        AnalystAccounts.Account account;
        try {
            account = accounts.authenticate(user, password);
        } catch (AnalystAccounts.LoginRefused e) {
            LOG.warn("login refused for '{}': {}", user, e.detail());
            throw new AuthenticationException(e.getMessage());
        } catch (StoreException e) {
            LOG.error("cannot check the login of '{}'", user, e);
            throw new AuthenticationException("the SQL endpoint cannot check logins now: " + e.getMessage());
        }
        if (account.orgBound()) {
            lake.ensureOrg(account.orgId());
        } else {
            lake.refresh();
        }
        loggedIn.put(user, account);
        LOG.info("login: {} ({})", user, account.orgBound() ? "org " + account.orgId() : "every org");
    }

    @Override
    public SessionAccount accountOf(SparkSession s) {
        if (s == session) {
            return SessionAccount.ENDPOINT;
        }
        synchronized (known) {
            SessionAccount hit = known.get(s);
            if (hit != null) {
                return hit;
            }
        }
        SessionManager manager = sessions;
        if (manager == null) {
            return SessionAccount.UNKNOWN;
        }
        for (Map.Entry<SessionHandle, SQLContext> e : ((SparkSQLOperationManager) manager.getOperationManager()).sessionToContexts().entrySet()) {
            if (e.getValue().sparkSession() != s) {
                continue;
            }
            SessionAccount resolved;
            try {
                resolved = accountOfUser(manager.getSession(e.getKey()).getUserName());
            } catch (HiveSQLException closed) {
                return SessionAccount.UNKNOWN;
            }
            if (resolved.kind() == SessionAccount.Kind.UNKNOWN) {
                return resolved;
            }
            synchronized (known) {
                known.put(s, resolved);
            }
            return resolved;
        }
        return SessionAccount.UNKNOWN;
    }

    /** The account a Thrift session's user logged in with (every Thrift session's login passed {@link #authenticate}). */
    private SessionAccount accountOfUser(String user) {
        AnalystAccounts.Account account = user == null ? null : loggedIn.get(user);
        if (account == null) {
            return SessionAccount.UNKNOWN;
        }
        return new SessionAccount(SessionAccount.Kind.ANALYST, account, account.orgBound() ? LakeCatalog.orgDatabase(account.orgId()) : null);
    }

    @Override
    public long maxRows() {
        return maxRows;
    }

    @Override
    public void close() {
        EndpointAuthenticator.uninstall(this);
        Guards.uninstall(this);
        if (timeLimit != null) {
            timeLimit.close();
        }
        if (thrift != null) {
            thrift.stop();
        }
        session.stop();
        // After the server and Spark stopped, so the statements they ended are queued too.
        auditWriter.close();
    }
}
