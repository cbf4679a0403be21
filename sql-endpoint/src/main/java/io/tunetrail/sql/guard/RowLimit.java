package io.tunetrail.sql.guard;

import io.tunetrail.model.PlatformConfig;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.IsNull;
import org.apache.spark.sql.catalyst.expressions.LessThan;
import org.apache.spark.sql.catalyst.expressions.Or;
import org.apache.spark.sql.catalyst.expressions.RaiseError;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.Limit;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Subquery;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.functions;

/**
 * Bounds what an analyst's query may answer: the optimised plan reads at most {@code sql.max-rows + 1} rows, and the
 * one past the limit fails the query with a message naming the limit (the server never holds an unbounded result,
 * and nobody mistakes a truncated answer for the whole one).
 *
 * <p>After the limit the rows are in one partition (a global limit gathers them), so the engine's monotonically
 * increasing id numbers them 0, 1, 2, ... there. A plan whose size the optimiser knows to be within the limit is left
 * alone: the limit above it would be optimised away and its rows left in several partitions. Only the statement's own root is wrapped: subqueries are optimised
 * under a {@link Subquery} root, commands are not queries, and Delta's reads of its log are no answer
 * ({@link InnerPlans}).
 */
public final class RowLimit extends Rule<LogicalPlan> {
    static final String MARKER = "sql.max-rows";
    private final SparkSession session;

    public RowLimit(SparkSession session) {
        this.session = session;
    }

    @Override
    public LogicalPlan apply(LogicalPlan plan) {
        SessionDirectory directory = Guards.directory();
        if (directory == null || directory.maxRows() <= 0 || plan instanceof Command || plan instanceof Subquery || wrapped(plan)
                || Guards.accountOf(session).kind() != SessionAccount.Kind.ANALYST || InnerPlans.analysingOne()) {
            return plan;
        }
        long max = directory.maxRows();
        scala.Option<Object> bound = plan.maxRows();
        if (bound.isDefined() && ((Number) bound.get()).longValue() <= max) {
            // It cannot answer too many. Wrapping it anyway would be wrong: the optimiser drops a limit above a plan this
            // small, so its rows stay in several partitions, where the ids below jump by 2^33 (a UNION of two limited reads
            // of 3 and 2 rows was refused as "more than 100000 rows").
            return plan;
        }
        Expression withinLimit = new LessThan(functions.monotonically_increasing_id().expr(), functions.lit(max).expr());
        Expression tooMany = new IsNull(new RaiseError(functions.lit("the query answers more than " + max + " rows, the limit "
                + PlatformConfig.SQL_MAX_ROWS.name() + " sets: aggregate, filter or add a LIMIT").expr()));
        return new Filter(new Or(withinLimit, tooMany), (LogicalPlan) Limit.apply(functions.lit((int) Math.min(max + 1, Integer.MAX_VALUE)).expr(), plan));
    }

    private static boolean wrapped(LogicalPlan plan) {
        return plan instanceof Filter f && f.condition().toString().contains(MARKER);
    }
}
