package io.tunetrail.cli.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.api.auth.ApiKeyStore;
import io.tunetrail.api.auth.Scope;
import io.tunetrail.api.http.Json;
import io.tunetrail.api.store.OrgStore;
import io.tunetrail.api.store.Sql;
import io.tunetrail.cli.CliError;
import io.tunetrail.cli.CommandGroup;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.model.Ids;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.Database;
import io.tunetrail.store.OrgDeletion;
import io.tunetrail.store.analyst.AnalystAccounts;
import io.tunetrail.store.audio.AudioObjectStore;
import io.tunetrail.store.audio.AudioStoreSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import redis.clients.jedis.JedisPooled;

/**
 * {@code ./tunetrail admin org create|delete} and {@code admin key create}: what operators script, each printing what it
 * created or deleted as one JSON object on standard output (a key's secret appears only there).
 */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = {"Create and delete organisations; create API keys, web console sign-ins and SQL analyst logins; list parked Stripe events;",
            "freeze model promotions. Each command prints what it created as one JSON object."},
        subcommands = {AdminCommand.Org.class, AdminCommand.Key.class, StripeAdminCommand.class, AnalystAdminCommand.class,
            ModelsAdminCommand.class, ConsoleUserCommand.class})
public final class AdminCommand extends CommandGroup {
    static final ObjectMapper JSON = Json.mapper();

    /** The org id made from a name: lower case, runs of other characters as one '-'. */
    static String slug(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return s.length() > 64 ? s.substring(0, 64) : s;
    }

    @Command(name = "org", mixinStandardHelpOptions = true, description = "Organisations.", subcommands = {Org.Create.class, Org.Delete.class})
    static final class Org extends CommandGroup {
        @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an organisation on a plan.")
        static final class Create implements Callable<Integer> {
            @Option(names = "--name", required = true, description = "Display name; the org id is made from it (Acme Music -> acme-music).")
            String name;

            @Option(names = "--plan", required = true, description = "A plan of config/plans.yaml: community, starter, pro, enterprise.")
            String plan;

            @Option(names = "--id", description = "The org id, instead of one made from the name.")
            String id;

            @Override
            public Integer call() throws Exception {
                PlanCatalog plans = PlanCatalog.load();
                PlanCatalog.Plan p = plans.find(plan).orElseThrow(() -> CliError.usage("unknown plan '" + plan + "'",
                        "use one of " + plans.plans().stream().map(PlanCatalog.Plan::id).toList()));
                String orgId = id != null ? id : slug(name);
                if (!Ids.isValid(orgId)) {
                    throw CliError.usage("'" + orgId + "' is not a valid org id", "pass --id with letters, digits, . _ : @ / -");
                }
                try (HikariDataSource ds = Database.connect(TunetrailCli.config(), 2)) {
                    OrgStore orgs = new OrgStore(new Sql(ds));
                    if (orgs.get(orgId).isPresent()) {
                        throw CliError.usage("org '" + orgId + "' exists already", "choose another --name or pass --id");
                    }
                    OrgStore.Org org = orgs.create(orgId, name, p.id(), "community".equals(p.edition()) ? "community" : "cloud");
                    System.out.println(JSON.writeValueAsString(org));
                }
                return 0;
            }
        }

        @Command(name = "delete", mixinStandardHelpOptions = true, description = {"Delete an organisation and all its data: its "
                + "PostgreSQL rows (one transaction), its audio objects and its Redis keys; prints what was deleted as one JSON object.",
            "Offline Delta tables are not rewritten. Running it again completes a run that failed after the rows were deleted."})
        static final class Delete implements Callable<Integer> {
            @Option(names = "--org", required = true, description = "The org id.")
            String org;

            @Option(names = "--confirm", required = true, description = "The org id again: nothing is deleted unless it matches --org.")
            String confirm;

            @Override
            public Integer call() throws Exception {
                if (!Ids.isValid(org)) {
                    throw CliError.usage("'" + org + "' is not a valid org id", "pass the org id (admin org create printed it)");
                }
                if (!org.equals(confirm)) {
                    throw CliError.usage("--confirm '" + confirm + "' does not repeat --org '" + org + "'; nothing was deleted",
                            "pass --confirm " + org + " to delete that organisation and all its data");
                }
                PlatformConfig config = TunetrailCli.config();
                try (HikariDataSource ds = Database.connect(config, 2);
                        JedisPooled jedis = new JedisPooled(config.get(PlatformConfig.REDIS_HOST), config.getInt(PlatformConfig.REDIS_PORT));
                        AudioObjectStore audio = AudioStoreSettings.from(config).open()) {
                    OrgDeletion.Deleted deleted = new OrgDeletion(ds, jedis, audio).delete(org);
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("org_id", deleted.orgId());
                    out.put("org_existed", deleted.orgExisted());
                    out.put("rows", deleted.rows());
                    out.put("audio_objects", "deleted");
                    out.put("redis_keys", deleted.onlineKeys());
                    System.out.println(JSON.writeValueAsString(out));
                }
                return 0;
            }
        }
    }

    @Command(name = "key", mixinStandardHelpOptions = true, description = "API keys.", subcommands = Key.Create.class)
    static final class Key extends CommandGroup {
        @Command(name = "create", mixinStandardHelpOptions = true,
                description = "Create an API key; its secret is printed once, in the JSON object, and never again.")
        static final class Create implements Callable<Integer> {
            @Option(names = "--org", required = true, description = "The org's id, or its exact name.")
            String org;

            @Option(names = "--scopes", split = ",", defaultValue = "read,write,admin",
                    description = "Comma-separated scopes: read, write, admin (default: all three); bi lets an enterprise org's key log in to the SQL endpoint.")
            List<String> scopes;

            @Option(names = "--name", defaultValue = "cli key", description = "A label for the key.")
            String name;

            @Override
            public Integer call() throws Exception {
                for (String s : scopes) {
                    if (Scope.fromWire(s) == null && !AnalystAccounts.BI_SCOPE.equals(s)) {
                        throw CliError.usage("unknown scope '" + s + "'", "use read, write, admin and/or bi (the SQL endpoint, enterprise orgs)");
                    }
                }
                try (HikariDataSource ds = Database.connect(TunetrailCli.config(), 2)) {
                    Sql sql = new Sql(ds);
                    OrgStore orgs = new OrgStore(sql);
                    OrgStore.Org target = (Ids.isValid(org) ? orgs.get(org) : java.util.Optional.<OrgStore.Org>empty()).orElseGet(() -> {
                        List<OrgStore.Org> named = orgs.byName(org);
                        if (named.size() != 1) {
                            throw CliError.usage(named.isEmpty() ? "no org has the id or name '" + org + "'"
                                    : "several orgs are named '" + org + "'", "pass the org id (admin org create printed it)");
                        }
                        return named.get(0);
                    });
                    ApiKeyStore.CreatedKey created = new ApiKeyStore(sql).create(target.orgId(), null, name, scopes, null);
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("org_id", target.orgId());
                    out.put("plan", target.planId());
                    out.put("key_id", created.key().keyId());
                    out.put("prefix", created.key().prefix());
                    out.put("scopes", created.key().scopes());
                    out.put("secret", created.secret());
                    System.out.println(JSON.writeValueAsString(out));
                }
                return 0;
            }
        }
    }
}
