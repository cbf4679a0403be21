package io.tunetrail.sql.guard;

import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.analysis.ResolvedNamespace;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.expressions.CallMethodViaReflection;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.logical.CTERelationRef;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.OneRowRelation;
import org.apache.spark.sql.catalyst.plans.logical.Range;
import org.apache.spark.sql.catalyst.plans.logical.SetCatalogAndNamespace;
import org.apache.spark.sql.catalyst.plans.logical.ShowTables;
import org.apache.spark.sql.catalyst.plans.logical.View;
import org.apache.spark.sql.connector.catalog.CatalogManager;
import org.apache.spark.sql.execution.command.DescribeColumnCommand;
import org.apache.spark.sql.execution.command.DescribeTableCommand;
import org.apache.spark.sql.execution.command.SetCommand;
import org.apache.spark.sql.execution.command.SetNamespaceCommand;
import org.apache.spark.sql.execution.command.ShowColumnsCommand;
import org.apache.spark.sql.execution.command.ShowTablesCommand;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2Relation;
import scala.Option;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * The check every analysed plan of an analyst's session passes before it runs (a Spark check rule, so no statement
 * form escapes it: joins, subqueries, CTEs, unions and views are all one tree by then).
 *
 * <p>Every analyst is read-only: a command runs only when it is on the read-only list, and {@code reflect} /
 * {@code java_method} (static Java calls inside the server) never run. An org-bound account reads only the views of
 * its org's database: a view there is accepted without looking inside it (its body reads the raw table, filtered to
 * the org), any other relation is refused, whatever form named it (a table, another org's view, {@code delta.`/path`},
 * {@code parquet.`/path`}); its commands are limited to listing, describing and using its own database.
 */
public final class PlanGuard {
    /** Commands that only read metadata or session settings: every analyst may run them. */
    private static final Set<String> READ_ONLY_COMMANDS = Set.of("ShowTablesCommand", "ShowTables", "ShowNamespaces",
            "ShowViewsCommand", "ShowColumnsCommand", "ShowFunctionsCommand", "ShowTablePropertiesCommand", "ShowCreateTableCommand",
            "ShowPartitionsCommand", "ShowCurrentNamespaceCommand", "ShowCatalogsCommand", "DescribeTableCommand",
            "DescribeColumnCommand", "DescribeDatabaseCommand", "DescribeFunctionCommand", "DescribeQueryCommand",
            "DescribeRelation", "DescribeNamespace", "DescribeDeltaHistory", "DescribeDeltaHistoryCommand", "DescribeDeltaDetailCommand",
            "ShowDeltaTableColumnsCommand", "ExplainCommand",
            "SetCommand", "ResetCommand", "SetNamespaceCommand", "SetCatalogCommand", "SetCatalogAndNamespace");

    private PlanGuard() {}

    /** Refuses {@code plan} for {@code who} with a {@link Refused} naming what and why; returns when it may run. */
    public static void check(LogicalPlan plan, SessionAccount who, SparkSession session) {
        switch (who.kind()) {
            case ENDPOINT -> {
                return;
            }
            case UNKNOWN -> {
                String name = plan.getClass().getSimpleName();
                if (name.equals("SetNamespaceCommand") || name.equals("SetCatalogAndNamespace")) {
                    return; // a session opening on a database (jdbc:hive2://host:port/db): the login is checked first
                }
                throw new Refused(name + ": this session has no known account; log in again");
            }
            default -> {
                if (InnerPlans.analysingOne()) {
                    return;
                }
                walk(plan, who, session);
            }
        }
    }

    private static void walk(LogicalPlan node, SessionAccount who, SparkSession session) {
        if (node instanceof View view) {
            if (who.orgBound()) {
                CatalogTable desc = view.desc();
                String db = desc.identifier().database().isDefined() ? desc.identifier().database().get() : "";
                if (!view.isTempView() && db.equals(who.orgDatabase())) {
                    return; // the org's own view: its body reads the raw table, filtered to the org by definition
                }
                throw new Refused("view " + desc.identifier().unquotedString() + " is not one of the views of "
                        + who.orgDatabase() + "; " + who.describe() + " may read only those (SHOW TABLES IN " + who.orgDatabase() + ")");
            }
        } else if (node instanceof Command) {
            checkCommand(node, who, session);
            return;
        } else if (node.children().isEmpty() && who.orgBound() && !harmlessLeaf(node)) {
            throw new Refused(relationName(node) + " is not a view of " + who.orgDatabase() + "; " + who.describe()
                    + " may read only its org's views (SHOW TABLES IN " + who.orgDatabase() + ")");
        }
        for (Expression e : list(node.expressions())) {
            walk(e, who, session);
        }
        for (LogicalPlan child : list(node.children())) {
            walk(child, who, session);
        }
    }

    private static void walk(Expression e, SessionAccount who, SparkSession session) {
        if (e instanceof CallMethodViaReflection) {
            throw new Refused(e.prettyName() + "() calls Java methods inside the server; it is not available to analysts");
        }
        if (e instanceof SubqueryExpression sub) {
            walk(sub.plan(), who, session);
        }
        for (Expression child : list(e.children())) {
            walk(child, who, session);
        }
    }

    private static boolean harmlessLeaf(LogicalPlan leaf) {
        return leaf instanceof LocalRelation || leaf instanceof OneRowRelation || leaf instanceof Range || leaf instanceof CTERelationRef;
    }

    private static void checkCommand(LogicalPlan command, SessionAccount who, SparkSession session) {
        String name = command.getClass().getSimpleName();
        if (!READ_ONLY_COMMANDS.contains(name)) {
            throw new Refused(name + " is not allowed: analyst accounts are read-only (queries, SHOW, DESCRIBE, USE)");
        }
        if (!who.orgBound()) {
            return;
        }
        String own = who.orgDatabase();
        String current = session.catalog().currentDatabase();
        boolean allowed;
        if (command instanceof ShowTablesCommand show) {
            allowed = orElse(show.databaseName(), current).equals(own);
        } else if (command instanceof ShowTables show) {
            // Spark 3.5 lists tables with the v2 command unless spark.sql.legacy.useV1Command is set: the namespace is
            // resolved by now, to the current one when the statement named none.
            allowed = isOwnNamespace(show.namespace(), own);
        } else if (command instanceof SetCatalogAndNamespace use) {
            allowed = isOwnNamespace(use.child(), own);
        } else if (command instanceof SetNamespaceCommand use) {
            allowed = list(use.namespace()).equals(List.of(own));
        } else if (command instanceof DescribeTableCommand describe) {
            allowed = inOwn(describe.table(), current, own);
        } else if (command instanceof DescribeColumnCommand describe) {
            allowed = inOwn(describe.table(), current, own);
        } else if (command instanceof ShowColumnsCommand show) {
            allowed = orElse(show.databaseName(), orElse(show.tableName().database(), current)).equals(own);
        } else if (command instanceof SetCommand set) {
            // Reading a setting is harmless; changing one could change how the engine resolves or plans a statement.
            allowed = set.kv().isEmpty() || set.kv().get()._2().isEmpty();
            if (!allowed) {
                throw new Refused("SET " + set.kv().get()._1() + " is not allowed: " + who.describe() + " may not change settings");
            }
        } else {
            allowed = false;
        }
        if (!allowed) {
            throw new Refused(name + " outside " + own + " is not allowed: " + who.describe() + " may list, describe and use only "
                    + own);
        }
    }

    private static boolean isOwnNamespace(LogicalPlan namespace, String own) {
        return namespace instanceof ResolvedNamespace ns && ns.catalog().name().equals(CatalogManager.SESSION_CATALOG_NAME())
                && list(ns.namespace()).equals(List.of(own));
    }

    private static boolean inOwn(TableIdentifier table, String current, String own) {
        return orElse(table.database(), current).equals(own);
    }

    private static String relationName(LogicalPlan leaf) {
        if (leaf instanceof LogicalRelation r) {
            if (r.catalogTable().isDefined()) {
                return "table " + r.catalogTable().get().identifier().unquotedString();
            }
            return r.relation() instanceof HadoopFsRelation files ? "the files at " + list(files.location().rootPaths())
                    : "the files read by " + r.relation();
        }
        if (leaf instanceof DataSourceV2Relation r) {
            return "table " + r.table().name();
        }
        return "relation " + leaf.nodeName() + " (" + abbreviate(leaf.simpleString(10)) + ")";
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private static <T> T orElse(Option<T> option, T otherwise) {
        return option.isDefined() ? option.get() : otherwise;
    }

    static <T> List<T> list(Seq<T> seq) {
        return JavaConverters.seqAsJavaListConverter(seq).asJava();
    }
}
