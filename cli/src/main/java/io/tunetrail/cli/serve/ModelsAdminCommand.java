package io.tunetrail.cli.serve;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.cli.CliError;
import io.tunetrail.cli.CommandGroup;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.Database;
import io.tunetrail.store.registry.PlatformModelFreeze;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tunetrail admin models freeze|unfreeze|status}: the platform-wide emergency model freeze. While it is set no
 * version is promoted anywhere (the nightly promotion step keeps every org's active version, pins are refused); a
 * rollback stays allowed, being the emergency action itself. Each prints the freeze's state as one JSON object.
 */
@Command(name = "models", mixinStandardHelpOptions = true, description = "The platform-wide emergency model freeze.",
        subcommands = {ModelsAdminCommand.Freeze.class, ModelsAdminCommand.Unfreeze.class, ModelsAdminCommand.Status.class})
final class ModelsAdminCommand extends CommandGroup {
    @Command(name = "freeze", mixinStandardHelpOptions = true,
            description = {"Stop every model promotion on the platform until unfreeze: the nightly jobs keep each org's active "
                    + "version (candidates stay candidates), pins answer 409. Rollbacks stay allowed.",
                "Returns once promotions already deciding have committed: none goes through after it."})
    static final class Freeze implements Callable<Integer> {
        @Option(names = "--reason", required = true, description = "Why (shown by status; up to 500 characters).")
        String reason;

        @Option(names = "--by", description = "Who sets it (default: the OS user).")
        String by;

        @Override
        public Integer call() throws Exception {
            return set(true, reason, by);
        }
    }

    @Command(name = "unfreeze", mixinStandardHelpOptions = true, description = "Allow promotions again (the next nightly run promotes as usual).")
    static final class Unfreeze implements Callable<Integer> {
        @Option(names = "--by", description = "Who clears it (default: the OS user).")
        String by;

        @Override
        public Integer call() throws Exception {
            return set(false, "", by);
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Whether the platform's models are frozen, why, by whom, since when.")
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            try (HikariDataSource ds = connect()) {
                print(new PlatformModelFreeze(ds).state());
            }
            return 0;
        }
    }

    private static int set(boolean frozen, String reason, String by) throws Exception {
        if (reason.length() > 500) {
            throw CliError.usage("--reason is " + reason.length() + " characters long", "say it in 500 characters or fewer");
        }
        String who = by == null ? System.getProperty("user.name", "") : by;
        if (who.length() > 200) {
            throw CliError.usage("--by is longer than 200 characters", "give a name or an e-mail address");
        }
        try (HikariDataSource ds = connect()) {
            print(new PlatformModelFreeze(ds).set(frozen, reason, who));
        }
        return 0;
    }

    /** The database, migrated: an emergency freeze must work on a platform whose API has not restarted since the upgrade. */
    private static HikariDataSource connect() {
        PlatformConfig config = TunetrailCli.config();
        HikariDataSource ds = Database.connect(config, 2);
        Database.migrate(ds, config);
        return ds;
    }

    private static void print(PlatformModelFreeze.State s) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("frozen", s.frozen());
        out.put("reason", s.reason());
        out.put("changed_by", s.changedBy());
        out.put("changed_at", s.changedAt().toString());
        out.put("rollback_allowed", true);
        System.out.println(AdminCommand.JSON.writeValueAsString(out));
    }
}
