package io.tunetrail.sql.client;

import io.tunetrail.model.PlatformConfig;
import io.tunetrail.sql.SqlEndpointServer;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * {@code ./tunetrail sql -e "..."}: one statement through hive-jdbc, the way a BI tool connects, its rows on standard
 * output as a table, CSV or JSON lines. The password comes from {@code TUNETRAIL_SQL_PASSWORD}, never an argument
 * (arguments show in {@code ps}). Exit codes: 0 done, 1 the endpoint refused the statement or the login, 2 bad usage,
 * 3 the endpoint cannot be reached.
 */
public final class SqlClientMain {
    static final String PASSWORD_ENV = "TUNETRAIL_SQL_PASSWORD";

    private SqlClientMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(PASSWORD_ENV), PlatformConfig.load(), System.out, System.err));
    }

    /** Runs {@code args} ({@code --user U -e SQL [--format table|csv|json] [--database DB]}); returns the exit code. */
    public static int run(String[] args, String password, PlatformConfig config, PrintStream out, PrintStream err) {
        String user = null;
        String sql = null;
        String format = "table";
        String database = "default";
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--user", "-u" -> user = value;
                case "-e", "--execute" -> sql = value;
                case "--format" -> format = value;
                case "--database" -> database = value;
                default -> {
                    err.println("sql: unknown argument '" + args[i] + "'");
                    return 2;
                }
            }
            i++;
        }
        ResultFormat writer = ResultFormat.named(format);
        if (user == null || sql == null || writer == null) {
            err.println("sql: needs --user NAME and -e \"SQL\", --format table|csv|json (the password in " + PASSWORD_ENV + ")");
            return 2;
        }
        if (password == null || password.isEmpty()) {
            err.println("sql: set " + PASSWORD_ENV + " to the password of " + user + " (admin analyst create printed it; an API key for key_... users)");
            return 2;
        }
        String url = SqlEndpointServer.jdbcUrl(config, database);
        DriverManager.setLoginTimeout(120);
        Connection c;
        try {
            c = DriverManager.getConnection(url, user, password);
        } catch (SQLException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("Connection refused") || m.contains("UnknownHost")) {
                err.println("sql: nothing answers on " + url + ": start the endpoint with ./tunetrail sql serve");
                return 3;
            }
            err.println("sql: login refused on " + url + " for '" + user + "': " + loginReason(m));
            return 1;
        }
        try (c; Statement st = c.createStatement()) {
            if (st.execute(sql)) {
                try (ResultSet rs = st.getResultSet()) {
                    writer.write(rs, out);
                }
            } else {
                out.println("OK");
            }
            out.flush();
            return 0;
        } catch (SQLException e) {
            err.println("sql: " + engineMessage(e.getMessage()));
            return 1;
        }
    }

    /** HiveServer2 answers every failed login with one SASL message; the endpoint's log says which check failed. */
    static String loginReason(String message) {
        return message.contains("Error validating the login") || message.contains("Peer indicated failure")
                ? "wrong user name or password, or the account may not log in (API keys: key id as user, key as password, "
                        + "'bi' scope, enterprise plan); the endpoint's log (.tunetrail/logs/sql.log) says which"
                : message;
    }

    /** The engine's own words, without the server's wrapper and stack: the position of a syntax error stays. */
    static String engineMessage(String message) {
        String m = String.valueOf(message).replace("org.apache.hive.service.cli.HiveSQLException: ", "")
                .replace("Error running query: ", "");
        int trace = m.indexOf("\n\tat ");
        if (trace >= 0) {
            m = m.substring(0, trace);
        }
        List<String> lines = m.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return String.join(" ", lines);
    }
}
