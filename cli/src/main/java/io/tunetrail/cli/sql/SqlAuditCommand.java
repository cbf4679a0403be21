package io.tunetrail.cli.sql;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.api.http.Json;
import io.tunetrail.cli.CliError;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.store.Database;
import io.tunetrail.store.analyst.QueryAuditLog;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./tunetrail sql audit}: the newest statements the SQL endpoint ran, from {@code sql_query_audit}. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"The newest statements of the SQL endpoint, newest first: when, account, org, outcome, duration, rows, SQL, reason.",
            "Reads PostgreSQL; the endpoint need not run."})
final class SqlAuditCommand implements Callable<Integer> {
    static final int MAX_LIMIT = 10_000;
    /** Table columns show this much of the SQL and the reason; --format json shows all that is stored. */
    private static final int CELL = 60;

    @Option(names = "--account", description = "Only this login (an analyst name or a bi API key id).")
    String account;

    @Option(names = "--org", description = "Only logins bound to this org.")
    String org;

    @Option(names = "--limit", defaultValue = "20", description = "How many entries (1..10000, default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--format", defaultValue = "table", description = "table or json (one object per line).")
    String format;

    @Override
    public Integer call() throws Exception {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw CliError.usage("--limit " + limit + " is out of range", "pass 1.." + MAX_LIMIT);
        }
        if (!format.equals("table") && !format.equals("json")) {
            throw CliError.usage("--format " + format + " is not known", "pass table or json");
        }
        List<QueryAuditLog.Entry> entries;
        try (HikariDataSource ds = Database.connect(TunetrailCli.config(), 1)) {
            entries = new QueryAuditLog(ds).recent(account, org, limit);
        }
        print(entries, format, System.out);
        return 0;
    }

    static void print(List<QueryAuditLog.Entry> entries, String format, PrintStream out) throws Exception {
        if (format.equals("json")) {
            for (QueryAuditLog.Entry e : entries) {
                out.println(Json.mapper().writeValueAsString(asMap(e)));
            }
            return;
        }
        String row = "%-24s %-20s %-16s %-9s %8s %7s  %-" + CELL + "s  %s%n";
        out.printf(row, "started_at", "account", "org", "outcome", "ms", "rows", "sql", "reason");
        for (QueryAuditLog.Entry e : entries) {
            out.printf(row, e.startedAt(), e.account(), e.orgId() == null ? "(every org)" : e.orgId(), e.outcome().label(),
                    e.durationMs(), e.rows() == null ? "-" : e.rows(), cell(e.sql()), e.reason() == null ? "" : cell(e.reason()));
        }
    }

    private static Map<String, Object> asMap(QueryAuditLog.Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("statement_id", e.statementId());
        m.put("started_at", e.startedAt().toString());
        m.put("account", e.account());
        m.put("account_kind", e.accountKind());
        m.put("org_id", e.orgId());
        m.put("outcome", e.outcome().label());
        m.put("duration_ms", e.durationMs());
        m.put("rows", e.rows());
        m.put("sql", e.sql());
        m.put("sql_length", e.sqlLength());
        m.put("reason", e.reason());
        return m;
    }

    /** One line, cut to the column (statements span lines; the reason carries the engine's multi-line message). */
    private static String cell(String s) {
        String line = s.replaceAll("\\s+", " ").trim();
        return line.length() <= CELL ? line : line.substring(0, CELL - 3) + "...";
    }
}
