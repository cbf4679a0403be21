package io.tunetrail.sql.guard;

import org.apache.spark.sql.SparkSessionExtensions;
import scala.Function1;
import scala.runtime.BoxedUnit;

/**
 * The SQL endpoint's Spark SQL extension ({@code spark.sql.extensions}): the {@link PlanGuard} check on every analysed
 * plan and the {@link RowLimit} on every optimised query, in every session the server opens.
 */
public final class AnalystGuardExtension implements Function1<SparkSessionExtensions, BoxedUnit> {
    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        extensions.injectCheckRule(session -> plan -> {
            PlanGuard.check(plan, Guards.accountOf(session), session);
            return BoxedUnit.UNIT;
        });
        extensions.injectOptimizerRule(RowLimit::new);
        return BoxedUnit.UNIT;
    }
}
