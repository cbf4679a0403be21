package io.tunetrail.cli.sql;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.cli.stack.Exec;
import io.tunetrail.cli.stack.SqlEndpointProcess;
import io.tunetrail.model.PlatformConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tunetrail notebooks}: runs {@code notebooks/*.ipynb} headless against the running SQL endpoint, logged in as
 * an analyst, and with {@code --html} writes one report per notebook with its charts. The notebooks' own runner
 * ({@code notebooks/run_notebooks.py}) does the work in Debian's python3, which has the packages setup installs.
 */
@Command(name = "notebooks", mixinStandardHelpOptions = true,
        description = {"Run the analyst notebooks (usage & billing, listening, model quality, data quality) headless against the SQL",
            "endpoint (./tunetrail sql serve) as --user (password in TUNETRAIL_SQL_PASSWORD); --html DIR writes HTML reports."})
public final class NotebooksCommand implements Callable<Integer> {
    /** Debian's interpreter: JPype, the notebooks' JDBC bridge, is a Debian package here, not on the pip mirror. */
    static final String PYTHON = "/usr/bin/python3";
    static final String MODULES = "jpype, pandas, matplotlib, nbclient, nbconvert, ipykernel";

    @Option(names = "--html", description = "Write <notebook>.html reports into this folder.")
    Path html;

    @Option(names = {"-u", "--user"}, required = true, description = "An analyst account (admin analyst create) or an API key id with the bi scope.")
    String user;

    @Option(names = "--database", defaultValue = "lake",
            description = "Where the notebooks read the tables: lake (every-org accounts) or an org's database (org_acme) for an org-bound one.")
    String database;

    @Option(names = "--only", description = "Comma-separated notebook names (usage_billing, listening, model_quality, data_quality).")
    String only;

    @Override
    public Integer call() {
        String password = System.getenv("TUNETRAIL_SQL_PASSWORD");
        if (password == null || password.isEmpty()) {
            throw CliError.usage("TUNETRAIL_SQL_PASSWORD is not set", "export the password admin analyst create printed for " + user);
        }
        Path root = SqlCommand.root();
        Path runner = root.resolve("notebooks").resolve("run_notebooks.py");
        if (!Files.isRegularFile(runner)) {
            throw CliError.environment("the notebooks are missing", runner + " does not exist", "Run it from a TuneTrail checkout");
        }
        if (!Files.isExecutable(Path.of(PYTHON)) || !Exec.run(List.of(PYTHON, "-c", "import " + MODULES)).ok()) {
            throw CliError.environment("the notebook packages are missing", PYTHON + " cannot import " + MODULES,
                    "Run ./tunetrail setup (it installs Debian's python3-jpype, python3-pandas, ... packages)");
        }
        PlatformConfig config = TunetrailCli.config();
        SqlEndpointProcess endpoint = SqlCommand.endpoint();
        if (!endpoint.status().isRunning()) {
            throw CliError.environment("the SQL endpoint is not running", "the notebooks query it", "Start it with ./tunetrail sql serve");
        }
        List<String> command = new ArrayList<>(List.of(PYTHON, runner.toString()));
        if (html != null) {
            command.addAll(List.of("--html", html.toAbsolutePath().toString()));
        }
        if (only != null) {
            command.addAll(List.of("--only", only));
        }
        Map<String, String> env = new HashMap<>();
        env.put("TUNETRAIL_SQL_URL", "jdbc:hive2://" + config.get(PlatformConfig.SQL_HOST) + ":" + config.getInt(PlatformConfig.SQL_PORT) + "/default");
        env.put("TUNETRAIL_SQL_USER", user);
        env.put("TUNETRAIL_SQL_PASSWORD", password);
        env.put("TUNETRAIL_SQL_DATABASE", database);
        env.put("TUNETRAIL_SQL_CLASSPATH", SqlEndpointProcess.classpath(root));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        Exec.Result r = Exec.run(command, root, env, null, Duration.ofHours(2), System.out::println);
        if (r.exitCode() == 2) {
            throw CliError.usage("no such notebook in --only " + only, "pass usage_billing, listening, model_quality or data_quality");
        }
        if (!r.ok()) {
            throw CliError.failed("a notebook failed", "a cell raised (its error is printed above)",
                    html == null ? "Run again with --html DIR to see the failing cell in its report" : "Open its report in " + html);
        }
        return 0;
    }
}
