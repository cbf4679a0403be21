package io.tunetrail.cli.stack;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.cli.CliError;
import io.tunetrail.cli.FileTrees;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The stack's PostgreSQL 15: a private cluster under {@code <home>/postgres} (see {@link StackLayout} for the one
 * exception), listening on loopback and on a socket
 * directory of its own, with the platform's role and database, pgvector, and the Flyway migrations applied.
 *
 * <p>PostgreSQL refuses to run as root, so a root caller runs {@code initdb}, {@code pg_ctl} and {@code psql} as the
 * {@code postgres} OS user (the Debian packages create it). The cluster's superuser {@code postgres} can only log in
 * through the socket directory (mode 0700); the platform's role logs in over TCP with the configured password.
 */
final class PostgresService extends ManagedService {
    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    static final Path VECTOR_CONTROL = Path.of("/usr/share/postgresql/15/extension/vector.control");
    private static final String OS_USER_WHEN_ROOT = "postgres";
    /** sizeof(sockaddr_un.sun_path) minus the terminating NUL: a longer socket path cannot be bound. */
    static final int MAX_SOCKET_PATH = 107;

    private final boolean root = Exec.isRoot();

    PostgresService(StackLayout layout, Consumer<String> progress) {
        super(layout, progress);
    }

    @Override
    String name() {
        return "postgres";
    }

    @Override
    Endpoint endpoint() {
        return Endpoint.postgres(layout.config());
    }

    Path dataDir() {
        return layout.postgres().resolve("data");
    }

    @Override
    Path logFile() {
        return layout.postgresLog();
    }

    Path socketDir() {
        return layout.postgres().resolve("run");
    }

    @Override
    Path pidFile() {
        return dataDir().resolve("postmaster.pid");
    }

    @Override
    void cleanUpAfterStop() {
        // PostgreSQL keeps postmaster.pid itself, and checks a stale one on start.
    }

    @Override
    boolean isOurs(ProcessHandle p) {
        String cmd = commandLine(p);
        return cmd.startsWith(BIN.resolve("postgres").toString()) && cmd.contains(dataDir().toString());
    }

    @Override
    void checkInstalled() {
        for (String program : List.of("initdb", "pg_ctl", "psql", "postgres")) {
            if (!Files.isExecutable(BIN.resolve(program))) {
                throw CliError.environment("PostgreSQL 15 is not installed", BIN.resolve(program) + " is missing",
                        "Run './tunetrail setup' (or apt-get install postgresql-15)");
            }
        }
        if (!Files.exists(VECTOR_CONTROL)) {
            throw CliError.environment("pgvector is not installed for PostgreSQL 15", VECTOR_CONTROL + " is missing",
                    "Run './tunetrail setup', which builds pgvector 0.8.0 from Debian's source package");
        }
        checkSocketPath();
    }

    /** PostgreSQL cannot bind a Unix socket whose path is longer than {@link #MAX_SOCKET_PATH} bytes. */
    void checkSocketPath() {
        String socket = socketDir().resolve(".s.PGSQL." + endpoint().port()).toString();
        if (socket.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw CliError.environment("the home directory's path is too long for PostgreSQL",
                    "its socket " + socket + " exceeds the " + MAX_SOCKET_PATH + "-byte limit of Unix sockets",
                    "Set a shorter home with " + PlatformConfig.HOME.describe());
        }
    }

    @Override
    void start(Duration timeout) throws Exception {
        long t0 = System.nanoTime();
        prepareDirectories();
        boolean created = false;
        if (!Files.exists(dataDir().resolve("PG_VERSION"))) {
            initdb();
            created = true;
        }
        Path conf = dataDir().resolve("tunetrail.conf");
        Files.writeString(conf, serverSettings());
        giveToServerUser(conf);
        Exec.Result r = runAsServerUser(List.of(BIN.resolve("pg_ctl").toString(), "start", "-D", dataDir().toString(),
                "-l", logFile().toString(), "-w", "-t", String.valueOf(Math.max(10, timeout.toSeconds())), "-s"), null, timeout.plusSeconds(10));
        if (!r.ok()) {
            throw CliError.failed("PostgreSQL did not start", r.tailText() + "; see " + logFile() + lastLogLine(),
                    "Fix what the log says and run 'tunetrail stack start' again");
        }
        int migrations = prepareDatabase();
        awaitAnswering(running(), Duration.ofSeconds(10));
        progress.accept(String.format("  postgres  up on %s (pid %s) in %.1f s%s, %d migration(s) applied", endpoint(),
                running().map(h -> String.valueOf(h.pid())).orElse("?"), (System.nanoTime() - t0) / 1e9,
                created ? ", new cluster in " + dataDir() : "", migrations));
    }

    private void prepareDirectories() throws IOException {
        Files.createDirectories(socketDir());
        Files.createDirectories(layout.logs());
        if (!Files.exists(logFile())) {
            Files.createFile(logFile());
        }
        if (root && layout.postgresRelocated()) {
            // The home is out of the postgres user's reach (e.g. under /root): the cluster lives beside other
            // services' data instead, in a directory that user can walk to (StackLayout says where).
            Files.setPosixFilePermissions(StackLayout.RELOCATED_POSTGRES_ROOT, Set.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_READ,
                    PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE));
        } else if (root) {
            for (Path dir : List.of(layout.home(), layout.postgres())) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
                if (perms.add(PosixFilePermission.OTHERS_EXECUTE) | perms.add(PosixFilePermission.GROUP_EXECUTE)) {
                    // The postgres user must walk through our directories to reach its own.
                    Files.setPosixFilePermissions(dir, perms);
                }
            }
        }
        if (root) {
            giveToServerUser(layout.postgres());
            giveToServerUser(socketDir());
            giveToServerUser(logFile());
            Files.setPosixFilePermissions(socketDir(), Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE));
        }
    }

    private void initdb() throws Exception {
        Path staging = layout.postgres().resolve("data.initdb");
        FileTrees.deleteRecursively(staging);
        progress.accept("  postgres  creating a new cluster in " + dataDir() + " (initdb)");
        Exec.Result r = runAsServerUser(List.of(BIN.resolve("initdb").toString(), "-D", staging.toString(), "-U", "postgres",
                "-E", "UTF8", "--no-locale", "--auth-local=trust", "--auth-host=scram-sha-256",
                // An empty cluster is cheap to recreate after a crash; skipping its fsync halves the first start.
                "--no-sync"), null, Duration.ofMinutes(2));
        if (!r.ok()) {
            throw CliError.failed("initdb failed", r.tailText(), "Fix the cause and run 'tunetrail stack start' again");
        }
        Files.writeString(staging.resolve("postgresql.conf"), "\n# Settings of the TuneTrail local stack, rewritten on every start.\n"
                + "include_if_exists = 'tunetrail.conf'\n", StandardOpenOption.APPEND);
        // Renamed only when complete, so a half-made cluster is never mistaken for a usable one.
        Files.move(staging, dataDir());
    }

    String serverSettings() {
        return String.join("\n",
                "# Written by 'tunetrail stack start'; change ports through the TuneTrail configuration, not here.",
                "port = " + endpoint().port(),
                "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = '" + socketDir().toString().replace("'", "''") + "'",
                "unix_socket_permissions = 0700",
                "max_connections = 100",
                // Sized for a developer machine that also runs Kafka, Spark and Flink.
                "shared_buffers = 128MB",
                "work_mem = 8MB",
                "maintenance_work_mem = 256MB",
                // A crash may lose the last fraction of a second of commits, never consistency; bulk loads go faster.
                "synchronous_commit = off",
                "max_wal_size = 1GB",
                "log_min_messages = warning",
                "log_line_prefix = '%m [%p] '",
                "");
    }

    /** Creates the platform's role and database and pgvector, then applies the migrations; returns how many ran. */
    private int prepareDatabase() throws Exception {
        PlatformConfig c = layout.config();
        String user = c.get(PlatformConfig.POSTGRES_USER);
        String db = c.get(PlatformConfig.POSTGRES_DATABASE);
        String password = c.get(PlatformConfig.POSTGRES_PASSWORD);
        String roleSql = "DO $tunetrail$ BEGIN\n"
                + "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = " + literal(user) + ") THEN\n"
                + "    CREATE ROLE " + ident(user) + " LOGIN CREATEDB PASSWORD " + literal(password) + ";\n"
                + "  ELSE\n"
                // Re-applied on every start so a changed postgres.password simply takes effect.
                + "    ALTER ROLE " + ident(user) + " WITH LOGIN CREATEDB PASSWORD " + literal(password) + ";\n"
                + "  END IF;\n"
                + "END $tunetrail$;\n"
                + "SELECT " + literal("CREATE DATABASE " + ident(db) + " OWNER " + ident(user))
                + " WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = " + literal(db) + ") \\gexec\n";
        if (password.contains("$tunetrail$")) {
            throw CliError.usage(PlatformConfig.POSTGRES_PASSWORD.describe() + " contains '$tunetrail$'", "Choose another password");
        }
        psql("postgres", roleSql);
        // pgvector is not a trusted extension, so the non-superuser platform role cannot create it. Enabling it in
        // template1 as well means every database made later (a test's fresh one, a tenant's) starts with it.
        psql("template1", "CREATE EXTENSION IF NOT EXISTS vector;\n");
        psql(db, "CREATE EXTENSION IF NOT EXISTS vector;\n");
        try (HikariDataSource ds = Database.connect(c, 2)) {
            return Database.migrate(ds, c);
        }
    }

    private void psql(String database, String sql) throws Exception {
        List<String> cmd = List.of(BIN.resolve("psql").toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", socketDir().toString(),
                "-p", String.valueOf(endpoint().port()), "-U", "postgres", "-d", database, "-f", "-");
        Exec.Result r = runAsServerUser(cmd, sql, Duration.ofMinutes(1));
        if (!r.ok()) {
            throw CliError.failed("cannot prepare the database " + database, r.tailText(), "See " + logFile());
        }
    }

    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    static String ident(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    @Override
    boolean answers() {
        PlatformConfig c = layout.config();
        Properties props = new Properties();
        props.setProperty("user", c.get(PlatformConfig.POSTGRES_USER));
        props.setProperty("password", c.get(PlatformConfig.POSTGRES_PASSWORD));
        props.setProperty("connectTimeout", "2");
        props.setProperty("socketTimeout", "5");
        props.setProperty("loginTimeout", "3");
        try (Connection conn = DriverManager.getConnection(c.jdbcUrl(), props);
                Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("select 1")) {
            return rs.next() && rs.getInt(1) == 1;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    void requestStop(ProcessHandle server) throws Exception {
        // Fast mode: clients (connection pools of other processes) are disconnected instead of waited for.
        Exec.Result r = runAsServerUser(List.of(BIN.resolve("pg_ctl").toString(), "stop", "-D", dataDir().toString(),
                "-m", "fast", "-w", "-t", String.valueOf(stopGrace().toSeconds()), "-s"), null, stopGrace().plusSeconds(5));
        if (!r.ok() && server.isAlive()) {
            Exec.run(List.of("kill", "-INT", String.valueOf(server.pid())));
        }
    }

    @Override
    Duration stopGrace() {
        return Duration.ofSeconds(30);
    }

    private Exec.Result runAsServerUser(List<String> command, String stdin, Duration timeout) {
        List<String> cmd = new ArrayList<>();
        if (root) {
            cmd.addAll(List.of(runuser(), "-u", OS_USER_WHEN_ROOT, "--"));
        }
        cmd.addAll(command);
        // The working directory must be one the postgres user may enter, or initdb and psql complain.
        return Exec.run(cmd, layout.postgres(), Map.of("LC_ALL", "C.UTF-8"), stdin, timeout, line -> {});
    }

    private static String runuser() {
        Path p = Exec.which("runuser");
        if (p == null) {
            throw CliError.environment("runuser is missing", "PostgreSQL refuses to run as root and runuser switches to the postgres user",
                    "Install util-linux, or run 'tunetrail stack start' as a non-root user");
        }
        return p.toString();
    }

    private void giveToServerUser(Path p) throws IOException {
        if (!root) {
            return;
        }
        var lookup = p.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(p, lookup.lookupPrincipalByName(OS_USER_WHEN_ROOT));
        Files.getFileAttributeView(p, java.nio.file.attribute.PosixFileAttributeView.class)
                .setGroup(lookup.lookupPrincipalByGroupName(OS_USER_WHEN_ROOT));
    }
}
