package io.tunetrail.cli.serve;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.api.alerts.AlertStore;
import io.tunetrail.api.alerts.ThresholdAlerts;
import io.tunetrail.api.auth.Role;
import io.tunetrail.api.store.OrgStore;
import io.tunetrail.api.store.Sql;
import io.tunetrail.api.store.TeamStore;
import io.tunetrail.cli.CliError;
import io.tunetrail.cli.CommandGroup;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.console.auth.Argon2idPasswords;
import io.tunetrail.console.auth.ConsoleAccounts;
import io.tunetrail.model.Ids;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.Database;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./tunetrail admin console-user create}: web console credentials for a member, the password printed once. */
@Command(name = "console-user", mixinStandardHelpOptions = true, description = "Web console sign-ins of members.",
        subcommands = ConsoleUserCommand.Create.class)
public final class ConsoleUserCommand extends CommandGroup {
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Give a member of an org a web console sign-in (the member is created when the org has none with that e-mail).",
                "Prints one JSON object with a generated password: the only time it is shown."})
    static final class Create implements Callable<Integer> {
        private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+$");

        @Option(names = "--org", required = true, description = "The org's id.")
        String org;

        @Option(names = "--email", required = true, description = "The member's e-mail address, which they sign in with.")
        String email;

        @Option(names = "--role", required = true, description = "owner, admin or member (an existing member must be given their current role).")
        String role;

        @Override
        public Integer call() throws Exception {
            Role r = Role.fromWire(role);
            if (r == null) {
                throw CliError.usage("unknown role '" + role + "'", "use owner, admin or member");
            }
            if (!EMAIL.matcher(email).matches() || email.length() > 320) {
                throw CliError.usage("'" + email + "' is not an e-mail address", "pass --email name@example.com");
            }
            if (!Ids.isValid(org)) {
                throw CliError.usage("'" + org + "' is not a valid org id", "pass the id 'admin org create' printed");
            }
            try (HikariDataSource ds = Database.connect(TunetrailCli.config(), 2)) {
                // The console's tables may be newer than the stack's last start.
                Database.migrate(ds, TunetrailCli.config());
                Sql sql = new Sql(ds);
                OrgStore.Org found = new OrgStore(sql).get(org).orElseThrow(
                        () -> CliError.usage("no org has the id '" + org + "'", "create it with ./tunetrail admin org create"));
                PlanCatalog.Plan plan = PlanCatalog.load().plan(found.planId());
                TeamStore teams = new TeamStore(sql);
                long membersBefore = teams.memberCount(org);
                ConsoleAccounts.CreatedUser user;
                try {
                    user = new ConsoleAccounts(sql, new Argon2idPasswords()).create(org, email, r);
                } catch (ConsoleAccounts.Refused e) {
                    throw CliError.usage(e.getMessage(), e.fix());
                }
                // A new member takes a seat as one added through the API does, so its team_members thresholds alert too.
                Clock clock = Clock.systemUTC();
                ThresholdAlerts.recordedNow(new AlertStore(sql, clock)).heldCountRose(org, plan, "community".equals(found.edition()),
                        "team_members", membersBefore, teams.memberCount(org), clock.instant());
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("org_id", user.orgId());
                out.put("member_id", user.memberId());
                out.put("email", user.email());
                out.put("role", user.role());
                out.put("password", user.password());
                out.put("sign_in", "http://" + TunetrailCli.config().get(io.tunetrail.model.PlatformConfig.API_HOST) + ":"
                        + TunetrailCli.config().get(io.tunetrail.model.PlatformConfig.API_PORT) + "/console/sign-in");
                System.out.println(AdminCommand.JSON.writeValueAsString(out));
            }
            return 0;
        }
    }
}
