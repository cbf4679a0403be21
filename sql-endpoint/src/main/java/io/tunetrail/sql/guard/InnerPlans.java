package io.tunetrail.sql.guard;

/**
 * Tells a statement's own plan from the plans analysed or optimised inside it, which the guards leave alone:
 * <ul>
 *   <li>a view's body, which the analyser checks eagerly while it resolves the view. Only the endpoint creates views
 *       (analysts are read-only), and the statement's own plan is checked afterwards with the view node in it, where
 *       a view of another database is refused; an org view's body reads the raw table by design.</li>
 *   <li>Delta's own reads of a table's log (its snapshot state), which Delta runs in the caller's session. Their rows
 *       go to Delta, never to the client, and the statement that made Delta read was checked as a whole.</li>
 * </ul>
 * The call stack says which it is, and no statement can change the call stack: a statement's own plan is analysed
 * and optimised from {@code QueryExecution} with neither on the stack.
 */
final class InnerPlans {
    private static final String DELTA = "org.apache.spark.sql.delta.";
    private static final String RESOLVE_RELATIONS = "org.apache.spark.sql.catalyst.analysis.Analyzer$ResolveRelations";

    private InnerPlans() {}

    static boolean analysingOne() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(f -> f.getClassName().startsWith(DELTA)
                || (f.getClassName().startsWith(RESOLVE_RELATIONS) && f.getMethodName().endsWith("resolveViews"))));
    }
}
