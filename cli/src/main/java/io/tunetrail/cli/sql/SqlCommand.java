package io.tunetrail.cli.sql;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.cli.setup.Setup;
import io.tunetrail.cli.stack.Exec;
import io.tunetrail.cli.stack.ServiceStatus;
import io.tunetrail.cli.stack.SqlEndpointProcess;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.analyst.AuditWriterStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tunetrail sql}: the SQL endpoint (Spark's Thrift JDBC/ODBC server over the offline store) and a client for
 * one statement. The server and the client run in JVMs of the sql-endpoint module; the CLI never loads Spark.
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = {"The SQL endpoint over the offline store's Delta tables (HiveServer2 protocol: JDBC/ODBC, BI tools).",
            "sql serve | stop | status runs it in the background; sql -e \"SQL\" --user NAME runs one statement",
            "(the password in TUNETRAIL_SQL_PASSWORD); sql audit lists the statements it ran."},
        subcommands = {SqlCommand.Serve.class, SqlCommand.Stop.class, SqlCommand.Status.class, SqlAuditCommand.class})
public final class SqlCommand implements Callable<Integer> {
    @Option(names = {"-e", "--execute"}, description = "One SQL statement to run.")
    String sql;

    @Option(names = {"-u", "--user"}, description = "An analyst account (admin analyst create) or an API key id with the bi scope.")
    String user;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (one object per row).")
    String format;

    @Option(names = "--database", defaultValue = "default", description = "The database the session opens on.")
    String database;

    @Override
    public Integer call() {
        if (sql == null) {
            throw CliError.usage("say what to do: sql serve | stop | status, or sql -e \"SQL\" --user NAME", "see ./tunetrail sql --help");
        }
        if (user == null) {
            throw CliError.usage("sql -e needs --user NAME", "an analyst account (./tunetrail admin analyst create) or a bi API key id");
        }
        Path root = root();
        PlatformConfig config = TunetrailCli.config();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", SqlEndpointProcess.classpath(root), "io.tunetrail.sql.client.SqlClientMain",
                "--user", user, "-e", sql, "--format", format, "--database", database));
        Map<String, String> env = new HashMap<>(config.asEnv());
        String password = System.getenv("TUNETRAIL_SQL_PASSWORD");
        if (password != null) {
            env.put("TUNETRAIL_SQL_PASSWORD", password);
        }
        Exec.Result r = Exec.run(command, root, env, null, Duration.ofHours(1), line -> {
            if (line.startsWith("sql: ")) {
                System.err.println(line);
            } else if (!line.contains(" WARN ") && !line.startsWith("SLF4J") && !line.contains("log4j")) {
                System.out.println(line);
            }
        });
        return r.exitCode();
    }

    static Path root() {
        Path root = Setup.repositoryRoot();
        if (root == null) {
            throw CliError.environment("the repository root is unknown", "TUNETRAIL_ROOT is not set", "Run it through ./tunetrail sql");
        }
        return root;
    }

    static SqlEndpointProcess endpoint() {
        return new SqlEndpointProcess(TunetrailCli.config(), root(), System.out::println);
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Start the SQL endpoint in the background (log: <home>/logs/sql.log); prints its JDBC URL.")
    static final class Serve implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            SqlEndpointProcess endpoint = endpoint();
            if (!endpoint.start()) {
                System.out.println("  sql       already running: " + endpoint.status().address());
            }
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop the SQL endpoint.")
    static final class Stop implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            System.out.println(endpoint().stop() ? "  sql       stopped" : "  sql       was not running");
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Whether the SQL endpoint runs; exit 1 when it does not.")
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() {
            ServiceStatus s = endpoint().status();
            System.out.println("  sql       " + s.state().label() + " on " + s.address() + s.pid().stream().mapToObj(p -> " (pid " + p + ")").findFirst().orElse("")
                    + ", log " + s.logFile());
            // Published by the endpoint's audit writer every few seconds; stale when the endpoint stopped.
            AuditWriterStatus.read(AuditWriterStatus.file(TunetrailCli.config()))
                    .ifPresent(a -> System.out.println("  sql audit " + a.line()));
            return s.isRunning() ? 0 : 1;
        }
    }
}
