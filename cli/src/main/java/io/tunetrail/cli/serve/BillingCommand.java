package io.tunetrail.cli.serve;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.api.billing.BillingMeterSync;
import io.tunetrail.api.billing.MeterReconciliation;
import io.tunetrail.api.billing.StripeApi;
import io.tunetrail.api.billing.StripeSettings;
import io.tunetrail.api.store.Sql;
import io.tunetrail.cli.CliError;
import io.tunetrail.cli.CommandGroup;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.Database;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tunetrail billing sync | reconcile}: closed usage days to Stripe Billing Meters, and what Stripe holds
 * against what we counted. Both print one JSON object; a sync with failed days exits 1, a reconcile that finds days
 * that differ exits {@value CliError#DIFFERENCES} with a one-line reason (after the report).
 */
@Command(name = "billing", mixinStandardHelpOptions = true,
        description = {"Report closed usage days (usage_ledger) to Stripe Billing Meters and reconcile what Stripe holds.",
            "Needs api.stripe.api-key (env TUNETRAIL_API_STRIPE_API_KEY); meters per resource in api.stripe.meters."},
        subcommands = {BillingCommand.Sync.class, BillingCommand.Reconcile.class})
public final class BillingCommand extends CommandGroup {

    @Command(name = "sync", mixinStandardHelpOptions = true,
            description = {"Send each closed UTC day of each metered resource not yet sent as one Stripe meter event (identifier",
                "tt:<org>:<resource>:<day>), retrying with backoff; record Stripe's answer in billing_meter_reports. A sent day",
                "is never sent again. Skipped with a reason: orgs without a Stripe customer, resources without a metered price in",
                "their plan (stripe_metered_prices) or without a meter, days older than Stripe accepts (35 days), zero days.",
                "Exits 1 when a day failed (the next sync tries it again)."})
    static final class Sync implements Callable<Integer> {
        @Option(names = "--dry-run", description = "List what would be sent; send and record nothing.")
        boolean dryRun;

        @Option(names = "--org", description = "Only this org (id).")
        String org;

        @Override
        public Integer call() throws Exception {
            PlatformConfig config = TunetrailCli.config();
            try (HikariDataSource ds = Database.connect(config, 2)) {
                BillingMeterSync.Report r = new BillingMeterSync(new Sql(ds), PlanCatalog.load(), stripe(config), Clock.systemUTC())
                        .sync(dryRun, org);
                System.out.println(AdminCommand.JSON.writeValueAsString(r));
                return r.failed().isEmpty() ? 0 : CliError.FAILED;
            } catch (IllegalStateException e) {
                throw CliError.failed("billing sync", e.getMessage(), "see ./tunetrail billing sync --help");
            }
        }
    }

    @Command(name = "reconcile", mixinStandardHelpOptions = true,
            description = {"Compare, per org, metered resource and UTC day, Stripe's meter event summaries with the units counted",
                "(usage_ledger) and reported (billing_meter_reports); flag stripe_differs_from_report, not_reported and",
                "ledger_changed_after_report. Prints the days that differ (all days with --all).",
                "Exits 4 when a day differs (one line on stderr names how many), 0 when all agree."})
    static final class Reconcile implements Callable<Integer> {
        @Option(names = "--from", description = "First day (YYYY-MM-DD, UTC); default 30 days before --to.")
        String from;

        @Option(names = "--to", description = "Day after the last (YYYY-MM-DD, UTC); default today (so up to yesterday).")
        String to;

        @Option(names = "--org", description = "Only this org (id).")
        String org;

        @Option(names = "--all", description = "List every compared day, not only those that differ.")
        boolean all;

        @Override
        public Integer call() throws Exception {
            LocalDate end = day("--to", to, LocalDate.now(ZoneOffset.UTC));
            LocalDate start = day("--from", from, end.minusDays(30));
            PlatformConfig config = TunetrailCli.config();
            try (HikariDataSource ds = Database.connect(config, 2)) {
                MeterReconciliation.Report r = new MeterReconciliation(new Sql(ds), PlanCatalog.load(), stripe(config), Clock.systemUTC())
                        .reconcile(start, end, org, all);
                System.out.println(AdminCommand.JSON.writeValueAsString(r));
                if (r.differences() > 0) {
                    // Printed, then refused: a DAG or operator that only looks at the exit code must not read it as agreement.
                    throw CliError.differences("billing reconcile", r.differences() + " of " + r.daysCompared()
                            + " compared days differ between Stripe, what we reported and what we counted",
                            "the report on stdout flags each day; ./tunetrail billing sync sends days not yet reported");
                }
                return 0;
            } catch (IllegalArgumentException e) {
                throw CliError.usage(e.getMessage(), "pass --from and --to at most " + MeterReconciliation.MAX_DAYS + " days apart");
            } catch (IllegalStateException e) {
                throw CliError.failed("billing reconcile", e.getMessage(), "see ./tunetrail billing reconcile --help");
            } catch (StripeApi.Failure e) {
                throw CliError.failed("billing reconcile", e.getMessage(), "check api.stripe.api-key and Stripe's status, then run it again");
            }
        }
    }

    static StripeApi stripe(PlatformConfig config) {
        try {
            return new StripeApi(StripeSettings.from(config));
        } catch (IllegalArgumentException e) {
            throw CliError.usage(e.getMessage(), "fix the configuration (config/tunetrail.sample.properties lists the keys)");
        }
    }

    private static LocalDate day(String option, String text, LocalDate fallback) {
        if (text == null) {
            return fallback;
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw CliError.usage(option + " '" + text + "' is not a date", "write it as YYYY-MM-DD");
        }
    }
}
