package io.tunetrail.cli.chaos;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.cli.stack.LocalStack;
import io.tunetrail.cli.stack.ServiceStatus;
import io.tunetrail.model.PlatformConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code ./tunetrail chaos}: the fault and abuse scenarios against the running stack the configuration points at, one
 * after the other, then a table of what each found. Exit 1 when any failed.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = {"Break the running local stack on purpose (stop Redis, restart PostgreSQL, stop the broker, ...) while the "
                + "platform works, and check that it behaves as documented (README, 'Failure modes').",
            "Prints a table (scenario, passed, what the platform did, what was measured); exits 1 when a scenario failed.",
            "It stops and starts the stack's own services: never run it against a stack others are using."})
public final class ChaosCommand implements Callable<Integer> {
    @Option(names = "--only", split = ",", paramLabel = "NAME", description = "Run only these scenarios (see --list).")
    List<String> only;

    @Option(names = "--list", description = "List the scenarios and exit.")
    boolean list;

    @Unmatched
    List<String> unmatched;

    @Override
    public Integer call() {
        if (unmatched != null && !unmatched.isEmpty()) {
            throw CliError.usage("unknown argument '" + unmatched.get(0) + "'", "see ./tunetrail chaos --help");
        }
        Map<String, ChaosScenario> byName = new LinkedHashMap<>();
        for (ChaosScenario s : ChaosScenarios.all()) {
            byName.put(s.name(), s);
        }
        if (list) {
            byName.values().forEach(s -> System.out.printf("%-20s %s%n", s.name(), s.description()));
            return 0;
        }
        List<ChaosScenario> chosen = new ArrayList<>();
        for (String name : only == null ? List.copyOf(byName.keySet()) : only) {
            ChaosScenario s = byName.get(name.strip());
            if (s == null) {
                throw CliError.usage("unknown scenario '" + name + "'", "choose among " + String.join(", ", byName.keySet()));
            }
            chosen.add(s);
        }
        if (chosen.isEmpty()) {
            throw CliError.usage("no scenario to run", "this build has none registered in ChaosScenarios.all()");
        }
        PlatformConfig config = TunetrailCli.config();
        // Its processes must be there; one that is slow to answer a probe on a busy machine is only worth a warning.
        for (ServiceStatus st : new LocalStack(config, line -> { }).status()) {
            if (st.state() == ServiceStatus.State.STOPPED || st.state() == ServiceStatus.State.PORT_TAKEN) {
                throw CliError.environment("the local stack's " + st.service() + " is not running (home " + config.home() + ")",
                        "the scenarios break and repair the stack's own services", "start it with ./tunetrail stack start");
            }
            if (!st.isRunning()) {
                System.out.println("warning: " + st.service() + " on " + st.address() + " did not answer its probe; running the scenarios anyway");
            }
        }
        List<Row> rows = new ArrayList<>();
        for (ChaosScenario s : chosen) {
            System.out.println("== " + s.name() + ": " + s.description());
            long t0 = System.nanoTime();
            ChaosScenario.Outcome outcome;
            try {
                outcome = s.run(config, line -> System.out.println("[" + s.name() + "] " + line));
            } catch (Exception e) {
                outcome = new ChaosScenario.Outcome(false, "the scenario could not run", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            rows.add(new Row(s.name(), outcome, (System.nanoTime() - t0) / 1e9));
        }
        System.out.println();
        System.out.println(table(rows));
        return rows.stream().allMatch(r -> r.outcome().passed()) ? 0 : CliError.FAILED;
    }

    /** One scenario's line of the table. */
    record Row(String name, ChaosScenario.Outcome outcome, double seconds) {}

    /** A Markdown table, so it can go into the README's failure-modes section as printed. */
    static String table(List<Row> rows) {
        StringBuilder out = new StringBuilder("| scenario | passed | what the platform did | measured |\n|---|---|---|---|\n");
        for (Row r : rows) {
            out.append("| ").append(r.name()).append(" | ").append(r.outcome().passed() ? "yes" : "NO")
                    .append(String.format(" (%.0f s)", r.seconds())).append(" | ").append(cell(r.outcome().platformDid()))
                    .append(" | ").append(cell(r.outcome().measured())).append(" |\n");
        }
        return out.toString().stripTrailing();
    }

    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace('\n', ' ');
    }
}
