package io.tunetrail.sql.audit;

import io.tunetrail.model.PlatformConfig;
import io.tunetrail.sql.guard.Refused;
import io.tunetrail.sql.guard.SessionAccount;
import io.tunetrail.store.analyst.QueryAuditLog;
import io.tunetrail.store.analyst.QueryAuditLog.Outcome;
import java.lang.reflect.Field;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.hive.service.cli.operation.ExecuteStatementOperation;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.sql.hive.thriftserver.ArrayFetchIterator;
import org.apache.spark.sql.hive.thriftserver.SparkExecuteStatementOperation;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationCanceled;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationClosed;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationError;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationFinish;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationStart;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationTimeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audits every statement that comes through the Thrift server, from the events the server posts on Spark's listener
 * bus for each one (start with user and SQL; then finish, error, cancel or timeout): whatever ends a statement, the
 * refusals of the guards included, ends it with one of those. The bus delivers them on its own thread, after the
 * fact, so auditing adds nothing to a statement's time; the entry goes to the {@link AuditWriter}.
 *
 * <p>Rows: the events carry no count, so the operation manager hands each statement operation over as it is made
 * ({@link #statementOpened}) and the count is read from its collected result at the finish. Statements answered
 * incrementally ({@code spark.sql.thriftServer.incrementalCollect}, off here) get no count.
 */
public final class StatementAudit extends SparkListener {
    private static final Logger LOG = LoggerFactory.getLogger(StatementAudit.class);
    private static final String TIME_LIMIT = "the limit " + PlatformConfig.SQL_QUERY_TIMEOUT_SECONDS.name();
    private static final String ROW_LIMIT = "the limit " + PlatformConfig.SQL_MAX_ROWS.name();

    private record Started(String user, String sessionId, String sql, long startMillis) {}

    private final Function<String, SessionAccount> accountOfUser;
    private final AuditWriter writer;
    private final Map<String, Started> running = new ConcurrentHashMap<>();
    /** Statement operations by object, weakly: one the server made but never started must not stay here. */
    private final Map<SparkExecuteStatementOperation, Boolean> operations = Collections.synchronizedMap(new WeakHashMap<>());

    public StatementAudit(Function<String, SessionAccount> accountOfUser, AuditWriter writer) {
        this.accountOfUser = accountOfUser;
        this.writer = writer;
    }

    /** Called by the operation manager for each statement operation it makes, before it runs. */
    public void statementOpened(ExecuteStatementOperation operation) {
        if (operation instanceof SparkExecuteStatementOperation spark) {
            operations.put(spark, Boolean.TRUE);
        }
    }

    @Override
    public void onOtherEvent(SparkListenerEvent event) {
        if (event instanceof SparkListenerThriftServerOperationStart s) {
            running.put(s.id(), new Started(s.userName(), s.sessionId(), s.statement(), s.startTime()));
        } else if (event instanceof SparkListenerThriftServerOperationFinish f) {
            end(f.id(), f.finishTime(), Outcome.OK, null, rowsOf(f.id()));
        } else if (event instanceof SparkListenerThriftServerOperationError e) {
            String message = e.errorMsg() == null ? "(no message)" : e.errorMsg();
            end(e.id(), e.finishTime(), classify(message), message, null);
        } else if (event instanceof SparkListenerThriftServerOperationCanceled c) {
            end(c.id(), c.finishTime(), Outcome.CANCELLED, "cancelled by the client", null);
        } else if (event instanceof SparkListenerThriftServerOperationTimeout t) {
            end(t.id(), t.finishTime(), Outcome.CANCELLED, "the client's query timeout passed", null);
        } else if (event instanceof SparkListenerThriftServerOperationClosed c) {
            running.remove(c.id()); // closed before it ended (closing a statement still queued): nothing ran
        }
    }

    /** The endpoint's own rules refuse; its time limit cancels; anything else is the engine failing the statement. */
    static Outcome classify(String message) {
        if (message.contains(Refused.PREFIX) || message.contains(ROW_LIMIT)) {
            return Outcome.REFUSED;
        }
        return message.contains(TIME_LIMIT) ? Outcome.CANCELLED : Outcome.FAILED;
    }

    private void end(String id, long finishMillis, Outcome outcome, String reason, Long rows) {
        Started s = running.remove(id);
        if (s == null) {
            return; // a second terminal event of one statement (an error after a cancel): the first one counts
        }
        SessionAccount who = accountOfUser.apply(s.user());
        String kind = who.account() == null ? "unknown" : who.account().apiKey() ? "api_key" : "analyst";
        String org = who.account() == null ? null : who.account().orgId();
        writer.submit(QueryAuditLog.Entry.bounded(id, s.user() == null ? "" : s.user(), kind, org, s.sessionId(), s.sql(),
                Instant.ofEpochMilli(s.startMillis()), finishMillis - s.startMillis(), rows, outcome, reason));
    }

    private Long rowsOf(String statementId) {
        SparkExecuteStatementOperation op = null;
        synchronized (operations) {
            for (SparkExecuteStatementOperation o : operations.keySet()) {
                if (statementId.equals(o.statementId())) {
                    op = o;
                    break;
                }
            }
            if (op != null) {
                operations.remove(op);
            }
        }
        return op == null ? null : ResultRows.of(op);
    }

    /** The number of rows a finished statement operation collected (Spark keeps them in a private field). */
    static final class ResultRows {
        private static final Field ITER = field(SparkExecuteStatementOperation.class, "iter");
        private static final Field SRC = field(ArrayFetchIterator.class, "src");

        private ResultRows() {}

        static Long of(SparkExecuteStatementOperation op) {
            if (ITER == null || SRC == null) {
                return null;
            }
            try {
                Object iter = ITER.get(op);
                return iter instanceof ArrayFetchIterator<?> a ? (long) java.lang.reflect.Array.getLength(SRC.get(a)) : null;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }

        private static Field field(Class<?> type, String name) {
            try {
                Field f = type.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (ReflectiveOperationException | RuntimeException e) {
                // The audit still records every statement; only its row count is lost, and this says why.
                LOG.warn("spark-hive-thriftserver changed shape ({}.{} missing): the audit records no row counts", type.getName(), name);
                return null;
            }
        }
    }
}
