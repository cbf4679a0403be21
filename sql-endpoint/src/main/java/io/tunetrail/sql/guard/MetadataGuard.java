package io.tunetrail.sql.guard;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.hive.service.cli.OperationHandle;
import org.apache.hive.service.cli.SessionHandle;
import org.apache.hive.service.cli.operation.ExecuteStatementOperation;
import org.apache.hive.service.cli.operation.GetColumnsOperation;
import org.apache.hive.service.cli.operation.GetFunctionsOperation;
import org.apache.hive.service.cli.operation.GetSchemasOperation;
import org.apache.hive.service.cli.operation.MetadataOperation;
import org.apache.hive.service.cli.operation.Operation;
import org.apache.hive.service.cli.operation.OperationManager;
import org.apache.hive.service.cli.session.HiveSession;
import org.apache.hive.service.cli.session.SessionManager;
import org.apache.spark.sql.SQLContext;
import org.apache.spark.sql.hive.thriftserver.server.SparkSQLOperationManager;

/**
 * The Thrift protocol's catalogue calls ({@code GetSchemas}, {@code GetTables}, {@code GetColumns},
 * {@code GetFunctions}: what a BI tool's navigator and JDBC's {@code DatabaseMetaData} use) read Spark's catalogue
 * directly, never through a plan, so {@link PlanGuard} does not see them. For an org-bound account this narrows each
 * call's schema pattern to its org's database: a pattern that matches the org's database lists only it, any other
 * (another org's views, {@code lake}) is refused naming the pattern and why. Other accounts' calls pass unchanged.
 *
 * <p>Installed in place of the Thrift server's operation manager before any session opens; it keeps the session
 * contexts the server's session manager fills, so statements run exactly as before.
 */
public final class MetadataGuard extends SparkSQLOperationManager {
    private final SparkSQLOperationManager server;
    private final Function<String, SessionAccount> accountOfUser;
    private final Map<OperationHandle, Operation> operations;
    private final Consumer<ExecuteStatementOperation> statementOpened;

    @SuppressWarnings("unchecked")
    private MetadataGuard(SparkSQLOperationManager server, Function<String, SessionAccount> accountOfUser,
            Consumer<ExecuteStatementOperation> statementOpened) throws ReflectiveOperationException {
        this.server = server;
        this.accountOfUser = accountOfUser;
        this.statementOpened = statementOpened;
        // Spark's manager reads Hive's operation map from its superclass by reflection, which from a subclass finds
        // Spark's own (still empty) field instead: hand it Hive's map directly.
        Field map = OperationManager.class.getDeclaredField("handleToOperation");
        map.setAccessible(true);
        this.operations = (Map<OperationHandle, Operation>) map.get(this);
    }

    /**
     * Puts a guard in front of {@code sessions}' operation manager; call before the first session opens. Being the
     * operation manager, it also hands each statement operation it makes to {@code statementOpened} (the audit counts
     * the rows it answers).
     */
    public static void install(SessionManager sessions, Function<String, SessionAccount> accountOfUser,
            Consumer<ExecuteStatementOperation> statementOpened) {
        OperationManager current = sessions.getOperationManager();
        if (!(current instanceof SparkSQLOperationManager spark)) {
            throw new IllegalStateException("the Thrift server's operation manager is a " + current.getClass().getName()
                    + ", not Spark's; spark-hive-thriftserver changed shape");
        }
        try {
            // The same field Spark's own session manager replaces by reflection to install its manager.
            Field field = SessionManager.class.getDeclaredField("operationManager");
            field.setAccessible(true);
            field.set(sessions, new MetadataGuard(spark, accountOfUser, statementOpened));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot guard the Thrift server's catalogue calls: " + e, e);
        }
    }

    @Override
    public Map<OperationHandle, Operation> handleToOperation() {
        return operations;
    }

    @Override
    public ConcurrentHashMap<SessionHandle, SQLContext> sessionToContexts() {
        return server.sessionToContexts(); // the server's session manager registers each session's context there
    }

    @Override
    public synchronized ExecuteStatementOperation newExecuteStatementOperation(HiveSession session, String statement,
            Map<String, String> confOverlay, boolean async, long queryTimeout) {
        ExecuteStatementOperation operation = super.newExecuteStatementOperation(session, statement, confOverlay, async, queryTimeout);
        statementOpened.accept(operation);
        return operation;
    }

    @Override
    public synchronized GetSchemasOperation newGetSchemasOperation(HiveSession session, String catalog, String schema) {
        return super.newGetSchemasOperation(session, catalog, narrow(session, schema));
    }

    @Override
    public synchronized MetadataOperation newGetTablesOperation(HiveSession session, String catalog, String schema, String table,
            List<String> types) {
        return super.newGetTablesOperation(session, catalog, narrow(session, schema), table, types);
    }

    @Override
    public synchronized GetColumnsOperation newGetColumnsOperation(HiveSession session, String catalog, String schema, String table,
            String column) {
        return super.newGetColumnsOperation(session, catalog, narrow(session, schema), table, column);
    }

    @Override
    public synchronized GetFunctionsOperation newGetFunctionsOperation(HiveSession session, String catalog, String schema,
            String function) {
        // Spark answers a function per database the pattern matches, so the pattern would list databases too.
        return super.newGetFunctionsOperation(session, catalog, narrow(session, schema), function);
    }

    private String narrow(HiveSession session, String schemaPattern) {
        SessionAccount who = accountOfUser.apply(session.getUserName());
        if (who.kind() == SessionAccount.Kind.ANALYST && !who.orgBound()) {
            return schemaPattern;
        }
        if (!who.orgBound()) {
            throw new Refused("catalogue listing: this session has no known account; log in again");
        }
        String own = who.orgDatabase();
        if (!matchesAll(schemaPattern) && !toRegex(schemaPattern).matcher(own).matches()) {
            throw new Refused("catalogue listing of schema pattern '" + schemaPattern + "': " + who.describe()
                    + " may list only " + own);
        }
        return own.replace("_", "\\_"); // JDBC patterns read '_' as any character: escaped, the name matches only itself
    }

    private static boolean matchesAll(String pattern) {
        return pattern == null || pattern.isEmpty() || pattern.equals("*");
    }

    /** A JDBC search pattern ({@code %} any run, {@code _} any character, {@code \} escapes) as a case-blind regex. */
    static Pattern toRegex(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (c == '%') {
                regex.append(".*");
            } else if (c == '_') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }
}
