package io.tunetrail.streaming.common;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;

/**
 * The names of the jobs' counters: each is a Flink metric of the operator that counts it (visible in the Flink UI and
 * any metrics reporter) and an accumulator named {@code <job>.<counter>}, which a finished job returns and the jar prints as its
 * final JSON line.
 *
 * <p>Accumulators are those of the last attempt of each task: after a failover they restart from zero, so use them
 * for a run's report, not as the ledger (that is what the sinks hold).
 */
public final class JobCounters {
    public static final String READ = "records_read";
    public static final String ACCEPTED = "accepted";
    public static final String MALFORMED_JSON = "malformed_json";
    public static final String SCHEMA_VIOLATION = "schema_violation";
    public static final String FUTURE_EVENT = "future_event";
    public static final String LATE_EVENT = "late_event";
    public static final String OTHER = "other_rejected";
    /** Events a window operator found late: zero by construction ({@link EventRouter}), counted to prove it. */
    public static final String WINDOW_LATE = "window_late";

    static final List<String> ROUTER = List.of(READ, ACCEPTED, MALFORMED_JSON, SCHEMA_VIOLATION, FUTURE_EVENT, LATE_EVENT, OTHER);

    private JobCounters() {}

    /** The accumulator of a counter of one job ({@code usage-counters.accepted}). */
    static String accumulator(String job, String counter) {
        return job + "." + counter;
    }

    /** Every counter of one job of a finished Flink job, 0 for those never touched, in a stable order. */
    public static Map<String, Long> of(JobExecutionResult result, String job) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String name : ROUTER) {
            out.put(name, value(result, accumulator(job, name)));
        }
        out.put(WINDOW_LATE, value(result, accumulator(job, WINDOW_LATE)));
        return out;
    }

    private static long value(JobExecutionResult result, String name) {
        Object v = result.getAllAccumulatorResults().get(name);
        return v instanceof Number n ? n.longValue() : 0L;
    }
}
