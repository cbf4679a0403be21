package io.tunetrail.cli.serve;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.cli.CliError;
import io.tunetrail.cli.CommandGroup;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.Database;
import io.tunetrail.store.StoreException;
import io.tunetrail.store.analyst.AnalystAccounts;
import io.tunetrail.store.analyst.OrgDatabase;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./tunetrail admin analyst create}: a login for the SQL endpoint, its generated password printed once. */
@Command(name = "analyst", mixinStandardHelpOptions = true, description = "SQL endpoint accounts of BI analysts.",
        subcommands = AnalystAdminCommand.Create.class)
final class AnalystAdminCommand extends CommandGroup {
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create an analyst account; its password is printed once, in the JSON object, and never again.",
                "Without --org it reads every org's tables; with --org only that org's views."})
    static final class Create implements Callable<Integer> {
        @Option(names = "--name", required = true, description = "The login: 2..64 of a-z 0-9 . _ -, starting with a letter.")
        String name;

        @Option(names = "--org", description = "Bind the account to this org id: it sees only that org's rows.")
        String org;

        @Override
        public Integer call() throws Exception {
            PlatformConfig config = TunetrailCli.config();
            try (HikariDataSource ds = Database.connect(config, 2)) {
                AnalystAccounts.Created created;
                try {
                    created = new AnalystAccounts(ds, Clock.systemUTC()).create(name, org);
                } catch (StoreException e) {
                    if (e.kind() == StoreException.Kind.UNAVAILABLE) {
                        throw e;
                    }
                    throw CliError.usage(e.getMessage(), "see ./tunetrail admin analyst create --help");
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("name", created.name());
                out.put("org_id", created.orgId());
                out.put("password", created.password());
                out.put("jdbc_url", "jdbc:hive2://" + config.get(PlatformConfig.SQL_HOST) + ":" + config.getInt(PlatformConfig.SQL_PORT)
                        + "/" + (created.orgId() == null ? "default" : OrgDatabase.of(created.orgId())));
                System.out.println(AdminCommand.JSON.writeValueAsString(out));
            }
            return 0;
        }
    }
}
