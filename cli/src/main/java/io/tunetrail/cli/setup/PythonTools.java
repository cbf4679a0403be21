package io.tunetrail.cli.setup;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.stack.Exec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The Python tools the DAG tests need ({@code airflow-dags/tests}): pytest and Jinja (the runner renders templates with
 * it) as modules of {@code python3}, ruff as a program. Installed with pip from the configured index, only when missing.
 */
final class PythonTools {
    /** pip package → how to tell it is there: a module python3 imports, or a program on the PATH. */
    private static final Map<String, String> MODULES = Map.of("pytest", "pytest", "jinja2", "jinja2");
    private static final String PROGRAM = "ruff";

    private final Consumer<String> progress;

    PythonTools(Consumer<String> progress) {
        this.progress = progress;
    }

    /** The pip packages missing here (all of them when there is no python3 to ask). */
    List<String> missing() {
        List<String> missing = new ArrayList<>();
        MODULES.forEach((pkg, module) -> {
            if (!Exec.run(List.of("python3", "-c", "import " + module)).ok()) {
                missing.add(pkg);
            }
        });
        if (Exec.which(PROGRAM) == null) {
            missing.add(PROGRAM);
        }
        return missing.stream().sorted().toList();
    }

    void install(List<String> packages) {
        progress.accept("  pip install " + String.join(" ", packages));
        List<String> cmd = new ArrayList<>(List.of("python3", "-m", "pip", "install", "--quiet", "--disable-pip-version-check"));
        cmd.addAll(packages);
        Exec.Result r = Exec.run(cmd, null, Map.of(), null, Duration.ofMinutes(10), line -> {});
        if (!r.ok() && r.tailText().contains("externally-managed-environment")) {
            // Debian's python3 refuses pip outside a virtualenv (PEP 668); these are test tools, not system libraries.
            cmd.add("--break-system-packages");
            r = Exec.run(cmd, null, Map.of(), null, Duration.ofMinutes(10), line -> {});
        }
        if (!r.ok()) {
            throw CliError.failed("pip install " + String.join(" ", packages) + " failed", r.tailText(),
                    "Install them by hand (python3 -m pip install " + String.join(" ", packages) + ") and run setup again");
        }
        List<String> still = missing();
        if (!still.isEmpty()) {
            throw CliError.failed("pip reported success but " + still + " are still missing", r.tailText(),
                    "Check that pip's scripts directory is on the PATH, and run setup again");
        }
    }
}
