package io.tunetrail.cli.demo;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.api.auth.ApiKeyStore;
import io.tunetrail.api.auth.Role;
import io.tunetrail.console.auth.Argon2idPasswords;
import io.tunetrail.console.auth.ConsoleAccounts;
import io.tunetrail.api.store.OrgStore;
import io.tunetrail.api.store.Sql;
import io.tunetrail.cli.stack.LocalCluster;
import io.tunetrail.cli.stack.LocalStack;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.Database;
import java.util.List;
import java.util.Optional;

/**
 * The demo's last stage: starts the serving API in the background (stopped by {@code ./tunetrail stack stop}) and
 * prints ready-to-paste curl commands with one fresh API key per plan, each for an org of that plan from the demo's
 * data (or a new, empty one when the data has no org on that plan), and the web console's address with an owner's
 * sign-in for each of those orgs (a new password on every run).
 */
final class ServeStage implements DemoStage {
    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String description() {
        return "start the serving API in the background and print curl commands, one API key and one console sign-in per plan";
    }

    @Override
    public void run(DemoContext context) {
        String base = new LocalStack(context.config(), line -> context.out().println("    " + line)).startApi();
        PlanCatalog plans = PlanCatalog.load();
        try (HikariDataSource ds = Database.connect(context.config(), 2)) {
            Sql sql = new Sql(ds);
            OrgStore orgs = new OrgStore(sql);
            ApiKeyStore keys = new ApiKeyStore(sql);
            ConsoleAccounts consoleUsers = new ConsoleAccounts(sql, new Argon2idPasswords());
            context.out().println("      API: " + base + "   docs: " + base + "/api/docs/ui");
            for (PlanCatalog.Plan plan : plans.plans()) {
                String orgId = sql.one("finding a demo org", "SELECT org_id FROM organisations WHERE plan_id = ? ORDER BY org_id LIMIT 1",
                        ps -> ps.setString(1, plan.id()), rs -> rs.getString(1)).orElseGet(() -> {
                            String id = "demo-" + plan.id();
                            return orgs.get(id).map(OrgStore.Org::orgId).orElseGet(() -> orgs.create(id, "Demo " + plan.displayName(), plan.id(),
                                    "community".equals(plan.edition()) ? "community" : "cloud").orgId());
                        });
                Optional<String> user = sql.one("finding a listener", "SELECT user_id FROM end_users WHERE org_id = ? ORDER BY user_id LIMIT 1",
                        ps -> ps.setString(1, orgId), rs -> rs.getString(1));
                String secret = keys.create(orgId, null, "demo key", List.of("read", "write", "admin"), null).secret();
                String auth = "curl -s -H 'Authorization: Bearer " + secret + "' ";
                context.out().printf("%n      %s (org %s):%n", plan.displayName(), orgId);
                context.out().println("        " + auth + "'" + base + "/api/v1/ml/daily-mix?user_id=" + user.orElse("someone") + "&limit=5'");
                context.out().println("        " + auth + "'" + base + "/api/v1/tracks/top?limit=5'");
                context.out().println("        " + auth + "'" + base + "/api/v1/usage'");
                ConsoleAccounts.CreatedUser owner = consoleUsers.createOrRenew(orgId, "owner@" + orgId + ".demo", Role.OWNER);
                context.out().println("        console: " + base + "/console   sign in as " + owner.email() + " / " + owner.password());
            }
            context.out().println("\n      (community answers the daily mix with 402 Plan upgrade required: that gate is the point.)");
            if (context.cluster()) {
                LocalCluster cluster = new LocalCluster(context.config(), context.repositoryRoot(), line -> { });
                context.out().println("      clusters (still running): Spark master " + cluster.sparkMasterUrl() + " (status "
                        + cluster.sparkStatusUrl() + "), Flink " + cluster.flinkRestUrl() + "; ./tunetrail cluster stop stops them");
            }
        }
    }
}
