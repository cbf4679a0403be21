package io.tunetrail.cli.testing;

import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.model.PlatformConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The CLI's real main in a JVM of its own, as operators run it: an empty home, a database's coordinates and any further
 * configuration as environment variables (the only way the CLI reads them besides a file).
 */
public final class CliProcess {
    /** What a run printed and returned. */
    public record Run(int exit, String out, String err) {}

    private final Path home;
    private final Map<String, String> env = new LinkedHashMap<>();

    /** Runs with {@code home} as the platform's home and the database of {@code database}. */
    public CliProcess(Path home, PlatformConfig database) {
        this.home = home;
        env.put(PlatformConfig.HOME.envVar(), home.toString());
        for (PlatformConfig.Key key : List.of(PlatformConfig.POSTGRES_HOST, PlatformConfig.POSTGRES_PORT, PlatformConfig.POSTGRES_DATABASE,
                PlatformConfig.POSTGRES_USER, PlatformConfig.POSTGRES_PASSWORD)) {
            env.put(key.envVar(), database.get(key));
        }
    }

    /** A configuration key set for the runs that follow. */
    public CliProcess with(PlatformConfig.Key key, String value) {
        env.put(key.envVar(), value);
        return this;
    }

    public Run run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TunetrailCli.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the CLI did not finish within 300 s: " + args[0]);
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8).strip(), Files.readString(err, StandardCharsets.UTF_8));
    }
}
