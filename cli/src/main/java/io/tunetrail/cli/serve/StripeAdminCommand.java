package io.tunetrail.cli.serve;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.api.billing.ParkedStripeEvents;
import io.tunetrail.api.store.Sql;
import io.tunetrail.cli.CliError;
import io.tunetrail.cli.CommandGroup;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.store.Database;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tunetrail admin stripe parked}: the Stripe events the API stored but could not apply (unknown customer, org
 * or price), for operators. The API re-applies them itself when the customer is linked and at each start.
 */
@Command(name = "stripe", mixinStandardHelpOptions = true, description = "Stripe billing events.", subcommands = StripeAdminCommand.Parked.class)
final class StripeAdminCommand extends CommandGroup {
    @Command(name = "parked", mixinStandardHelpOptions = true,
            description = {"List parked Stripe events (newest first) as one JSON object.",
                "Each names why it waits: unknown_customer (no org has the customer yet), unknown_org, unknown_price (add the "
                        + "price to config/plans.yaml and restart the API). The API re-applies them when the customer is linked "
                        + "by a checkout and at each start."})
    static final class Parked implements Callable<Integer> {
        @Option(names = "--all", description = "Include the resolved ones, with what re-applying did.")
        boolean all;

        @Option(names = "--limit", defaultValue = "100", description = "At most this many (1..10000; default 100).")
        int limit;

        @Override
        public Integer call() throws Exception {
            if (limit < 1 || limit > 10_000) {
                throw CliError.usage("--limit " + limit + " is out of range", "pass a number from 1 to 10000");
            }
            try (HikariDataSource ds = Database.connect(TunetrailCli.config(), 2)) {
                List<ParkedStripeEvents.Parked> events = new ParkedStripeEvents(new Sql(ds)).list(all, limit);
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("count", events.size());
                out.put("events", events);
                System.out.println(AdminCommand.JSON.writeValueAsString(out));
            }
            return 0;
        }
    }
}
