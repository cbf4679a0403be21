package io.tunetrail.cli;

import io.tunetrail.cli.setup.Setup;
import io.tunetrail.cli.stack.LocalStack;
import io.tunetrail.model.PlatformConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./tunetrail test}: setup if needed, start the local stack, run the whole Maven suite (unit tests and the
 * integration tests against that stack), and stop the stack again if this command started it.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Run the whole test suite (unit and integration) against the real local stack.",
            "Sets up what is missing, starts the stack, runs ./mvnw verify (*Test and *IT), then the Airflow DAGs'",
            "tests (pytest airflow-dags/tests, ruff check --select AIR,E,F), then stops the services this run",
            "started, and only those. Exits non-zero on any failure.",
            "Extra arguments go to Maven, e.g. ./tunetrail test -- -pl ingestion -Dit.test=KafkaPublishIT"})
public final class TestCommand implements Callable<Integer> {
    @Option(names = "--keep-stack", description = "Leave the stack running afterwards.")
    boolean keepStack;

    @Parameters(paramLabel = "MAVEN_ARG", arity = "0..*", description = "Extra arguments for Maven.")
    List<String> mavenArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PlatformConfig config = TunetrailCli.config();
        Path root = Setup.repositoryRoot();
        if (root == null) {
            throw CliError.environment("the repository root is unknown", "TUNETRAIL_ROOT is not set",
                    "run the tests through ./tunetrail test from the repository");
        }
        System.out.println("== setup");
        // The suite below compiles everything itself, so setup only needs to install what is missing.
        new Setup(config, root, line -> System.out.println("  " + line)).run(false);
        System.out.println("== stack");
        LocalStack stack = new LocalStack(config, line -> System.out.println("  " + line));
        Set<String> started = stack.start();
        // Stop what this run started, and only that, also when the run is interrupted (Ctrl-C, a CI timeout).
        Thread stopOnExit = new Thread(() -> stopStarted(stack, started), "stop-test-stack");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        int exit;
        List<String> python;
        try {
            List<String> command = new ArrayList<>(List.of(root.resolve("mvnw").toString(), "verify"));
            command.addAll(mavenArgs);
            System.out.println("== " + String.join(" ", command));
            ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile()).inheritIO();
            // The tests find the stack through the same configuration the CLI resolved.
            pb.environment().putAll(config.asEnv());
            exit = run(pb);
            python = pythonChecks(root, config);
        } finally {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
            stopStarted(stack, started);
        }
        if (exit != 0) {
            throw CliError.failed("the test suite failed", "Maven exited with " + exit
                    + (python.isEmpty() ? "" : "; " + String.join(", ", python) + " failed"),
                    "see the failures above; reports are under */target/surefire-reports and */target/failsafe-reports");
        }
        if (!python.isEmpty()) {
            throw CliError.failed("the DAG tests failed", String.join(", ", python) + " failed", "see the failures above");
        }
        return 0;
    }

    /**
     * The Airflow DAGs' tests ({@code airflow-dags/}): pytest (the DAG files against the Airflow stand-in, the runner,
     * and the data quality DAG end to end on the stack) and ruff's Airflow and pyflakes rules. Returns what failed.
     */
    private static List<String> pythonChecks(Path root, PlatformConfig config) throws IOException, InterruptedException {
        List<String> failed = new ArrayList<>();
        for (List<String> command : List.of(List.of("python3", "-m", "pytest", "airflow-dags/tests", "-q"),
                List.of("ruff", "check", "--select", "AIR,E,F", "airflow-dags"))) {
            System.out.println("== " + String.join(" ", command));
            ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile()).inheritIO();
            pb.environment().putAll(config.asEnv());
            if (run(pb) != 0) {
                failed.add(command.get(0).equals("ruff") ? "ruff" : "pytest");
            }
        }
        return failed;
    }

    private void stopStarted(LocalStack stack, Set<String> started) {
        if (!started.isEmpty() && !keepStack) {
            System.out.println("== stopping what this run started: " + String.join(", ", started));
            stack.stop(started);
        }
    }

    private static int run(ProcessBuilder pb) throws IOException, InterruptedException {
        Process p = pb.start();
        try {
            return p.waitFor();
        } finally {
            if (p.isAlive()) {
                p.destroy();
            }
        }
    }
}
